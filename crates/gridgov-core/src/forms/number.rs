//! Numbers of number fields: read from a JSON number or from text as forms send it, with the
//! decimal places counted as written, and kept to what a float carries exactly.

use serde_json::{Number, Value};

/// Significant digits an `f64` carries exactly. A field with `d` decimals holds magnitudes below
/// 10^(15−d), so a value comes back exactly as it was typed.
const EXACT_DIGITS: i32 = 15;

/// The magnitude values of a field with these decimals must stay below.
pub(super) fn magnitude_limit(decimals: u8) -> f64 {
    10f64.powi(EXACT_DIGITS - i32::from(decimals))
}

/// A number and the decimal places it was written with (trailing zeros not counted).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Reading {
    pub value: f64,
    pub decimals: u32,
}

/// A JSON number, or text holding a plain decimal (`12`, `-3.50`, `+7`); `None` for anything
/// else, exponents included, since nobody types those into a collection form.
pub(super) fn read(v: &Value) -> Option<Reading> {
    match v {
        Value::Number(n) => read_number(n),
        Value::String(s) => read_text(s.trim()),
        _ => None,
    }
}

pub(super) fn read_number(n: &Number) -> Option<Reading> {
    if n.is_i64() || n.is_u64() {
        return n.as_f64().map(|value| Reading { value, decimals: 0 });
    }
    let value = n.as_f64().filter(|f| f.is_finite())?;
    // Rust prints a float in its shortest exact form without an exponent, so the digits after
    // the point are the decimals the sender meant.
    let text = value.to_string();
    let decimals = text
        .split_once('.')
        .map_or(0, |(_, frac)| frac.len() as u32);
    Some(Reading { value, decimals })
}

fn read_text(s: &str) -> Option<Reading> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !plain(int) || !plain(frac) || (digits.contains('.') && frac.is_empty()) {
        return None;
    }
    let value = s.parse::<f64>().ok().filter(|f| f.is_finite())?;
    let decimals = frac.trim_end_matches('0').len() as u32;
    Some(Reading { value, decimals })
}

/// The value as stored: an integer when the field keeps no decimals, so `3` stays `3` and never
/// becomes `3.0`.
pub(super) fn to_json(value: f64, decimals: u8) -> Value {
    if decimals == 0 {
        // In range: magnitudes stay below 10^15, well inside i64.
        Value::from(value as i64)
    } else {
        Number::from_f64(value).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(v: Value) -> Option<(f64, u32)> {
        read(&v).map(|r| (r.value, r.decimals))
    }

    #[test]
    fn numbers_and_plain_decimal_text_are_read_with_their_places() {
        assert_eq!(r(json!(12)), Some((12.0, 0)));
        assert_eq!(r(json!(-3.25)), Some((-3.25, 2)));
        assert_eq!(r(json!(" 7.50 ")), Some((7.5, 1)));
        assert_eq!(r(json!("+7")), Some((7.0, 0)));
        assert_eq!(r(json!("0.1")), Some((0.1, 1)));
    }

    #[test]
    fn anything_else_is_not_a_number() {
        for v in [
            json!("1e5"),
            json!("12."),
            json!(".5"),
            json!("1,000"),
            json!("NaN"),
            json!("一"),
            json!(""),
            json!(true),
            json!([1]),
        ] {
            assert_eq!(r(v.clone()), None, "{v}");
        }
    }

    #[test]
    fn whole_numbers_stay_whole() {
        assert_eq!(to_json(3.0, 0), json!(3));
        assert_eq!(to_json(2.5, 1), json!(2.5));
        assert!(magnitude_limit(0) == 1e15 && magnitude_limit(6) == 1e9);
    }
}
