use serde_json::{Value, json};

use super::super::sample::elderly_care;
use super::*;

fn form() -> FormDefinition {
    FormDefinition::parse(&elderly_care()).unwrap()
}

/// The values with the required field filled in.
fn with(extra: Value) -> Value {
    let mut v = json!({"living": "独居"});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

/// The (key, code) pairs of rejected values, each checked to carry the label and both languages.
fn faults(values: Value) -> Vec<(String, &'static str)> {
    let d = form();
    d.validate(&values)
        .expect_err("the values should be refused")
        .0
        .into_iter()
        .map(|e| {
            if let Some(f) = d.field(&e.field) {
                assert!(e.zh.starts_with(&f.label_zh), "{e:?}");
                assert!(e.en.starts_with(f.label_en_or_key()), "{e:?}");
            }
            assert!(!e.zh.is_empty() && !e.en.is_empty());
            (e.field, e.code)
        })
        .collect()
}

fn one(key: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(key.to_owned(), code)]
}

#[test]
fn good_values_come_back_normalised() {
    let v = form()
        .validate(&json!({
            "living": " 空巢 ",
            "monthly_income": "1200.50",
            "household_size": 2,
            "last_visit": "2026年3月5日",
            "needs": ["助医", "助餐"],
            "note": "  腿脚不便 ",
        }))
        .unwrap();
    assert_eq!(
        Value::Object(v),
        json!({
            "living": "空巢",
            "monthly_income": 1200.5,
            "household_size": 2,
            "last_visit": "2026-03-05",
            "needs": ["助餐", "助医"],
            "note": "腿脚不便",
        })
    );
}

#[test]
fn blank_optional_fields_are_left_out() {
    let v = form()
        .validate(&with(
            json!({"note": "  ", "needs": [], "monthly_income": null}),
        ))
        .unwrap();
    assert_eq!(Value::Object(v), json!({"living": "独居"}));
}

#[test]
fn a_required_field_must_be_filled_in() {
    assert_eq!(faults(json!({})), one("living", "required"));
    assert_eq!(faults(json!({"living": ""})), one("living", "required"));
    assert_eq!(faults(json!({"living": null})), one("living", "required"));
    // Characters that show nothing fill nothing.
    assert_eq!(
        faults(json!({"living": "\u{200B}\u{FEFF}\u{3000}"})),
        one("living", "required")
    );
}

#[test]
fn keys_the_form_does_not_have_are_refused() {
    assert_eq!(
        faults(with(json!({"pet": "猫"}))),
        one("pet", "unknown_field")
    );
    let e = form().validate(&json!([1])).unwrap_err();
    assert_eq!(
        (e.0[0].field.as_str(), e.0[0].code),
        ("values", "not_an_object")
    );
}

#[test]
fn numbers_are_numbers_inside_their_range_and_places() {
    let cases = [
        (json!({"household_size": "两个"}), "not_a_number"),
        (json!({"household_size": true}), "not_a_number"),
        (json!({"household_size": 2.5}), "too_many_decimals"),
        (json!({"household_size": 0}), "below_min"),
        (json!({"household_size": "21"}), "above_max"),
        (json!({"monthly_income": 10.125}), "too_many_decimals"),
        (json!({"monthly_income": -1}), "below_min"),
        (json!({"monthly_income": 100000.01}), "above_max"),
    ];
    for (v, code) in cases {
        let key = v.as_object().unwrap().keys().next().unwrap().clone();
        assert_eq!(faults(with(v.clone())), one(&key, code), "{v}");
    }
    // Trailing zeros are not extra places; the bounds themselves are inside.
    for ok in [json!("20.000"), json!(1), json!(20)] {
        assert!(
            form()
                .validate(&with(json!({"household_size": ok})))
                .is_ok()
        );
    }
}

#[test]
fn numbers_without_bounds_stay_within_what_is_kept_exactly() {
    let d = FormDefinition::parse(&json!({
        "target": "houses", "key": "rent", "title_zh": "出租登记", "department": "住建局",
        "fields": [{"key": "rent", "label_zh": "月租金", "type": "number", "decimals": 2}]
    }))
    .unwrap();
    assert!(d.validate(&json!({"rent": 9_999_999_999_999.99})).is_ok());
    let e = d.validate(&json!({"rent": 1e13})).unwrap_err();
    assert_eq!(e.0[0].code, "out_of_range");
}

#[test]
fn dates_are_days_of_the_calendar_inside_their_range() {
    assert_eq!(
        faults(with(json!({"last_visit": "2025-02-29"}))),
        one("last_visit", "bad_date")
    );
    assert_eq!(
        faults(with(json!({"last_visit": "下周"}))),
        one("last_visit", "bad_date_format")
    );
    assert_eq!(
        faults(with(json!({"last_visit": 20250101}))),
        one("last_visit", "not_a_date")
    );
    assert_eq!(
        faults(with(json!({"last_visit": "2019-12-31"}))),
        one("last_visit", "below_min")
    );
    assert_eq!(
        faults(with(json!({"last_visit": "2031-01-01"}))),
        one("last_visit", "above_max")
    );
    let v = form()
        .validate(&with(json!({"last_visit": "2030/12/31 08:00:00"})))
        .unwrap();
    assert_eq!(v["last_visit"], "2030-12-31");
}

#[test]
fn a_choice_is_one_of_its_options() {
    assert_eq!(
        faults(json!({"living": "合租"})),
        one("living", "not_a_choice")
    );
    assert_eq!(faults(json!({"living": 1})), one("living", "not_text"));
    let d = form();
    let e = d.validate(&json!({"living": "合租"})).unwrap_err();
    assert!(e.0[0].zh.contains("独居、空巢"), "{}", e.0[0].zh);
}

#[test]
fn multiple_picks_are_listed_once_and_counted() {
    let cases = [
        (json!({"needs": "助餐"}), "not_a_list"),
        (json!({"needs": ["助餐", "助跑"]}), "not_a_choice"),
        (json!({"needs": ["助餐", "助餐"]}), "duplicate_choice"),
        (
            json!({"needs": ["助餐", "助浴", "助医", "助洁"]}),
            "too_many_picks",
        ),
        (json!({"needs": [3]}), "not_text"),
    ];
    for (v, code) in cases {
        assert_eq!(faults(with(v.clone())), one("needs", code), "{v}");
    }
    let d = FormDefinition::parse(&json!({
        "target": "places", "key": "fire", "title_zh": "消防检查", "department": "消防救援大队",
        "fields": [{"key": "faults", "label_zh": "隐患", "type": "multi_choice",
            "options": ["通道堵塞", "灭火器过期", "电线私拉"], "min_picks": 2}]
    }))
    .unwrap();
    let e = d.validate(&json!({"faults": ["电线私拉"]})).unwrap_err();
    assert_eq!(e.0[0].code, "too_few_picks");
}

#[test]
fn text_has_a_length() {
    assert_eq!(
        faults(with(json!({"note": "一二三四五六七八九十一"}))),
        one("note", "too_long")
    );
    // Ten characters, counted as characters, not bytes.
    assert!(
        form()
            .validate(&with(json!({"note": "一二三四五六七八九十"})))
            .is_ok()
    );
    assert_eq!(faults(with(json!({"note": 5}))), one("note", "not_text"));
}

#[test]
fn every_fault_is_reported_at_once_in_the_order_of_the_form() {
    assert_eq!(
        faults(json!({
            "zzz": 1,
            "note": "一二三四五六七八九十一",
            "household_size": 99,
        })),
        vec![
            ("living".to_owned(), "required"),
            ("household_size".to_owned(), "above_max"),
            ("note".to_owned(), "too_long"),
            ("zzz".to_owned(), "unknown_field"),
        ]
    );
}

#[test]
fn english_messages_name_the_key_when_the_label_has_no_english() {
    let e = form()
        .validate(&with(json!({"household_size": 0})))
        .unwrap_err();
    assert_eq!(e.0[0].zh, "同住人数：不能小于 1");
    assert_eq!(e.0[0].en, "household_size: must be at least 1");
}
