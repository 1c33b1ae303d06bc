//! Quiet hours: a daily range of China's clock (Asia/Shanghai, UTC+8 all year) in which SMS is
//! not sent; a delivery falling in it waits until the range ends. `22:00-07:00` wraps midnight.

use crate::error::FieldError;

const DAY_MS: i64 = 86_400_000;
/// China has kept UTC+8 without daylight saving since 1991.
const SHANGHAI_OFFSET_MS: i64 = 8 * 3_600_000;

/// From and until, in minutes after midnight on China's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from_min: i64,
    pub until_min: i64,
}

fn hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

impl QuietHours {
    /// Reads `22:00-07:00`; anything else is named under `field`.
    pub fn parse(field: &str, s: &str) -> Result<QuietHours, FieldError> {
        let bad = || {
            FieldError::new(
                field,
                "bad_quiet_hours",
                format!("免打扰时段 {s} 无法识别，应为「开始-结束」，如 22:00-07:00"),
                format!("quiet hours {s} do not read; expected `from-until`, e.g. 22:00-07:00"),
            )
        };
        let (a, b) = s.split_once(['-', '–']).ok_or_else(bad)?;
        let (from_min, until_min) = (hhmm(a).ok_or_else(bad)?, hhmm(b).ok_or_else(bad)?);
        if from_min == until_min {
            return Err(FieldError::new(
                field,
                "empty_quiet_hours",
                "免打扰时段的开始与结束不能相同",
                "quiet hours cannot start and end at the same time",
            ));
        }
        Ok(QuietHours {
            from_min,
            until_min,
        })
    }

    /// When a delivery due at `at` (Unix ms) may go: `at` itself outside the quiet hours, the
    /// end of them inside.
    pub fn release_at(&self, at: i64) -> i64 {
        let local = at + SHANGHAI_OFFSET_MS;
        let day_start = local.div_euclid(DAY_MS) * DAY_MS;
        let minute = (local - day_start) / 60_000;
        let (from, until) = (self.from_min, self.until_min);
        let end_local = if from < until {
            (minute >= from && minute < until).then(|| day_start + until * 60_000)
        } else if minute >= from {
            Some(day_start + DAY_MS + until * 60_000)
        } else if minute < until {
            Some(day_start + until * 60_000)
        } else {
            None
        };
        end_local.map_or(at, |e| e - SHANGHAI_OFFSET_MS)
    }
}

impl std::fmt::Display for QuietHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.from_min / 60,
            self.from_min % 60,
            self.until_min / 60,
            self.until_min % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-06 00:00 in Shanghai, as Unix ms.
    const DAY: i64 = 1_796_486_400_000;

    fn at(h: i64, m: i64) -> i64 {
        DAY + (h * 60 + m) * 60_000
    }

    #[test]
    fn a_range_over_midnight_holds_until_morning() {
        let q = QuietHours::parse("quiet_hours", "22:00-07:00").unwrap();
        assert_eq!(q.release_at(at(21, 59)), at(21, 59));
        assert_eq!(q.release_at(at(22, 0)), at(24 + 7, 0));
        assert_eq!(q.release_at(at(23, 30)), at(24 + 7, 0));
        assert_eq!(q.release_at(at(3, 0)), at(7, 0));
        assert_eq!(q.release_at(at(7, 0)), at(7, 0));
        assert_eq!(q.to_string(), "22:00-07:00");
    }

    #[test]
    fn a_range_within_a_day() {
        let q = QuietHours::parse("quiet_hours", "12:00-14:30").unwrap();
        assert_eq!(q.release_at(at(11, 0)), at(11, 0));
        assert_eq!(q.release_at(at(13, 0)), at(14, 30));
        assert_eq!(q.release_at(at(14, 30)), at(14, 30));
    }

    #[test]
    fn ranges_that_do_not_read_are_named() {
        for s in [
            "22-07",
            "25:00-07:00",
            "22:00",
            "夜里",
            "22:00-22:00",
            "7:5-8:00",
        ] {
            let e = QuietHours::parse("quiet_hours", s).unwrap_err();
            assert_eq!(e.field, "quiet_hours", "{s}");
        }
    }
}
