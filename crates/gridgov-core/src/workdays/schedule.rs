//! The official schedule laid out day by day: what each day from [`FIRST_DAY`] to
//! [`LAST_DAY`] is under the notices, before any local day.

use crate::ids::{Ymd, days_from_civil, weekday_of_days};

use super::official::{FIRST_DAY, Festival, LAST_DAY, NOTICES};

/// What one day is under the State Council's notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficialKind {
    /// Monday to Friday, nothing announced.
    Weekday,
    /// Saturday or Sunday, nothing announced.
    Weekend,
    /// Inside a holiday span of a notice, whatever the day of the week.
    Holiday(Festival),
    /// A Saturday or Sunday a notice made a working day (调休上班).
    AdjustedWorkday(Festival),
}

impl OfficialKind {
    pub fn is_working(self) -> bool {
        matches!(
            self,
            OfficialKind::Weekday | OfficialKind::AdjustedWorkday(_)
        )
    }
}

/// Every day from [`FIRST_DAY`] to [`LAST_DAY`], in order.
pub fn official_days() -> Vec<OfficialKind> {
    let first = days_from_civil(FIRST_DAY);
    let count = (days_from_civil(LAST_DAY) - first + 1) as usize;
    let mut days: Vec<OfficialKind> = (0..count as i64)
        .map(|i| match weekday_of_days(first + i) {
            5 | 6 => OfficialKind::Weekend,
            _ => OfficialKind::Weekday,
        })
        .collect();
    // Spans and dates of the notices lie inside the range (a test checks it); `get_mut` keeps a
    // slip from panicking all the same.
    for notice in NOTICES {
        for h in notice.holidays {
            for d in days_from_civil(h.first)..=days_from_civil(h.last) {
                if let Some(k) = days.get_mut((d - first) as usize) {
                    *k = OfficialKind::Holiday(h.festival);
                }
            }
        }
        for w in notice.workdays {
            if let Some(k) = days.get_mut((days_from_civil(w.date) - first) as usize) {
                *k = OfficialKind::AdjustedWorkday(w.festival);
            }
        }
    }
    days
}

/// The official kind of one day, or `None` outside the range.
pub fn official_day(date: Ymd) -> Option<OfficialKind> {
    if date < FIRST_DAY || date > LAST_DAY {
        return None;
    }
    let i = (days_from_civil(date) - days_from_civil(FIRST_DAY)) as usize;
    official_days().get(i).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::civil_from_days;
    use std::collections::HashSet;

    /// The data as typed: spans in order and inside the range, no day in two entries, each
    /// adjusted working day a weekend, each notice about its own year (New Year's spans may
    /// start on 31 December).
    #[test]
    fn the_notices_are_consistent() {
        let mut seen = HashSet::new();
        for notice in NOTICES {
            assert!(
                notice.issued < (notice.year, 1, 1),
                "{} issued late",
                notice.year
            );
            for h in notice.holidays {
                assert!(h.first <= h.last, "{h:?}");
                assert!(h.first >= FIRST_DAY && h.last <= LAST_DAY, "{h:?}");
                assert!(
                    h.last.0 == notice.year,
                    "{h:?} in the {} notice",
                    notice.year
                );
                for d in days_from_civil(h.first)..=days_from_civil(h.last) {
                    assert!(seen.insert(d), "{:?} entered twice", civil_from_days(d));
                }
            }
            for w in notice.workdays {
                assert!(
                    w.date.0 == notice.year,
                    "{w:?} in the {} notice",
                    notice.year
                );
                let d = days_from_civil(w.date);
                assert!(weekday_of_days(d) >= 5, "{w:?} is not a weekend day");
                assert!(seen.insert(d), "{:?} entered twice", w.date);
            }
        }
        let years: Vec<i32> = NOTICES.iter().map(|n| n.year).collect();
        assert_eq!(years, (FIRST_DAY.0..=LAST_DAY.0).collect::<Vec<_>>());
    }

    #[test]
    fn days_of_the_schedule() {
        use Festival::*;
        // 2026-01-04 was a Sunday worked for New Year; 2026-01-03 a Saturday inside the span.
        assert_eq!(
            official_day((2026, 1, 4)),
            Some(OfficialKind::AdjustedWorkday(NewYear))
        );
        assert_eq!(
            official_day((2026, 1, 3)),
            Some(OfficialKind::Holiday(NewYear))
        );
        // 2022-12-31 belongs to the 2023 notice.
        assert_eq!(
            official_day((2022, 12, 31)),
            Some(OfficialKind::Holiday(NewYear))
        );
        // 1 February 2020 was to be worked until the holiday was extended.
        assert_eq!(
            official_day((2020, 2, 1)),
            Some(OfficialKind::Holiday(SpringFestival))
        );
        assert_eq!(official_day((2024, 2, 9)), Some(OfficialKind::Weekday));
        assert_eq!(official_day((2024, 6, 8)), Some(OfficialKind::Weekend));
        assert_eq!(official_day((2019, 12, 31)), None);
        assert_eq!(official_day((2027, 1, 1)), None);
    }
}
