//! The traffic light of a clock (红黄绿灯): green while less than 80 % of the limit's working
//! time is used, yellow from 80 % to the due time, red once it has passed.

use serde::Serialize;

use crate::workdays::Calendar;

/// The share of the limit from which a clock is yellow.
pub const YELLOW_FROM_PERCENT: i64 = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
    /// Suspended: the clock is stopped, so it is none of the three.
    Paused,
}

impl Light {
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
            Light::Paused => "paused",
        }
    }

    /// How pressing a light is, to colour a grid or a region by the worst of its clocks: red,
    /// then yellow, then green; a paused clock presses least.
    fn rank(self) -> u8 {
        match self {
            Light::Paused => 0,
            Light::Green => 1,
            Light::Yellow => 2,
            Light::Red => 3,
        }
    }

    /// The more pressing of two lights.
    pub fn worst(self, other: Light) -> Light {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯（超期）",
            Light::Paused => "已挂起",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red (overdue)",
            Light::Paused => "paused",
        }
    }
}

/// The light of a clock that started at `start` and is due at `due`, at `now`. The share used
/// is working time (a weekend does not turn a light yellow); an instant the calendar does not
/// cover falls back to elapsed time, since a light must still show something.
pub fn light(cal: &Calendar, start: i64, due: i64, now: i64) -> Light {
    if now >= due {
        return Light::Red;
    }
    let (used, total) = match (
        cal.working_time_between(start, now),
        cal.working_time_between(start, due),
    ) {
        (Ok(u), Ok(t)) => (u, t),
        _ => (now - start, due - start),
    };
    if total > 0 && used * 100 >= total * YELLOW_FROM_PERCENT {
        Light::Yellow
    } else {
        Light::Green
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::days_from_civil;
    use crate::workdays::{CHINA_OFFSET_MS, DAY_MS, HOUR_MS, MINUTE_MS};

    fn at(d: (i32, u32, u32), h: i64, m: i64) -> i64 {
        days_from_civil(d) * DAY_MS + h * HOUR_MS + m * MINUTE_MS - CHINA_OFFSET_MS
    }

    #[test]
    fn green_yellow_red_by_working_time_used() {
        let cal = Calendar::official();
        // Ten working hours from Monday 2024-06-17 8:30: due Tuesday 11:30.
        let start = at((2024, 6, 17), 8, 30);
        let due = cal.add_working_hours(start, 10).unwrap();
        assert_eq!(due, at((2024, 6, 18), 11, 30));
        assert_eq!(light(&cal, start, due, start), Light::Green);
        // 7.9 h used (Tuesday 9:24): still green; 8 h (Tuesday 9:30): yellow.
        assert_eq!(
            light(&cal, start, due, at((2024, 6, 18), 9, 24)),
            Light::Green
        );
        assert_eq!(
            light(&cal, start, due, at((2024, 6, 18), 9, 30)),
            Light::Yellow
        );
        assert_eq!(light(&cal, start, due, due - 1), Light::Yellow);
        assert_eq!(light(&cal, start, due, due), Light::Red);
    }

    #[test]
    fn a_weekend_does_not_use_up_the_limit() {
        let cal = Calendar::official();
        // Friday 2024-06-14 17:00 with two working days: due at the end of Tuesday 18 June.
        let start = at((2024, 6, 14), 17, 0);
        let due = cal.add_working_days(start, 2).unwrap();
        // On Sunday most of the wall-clock time is gone, but only half an hour of work.
        assert_eq!(
            light(&cal, start, due, at((2024, 6, 16), 20, 0)),
            Light::Green
        );
        assert_eq!(
            light(&cal, start, due, at((2024, 6, 18), 16, 0)),
            Light::Yellow
        );
    }
}
