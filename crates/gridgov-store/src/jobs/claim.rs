//! Claiming due jobs for one node under a lease: the one place where the dialects differ.
//!
//! PostgreSQL: `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING`. Each
//! claimer locks the rows it picks and passes over rows another claimer holds, so claimers on
//! many nodes never wait on each other and never take the same row; a row another claimer
//! changed after this statement began is re-checked against the condition when locked (read
//! committed), so a job just claimed elsewhere no longer matches. SQLite: the same statement
//! without the lock clause, inside `BEGIN IMMEDIATE`, so one writer claims at a time.

use gridgov_core::jobs::JobState;

use super::Job;
use super::row::{COLUMNS, JobRow, into_jobs};
use crate::db::numbered_params;
use crate::{Backend, Store, StoreResult};

/// What a node asks for when it claims.
#[derive(Debug, Clone)]
pub struct Claim<'a> {
    /// The node claiming: the lease's owner.
    pub owner: &'a str,
    /// The kinds this node has handlers for; others stay for nodes that know them.
    pub kinds: &'a [&'a str],
    pub lease_ms: i64,
    pub limit: i64,
}

impl Store {
    /// Claims up to `limit` jobs that are due (queued and past `run_at`) or whose lease ran out,
    /// counting an attempt for each. A job whose lease ran out on its last attempt is not
    /// claimed but failed ("lease expired"), so a job that kills its node every time ends on the
    /// failure list instead of going round for ever.
    pub async fn claim_jobs(&self, claim: &Claim<'_>) -> StoreResult<Vec<Job>> {
        if claim.kinds.is_empty() || claim.limit <= 0 {
            return Ok(Vec::new());
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let kinds = numbered_params(3, claim.kinds.len());
        let spent_sql = format!(
            "UPDATE jobs SET state = 'failed', finished_at = $1, lease_until = NULL, \
             last_error = $2 WHERE state = 'running' AND lease_until < $1 \
             AND attempts >= max_attempts AND kind IN ({kinds})"
        );
        let mut spent = sqlx::query(&spent_sql)
        .bind(now)
        .bind("lease expired on the last attempt: the node running it stopped / 最后一次尝试的租约已过期：运行它的节点已停止");
        for k in claim.kinds {
            spent = spent.bind(*k);
        }
        let failed = spent.execute(&mut *tx).await?.rows_affected();
        if failed > 0 {
            tracing::warn!(
                jobs = failed,
                "jobs failed: their lease ran out on the last attempt"
            );
        }

        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let n = 4 + claim.kinds.len();
        let sql = format!(
            "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, \
             attempts = attempts + 1, started_at = $3, progress = NULL \
             WHERE id IN (SELECT id FROM jobs WHERE kind IN ({kinds}) AND \
             ((state = 'queued' AND run_at <= $3) OR (state = 'running' AND lease_until < $3)) \
             ORDER BY run_at, id LIMIT ${n} {lock}) RETURNING {COLUMNS}",
            kinds = numbered_params(4, claim.kinds.len()),
        );
        let mut q = sqlx::query_as::<_, JobRow>(&sql)
            .bind(claim.owner)
            .bind(now + claim.lease_ms)
            .bind(now);
        for k in claim.kinds {
            q = q.bind(*k);
        }
        let rows = q.bind(claim.limit).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let mut jobs = into_jobs(rows)?;
        jobs.sort_by(|a, b| (a.run_at, &a.id).cmp(&(b.run_at, &b.id)));
        debug_assert!(jobs.iter().all(|j| j.state == JobState::Running));
        Ok(jobs)
    }
}
