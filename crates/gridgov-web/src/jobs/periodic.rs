//! The jobs every node schedules for each period. Each node enqueues the current period's
//! job under the period's key, so however many nodes run, the period gets one job, claimed by
//! one of them.

use gridgov_core::jobs::{Period, period_key};
use gridgov_store::Store;
use gridgov_store::jobs::NewJob;

use super::kinds;

/// (kind, how often). The audit digest is hourly (the store skips one when a digest was
/// written less than 50 minutes before, e.g. by `gridgov audit digest`); sweeps of sessions
/// and login counts every ten minutes; lapsed verification claims hourly; old jobs daily; the
/// escalation pass every minute (a due time is missed by a minute at most); the suggestion
/// models hourly (retrained only when enough new incidents closed).
pub const PERIODIC: &[(&str, Period)] = &[
    (kinds::AUDIT_DIGEST, Period::Hourly),
    (kinds::SESSION_SWEEP, Period::Minutes(10)),
    (kinds::CLAIM_LAPSE, Period::Hourly),
    (kinds::JOBS_PURGE, Period::Daily),
    (kinds::ATTACHMENTS_SWEEP, Period::Daily),
    (kinds::ESCALATION_PASS, Period::Minutes(1)),
    (kinds::NOTIFY_DELIVER, Period::Minutes(1)),
    (kinds::BRIDGE_PUSH, Period::Minutes(1)),
    (kinds::SUGGEST_TRAIN, Period::Hourly),
];

/// Enqueues this period's job of every periodic kind; a key already taken is a no-op.
pub async fn schedule(store: &Store) {
    let now = store.now_ms();
    for (kind, period) in PERIODIC {
        let job = NewJob::system(kind, serde_json::json!({})).keyed(period_key(kind, *period, now));
        if let Err(e) = store.enqueue_job(&job).await {
            tracing::warn!(kind, error = %e, "scheduling a periodic job failed");
        }
    }
}
