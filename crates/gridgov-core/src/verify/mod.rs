//! Verification tasks (认领核对) as data: the states of a task raised by a source comparison,
//! what may be done to it, by whom, and where that leads. The store persists what this decides.
//!
//! How the store uses it (`gridgov-store`'s `verify/step.rs`):
//!
//! 1. load the task inside the caller's scope (outside it stays 404, as today);
//! 2. `let holder = Holder::of(task.claimed_by, task.claimed_at, &actor.user_id, now)`;
//! 3. `check(actor.role, holder, task.status, action)`:
//!    - `Err(r)`: answer `r.refusal` as it says ([`VerifyRefusal::Forbidden`] is 403, the others
//!      409 with the field error of `From<VerifyNotAllowed> for FieldError`, whose codes are the
//!      ones the store answers today: `task_open`, `task_not_claimed`, `task_claimed`,
//!      `task_resolved`);
//!    - `Ok(None)`: nothing to write (claiming one's own task again); answer with the task;
//!    - `Ok(Some(state))`: run the write. Keep the status (and claimer) conditions in its `WHERE`:
//!      the table decides, the compare-and-set makes the decision hold against a concurrent
//!      request; zero rows changed means someone got there first, so reload and check again.
//! 4. `CLAIM_EXPIRES_MS` here is the store's too.

mod rules;
#[cfg(test)]
mod tests;

pub use rules::{TRANSITIONS, VerifyNotAllowed, VerifyRefusal, WHO, allowed, check, transition};

use crate::vocab::vocabulary;

vocabulary!(
    /// Where a verification task stands.
    VerifyState, "unknown_verify_state", "核对任务状态", "verification task state", {
        /// Raised by a comparison, waiting for a worker (待认领).
        Open => ("open", "待认领", "open"),
        /// Held by one worker checking on the ground (已认领).
        Claimed => ("claimed", "已认领", "claimed"),
        /// Decided; the record changed or was confirmed (已处理).
        Resolved => ("resolved", "已处理", "resolved"),
    }
);

vocabulary!(
    /// What may be done to a verification task.
    VerifyAction, "unknown_verify_action", "核对操作", "verification action", {
        /// Take an open task, or one whose claim lapsed (认领).
        Claim => ("claim", "认领", "claim"),
        /// Give a claim back to the grid's workers (释放).
        Release => ("release", "释放", "release"),
        /// Decide: keep the record, take the source, or correct by hand (处理).
        Decide => ("decide", "处理", "decide"),
        /// End a claim left undecided past [`CLAIM_EXPIRES_MS`]: the task is open again (超期释放).
        Lapse => ("lapse", "超期释放", "lapse"),
    }
);

/// How long a claim holds without a decision: a week of field work. After it, the claim has
/// lapsed: the next claimer takes the task over.
pub const CLAIM_EXPIRES_MS: i64 = 7 * 24 * 3_600_000;

/// How the caller stands to the task's claim: the one relation verification needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// Nobody holds it (an open or decided task).
    Nobody,
    /// The caller holds it, lapsed or not: a worker may still decide a task they were slow on.
    Caller,
    /// Someone else holds it, within the week.
    Other,
    /// Someone else held it past [`CLAIM_EXPIRES_MS`].
    Lapsed,
}

impl Holder {
    pub const ALL: [Holder; 4] = [
        Holder::Nobody,
        Holder::Caller,
        Holder::Other,
        Holder::Lapsed,
    ];

    /// From the task's claim columns, the caller's user id and the time now (Unix ms). A claim
    /// exactly [`CLAIM_EXPIRES_MS`] old still holds, as the store's `claimed_at < now - expiry`.
    pub fn of(
        claimed_by: Option<&str>,
        claimed_at_ms: Option<i64>,
        caller: &str,
        now_ms: i64,
    ) -> Holder {
        match claimed_by {
            None => Holder::Nobody,
            Some(who) if who == caller => Holder::Caller,
            Some(_) if claimed_at_ms.is_some_and(|at| at < now_ms - CLAIM_EXPIRES_MS) => {
                Holder::Lapsed
            }
            Some(_) => Holder::Other,
        }
    }
}
