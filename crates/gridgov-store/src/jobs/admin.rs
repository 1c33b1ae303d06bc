//! What administrators see and do: the jobs of their scope by state, the failure list, one
//! job, and a retry of a failed one (audited). A user who started a job (a desk import) reads
//! it too, and only it.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::jobs::JobState;
use serde::Serialize;
use serde_json::json;

use super::Job;
use super::row::{COLUMNS, JobRow, into_jobs};
use crate::audit::{Change, append};
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// Which jobs to list (always inside the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    /// Default: every state.
    pub state: Option<JobState>,
    pub kind: Option<String>,
    pub limit: i64,
}

/// Jobs of the caller's scope per state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

fn need(actor: &Actor) -> StoreResult<()> {
    if actor.can(Permission::ManageJobs) {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

impl Store {
    /// Jobs inside the actor's scope, newest first.
    pub async fn jobs(&self, actor: &Actor, filter: &JobFilter) -> StoreResult<Vec<Job>> {
        need(actor)?;
        let scope = ScopeRange::of(actor);
        let rows = sqlx::query_as::<_, JobRow>(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE {} AND ($3 IS NULL OR state = $3) \
             AND ($4 IS NULL OR kind = $4) ORDER BY created_at DESC, id DESC LIMIT $5",
            scope.sql("scope_path", 1)
        ))
        .bind_scope(&scope)
        .bind(filter.state.map(JobState::as_str))
        .bind(filter.kind.as_deref())
        .bind(filter.limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await?;
        into_jobs(rows)
    }

    /// How many jobs of the actor's scope are in each state.
    pub async fn job_counts(&self, actor: &Actor) -> StoreResult<JobCounts> {
        need(actor)?;
        let scope = ScopeRange::of(actor);
        let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT state, COUNT(*) FROM jobs WHERE {} GROUP BY state",
            scope.sql("scope_path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        let mut c = JobCounts::default();
        for (state, n) in rows {
            match JobState::parse("state", &state) {
                Ok(JobState::Queued) => c.queued = n,
                Ok(JobState::Running) => c.running = n,
                Ok(JobState::Done) => c.done = n,
                Ok(JobState::Failed) => c.failed = n,
                Err(_) => {}
            }
        }
        Ok(c)
    }

    /// One job inside the actor's scope.
    pub async fn job(&self, actor: &Actor, id: &str) -> StoreResult<Job> {
        need(actor)?;
        let scope = ScopeRange::of(actor);
        sqlx::query_as::<_, JobRow>(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE id = $3 AND {}",
            scope.sql("scope_path", 1)
        ))
        .bind_scope(&scope)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?
        .into_job()
    }

    /// A job the actor started (a desk import), inside their scope; anyone else's is not
    /// found, whatever the caller's role.
    pub async fn own_job(&self, actor: &Actor, id: &str) -> StoreResult<Job> {
        let scope = ScopeRange::of(actor);
        sqlx::query_as::<_, JobRow>(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE id = $3 AND created_by = $4 AND {}",
            scope.sql("scope_path", 1)
        ))
        .bind_scope(&scope)
        .bind(id)
        .bind(&actor.user_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?
        .into_job()
    }

    /// Takes a failed job off the failure list: queued again now, with its attempts counted
    /// from zero and its last error kept until the next attempt ends. Only a failed job may be
    /// retried (a queued or running one is on its way already; a done one is done).
    pub async fn retry_job(&self, actor: &Actor, id: &str) -> StoreResult<Job> {
        need(actor)?;
        let now = self.now_ms();
        let scope = ScopeRange::of(actor);
        let mut tx = self.begin_write().await?;
        let job = sqlx::query_as::<_, JobRow>(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE id = $3 AND {}",
            scope.sql("scope_path", 1)
        ))
        .bind_scope(&scope)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?
        .into_job()?;
        if job.state != JobState::Failed {
            return Err(StoreError::Conflict(FieldError::new(
                "job",
                "job_not_failed",
                format!("只能重试失败的任务；该任务{}", job.state.label_zh()),
                format!(
                    "only a failed job can be retried; this one is {}",
                    job.state.label_en()
                ),
            )));
        }
        // The guard on the state makes a second retry racing this one change nothing.
        let changed = sqlx::query(
            "UPDATE jobs SET state = 'queued', run_at = $1, attempts = 0, finished_at = NULL, \
             lease_owner = NULL, lease_until = NULL WHERE id = $2 AND state = 'failed'",
        )
        .bind(now)
        .bind(&job.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(StoreError::Busy {
                retry_after_secs: 1,
            });
        }
        append(
            &mut tx,
            now,
            actor,
            Change {
                action: "job.retry",
                resource: format!("job:{}", job.id),
                scope_path: &job.scope_path,
                summary: json!({
                    "kind": job.kind,
                    "attempts": job.attempts,
                    "last_error": job.last_error,
                }),
            },
        )
        .await?;
        let retried =
            sqlx::query_as::<_, JobRow>(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"))
                .bind(&job.id)
                .fetch_one(&mut *tx)
                .await?
                .into_job()?;
        tx.commit().await?;
        Ok(retried)
    }
}
