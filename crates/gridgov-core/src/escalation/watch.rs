//! What the pass does with one matter at an instant: its clock's facts in, the marks to write
//! out (due soon, overdue, a climb), and when the pass must look at it next.

use crate::deadlines::YELLOW_FROM_PERCENT;
use crate::vocab::vocabulary;
use crate::workdays::Calendar;

vocabulary!(
    /// What the pass did to a matter; each is an event in the incident's record.
    Mark, "unknown_mark", "升级标记", "escalation mark", {
        /// 80 % of the step's working time used (the yellow light): once per clock.
        DueSoon => ("due_soon", "临期提醒", "due soon"),
        /// The due time passed: once per clock, before the climb.
        Overdue => ("overdue", "已超期", "overdue"),
        /// One attempt up the ladder, the step's clock started again.
        Escalated => ("escalated", "逐级升级", "escalated"),
        /// Past the top of the ladder: a named leader in charge (包保), or none found.
        GuarantorAssigned => ("guarantor_assigned", "领导包保", "leader in charge"),
    }
);

/// The facts of a matter's clock that the pass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Watch {
    /// The clock runs: an open matter in a step, not suspended.
    pub running: bool,
    pub due: Option<i64>,
    /// When the clock turns yellow (see [`warn_at`]).
    pub warn_at: Option<i64>,
    /// Marked due soon, or overdue, on this clock already.
    pub warned: bool,
    pub overdue: bool,
    /// Past the top of the ladder: a leader was named (or none found); it climbs no more.
    pub at_top: bool,
}

/// What the pass does now, in order: at most one of due soon and overdue, and a climb after an
/// overdue mark unless the matter is past the top. A matter that ran out without having been
/// warned (the pass did not run in between, or the yellow stretch was shorter than a minute) is
/// marked overdue only: due soon is stale by then.
pub fn marks(w: &Watch, now: i64) -> Vec<Mark> {
    let mut out = Vec::new();
    let Some(due) = w.due.filter(|_| w.running) else {
        return out;
    };
    if now >= due {
        if !w.overdue {
            out.push(Mark::Overdue);
        }
        if !w.at_top {
            out.push(Mark::Escalated);
        }
    } else if !w.warned && w.warn_at.is_some_and(|at| now >= at) {
        out.push(Mark::DueSoon);
    }
    out
}

/// The next instant the pass must look at the matter, or none while nothing can fall due (no
/// running clock, or past the top and already marked overdue). The store keeps it in the
/// indexed column `escalate_at`, so finding what is due is one index range.
pub fn next_check(w: &Watch) -> Option<i64> {
    let due = w.due.filter(|_| w.running)?;
    if !w.warned
        && !w.overdue
        && let Some(at) = w.warn_at.filter(|&at| at < due)
    {
        return Some(at);
    }
    if w.overdue && w.at_top {
        return None;
    }
    Some(due)
}

/// When a clock from `start` to `due` turns yellow: once [`YELLOW_FROM_PERCENT`] of its working
/// time is used, as `deadlines::light` tells it. None when the calendar cannot say (an instant
/// it does not cover) or the clock has no working time.
pub fn warn_at(cal: &Calendar, start: i64, due: i64) -> Option<i64> {
    let total = cal.working_time_between(start, due).ok()?;
    if total <= 0 {
        return None;
    }
    // Rounded up: the light is yellow once used × 100 ≥ total × 80.
    let used = (total * YELLOW_FROM_PERCENT + 99) / 100;
    cal.add_working_time(start, used).ok().map(|at| at.min(due))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadlines::{Light, light};
    use crate::ids::days_from_civil;
    use crate::workdays::{CHINA_OFFSET_MS, DAY_MS, HOUR_MS, MINUTE_MS};

    fn at(d: (i32, u32, u32), h: i64, m: i64) -> i64 {
        days_from_civil(d) * DAY_MS + h * HOUR_MS + m * MINUTE_MS - CHINA_OFFSET_MS
    }

    fn running(due: i64, warn: i64) -> Watch {
        Watch {
            running: true,
            due: Some(due),
            warn_at: Some(warn),
            ..Watch::default()
        }
    }

    #[test]
    fn the_warning_comes_with_the_yellow_light() {
        let cal = Calendar::official();
        // Ten working hours from Monday 2024-06-17 8:30: due Tuesday 11:30, yellow at 9:30.
        let start = at((2024, 6, 17), 8, 30);
        let due = cal.add_working_hours(start, 10).unwrap();
        let warn = warn_at(&cal, start, due).unwrap();
        assert_eq!(warn, at((2024, 6, 18), 9, 30));
        assert_eq!(light(&cal, start, due, warn), Light::Yellow);
        assert_eq!(light(&cal, start, due, warn - 1), Light::Green);
        // Over a weekend: Friday 17:00 with two working days.
        let start = at((2024, 6, 14), 17, 0);
        let due = cal.add_working_days(start, 2).unwrap();
        let warn = warn_at(&cal, start, due).unwrap();
        assert_eq!(light(&cal, start, due, warn), Light::Yellow);
        assert_eq!(light(&cal, start, due, warn - MINUTE_MS), Light::Green);
        assert_eq!(warn_at(&cal, due, due), None);
    }

    #[test]
    fn one_period_gives_due_soon_then_overdue_and_one_climb() {
        let (warn, due) = (1_000, 2_000);
        let mut w = running(due, warn);
        assert_eq!(marks(&w, 999), []);
        assert_eq!(next_check(&w), Some(warn));
        assert_eq!(marks(&w, 1_500), [Mark::DueSoon]);
        w.warned = true;
        assert_eq!(marks(&w, 1_600), []);
        assert_eq!(next_check(&w), Some(due));
        assert_eq!(marks(&w, 2_000), [Mark::Overdue, Mark::Escalated]);
        // Ran out unseen: overdue and the climb, no stale warning.
        assert_eq!(
            marks(&running(due, warn), 5_000),
            [Mark::Overdue, Mark::Escalated]
        );
    }

    #[test]
    fn past_the_top_it_is_marked_overdue_once_and_left() {
        let mut w = running(2_000, 1_000);
        w.at_top = true;
        w.warned = true;
        assert_eq!(marks(&w, 3_000), [Mark::Overdue]);
        w.overdue = true;
        assert_eq!(marks(&w, 4_000), []);
        assert_eq!(next_check(&w), None);
    }

    #[test]
    fn a_stopped_or_paused_clock_is_never_due() {
        let mut w = running(2_000, 1_000);
        w.running = false;
        assert_eq!(marks(&w, 9_000), []);
        assert_eq!(next_check(&w), None);
        let none = Watch {
            running: true,
            ..Watch::default()
        };
        assert_eq!(marks(&none, 9_000), []);
        assert_eq!(next_check(&none), None);
        // No yellow instant known (an old clock): the due time only.
        let mut old = running(2_000, 0);
        old.warn_at = None;
        assert_eq!(next_check(&old), Some(2_000));
        assert_eq!(marks(&old, 1_900), []);
    }
}
