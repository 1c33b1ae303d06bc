//! Time limits on the official calendar: known cases around holidays, adjusted weekends, the
//! new year and the edges of the calendar, and adding checked against counting and against a
//! day-by-day walk over pseudo-random instants.

use super::*;
use crate::ids::{Ymd, days_from_civil};

/// An instant in Asia/Shanghai.
fn at((y, m, d): Ymd, h: i64, min: i64) -> i64 {
    days_from_civil((y, m, d)) * DAY_MS + h * HOUR_MS + min * MINUTE_MS - CHINA_OFFSET_MS
}

/// Midnight at the end of a day: a deadline in days.
fn end_of(date: Ymd) -> i64 {
    at(date, 24, 0)
}

#[test]
fn days_count_from_the_next_day_and_skip_holidays_and_weekends() {
    let cal = Calendar::official();
    // Friday 2024-06-07; Monday 10 June was the Dragon Boat Festival ("与周末连休").
    assert_eq!(
        cal.add_working_days(at((2024, 6, 7), 16, 0), 1),
        Ok(end_of((2024, 6, 11)))
    );
    // Received early or late on the Friday, the same deadline: the start day never counts.
    assert_eq!(
        cal.add_working_days(at((2024, 6, 7), 0, 0), 1),
        Ok(end_of((2024, 6, 11)))
    );
    // One millisecond before midnight in Shanghai (15:59:59.999 UTC) is still Thursday.
    assert_eq!(
        cal.add_working_days(at((2024, 6, 7), 0, 0) - 1, 1),
        Ok(end_of((2024, 6, 7)))
    );
    // Received during the National Day week: counting starts after it.
    assert_eq!(
        cal.add_working_days(at((2024, 10, 3), 10, 0), 1),
        Ok(end_of((2024, 10, 8)))
    );
    // Five working days from Monday 2024-06-03 take in the holiday Monday: Tuesday 11 June.
    assert_eq!(
        cal.add_working_days(at((2024, 6, 3), 9, 0), 5),
        Ok(end_of((2024, 6, 11)))
    );
}

#[test]
fn adjusted_saturdays_and_sundays_are_working_days() {
    let cal = Calendar::official();
    // Saturday 2024-10-12 was worked after National Day.
    assert_eq!(
        cal.add_working_days(at((2024, 10, 11), 9, 0), 1),
        Ok(end_of((2024, 10, 12)))
    );
    // Sunday 2026-01-04 was worked for a New Year holiday that took in Saturday the 3rd.
    assert_eq!(
        cal.add_working_days(at((2025, 12, 31), 10, 0), 1),
        Ok(end_of((2026, 1, 4)))
    );
    assert_eq!(
        cal.working_days_between(at((2026, 1, 2), 9, 0), at((2026, 1, 4), 9, 0)),
        Ok(1)
    );
}

#[test]
fn limits_cross_the_new_year() {
    let cal = Calendar::official();
    // The 2023 New Year holiday began on Saturday 2022-12-31 and ran to Monday 2 January.
    assert_eq!(
        cal.add_working_days(at((2022, 12, 30), 15, 0), 1),
        Ok(end_of((2023, 1, 3)))
    );
    assert_eq!(
        cal.add_working_days(at((2022, 12, 30), 15, 0), 3),
        Ok(end_of((2023, 1, 5)))
    );
    // Working hours too: 1.5 h left on Friday 2022-12-30, the rest on Tuesday 3 January.
    assert_eq!(
        cal.add_working_hours(at((2022, 12, 30), 16, 0), 3),
        Ok(at((2023, 1, 3), 10, 0))
    );
}

#[test]
fn zero_and_negative_limits_are_refused() {
    let cal = Calendar::official();
    let t = at((2024, 6, 7), 9, 0);
    for (r, field) in [
        (cal.add_working_days(t, 0), "days"),
        (cal.add_working_days(t, -3), "days"),
        (cal.add_working_hours(t, 0), "hours"),
        (cal.add_working_hours(t, -1), "hours"),
        (cal.add_working_time(t, 0), "ms"),
    ] {
        let e = r.unwrap_err();
        assert_eq!((e.field.as_str(), e.code), (field, "not_positive"));
        assert!(e.zh.contains("必须大于零") && e.en.contains("greater than zero"));
    }
}

#[test]
fn the_edges_of_the_calendar() {
    let cal = Calendar::official();
    // The first instant covered and the one before it.
    let first = at((2020, 1, 1), 0, 0);
    assert_eq!(cal.add_working_days(first, 1), Ok(end_of((2020, 1, 2))));
    let e = cal.add_working_days(first - 1, 1).unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("at", "outside_calendar"));
    assert!(e.zh.contains("2019-12-31"));
    // A deadline at the very end of the last day is still given.
    assert_eq!(
        cal.add_working_days(at((2026, 12, 30), 9, 0), 1),
        Ok(end_of((2026, 12, 31)))
    );
    // One that needs a day of the next, unpublished year is refused.
    let e = cal
        .add_working_days(at((2026, 12, 30), 9, 0), 2)
        .unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("days", "beyond_calendar"));
    let e = cal
        .add_working_hours(at((2026, 12, 31), 9, 0), 8)
        .unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("hours", "beyond_calendar"));
    let e = cal
        .working_time_between(first, end_of((2026, 12, 31)))
        .unwrap_err();
    assert_eq!(e.code, "outside_calendar");
    // The far ends of i64 are errors too, not overflows.
    assert!(cal.add_working_days(i64::MAX, 1).is_err());
    assert!(cal.add_working_days(i64::MIN, 1).is_err());
    assert!(cal.add_working_days(first, i64::MAX).is_err());
    assert!(cal.add_working_time(first, i64::MAX).is_err());
    assert!(cal.add_working_hours(first, i64::MAX).is_err());
}

#[test]
fn working_hours_wait_for_the_next_period_and_end_at_a_close() {
    let cal = Calendar::official();
    let tue = (2024, 6, 11);
    // From the lunch break: the clock starts at 14:00.
    assert_eq!(
        cal.add_working_hours(at(tue, 12, 30), 1),
        Ok(at(tue, 15, 0))
    );
    // From before the office opens: a 3.5 h limit ends at noon, not at 14:00.
    assert_eq!(
        cal.add_working_time(at(tue, 7, 0), 7 * HOUR_MS / 2),
        Ok(at(tue, 12, 0))
    );
    assert_eq!(
        cal.add_working_hours(at(tue, 8, 30), 7),
        Ok(at(tue, 17, 30))
    );
    // Friday 16:00 + 4 h: 1.5 h on Friday, Monday is a holiday, 2.5 h on Tuesday.
    assert_eq!(
        cal.add_working_hours(at((2024, 6, 7), 16, 0), 4),
        Ok(at(tue, 11, 0))
    );
    // Counting: Friday 17:00 to Tuesday 9:00 holds one working hour.
    assert_eq!(
        cal.working_time_between(at((2024, 6, 7), 17, 0), at(tue, 9, 0)),
        Ok(HOUR_MS)
    );
    assert_eq!(
        cal.working_time_between(at(tue, 9, 0), at((2024, 6, 7), 17, 0)),
        Ok(-HOUR_MS)
    );
    // A weekend holds none.
    assert_eq!(
        cal.working_time_between(at((2024, 6, 8), 9, 0), at((2024, 6, 9), 17, 0)),
        Ok(0)
    );
}

#[test]
fn other_working_hours_are_used_as_given() {
    let summer = WorkingHours::new(&[(8 * 60, 12 * 60), (14 * 60 + 30, 18 * 60)]).unwrap();
    let cal = Calendar::new(&[], summer).unwrap();
    let tue = (2024, 6, 11);
    assert_eq!(
        cal.add_working_hours(at(tue, 11, 0), 2),
        Ok(at(tue, 15, 30))
    );
    assert_eq!(
        cal.working_time_between(at(tue, 0, 0), at(tue, 23, 0)),
        Ok(15 * HOUR_MS / 2)
    );
}

/// A small deterministic generator (SplitMix64), so the property test needs no dependency.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
}

/// The slow way: walk day by day.
fn deadline_by_walking(cal: &Calendar, t: i64, mut n: i64) -> Option<i64> {
    let mut day = (t + CHINA_OFFSET_MS).div_euclid(DAY_MS);
    while n > 0 {
        day += 1;
        if cal.is_working_day(crate::ids::civil_from_days(day)).ok()? {
            n -= 1;
        }
    }
    Some((day + 1) * DAY_MS - CHINA_OFFSET_MS)
}

/// The slow way: the overlap of [a, b) with every working period of every working day.
fn working_time_by_walking(cal: &Calendar, a: i64, b: i64) -> i64 {
    let mut total = 0;
    let first = (a + CHINA_OFFSET_MS).div_euclid(DAY_MS);
    let last = (b + CHINA_OFFSET_MS).div_euclid(DAY_MS);
    for day in first..=last {
        if cal.is_working_day(crate::ids::civil_from_days(day)) != Ok(true) {
            continue;
        }
        let midnight = day * DAY_MS - CHINA_OFFSET_MS;
        for (s, e) in cal.hours().periods() {
            let s = midnight + i64::from(s) * MINUTE_MS;
            let e = midnight + i64::from(e) * MINUTE_MS;
            total += (e.min(b) - s.max(a)).max(0);
        }
    }
    total
}

fn check_properties(cal: &Calendar, seed: u64) {
    let mut rng = SplitMix(seed);
    let first = at(FIRST_DAY, 0, 0);
    let span = (end_of(LAST_DAY) - first) as u64;
    for _ in 0..3_000 {
        let t = first + rng.below(span);
        let n = 1 + rng.below(40);
        match cal.add_working_days(t, n) {
            Ok(due) => {
                assert_eq!(Some(due), deadline_by_walking(cal, t, n), "{t} + {n} days");
                assert_eq!(
                    cal.working_days_between(t, due - 1),
                    Ok(n),
                    "{t} + {n} days"
                );
            }
            Err(e) => assert_eq!(e.code, "beyond_calendar"),
        }
        // Up to two weeks of working time, to the millisecond.
        let ms = 1 + rng.below(70 * HOUR_MS as u64);
        match cal.add_working_time(t, ms) {
            Ok(due) => {
                assert!(due > t);
                assert_eq!(cal.working_time_between(t, due), Ok(ms), "{t} + {ms} ms");
                assert_eq!(working_time_by_walking(cal, t, due), ms, "{t} + {ms} ms");
                // Not a millisecond later than needed.
                assert_eq!(
                    cal.working_time_between(t, due - 1),
                    Ok(ms - 1),
                    "{t} + {ms} ms"
                );
            }
            Err(e) => assert_eq!(e.code, "beyond_calendar"),
        }
    }
}

#[test]
fn adding_then_counting_gives_back_the_limit_official() {
    check_properties(&Calendar::official(), 12);
}

#[test]
fn adding_then_counting_gives_back_the_limit_with_local_days() {
    let local = [
        LocalDay {
            date: (2024, 4, 11),
            kind: LocalKind::Holiday,
            name: "壮族三月三".into(),
        },
        LocalDay {
            date: (2024, 4, 14),
            kind: LocalKind::Workday,
            name: "壮族三月三调休".into(),
        },
    ];
    let hours = WorkingHours::new(&[(9 * 60, 17 * 60)]).unwrap();
    check_properties(&Calendar::new(&local, hours).unwrap(), 34);
}

#[test]
fn going_back_in_working_time_undoes_going_forward() {
    let cal = Calendar::official();
    // Monday 2024-06-17 10:00 less three hours: the Monday morning's 1.5 h, then 1.5 h of
    // the Friday afternoon before it, from 17:30 back to 16:00.
    assert_eq!(
        cal.sub_working_time(at((2024, 6, 17), 10, 0), 3 * HOUR_MS),
        Ok(at((2024, 6, 14), 16, 0))
    );
    assert_eq!(
        cal.sub_working_time(at((2024, 6, 17), 10, 0), 0),
        Ok(at((2024, 6, 17), 10, 0))
    );
    assert_eq!(
        cal.sub_working_time(at((2024, 6, 17), 10, 0), -1)
            .unwrap_err()
            .code,
        "not_positive"
    );
    assert_eq!(
        cal.sub_working_time(at((2020, 1, 2), 10, 0), 100 * HOUR_MS)
            .unwrap_err()
            .code,
        "outside_calendar"
    );
    let mut r = SplitMix(7);
    for _ in 0..2_000 {
        let t = at((2021, 1, 1), 0, 0) + r.below(4 * 365) * DAY_MS + r.below(DAY_MS as u64);
        let ms = 1 + r.below(200 * HOUR_MS as u64);
        let back = cal.sub_working_time(t, ms).unwrap();
        assert_eq!(cal.working_time_between(back, t), Ok(ms), "{t} {ms}");
    }
}
