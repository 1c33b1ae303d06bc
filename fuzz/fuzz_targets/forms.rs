//! The one collection form (一表单): a definition as departments register it (JSON), and a
//! record's values checked against it. The input is the definition, a NUL byte, then the values
//! as JSON or as a form body. A definition that parses must read back from its own JSON as the
//! same definition; values that pass come back normalised, and must pass again unchanged.
#![no_main]
#![allow(clippy::unwrap_used)]

use gridgov_core::forms::FormDefinition;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fuzz_target!(|data: &[u8]| {
    let (definition, values) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(definition) = std::str::from_utf8(definition) else {
        return;
    };
    let Ok(d) = FormDefinition::parse_text(definition) else {
        return;
    };
    let json = d.to_json();
    assert_eq!(
        FormDefinition::parse(&json).as_ref(),
        Ok(&d),
        "{json} does not read back"
    );
    let values: Value = match serde_json::from_slice(values) {
        Ok(v) => v,
        // A form body: repeated keys (checkboxes of a multiple choice) become a list.
        Err(_) => match serde_urlencoded::from_bytes::<Vec<(String, String)>>(values) {
            Ok(pairs) => {
                let mut m = Map::new();
                for (k, v) in pairs {
                    match m.get_mut(&k) {
                        Some(Value::Array(a)) => a.push(Value::String(v)),
                        Some(one) => *one = Value::Array(vec![one.take(), Value::String(v)]),
                        None => {
                            m.insert(k, Value::String(v));
                        }
                    }
                }
                Value::Object(m)
            }
            Err(_) => return,
        },
    };
    if let Ok(stored) = d.validate(&values) {
        let again = d.validate(&Value::Object(stored.clone()));
        assert_eq!(
            again.as_ref(),
            Ok(&stored),
            "normalised values do not pass again"
        );
    }
});
