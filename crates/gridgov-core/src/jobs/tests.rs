use super::*;

/// 2026-12-06 10:27:13 in China (02:27:13 UTC).
const AT: i64 = 1_796_524_033_000;

#[test]
fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
    let waits: Vec<i64> = (1..=9).map(backoff_ms).collect();
    assert_eq!(
        waits,
        [
            30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000
        ]
    );
    // Absurd counts neither overflow nor wait less.
    assert_eq!(backoff_ms(i64::MAX), BACKOFF_MAX_MS);
    assert_eq!(backoff_ms(0), BACKOFF_BASE_MS);
}

#[test]
fn a_period_key_names_the_period_on_chinas_clock() {
    assert_eq!(
        period_key("audit_digest", Period::Hourly, AT),
        "audit_digest:2026-12-06T10"
    );
    assert_eq!(
        period_key("session_sweep", Period::Minutes(10), AT),
        "session_sweep:2026-12-06T10:20"
    );
    assert_eq!(
        period_key("jobs_purge", Period::Daily, AT),
        "jobs_purge:2026-12-06"
    );
    // 23:59 UTC on the 5th is already the 6th in China.
    let late = AT - (2 * 3_600_000 + 28 * 60_000);
    assert_eq!(
        period_key("jobs_purge", Period::Daily, late),
        "jobs_purge:2026-12-06"
    );
}

#[test]
fn every_instant_of_a_period_gives_its_key_and_the_next_period_another() {
    let start = AT - (27 * 60_000 + 13_000);
    let key = period_key("k", Period::Hourly, start);
    assert_eq!(period_key("k", Period::Hourly, start + 3_599_999), key);
    assert_ne!(period_key("k", Period::Hourly, start + 3_600_000), key);
    assert_ne!(period_key("k", Period::Hourly, start - 1), key);
}

#[test]
fn states_read_back_from_their_codes() {
    for s in JobState::ALL {
        assert_eq!(JobState::parse("state", s.as_str()).ok(), Some(*s));
    }
    assert!(JobState::parse("state", "sleeping").is_err());
}
