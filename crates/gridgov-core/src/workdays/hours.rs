//! Working hours within a working day: the periods in which working-hour time limits run.

use crate::error::{Checker, FieldError, Invalid};

use super::{HOUR_MS, MINUTE_MS};

/// The periods of a working day, as minutes after midnight (Asia/Shanghai), ascending and not
/// overlapping. Every working day has the same periods: seasonal schedules (a later afternoon
/// in summer) are a setting of the region, chosen when its calendar is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHours {
    periods: Vec<Period>,
    /// Working milliseconds in one day, the sum of the periods.
    day_ms: i64,
}

/// One period, `start` included and `end` excluded, in milliseconds after midnight, with the
/// working time of the periods before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Period {
    start: i64,
    end: i64,
    before: i64,
}

impl Default for WorkingHours {
    /// 8:30–12:00 and 14:00–17:30, seven hours: the office hours most county and township
    /// governments and their service halls (政务服务中心) publish. The default stands in until a
    /// region sets its own; it is data, not a rule.
    fn default() -> Self {
        Self::build(&[(8 * 60 + 30, 12 * 60), (14 * 60, 17 * 60 + 30)])
    }
}

impl WorkingHours {
    /// Periods as `(start, end)` minutes after midnight, e.g. `(510, 720)` for 8:30–12:00.
    /// Rejects no periods, a period that ends before it starts or past midnight, and periods
    /// out of order or overlapping; each error names the period (`working_hours[i]`).
    pub fn new(periods: &[(u32, u32)]) -> Result<Self, Invalid> {
        let mut c = Checker::new();
        if periods.is_empty() {
            c.push(FieldError::new(
                "working_hours",
                "required",
                "至少需要一个工作时段",
                "at least one working period is required",
            ));
        }
        for (i, &(start, end)) in periods.iter().enumerate() {
            let field = format!("working_hours[{i}]");
            let shown = format!("{}–{}", clock(start), clock(end));
            if start >= end || end > 24 * 60 {
                c.push(FieldError::new(
                    field,
                    "bad_period",
                    format!("工作时段 {shown} 无效：开始须早于结束，且不晚于24:00"),
                    format!(
                        "working period {shown} is invalid: it must start before it ends, by 24:00"
                    ),
                ));
            } else if i > 0 && start < periods[i - 1].1 {
                c.push(FieldError::new(
                    field,
                    "overlapping_period",
                    format!("工作时段 {shown} 与前一时段重叠或顺序颠倒"),
                    format!("working period {shown} overlaps the one before it or comes before it"),
                ));
            }
        }
        c.finish()?;
        Ok(Self::build(periods))
    }

    /// Builds from periods already checked.
    fn build(periods: &[(u32, u32)]) -> Self {
        let mut before = 0;
        let periods: Vec<Period> = periods
            .iter()
            .map(|&(s, e)| {
                let p = Period {
                    start: i64::from(s) * MINUTE_MS,
                    end: i64::from(e) * MINUTE_MS,
                    before,
                };
                before += p.end - p.start;
                p
            })
            .collect();
        Self {
            periods,
            day_ms: before,
        }
    }

    /// Working milliseconds in one working day.
    pub fn day_ms(&self) -> i64 {
        self.day_ms
    }

    /// Working hours in one working day, for display.
    pub fn day_hours(&self) -> f64 {
        self.day_ms as f64 / HOUR_MS as f64
    }

    /// The periods as `(start, end)` minutes after midnight.
    pub fn periods(&self) -> Vec<(u32, u32)> {
        self.periods
            .iter()
            .map(|p| ((p.start / MINUTE_MS) as u32, (p.end / MINUTE_MS) as u32))
            .collect()
    }

    /// Working time of a working day done by `time_of_day` (milliseconds after midnight).
    pub(super) fn elapsed(&self, time_of_day: i64) -> i64 {
        for p in &self.periods {
            if time_of_day < p.start {
                return p.before;
            }
            if time_of_day < p.end {
                return p.before + time_of_day - p.start;
            }
        }
        self.day_ms
    }

    /// The earliest time of day by which `worked` milliseconds of work are done, for `worked` in
    /// `1..=day_ms`: inside a period, or at the end of one, never at the start of the next, so
    /// a limit that uses up a morning ends at 12:00, not at 14:00.
    pub(super) fn time_after(&self, worked: i64) -> i64 {
        for p in &self.periods {
            if worked <= p.before + (p.end - p.start) {
                return p.start + (worked - p.before);
            }
        }
        self.periods.last().map_or(0, |p| p.end)
    }
}

/// `8:30` for 510 minutes.
fn clock(minutes: u32) -> String {
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_day_has_seven_hours_in_two_periods() {
        let h = WorkingHours::default();
        assert_eq!(h.day_ms(), 7 * HOUR_MS);
        assert_eq!(h.periods(), vec![(510, 720), (840, 1050)]);
        assert_eq!(h.elapsed(8 * HOUR_MS), 0);
        assert_eq!(h.elapsed(9 * HOUR_MS), HOUR_MS / 2);
        assert_eq!(h.elapsed(13 * HOUR_MS), 7 * HOUR_MS / 2);
        assert_eq!(h.elapsed(15 * HOUR_MS), 9 * HOUR_MS / 2);
        assert_eq!(h.elapsed(20 * HOUR_MS), 7 * HOUR_MS);
        // A morning's work ends at noon, the next millisecond is taken at 14:00.
        assert_eq!(h.time_after(7 * HOUR_MS / 2), 12 * HOUR_MS);
        assert_eq!(h.time_after(7 * HOUR_MS / 2 + 1), 14 * HOUR_MS + 1);
        assert_eq!(h.time_after(7 * HOUR_MS), 17 * HOUR_MS + HOUR_MS / 2);
    }

    #[test]
    fn bad_periods_are_named() {
        let e = WorkingHours::new(&[]).unwrap_err();
        assert_eq!(e.0[0].field, "working_hours");
        let e = WorkingHours::new(&[(600, 540), (840, 900), (870, 960), (1000, 1500)]).unwrap_err();
        let got: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            vec![
                ("working_hours[0]", "bad_period"),
                ("working_hours[2]", "overlapping_period"),
                ("working_hours[3]", "bad_period"),
            ]
        );
        assert!(e.0[0].zh.contains("10:00–9:00"));
        assert!(e.0[1].en.contains("overlaps"));
    }

    #[test]
    fn one_period_from_midnight_to_midnight_is_a_whole_day() {
        let h = WorkingHours::new(&[(0, 24 * 60)]).unwrap();
        assert_eq!(h.day_ms(), 24 * HOUR_MS);
        assert_eq!(h.time_after(24 * HOUR_MS), 24 * HOUR_MS);
    }
}
