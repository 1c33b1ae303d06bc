//! When a job runs again: backoff after a failure, and the period a recurring job belongs to.

use super::{BACKOFF_BASE_MS, BACKOFF_MAX_MS};

/// How long to wait after failed attempt number `attempt` (1 for the first): 30 s, 1 min,
/// 2 min, … doubling up to an hour, so a fault that lasts (a database restarting, a gateway
/// down) is not hammered and a passing one is retried soon.
pub fn backoff_ms(attempt: i64) -> i64 {
    let doublings = (attempt.max(1) - 1).min(32) as u32;
    BACKOFF_BASE_MS
        .saturating_mul(1_i64 << doublings)
        .min(BACKOFF_MAX_MS)
}

/// How often a recurring job is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Every `n` minutes, aligned on the hour (n divides 60).
    Minutes(u32),
    Hourly,
    Daily,
}

impl Period {
    fn len_ms(self) -> i64 {
        match self {
            Period::Minutes(n) => i64::from(n.clamp(1, 60)) * 60_000,
            Period::Hourly => 3_600_000,
            Period::Daily => 86_400_000,
        }
    }
}

/// The key of the period of `kind` that holds `now_ms`, in China Standard Time, e.g.
/// `audit_digest:2026-12-06T10` (hourly), `session_sweep:2026-12-06T10:20` (every ten minutes),
/// `jobs_purge:2026-12-06` (daily). Every node computes the same key for the same period, so
/// an enqueue by key schedules the period's job once. Periods are aligned on China's clock, so
/// a daily job's day is the local day.
pub fn period_key(kind: &str, period: Period, now_ms: i64) -> String {
    const CST_MS: i64 = 8 * 3_600_000;
    let len = period.len_ms();
    let local = now_ms + CST_MS;
    let start = local - local.rem_euclid(len);
    let (y, m, d) = crate::ids::civil_from_days(start.div_euclid(86_400_000));
    let minute_of_day = start.rem_euclid(86_400_000) / 60_000;
    let (h, min) = (minute_of_day / 60, minute_of_day % 60);
    match period {
        Period::Daily => format!("{kind}:{y:04}-{m:02}-{d:02}"),
        Period::Hourly => format!("{kind}:{y:04}-{m:02}-{d:02}T{h:02}"),
        Period::Minutes(_) => format!("{kind}:{y:04}-{m:02}-{d:02}T{h:02}:{min:02}"),
    }
}
