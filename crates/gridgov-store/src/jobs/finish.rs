//! What the node holding a job writes: progress, a renewed lease, and the end of an attempt
//! (done, retry after backoff, failed, or handed back at shutdown).
//!
//! Every write is guarded by the lease as claimed (owner and attempt number): a node whose
//! lease ran out while it was still working, and whose job another node has since claimed,
//! changes nothing with its late answer.

use gridgov_core::jobs::{JobState, backoff_ms};

use super::Job;
use crate::{Store, StoreResult};

/// The lease guard's condition from placeholder `$n` on.
fn held(n: usize) -> String {
    format!(
        "id = ${} AND lease_owner = ${} AND attempts = ${} AND state = 'running'",
        n,
        n + 1,
        n + 2
    )
}

type Update<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds the lease guard's values (see [`held`]) after the statement's own.
fn bind_held<'q>(q: Update<'q>, job: &'q Job) -> Update<'q> {
    q.bind(&job.id)
        .bind(job.lease_owner.as_deref())
        .bind(job.attempts)
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Done,
    /// Failed; queued again at this time.
    Retry {
        at: i64,
    },
    /// Failed for good: on the failure list.
    Failed,
    /// The lease was no longer this node's: nothing was written.
    Lost,
}

impl Store {
    /// Renews the lease for `lease_ms` from now; false when the job is no longer this node's.
    pub async fn renew_job_lease(&self, job: &Job, lease_ms: i64) -> StoreResult<bool> {
        let changed = bind_held(
            sqlx::query(&format!(
                "UPDATE jobs SET lease_until = $1 WHERE {}",
                held(2)
            ))
            .bind(self.now_ms() + lease_ms),
            job,
        )
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    /// Records what the running job last reported (JSON), for its page.
    pub async fn report_job_progress(&self, job: &Job, progress: &str) -> StoreResult<bool> {
        let changed = bind_held(
            sqlx::query(&format!("UPDATE jobs SET progress = $1 WHERE {}", held(2))).bind(progress),
            job,
        )
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    /// Finishes the attempt with the handler's result (JSON text).
    pub async fn complete_job(&self, job: &Job, result: &str) -> StoreResult<Ended> {
        let mut tx = self.begin_write().await?;
        let changed = bind_held(sqlx::query(&format!(
            "UPDATE jobs SET state = 'done', result = $1, finished_at = $2, lease_until = NULL, \
             progress = NULL WHERE {}",
            held(3)
        ))
        .bind(result)
        .bind(self.now_ms()), job)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            // Its file is no longer needed.
            super::files::delete(&mut tx, &job.id).await?;
        }
        tx.commit().await?;
        Ok(if changed == 1 {
            Ended::Done
        } else {
            Ended::Lost
        })
    }

    /// Ends a failed attempt: queued again after the backoff while attempts remain, on the
    /// failure list after the last one, or at once when `permanent` (input that can never
    /// succeed: retrying it would only fail again).
    pub async fn fail_job(&self, job: &Job, error: &str, permanent: bool) -> StoreResult<Ended> {
        let now = self.now_ms();
        let error: String = error.chars().take(2000).collect();
        let (state, at) = if permanent || job.attempts >= job.max_attempts {
            (JobState::Failed, now)
        } else {
            (JobState::Queued, now + backoff_ms(job.attempts))
        };
        let finished = (state == JobState::Failed).then_some(now);
        let changed = bind_held(
            sqlx::query(&format!(
                "UPDATE jobs SET state = $1, run_at = $2, last_error = $3, finished_at = $4, \
             lease_until = NULL, progress = NULL WHERE {}",
                held(5)
            ))
            .bind(state.as_str())
            .bind(at)
            .bind(&error)
            .bind(finished),
            job,
        )
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(match (changed, state) {
            (0, _) => Ended::Lost,
            (_, JobState::Failed) => Ended::Failed,
            _ => Ended::Retry { at },
        })
    }

    /// Hands a job back unfinished (the node is stopping): queued again at once, and the
    /// attempt not counted, since the job did not fail.
    pub async fn release_job(&self, job: &Job) -> StoreResult<bool> {
        let changed = bind_held(
            sqlx::query(&format!(
                "UPDATE jobs SET state = 'queued', run_at = $1, attempts = attempts - 1, \
             lease_owner = NULL, lease_until = NULL, progress = NULL WHERE {}",
                held(2)
            ))
            .bind(self.now_ms()),
            job,
        )
        .execute(self.writer())
        .await?
        .rows_affected();
        Ok(changed == 1)
    }
}
