//! The daily purge: done jobs after [`DONE_KEPT_MS`], failed ones (and their files) after
//! [`FAILED_KEPT_MS`]. Running and queued jobs are never touched.

use super::{DONE_KEPT_MS, FAILED_KEPT_MS};
use crate::{Store, StoreResult};

impl Store {
    /// Removes finished jobs past their keeping time; the number removed.
    pub async fn purge_finished_jobs(&self) -> StoreResult<u64> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let cond =
            "(state = 'done' AND finished_at < $1) OR (state = 'failed' AND finished_at < $2)";
        sqlx::query(&format!(
            "DELETE FROM job_files WHERE job_id IN (SELECT id FROM jobs WHERE {cond})"
        ))
        .bind(now - DONE_KEPT_MS)
        .bind(now - FAILED_KEPT_MS)
        .execute(&mut *tx)
        .await?;
        let removed = sqlx::query(&format!("DELETE FROM jobs WHERE {cond}"))
            .bind(now - DONE_KEPT_MS)
            .bind(now - FAILED_KEPT_MS)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(removed)
    }
}
