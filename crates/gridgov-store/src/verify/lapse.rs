//! Claims left undecided past [`CLAIM_EXPIRES_MS`] given back to the grid's workers by the
//! background job `claim_lapse`, so a lapsed claim shows as open on every list instead of
//! lapsing only when someone happens to claim the task over it.
//!
//! The core table decides (`transition(claimed, lapse)` for a holder that has lapsed); the
//! write is guarded by the claimer and claim time as read, so a worker who decides or renews
//! the claim at the same moment wins and the lapse changes nothing.

use gridgov_core::auth::Actor;
use gridgov_core::verify::{CLAIM_EXPIRES_MS, Holder, VerifyAction, VerifyState, transition};
use serde_json::json;

use crate::audit::{self, Change};
use crate::{Store, StoreResult};

/// Tasks lapsed per transaction: a pass over a backlog commits in steps.
const BATCH: i64 = 1_000;

/// The audit stream of the system's lapses.
pub const LAPSE_STREAM: &str = "verification:lapses";

impl Store {
    /// Opens every claim that lapsed; the number opened.
    pub async fn lapse_verification_claims(&self) -> StoreResult<u64> {
        let mut total = 0;
        loop {
            let n = self.lapse_batch().await?;
            total += n;
            if n < BATCH as u64 {
                return Ok(total);
            }
        }
    }

    async fn lapse_batch(&self) -> StoreResult<u64> {
        let now = self.now_ms();
        let system = Actor::system();
        let mut tx = self.begin_write().await?;
        let due: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT county_code, id, claimed_by, claimed_at FROM verification_tasks \
             WHERE status = 'claimed' AND claimed_at < $1 ORDER BY claimed_at LIMIT $2",
        )
        .bind(now - CLAIM_EXPIRES_MS)
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let mut lapsed = Vec::new();
        for (county, id, by, at) in &due {
            // The system is never the holder, so a claim past its time reads as lapsed.
            let holder = Holder::of(Some(by), Some(*at), &system.user_id, now);
            if holder != Holder::Lapsed
                || transition(VerifyState::Claimed, VerifyAction::Lapse) != Ok(VerifyState::Open)
            {
                continue;
            }
            let changed = sqlx::query(
                "UPDATE verification_tasks SET status = $1, claimed_by = NULL, claimed_at = NULL \
                 WHERE county_code = $2 AND id = $3 AND status = 'claimed' AND claimed_by = $4 \
                 AND claimed_at = $5",
            )
            .bind(VerifyState::Open.as_str())
            .bind(county)
            .bind(id)
            .bind(by)
            .bind(*at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                lapsed.push(json!({"task": id, "claimed_by": by, "claimed_at": at}));
            }
        }
        let n = lapsed.len() as u64;
        if n > 0 {
            audit::append(
                &mut tx,
                now,
                &system,
                Change {
                    action: "verify.lapse",
                    resource: LAPSE_STREAM.to_owned(),
                    scope_path: "",
                    summary: json!({ "lapsed": n, "tasks": lapsed }),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(due.len() as u64)
    }
}
