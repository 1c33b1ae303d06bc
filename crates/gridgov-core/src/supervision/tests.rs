#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The card's table read both ways, and every refusal of a bad input.

use super::*;
use crate::ids::days_from_civil;
use crate::scope::ScopePath;
use crate::workdays::{CHINA_OFFSET_MS, Calendar, DAY_MS, HOUR_MS};

const DISTRICT: &str = "42/4202/420202/";
const TOWNSHIP: &str = "42/4202/420202/420202001/";
const GRID: &str = "42/4202/420202/420202001/420202001001/G0001/";

fn at(d: (i32, u32, u32), h: i64) -> i64 {
    days_from_civil(d) * DAY_MS + h * HOUR_MS - CHINA_OFFSET_MS
}

/// The card's rules written again as a match, so a change to the table that is not made on
/// purpose here too fails.
fn expected(
    action: CardAction,
    state: CardState,
    sides: CardSides,
) -> Result<CardState, &'static str> {
    use CardAction as A;
    use CardState as S;
    let (to, issuer) = match (action, state) {
        (A::Reply, S::Issued) => (S::Replied, false),
        (A::Accept, S::Replied) => (S::Accepted, true),
        (A::SendBack, S::Replied) => (S::Issued, true),
        (A::Close, S::Issued | S::Replied) => (S::Closed, true),
        _ => return Err("action_not_from_state"),
    };
    match (issuer, sides.issuer, sides.addressee) {
        (true, true, _) | (false, _, true) => Ok(to),
        (true, false, _) => Err("not_issuer"),
        (false, _, false) => Err("not_addressee"),
    }
}

#[test]
fn every_card_action_from_every_state_for_every_side() {
    for &action in CardAction::ALL {
        for &state in CardState::ALL {
            for (issuer, addressee) in [(false, false), (true, false), (false, true), (true, true)]
            {
                let sides = CardSides { issuer, addressee };
                let got = card_check(action, state, sides).map_err(|r| r.code);
                assert_eq!(
                    got,
                    expected(action, state, sides),
                    "{action} {state} {sides:?}"
                );
                assert_eq!(
                    card_allowed(state, sides).contains(&action),
                    got.is_ok(),
                    "{action} {state}"
                );
            }
        }
    }
    assert!(
        card_allowed(
            CardState::Accepted,
            CardSides {
                issuer: true,
                addressee: true
            }
        )
        .is_empty()
    );
}

#[test]
fn overdue_only_while_a_reply_is_awaited() {
    assert!(is_overdue(CardState::Issued, 10, 11));
    assert!(!is_overdue(CardState::Issued, 10, 10));
    assert!(!is_overdue(CardState::Replied, 10, 11));
    assert!(!is_overdue(CardState::Accepted, 10, 11));
}

#[test]
fn deadlines_in_working_days_or_by_a_date_never_past() {
    let cal = Calendar::official();
    // Friday 2025-06-13, 16:00: three working days run to the end of Wednesday.
    let now = at((2025, 6, 13), 16);
    let d = CardDue::parse("3", "").unwrap();
    assert_eq!(card_due_at(&cal, now, d).unwrap(), at((2025, 6, 19), 0));
    let d = CardDue::parse("", "2025-06-13").unwrap();
    assert_eq!(card_due_at(&cal, now, d).unwrap(), at((2025, 6, 14), 0));
    let d = CardDue::parse("", "2025-06-12").unwrap();
    assert_eq!(card_due_at(&cal, now, d).unwrap_err().code, "in_the_past");
    for (days, date, field, code) in [
        ("", "", "due_days", "required"),
        ("0", "", "due_days", "out_of_range"),
        ("61", "", "due_days", "out_of_range"),
        ("三", "", "due_days", "not_a_number"),
        ("2", "2025-07-01", "due_date", "both_given"),
        ("", "2025-02-30", "due_date", "bad_date"),
    ] {
        let e = CardDue::parse(days, date).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            (field, code),
            "{days:?} {date:?}"
        );
        assert!(!e.zh.is_empty() && !e.en.is_empty());
    }
}

#[test]
fn cards_go_down_to_whoever_holds_the_work() {
    let city = ScopePath::from_path("42/4202/");
    let district = ScopePath::from_path(DISTRICT);
    let ok = |issuer: &ScopePath, a| check_addressee(issuer, GRID, a);
    assert!(ok(&city, AddresseeFacts::Center { path: DISTRICT }).is_ok());
    assert!(ok(&city, AddresseeFacts::Center { path: TOWNSHIP }).is_ok());
    let code = |r: Result<(), crate::FieldError>| r.unwrap_err().code;
    // Not below the issuer: itself, or a center elsewhere.
    assert_eq!(
        code(ok(&district, AddresseeFacts::Center { path: DISTRICT })),
        "outside_scope"
    );
    assert_eq!(
        code(ok(
            &district,
            AddresseeFacts::Center {
                path: "42/4202/420203/"
            }
        )),
        "outside_scope"
    );
    // Below, but not on the incident's chain.
    assert_eq!(
        code(ok(
            &city,
            AddresseeFacts::Center {
                path: "42/4202/420203/"
            }
        )),
        "not_holding"
    );
    let dep = |path, holds_task| AddresseeFacts::Department { path, holds_task };
    assert!(ok(&district, dep(DISTRICT, true)).is_ok());
    assert_eq!(code(ok(&district, dep(DISTRICT, false))), "not_holding");
    assert_eq!(code(ok(&district, dep("42/4202/", true))), "outside_scope");
    assert!(is_higher_center(&city, DISTRICT));
    assert!(!is_higher_center(&district, DISTRICT));
}

#[test]
fn extensions_stay_within_the_maximum() {
    assert_eq!(check_extension_days("3", 0, 10).unwrap(), 3);
    assert_eq!(check_extension_days(" 4 ", 6, 10).unwrap(), 4);
    for (input, granted, code) in [
        ("5", 6, "beyond_maximum"),
        ("11", 0, "beyond_maximum"),
        ("0", 0, "not_positive"),
        ("-2", 0, "not_positive"),
        ("两天", 0, "not_a_number"),
    ] {
        let e = check_extension_days(input, granted, 10).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("days", code), "{input}");
    }
    assert_eq!(check_max_extension_days(None).unwrap(), None);
    assert_eq!(check_max_extension_days(Some(5)).unwrap(), Some(5));
    assert!(check_max_extension_days(Some(0)).is_err());
    assert!(check_max_extension_days(Some(MAX_EXTENSION_DAYS_LIMIT + 1)).is_err());
    let cal = Calendar::official();
    // Due at the end of Thursday 2025-06-12: one more day is the end of Friday, two Monday's.
    let due = at((2025, 6, 13), 0);
    assert_eq!(
        crate::deadlines::extend(&cal, due, 1).unwrap(),
        at((2025, 6, 14), 0)
    );
    assert_eq!(
        crate::deadlines::extend(&cal, due, 2).unwrap(),
        at((2025, 6, 17), 0)
    );
}

#[test]
fn replies_must_say_something() {
    assert_eq!(
        check_reply_text("reply", " \u{200B} ").unwrap_err().code,
        "required"
    );
    assert_eq!(
        check_reply_text("reply", &"字".repeat(crate::incidents::TEXT_MAX + 1))
            .unwrap_err()
            .code,
        "too_long"
    );
    assert_eq!(check_reply_text("reply", " 已整改 ").unwrap(), "已整改");
}
