//! Times are stored as UTC milliseconds and shown in China Standard Time (UTC+8, no daylight
//! saving), the zone of every deployment.

use chrono::{DateTime, Datelike, FixedOffset};

fn cst(ms: i64) -> Option<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(8 * 3600)?;
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&offset))
}

/// `2026-11-23 08:00`.
pub fn minute(ms: i64) -> String {
    cst(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// `2026-11-23 08:00:05`.
pub fn second(ms: i64) -> String {
    cst(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// A `datetime-local` input's value (`2026-11-23T08:00`, Beijing time) as UTC milliseconds.
pub fn parse_minute(s: &str) -> Option<i64> {
    let offset = FixedOffset::east_opt(8 * 3600)?;
    let t = chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Some(t.and_local_timezone(offset).single()?.timestamp_millis())
}

/// A `date` input's value (`2026-11-23`) as the UTC milliseconds of its first minute in Beijing.
pub fn parse_day(s: &str) -> Option<i64> {
    parse_minute(&format!("{}T00:00", s.trim()))
}

pub fn year(ms: i64) -> i32 {
    cst(ms).map(|t| t.year()).unwrap_or(2026)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_beijing_time() {
        // 2026-11-23 00:00 UTC is 08:00 in Beijing.
        assert_eq!(minute(1_795_392_000_000), "2026-11-23 08:00");
        assert_eq!(year(1_795_392_000_000), 2026);
    }

    #[test]
    fn reads_form_times_as_beijing_time() {
        assert_eq!(parse_minute("2026-11-23T08:00"), Some(1_795_392_000_000));
        assert_eq!(
            parse_day("2026-11-23"),
            Some(1_795_392_000_000 - 8 * 3_600_000)
        );
        assert_eq!(parse_minute("yesterday"), None);
        assert_eq!(parse_day(""), None);
    }
}
