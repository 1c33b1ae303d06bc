//! Putting a job in the queue, once per unique key.

use gridgov_core::jobs::DEFAULT_MAX_ATTEMPTS;
use sqlx::AnyConnection;

use crate::{Store, StoreResult};

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    /// The handler's input as JSON.
    pub payload: serde_json::Value,
    /// One job per key, ever (until the purge removes the job): how periodic jobs are
    /// scheduled once per period by every node that asks.
    pub unique_key: Option<String>,
    pub scope_path: String,
    pub created_by: String,
    /// Not before; `None` for now.
    pub run_at: Option<i64>,
    pub max_attempts: i64,
}

impl NewJob {
    /// A job of the deployment itself (scope: everything), due now, with the default attempts.
    pub fn system(kind: &str, payload: serde_json::Value) -> NewJob {
        NewJob {
            kind: kind.to_owned(),
            payload,
            unique_key: None,
            scope_path: String::new(),
            created_by: "system".to_owned(),
            run_at: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    pub fn keyed(mut self, key: impl Into<String>) -> NewJob {
        self.unique_key = Some(key.into());
        self
    }
}

/// The job's id, and whether this call made it (false: a job with the key was there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enqueued {
    pub id: String,
    pub created: bool,
}

impl Store {
    /// Enqueues a job; with a unique key already taken, answers the existing job instead. Two
    /// nodes enqueueing one key at once make one job: the unique index decides, and the loser's
    /// `ON CONFLICT DO NOTHING` writes nothing.
    pub async fn enqueue_job(&self, job: &NewJob) -> StoreResult<Enqueued> {
        let mut tx = self.begin_write().await?;
        let done = insert(&mut tx, job, self.now_ms()).await?;
        tx.commit().await?;
        Ok(done)
    }
}

/// Inserts the job inside the caller's transaction.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    job: &NewJob,
    now: i64,
) -> StoreResult<Enqueued> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    let made: Option<(String,)> = sqlx::query_as(
        "INSERT INTO jobs (id, kind, payload, unique_key, scope_path, created_by, state, run_at, \
         attempts, max_attempts, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, 0, $8, $9) \
         ON CONFLICT (unique_key) DO NOTHING RETURNING id",
    )
    .bind(&id)
    .bind(&job.kind)
    .bind(job.payload.to_string())
    .bind(job.unique_key.as_deref())
    .bind(&job.scope_path)
    .bind(&job.created_by)
    .bind(job.run_at.unwrap_or(now))
    .bind(job.max_attempts.max(1))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id,)) = made {
        return Ok(Enqueued { id, created: true });
    }
    // Only a unique key can conflict (the id is fresh), so there is a key and a job with it.
    let (id,): (String,) = sqlx::query_as("SELECT id FROM jobs WHERE unique_key = $1")
        .bind(job.unique_key.as_deref())
        .fetch_one(&mut *conn)
        .await?;
    Ok(Enqueued { id, created: false })
}
