//! The official schedule, written by hand from the State Council's notices, against an
//! independent and maintained table of the same notices: the `chinese_holiday` crate
//! (Apache-2.0). Every day from 2020-01-01 to the last day that crate covers must agree on
//! whether it is worked.

use gridgov_core::ids::{civil_from_days, days_from_civil};
use gridgov_core::workdays::{Calendar, FIRST_DAY, LAST_DAY, OfficialKind, official_day};

/// The last day `chinese_holiday` 2026.0.1 answers for (it panics past it). The days after it,
/// to the end of 2026, are ordinary weekdays and weekends in the 2026 notice; the 2027 notice
/// could still move one of them (as the 2023 notice did with 2022-12-31).
const CHECKED_TO: (i32, u32, u32) = (2026, 12, 25);

fn theirs((y, m, d): (i32, u32, u32)) -> chinese_holiday::DayKind {
    let ymd = chinese_holiday::Ymd::new(y as u16, m as u8, d as u8);
    chinese_holiday::chinese_holiday(ymd)
}

#[test]
fn every_official_day_agrees_with_the_independent_table() {
    let cal = Calendar::official();
    let mut checked = 0;
    let mut differences = Vec::new();
    for day in days_from_civil(FIRST_DAY)..=days_from_civil(CHECKED_TO) {
        let date = civil_from_days(day);
        let ours = cal.is_working_day(date).unwrap();
        let theirs = theirs(date);
        if ours != theirs.is_workday() {
            differences.push(format!("{date:?}: ours {ours}, theirs {theirs:?}"));
        }
        checked += 1;
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // Seven years, less the six days at the end of 2026.
    assert_eq!(checked, 2557 - 6);
}

/// Not only worked or not: a day off in the middle of the week is a holiday on both sides, and
/// an adjusted working weekend is one on both sides, so a holiday typed on the wrong festival's
/// day cannot hide behind a weekend.
#[test]
fn holidays_and_adjusted_weekends_are_the_same_days() {
    for day in days_from_civil(FIRST_DAY)..=days_from_civil(CHECKED_TO) {
        let date = civil_from_days(day);
        let ours = official_day(date).unwrap();
        let theirs = format!("{:?}", theirs(date));
        let ours_special = matches!(
            ours,
            OfficialKind::Holiday(_) | OfficialKind::AdjustedWorkday(_)
        );
        // Their table marks weekend days inside a holiday span as that festival's holiday too,
        // as the notices do; ordinary days are `Normal…`.
        let theirs_special = !theirs.starts_with("Normal");
        assert_eq!(
            ours_special, theirs_special,
            "{date:?}: ours {ours:?}, theirs {theirs}"
        );
    }
    assert_eq!(LAST_DAY, (2026, 12, 31));
}
