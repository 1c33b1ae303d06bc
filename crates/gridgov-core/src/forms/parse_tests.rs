use serde_json::{Value, json};

use super::super::sample::elderly_care;
use super::*;

/// The (place, code) pairs of a rejected definition.
fn faults(v: &Value) -> Vec<(String, &'static str)> {
    FormDefinition::parse(v)
        .expect_err("the definition should be refused")
        .0
        .into_iter()
        .map(|e| {
            assert!(!e.zh.is_empty() && !e.en.is_empty(), "{e:?} lacks a reason");
            (e.field, e.code)
        })
        .collect()
}

fn fault(place: &str, code: &'static str) -> (String, &'static str) {
    (place.to_owned(), code)
}

/// The sample with one field replaced.
fn with_field(i: usize, field: Value) -> Value {
    let mut v = elderly_care();
    v["fields"][i] = field;
    v
}

#[test]
fn a_definition_with_every_type_parses_and_reads_back_from_its_json() {
    let d = FormDefinition::parse(&elderly_care()).unwrap();
    assert_eq!(d.target, FormTarget::Persons);
    assert_eq!(d.key, "elderly_care");
    assert_eq!(d.department, "民政局");
    assert_eq!(d.fields.len(), 6);
    assert!(d.fields[0].required && !d.fields[1].required);
    assert_eq!(
        d.field("last_visit").unwrap().field_type,
        FieldType::Date {
            min: Some((2020, 1, 1)),
            max: Some((2030, 12, 31))
        }
    );
    // Left out: decimals 0, no English label (messages use the key), no help.
    let size = d.field("household_size").unwrap();
    assert_eq!(
        size.field_type,
        FieldType::Number {
            min: Some(1.0),
            max: Some(20.0),
            decimals: 0
        }
    );
    assert_eq!(
        (size.label_en_or_key(), size.help.as_str()),
        ("household_size", "")
    );
    // What is stored is what is read.
    let json = d.to_json();
    assert_eq!(json["fields"][3]["min"], "2020-01-01");
    assert_eq!(json["fields"][4]["type"], "multi_choice");
    assert_eq!(FormDefinition::parse(&json).unwrap(), d);
    assert_eq!(FormDefinition::parse_text(&json.to_string()).unwrap(), d);
}

#[test]
fn text_fields_default_to_two_hundred_characters() {
    let v = with_field(
        5,
        json!({"key": "note", "label_zh": "备注", "type": "text"}),
    );
    let d = FormDefinition::parse(&v).unwrap();
    assert_eq!(
        d.fields[5].field_type,
        FieldType::Text {
            max_len: DEFAULT_TEXT_LEN
        }
    );
}

#[test]
fn keys_are_lower_case_words_and_unique() {
    let long = "a".repeat(41);
    for bad in ["1st", "Living", "living-status", "居住", "", long.as_str()] {
        let mut v = elderly_care();
        v["key"] = json!(bad);
        let code = if bad.is_empty() {
            "required"
        } else {
            "bad_key"
        };
        assert_eq!(faults(&v), [fault("key", code)], "{bad:?}");
    }
    let mut v = elderly_care();
    v["key"] = json!("a".repeat(40));
    assert!(FormDefinition::parse(&v).is_ok());

    let v = with_field(
        2,
        json!({"key": "living", "label_zh": "又一个", "type": "text"}),
    );
    assert_eq!(faults(&v), [fault("fields[2].key", "duplicate_key")]);
}

#[test]
fn options_are_listed_once_and_never_empty() {
    let choice = |options: Value| {
        with_field(
            0,
            json!({"key": "living", "label_zh": "居住状况", "type": "choice", "options": options}),
        )
    };
    assert_eq!(
        faults(&choice(json!([]))),
        [fault("fields[0].options", "option_count")]
    );
    assert_eq!(
        faults(&choice(json!(["独居", " ", "独居", 3]))),
        [
            fault("fields[0].options[1]", "empty_option"),
            fault("fields[0].options[2]", "duplicate_option"),
            fault("fields[0].options[3]", "not_text"),
        ]
    );
    assert_eq!(
        faults(&choice(json!("独居"))),
        [fault("fields[0].options", "not_a_list")]
    );
    let v = with_field(
        0,
        json!({"key": "living", "label_zh": "居住状况", "type": "choice"}),
    );
    assert_eq!(faults(&v), [fault("fields[0].options", "required")]);
    // Options are trimmed: " 独居" and "独居" are the same option.
    assert_eq!(
        faults(&choice(json!(["独居", " 独居"]))),
        [fault("fields[0].options[1]", "duplicate_option")]
    );
}

#[test]
fn lower_bounds_are_not_above_upper_bounds() {
    let number = with_field(
        1,
        json!({"key": "n", "label_zh": "数", "type": "number", "min": 10, "max": 1}),
    );
    assert_eq!(faults(&number), [fault("fields[1].min", "min_above_max")]);
    let date = with_field(
        3,
        json!({"key": "d", "label_zh": "日", "type": "date", "min": "2025-01-02", "max": "2025/1/1"}),
    );
    assert_eq!(faults(&date), [fault("fields[3].min", "min_above_max")]);
    let picks = with_field(
        4,
        json!({"key": "m", "label_zh": "多", "type": "multi_choice", "options": ["a", "b", "c"],
            "min_picks": 3, "max_picks": 2}),
    );
    assert_eq!(
        faults(&picks),
        [fault("fields[4].min_picks", "min_above_max")]
    );
    let too_many = with_field(
        4,
        json!({"key": "m", "label_zh": "多", "type": "multi_choice", "options": ["a", "b"],
            "max_picks": 3}),
    );
    assert_eq!(
        faults(&too_many),
        [fault("fields[4].max_picks", "more_picks_than_options")]
    );
    // Equal bounds pin one value, which is allowed.
    let pinned = with_field(
        1,
        json!({"key": "n", "label_zh": "数", "type": "number", "min": 5, "max": 5}),
    );
    assert!(FormDefinition::parse(&pinned).is_ok());
}

#[test]
fn limits_are_checked_by_type() {
    let cases = [
        (json!({"type": "text", "max_len": 0}), "fields[5].max_len"),
        (
            json!({"type": "text", "max_len": 4001}),
            "fields[5].max_len",
        ),
        (
            json!({"type": "text", "max_len": "50"}),
            "fields[5].max_len",
        ),
        (
            json!({"type": "number", "decimals": 7}),
            "fields[5].decimals",
        ),
        (
            json!({"type": "number", "decimals": 1.5}),
            "fields[5].decimals",
        ),
        // With two decimals a float keeps 13 integer digits exactly, no more.
        (
            json!({"type": "number", "decimals": 2, "max": 1e13}),
            "fields[5].max",
        ),
        (json!({"type": "number", "min": "0"}), "fields[5].min"),
        (
            json!({"type": "date", "min": "2023-02-29"}),
            "fields[5].min",
        ),
        (json!({"type": "date", "max": "someday"}), "fields[5].max"),
        (json!({"type": "date", "max": 20240101}), "fields[5].max"),
    ];
    for (mut f, place) in cases {
        f["key"] = json!("x");
        f["label_zh"] = json!("某项");
        let found = faults(&with_field(5, f.clone()));
        assert_eq!(found.len(), 1, "{f}: {found:?}");
        assert_eq!(found[0].0, place, "{f}");
    }
}

#[test]
fn unknown_properties_and_types_are_refused() {
    let mut v = elderly_care();
    v["titel"] = json!("拼错了");
    v["fields"][0]["requried"] = json!(true);
    // Options belong to choices, not to numbers.
    v["fields"][1]["options"] = json!(["a"]);
    v["fields"][5]["type"] = json!("boolean");
    assert_eq!(
        faults(&v),
        [
            fault("titel", "unknown_property"),
            fault("fields[0].requried", "unknown_property"),
            fault("fields[1].options", "unknown_property"),
            fault("fields[5].type", "unknown_type"),
        ]
    );
}

#[test]
fn every_fault_is_reported_at_once() {
    let v = json!({
        "target": "buildings",
        "key": "Care",
        "title_zh": "",
        "fields": [
            "not an object",
            {"key": "a", "type": "text", "required": "yes"},
        ]
    });
    assert_eq!(
        faults(&v),
        [
            fault("target", "unknown_target"),
            fault("key", "bad_key"),
            fault("title_zh", "required"),
            fault("department", "required"),
            fault("fields[0]", "not_an_object"),
            fault("fields[1].label_zh", "required"),
            fault("fields[1].required", "not_a_boolean"),
        ]
    );
}

#[test]
fn a_definition_needs_fields_and_json() {
    let mut v = elderly_care();
    v["fields"] = json!([]);
    assert_eq!(faults(&v), [fault("fields", "no_fields")]);
    v["fields"] = json!(vec![
        json!({"key": "a", "label_zh": "甲", "type": "text"});
        MAX_FIELDS + 1
    ]);
    assert_eq!(faults(&v), [fault("fields", "too_many_fields")]);
    assert_eq!(
        faults(&json!([1, 2])),
        [fault("definition", "not_an_object")]
    );
    let e = FormDefinition::parse_text("{\"key\": ").unwrap_err();
    assert_eq!(
        (e.0[0].field.as_str(), e.0[0].code),
        ("definition", "bad_json")
    );
}

#[test]
fn text_properties_have_lengths() {
    let mut v = elderly_care();
    v["title_zh"] = json!("长".repeat(101));
    v["fields"][0]["help"] = json!("说".repeat(501));
    v["fields"][1]["label_en"] = json!(12);
    assert_eq!(
        faults(&v),
        [
            fault("title_zh", "too_long"),
            fault("fields[0].help", "too_long"),
            fault("fields[1].label_en", "not_text"),
        ]
    );
}
