//! Where a clock stands: its due time from a start and a limit, what an action does to the
//! incident's clock and its tasks' clocks, and pausing and resuming (挂起 stops the clock).

use crate::error::FieldError;
use crate::incidents::{IncidentAction, IncidentState};
use crate::workdays::Calendar;

use super::step::{LimitUnit, Step, TimeLimit};

/// The due time of a limit started at `start` on a calendar.
pub fn deadline(cal: &Calendar, start: i64, limit: TimeLimit) -> Result<i64, FieldError> {
    match limit.unit {
        LimitUnit::WorkingDays => cal.add_working_days(start, limit.amount),
        LimitUnit::WorkingHours => cal.add_working_hours(start, limit.amount),
    }
}

/// A due time moved by `days` working days, for an extension (延期) granted. Counted from the
/// last instant before the old due time, so that a deadline at the end of a Thursday (midnight,
/// which is already Friday) moves to the end of Friday with one day, not to Monday.
pub fn extend(cal: &Calendar, due: i64, days: i64) -> Result<i64, FieldError> {
    cal.add_working_days(due - 1, days)
        .map_err(|e| e.for_field("days"))
}

/// What an action does to the clocks, decided from the states before and after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockPlan {
    /// The incident enters a step: its clock starts afresh on that step's limit.
    pub restart: Option<Step>,
    /// The incident leaves every step (closed, rejected, merged): its clock is cleared.
    pub stop: bool,
    /// Suspended: the incident's and its live tasks' clocks keep what time is left.
    pub pause: bool,
    /// Resumed: the paused clocks run again with the time they kept.
    pub resume: bool,
    /// Live tasks without a clock (just made by a dispatch, a reassignment or a whistle) get
    /// one; with `restart_tasks`, every live task starts afresh (the handle step begins again
    /// after a rework).
    pub start_new_tasks: bool,
    pub restart_tasks: bool,
}

/// The plan for an action that took the incident from `from` to `to` (the same state when it
/// stayed). A report is `plan(None, Reported)`.
pub fn plan(
    action: Option<IncidentAction>,
    from: Option<IncidentState>,
    to: IncidentState,
) -> ClockPlan {
    use IncidentAction as A;
    let before = from.and_then(Step::of_state);
    let after = Step::of_state(to);
    let paused = to == IncidentState::Suspended;
    let resumed = from == Some(IncidentState::Suspended) && to != IncidentState::Suspended;
    let restart = match after {
        Some(s) if !resumed && (before != Some(s) || from.is_none()) => Some(s),
        _ => None,
    };
    let enters_handle = restart == Some(Step::Handle);
    ClockPlan {
        restart,
        stop: after.is_none() && !paused,
        pause: paused && from != Some(IncidentState::Suspended),
        resume: resumed,
        start_new_tasks: enters_handle
            || matches!(action, Some(A::Dispatch | A::Reassign | A::Whistle)),
        restart_tasks: enters_handle && action == Some(A::Rework),
    }
}

impl ClockPlan {
    /// Whether the plan changes anything (most actions on a running step do not).
    pub fn is_idle(&self) -> bool {
        self.restart.is_none() && !self.stop && !self.pause && !self.resume && !self.start_new_tasks
    }
}

/// Working time left on a clock when it is paused at `now`: negative when already overdue.
pub fn pause(cal: &Calendar, due: i64, now: i64) -> Result<i64, FieldError> {
    cal.working_time_between(now, due)
}

/// A clock running again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resumed {
    pub start: i64,
    pub due: i64,
}

/// Resumes at `now` a clock that ran from `start` to `due` and was paused with `left` working
/// milliseconds to go: the new due time is `left` of working time after `now`, and the start
/// moves so that the time used before the pause stays used (the light carries on where it
/// was rather than turning green again).
pub fn resume(
    cal: &Calendar,
    start: i64,
    due: i64,
    left: i64,
    now: i64,
) -> Result<Resumed, FieldError> {
    let total = cal.working_time_between(start, due)?;
    let used = (total - left).max(0);
    let due = if left >= 0 {
        if left == 0 {
            now
        } else {
            cal.add_working_time(now, left)?
        }
    } else {
        cal.sub_working_time(now, -left)?
    };
    Ok(Resumed {
        start: cal.sub_working_time(now, used)?,
        due,
    })
}

/// A clock after its limit or calendar changed (a region's time limits or local days were
/// set again): the start stays, the due time is the new limit from the start on the new
/// calendar, and a paused clock's time left moves by as much working time as its due time did,
/// so what was used before the pause stays used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recomputed {
    pub due: i64,
    pub left: Option<i64>,
}

///
/// Extensions granted on the clock since it started stay granted: `extra_days` working days are
/// added again after the new limit, and `at_least` (an incident's live tasks' extended due
/// times, which a grant raised the incident's to) is the earliest it may be due.
pub fn recompute(
    cal: &Calendar,
    start: i64,
    due: i64,
    left: Option<i64>,
    limit: TimeLimit,
    extra_days: i64,
    at_least: Option<i64>,
) -> Result<Recomputed, FieldError> {
    let mut new_due = deadline(cal, start, limit)?;
    if extra_days > 0 {
        new_due = extend(cal, new_due, extra_days)?;
    }
    if let Some(floor) = at_least {
        new_due = new_due.max(floor);
    }
    let left = match left {
        Some(l) => Some(l + cal.working_time_between(due, new_due)?),
        None => None,
    };
    Ok(Recomputed { due: new_due, left })
}

/// The step whose limit a clock in this state runs on when it is recomputed: a suspended
/// incident's paused clock is its handle step's (only work in progress can be suspended).
pub fn step_of_clock(state: IncidentState) -> Option<Step> {
    match state {
        IncidentState::Suspended => Some(Step::Handle),
        s => Step::of_state(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::days_from_civil;
    use crate::workdays::{CHINA_OFFSET_MS, DAY_MS, HOUR_MS};
    use IncidentAction as A;
    use IncidentState as S;

    fn at(d: (i32, u32, u32), h: i64) -> i64 {
        days_from_civil(d) * DAY_MS + h * HOUR_MS - CHINA_OFFSET_MS
    }

    #[test]
    fn each_step_starts_its_own_clock() {
        assert_eq!(plan(None, None, S::Reported).restart, Some(Step::Accept));
        assert_eq!(
            plan(Some(A::Accept), Some(S::Reported), S::Accepted).restart,
            Some(Step::Dispatch)
        );
        let d = plan(Some(A::Dispatch), Some(S::Accepted), S::Dispatched);
        assert_eq!(d.restart, Some(Step::Handle));
        assert!(d.start_new_tasks && !d.restart_tasks);
        // Starting work keeps the handle step's clock.
        assert!(plan(Some(A::Start), Some(S::Dispatched), S::InProgress).is_idle());
        assert!(plan(Some(A::Comment), Some(S::InProgress), S::InProgress).is_idle());
        let w = plan(Some(A::Whistle), Some(S::InProgress), S::InProgress);
        assert!(w.restart.is_none() && w.start_new_tasks);
        assert_eq!(
            plan(Some(A::Handle), Some(S::InProgress), S::Handled).restart,
            Some(Step::Review)
        );
        // Confirming keeps the review clock: handled and under review are one step.
        assert!(plan(Some(A::Confirm), Some(S::Handled), S::UnderReview).is_idle());
        let r = plan(Some(A::Rework), Some(S::UnderReview), S::InProgress);
        assert!(r.restart == Some(Step::Handle) && r.restart_tasks);
        assert!(plan(Some(A::Approve), Some(S::UnderReview), S::Closed).stop);
        assert_eq!(
            plan(Some(A::ReturnTask), Some(S::InProgress), S::Accepted).restart,
            Some(Step::Dispatch)
        );
        assert_eq!(
            plan(Some(A::Reopen), Some(S::Evaluated), S::Accepted).restart,
            Some(Step::Dispatch)
        );
        let p = plan(Some(A::Suspend), Some(S::InProgress), S::Suspended);
        assert!(p.pause && !p.stop && p.restart.is_none());
        let q = plan(Some(A::Resume), Some(S::Suspended), S::InProgress);
        assert!(q.resume && q.restart.is_none() && !q.start_new_tasks);
    }

    #[test]
    fn a_suspension_stops_the_clock_and_keeps_the_time_used() {
        let cal = Calendar::official();
        // Five working days from Monday 2024-06-17 10:00: due at the end of Monday 24 June.
        let start = at((2024, 6, 17), 10);
        let due = deadline(&cal, start, TimeLimit::days(5)).unwrap();
        assert_eq!(due, at((2024, 6, 25), 0));
        // Suspended on Wednesday at 10:00, resumed three weeks later at the same hour.
        let paused = at((2024, 6, 19), 10);
        let left = pause(&cal, due, paused).unwrap();
        let back = at((2024, 7, 10), 10);
        let r = resume(&cal, start, due, left, back).unwrap();
        assert_eq!(cal.working_time_between(back, r.due), Ok(left));
        assert_eq!(
            cal.working_time_between(r.start, back),
            cal.working_time_between(start, paused)
        );
        // Overdue when suspended: still overdue by as much when resumed.
        let late = at((2024, 6, 26), 10);
        let left = pause(&cal, due, late).unwrap();
        assert!(left < 0);
        let r = resume(&cal, start, due, left, back).unwrap();
        assert!(r.due < back);
        assert_eq!(cal.working_time_between(back, r.due), Ok(left));
    }

    #[test]
    fn a_recomputed_clock_keeps_its_start_and_what_was_used() {
        let cal = Calendar::official();
        let start = at((2024, 6, 17), 10);
        let due = deadline(&cal, start, TimeLimit::days(5)).unwrap();
        // A longer limit: due two working days later, the start unchanged.
        let r = recompute(&cal, start, due, None, TimeLimit::days(7), 0, None).unwrap();
        assert_eq!(r.due, at((2024, 6, 27), 0));
        assert_eq!(r.left, None);
        // A local holiday on Friday 21 June pushes the same limit one working day on.
        let local = crate::workdays::LocalDay {
            date: (2024, 6, 21),
            kind: crate::workdays::LocalKind::Holiday,
            name: "市庆".into(),
        };
        let cal2 = Calendar::new(&[local], crate::workdays::WorkingHours::default()).unwrap();
        let r = recompute(&cal2, start, due, None, TimeLimit::days(5), 0, None).unwrap();
        assert_eq!(r.due, at((2024, 6, 26), 0));
        // Paused with a day and a half left: two days and a half left after the limit grew by a day.
        let paused = at((2024, 6, 21), 12);
        let left = pause(&cal, due, paused).unwrap();
        let r = recompute(&cal, start, due, Some(left), TimeLimit::days(6), 0, None).unwrap();
        assert_eq!(
            r.left,
            Some(left + cal.working_time_between(due, r.due).unwrap())
        );
        assert_eq!(cal.working_time_between(due, r.due), Ok(7 * HOUR_MS));
        // The same limit on the same calendar changes nothing.
        let same = recompute(&cal, start, due, Some(left), TimeLimit::days(5), 0, None).unwrap();
        assert_eq!(
            same,
            Recomputed {
                due,
                left: Some(left)
            }
        );
        // Two days granted on a five-day clock stay granted on the new seven-day limit: the end
        // of Wednesday 26 June, then Thursday and Friday.
        let r = recompute(&cal, start, due, None, TimeLimit::days(7), 2, None).unwrap();
        assert_eq!(r.due, at((2024, 6, 29), 0));
        // An incident is due no earlier than its extended tasks.
        let later = at((2024, 7, 3), 0);
        let r = recompute(&cal, start, due, None, TimeLimit::days(5), 0, Some(later)).unwrap();
        assert_eq!(r.due, later);
        assert_eq!(step_of_clock(S::Suspended), Some(Step::Handle));
        assert_eq!(step_of_clock(S::Closed), None);
    }
}
