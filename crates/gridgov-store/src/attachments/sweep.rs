//! The sweep of what uploads leave behind: pending uploads their uploader never attached (a
//! report abandoned after its photos went up), and blobs no attachment names any more (those
//! uploads' bytes, or bytes of an upload whose rows were refused after the blobs were written).
//! The job `attachments_sweep` runs it daily on one node.
//!
//! A blob is removed only when no row names it and it was last put before the grace period:
//! an upload writes its blobs before its rows (renewing the time of content already there), so
//! a blob just put, whose row is still on its way, is spared; the store looks at the blob's
//! time once more just before removing it.

use std::collections::HashSet;

use gridgov_core::auth::Actor;
use gridgov_core::workdays::HOUR_MS;
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Change};
use crate::db::numbered_params;
use crate::{Store, StoreResult};

/// How long an upload may stay pending: two days covers a report finished the next morning.
pub const PENDING_TTL_MS: i64 = 48 * HOUR_MS;

/// How recent a blob is spared although no row names it: far longer than an upload's blobs
/// wait for its rows.
pub const BLOB_GRACE_MS: i64 = HOUR_MS;

/// Blob ids looked up per statement.
const CHUNK: usize = 500;

/// What a sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    pub pending_removed: u64,
    /// Blobs older than the grace period looked at, and those removed.
    pub blobs_checked: u64,
    pub blobs_removed: u64,
}

impl Store {
    /// Removes pending uploads older than [`PENDING_TTL_MS`] (one audit record for the lot),
    /// then the blobs no attachment names that were put before [`BLOB_GRACE_MS`] ago.
    pub async fn sweep_attachments(&self) -> StoreResult<SweepReport> {
        let now = self.now_ms();
        let mut report = SweepReport::default();
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("DELETE FROM attachments WHERE owner_id IS NULL AND created_at < $1")
                .bind(now - PENDING_TTL_MS)
                .execute(&mut *tx)
                .await?;
        report.pending_removed = done.rows_affected();
        if report.pending_removed > 0 {
            let system = Actor::system();
            audit::append(
                &mut tx,
                now,
                &system,
                Change {
                    action: "attachments.sweep",
                    resource: "attachments".into(),
                    scope_path: system.scope.as_str(),
                    summary: json!({
                        "pending_removed": report.pending_removed,
                        "uploaded_before": now - PENDING_TTL_MS,
                    }),
                },
            )
            .await?;
        }
        tx.commit().await?;
        let Some(blobs) = self.blobs.clone() else {
            return Ok(report);
        };
        let before = now - BLOB_GRACE_MS;
        let old = blobs.put_before(before).await?;
        report.blobs_checked = old.len() as u64;
        for chunk in old.chunks(CHUNK) {
            let list = numbered_params(1, chunk.len());
            let sql = format!(
                "SELECT blob_id FROM attachments WHERE blob_id IN ({list}) \
                 UNION SELECT thumb_blob_id FROM attachments WHERE thumb_blob_id IN ({list})"
            );
            let mut q = sqlx::query_as::<_, (String,)>(&sql);
            for id in chunk {
                q = q.bind(id.as_str());
            }
            let named: HashSet<String> = q
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|(id,)| id)
                .collect();
            for id in chunk.iter().filter(|id| !named.contains(id.as_str())) {
                if blobs.delete_if_put_before(id, before).await? {
                    report.blobs_removed += 1;
                }
            }
        }
        Ok(report)
    }
}
