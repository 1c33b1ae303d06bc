//! Background jobs on leases: the one table every node's runner claims its work from.
//!
//! A job is enqueued (once per unique key, when it has one), claimed by one node for a lease,
//! and finished, retried after a backoff, or put on the failure list when its attempts are
//! spent. A node that dies stops renewing its leases, so its jobs become claimable again when
//! the lease runs out. Claiming is the one statement where the dialects differ (`claim.rs`):
//! PostgreSQL skips rows another claimer holds (`FOR UPDATE SKIP LOCKED`); SQLite has one
//! writer at a time (`BEGIN IMMEDIATE`). The rules (states, backoff, period keys) are core's
//! (`gridgov_core::jobs`).

mod admin;
mod claim;
mod enqueue;
mod files;
mod finish;
mod purge;
mod row;

pub use admin::{JobCounts, JobFilter};
pub use claim::Claim;
pub(crate) use enqueue::insert as insert_job;
pub use enqueue::{Enqueued, NewJob};
pub use finish::Ended;
pub use gridgov_core::jobs::JobState;

use serde::Serialize;

/// One job as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub id: String,
    pub kind: String,
    /// The handler's input, JSON text.
    pub payload: String,
    pub unique_key: Option<String>,
    /// The scope it works in; '' for the whole deployment.
    pub scope_path: String,
    /// The user who asked for it, or `system`.
    pub created_by: String,
    pub state: JobState,
    pub run_at: i64,
    pub attempts: i64,
    pub max_attempts: i64,
    /// The node that holds it, or last held it once it finished.
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
    /// The latest progress a running job reported (JSON text).
    pub progress: Option<String>,
    /// What a finished job answered (JSON text).
    pub result: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

/// How long a done job stays listed before the daily purge removes it. Failed jobs stay until
/// an administrator retries them or [`FAILED_KEPT_MS`] has passed.
pub const DONE_KEPT_MS: i64 = 7 * 86_400_000;

/// How long a failed job stays on the failure list (with its file, for a retry).
pub const FAILED_KEPT_MS: i64 = 90 * 86_400_000;
