//! The escalation pass (逐级化解): finds the incidents whose clock turned yellow or ran out and
//! writes what core's rules (`gridgov_core::escalation`) say — due soon once, overdue once, one
//! attempt up the ladder of the incident's region with the step's clock started again, and past
//! the top the nearest leader in charge (包保). The job `escalation_pass` runs it every minute;
//! it answers what it did, incident by incident, for the handler's counts and for the notices.
//!
//! Finding what is due is one range of the partial index on `escalate_at` (only running clocks
//! are in it). Each batch is one transaction; every write is guarded by the version and due time
//! read and bumps the version, so a second pass, a second node or an action racing the pass
//! never has a period climbed twice or a write lost (the loser finds no row: the pass leaves the
//! incident to its next run, the action is refused as stale and tried again).

mod batch;
mod leaders;
mod notify;
mod write;

use gridgov_core::escalation::{Guarantor, Mark, Rung};
use serde::Serialize;

use crate::{Store, StoreResult};

/// Incidents read and written per transaction.
pub const BATCH: i64 = 1_000;

/// What the pass did to one incident, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    pub county_code: String,
    pub id: String,
    pub number: String,
    /// The incident's scope, so whoever is told about it can be found inside it.
    pub path: String,
    pub marks: Vec<Mark>,
    /// The rung it climbed to.
    pub rung: Option<Rung>,
    /// Past the top: the leader now in charge (none found when `marks` has
    /// `guarantor_assigned` and this is empty).
    pub guarantor: Option<Guarantor>,
    /// The step's new due time after a climb.
    pub due_at: Option<i64>,
}

/// The pass's answer: every incident it changed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PassReport {
    pub incidents: Vec<Escalation>,
    /// Batches (transactions) the pass ran.
    pub batches: u64,
}

impl PassReport {
    /// How many incidents got this mark.
    pub fn count(&self, mark: Mark) -> usize {
        self.incidents
            .iter()
            .filter(|e| e.marks.contains(&mark))
            .count()
    }
}

impl Store {
    /// Runs the escalation pass over everything due now, a batch per transaction, until a batch
    /// finds less than a full one. Every row a batch writes moves its `escalate_at` past now
    /// (or clears it), so the loop ends.
    pub async fn escalation_pass(&self) -> StoreResult<PassReport> {
        let now = self.now_ms();
        let mut report = PassReport::default();
        loop {
            let (seen, done) = self.escalation_batch(now).await?;
            report.batches += 1;
            let stuck = done.is_empty();
            report.incidents.extend(done);
            // A batch that changed nothing lost every row to racing writers: what is left is
            // the next run's, rather than a loop reading the same rows again.
            if seen < BATCH as usize || stuck {
                return Ok(report);
            }
        }
    }
}
