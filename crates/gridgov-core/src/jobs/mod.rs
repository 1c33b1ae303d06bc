//! Background jobs as data: the states a job passes through, how long a failed attempt waits
//! before the next (exponential backoff), and the key that makes a periodic job one per period
//! however many server nodes schedule it. The store persists what this decides; the runner in
//! the web crate claims, runs and reports.

mod schedule;
#[cfg(test)]
mod tests;

pub use schedule::{Period, backoff_ms, period_key};

use crate::vocab::vocabulary;

vocabulary!(
    /// Where a job stands.
    JobState, "unknown_job_state", "任务状态", "job state", {
        /// Waiting for its time and a node to claim it (排队).
        Queued => ("queued", "排队中", "queued"),
        /// Held by one node under a lease (运行).
        Running => ("running", "运行中", "running"),
        /// Finished; its result is kept (完成).
        Done => ("done", "已完成", "done"),
        /// Every attempt failed: on the failure list until an administrator retries it (失败).
        Failed => ("failed", "失败", "failed"),
    }
);

/// Attempts a job gets unless its kind says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 5;

/// The wait after the first failed attempt; each further failure doubles it.
pub const BACKOFF_BASE_MS: i64 = 30_000;

/// The longest wait between attempts, however many failed.
pub const BACKOFF_MAX_MS: i64 = 3_600_000;
