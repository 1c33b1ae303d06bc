//! A region's working-day calendar: the official schedule with its local days laid over it,
//! and the tables that make the arithmetic constant-time.

use crate::error::{FieldError, Invalid};
use crate::ids::{Ymd, days_from_civil, format_ymd, is_valid_date};

use super::hours::WorkingHours;
use super::local::{self, LocalDay, LocalKind};
use super::official::{FIRST_DAY, LAST_DAY};
use super::schedule::official_days;

/// Which days are worked from [`FIRST_DAY`] to [`LAST_DAY`] and in which hours.
///
/// Built once per region and shared; building costs a few microseconds per year covered.
/// Days are indexed from [`FIRST_DAY`] (index 0).
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Day number (days after 1970-01-01) of index 0.
    pub(super) first_day: i64,
    pub(super) working: Vec<bool>,
    /// `before[i]`: working days among indexes `0..i`; one longer than `working`.
    pub(super) before: Vec<u32>,
    /// `nth[k]`: the index of the `k`-th working day (from 0), the inverse of `before`.
    pub(super) nth: Vec<u32>,
    pub(super) hours: WorkingHours,
}

impl Calendar {
    /// The official schedule alone, with the default working hours.
    pub fn official() -> Self {
        Self::build(&[], WorkingHours::default())
    }

    /// The official schedule with a region's local days over it; the local days are checked
    /// first (see [`local::check`]) and nothing is built when one is wrong.
    pub fn new(local_days: &[LocalDay], hours: WorkingHours) -> Result<Self, Invalid> {
        local::check(local_days, &official_days())?;
        Ok(Self::build(local_days, hours))
    }

    /// Checks local days without building a calendar: what a region's setting is held to
    /// before it is stored (errors name `local_days[i]`).
    pub fn check_local_days(local_days: &[LocalDay]) -> Result<(), Invalid> {
        local::check(local_days, &official_days())
    }

    fn build(local_days: &[LocalDay], hours: WorkingHours) -> Self {
        let first_day = days_from_civil(FIRST_DAY);
        let mut working: Vec<bool> = official_days().iter().map(|k| k.is_working()).collect();
        for day in local_days {
            if let Some(w) = working.get_mut((days_from_civil(day.date) - first_day) as usize) {
                *w = day.kind == LocalKind::Workday;
            }
        }
        let mut before = Vec::with_capacity(working.len() + 1);
        let mut nth = Vec::new();
        let mut count = 0u32;
        for (i, &w) in working.iter().enumerate() {
            before.push(count);
            if w {
                nth.push(i as u32);
                count += 1;
            }
        }
        before.push(count);
        Self {
            first_day,
            working,
            before,
            nth,
            hours,
        }
    }

    /// Whether a day is worked; an error for a day outside the calendar (field `date`).
    pub fn is_working_day(&self, date: Ymd) -> Result<bool, FieldError> {
        let (y, m, d) = date;
        if !is_valid_date(y, m, d) {
            return Err(FieldError::new(
                "date",
                "bad_date",
                format!("日期不存在: {y}-{m}-{d}"),
                format!("no such day in the calendar: {y}-{m}-{d}"),
            ));
        }
        usize::try_from(days_from_civil(date) - self.first_day)
            .ok()
            .and_then(|i| self.working.get(i).copied())
            .ok_or_else(|| local::outside("date", &format_ymd(date)))
    }

    /// Working days in the calendar, for display and benchmarks.
    pub fn working_day_count(&self) -> usize {
        self.nth.len()
    }

    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    /// The first and last day covered.
    pub fn range(&self) -> (Ymd, Ymd) {
        (FIRST_DAY, LAST_DAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: Ymd, kind: LocalKind, name: &str) -> LocalDay {
        LocalDay {
            date,
            kind,
            name: name.into(),
        }
    }

    #[test]
    fn local_days_lay_over_the_official_ones() {
        // Guangxi's 三月三 of 2024 (11–12 April, Thursday and Friday) with the Sunday before
        // it worked; none of this is in the State Council's notice.
        let cal = Calendar::new(
            &[
                day((2024, 4, 11), LocalKind::Holiday, "壮族三月三"),
                day((2024, 4, 12), LocalKind::Holiday, "壮族三月三"),
                day((2024, 4, 14), LocalKind::Workday, "壮族三月三调休"),
            ],
            WorkingHours::default(),
        )
        .unwrap();
        let official = Calendar::official();
        for (date, local, national) in [
            ((2024, 4, 11), false, true),
            ((2024, 4, 12), false, true),
            ((2024, 4, 13), false, false),
            ((2024, 4, 14), true, false),
            ((2024, 4, 15), true, true),
        ] {
            assert_eq!(cal.is_working_day(date), Ok(local), "{date:?}");
            assert_eq!(official.is_working_day(date), Ok(national), "{date:?}");
        }
        assert_eq!(cal.working_day_count() + 1, official.working_day_count());
    }

    #[test]
    fn bad_local_days_are_refused_with_the_entry_named() {
        let e = Calendar::new(
            &[
                day((2024, 4, 11), LocalKind::Holiday, "三月三"),
                day((2024, 4, 11), LocalKind::Holiday, "三月三"),
                day((2024, 4, 11), LocalKind::Workday, "调休"),
                day((2024, 10, 2), LocalKind::Workday, "抢险"),
                day((2024, 4, 13), LocalKind::Holiday, "周六"),
                day((2024, 4, 15), LocalKind::Workday, "周一"),
                day((2027, 1, 4), LocalKind::Holiday, "明年"),
                day((2024, 2, 30), LocalKind::Holiday, "无此日"),
                day((2024, 5, 20), LocalKind::Holiday, "  "),
            ],
            WorkingHours::default(),
        )
        .unwrap_err();
        let got: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            vec![
                ("local_days[1].date", "duplicate"),
                ("local_days[2].date", "conflicting_kind"),
                ("local_days[3].date", "official_holiday"),
                ("local_days[4].date", "already_off"),
                ("local_days[5].date", "already_working"),
                ("local_days[6].date", "outside_calendar"),
                ("local_days[7].date", "bad_date"),
                ("local_days[8].name", "required"),
            ]
        );
        assert!(e.0[1].zh.contains("放假") && e.0[1].en.contains("a holiday"));
        assert!(e.0[2].zh.contains("国庆节") && e.0[2].en.contains("National Day"));
        assert!(e.0[5].en.contains("2020-01-01 to 2026-12-31"));
    }

    #[test]
    fn a_day_outside_the_calendar_is_an_error_not_a_guess() {
        let cal = Calendar::official();
        assert_eq!(cal.is_working_day((2020, 1, 2)), Ok(true));
        assert_eq!(cal.is_working_day((2026, 12, 31)), Ok(true));
        for date in [(2019, 12, 31), (2027, 1, 1), (1900, 1, 1)] {
            let e = cal.is_working_day(date).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), ("date", "outside_calendar"));
        }
        assert_eq!(
            cal.is_working_day((2025, 2, 29)).unwrap_err().code,
            "bad_date"
        );
    }
}
