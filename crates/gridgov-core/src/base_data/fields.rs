//! Small parsers shared by the record checks: bounded text, optional numbers, tag lists.

use crate::error::FieldError;
use crate::grids::parse_text;

/// Optional text of at most `max` characters; empty stays empty.
pub fn opt_text(field: &str, input: &str, max: usize) -> Result<String, FieldError> {
    parse_text(field, input, max, false)
}

/// Required text of at most `max` characters.
pub fn req_text(field: &str, input: &str, max: usize) -> Result<String, FieldError> {
    parse_text(field, input, max, true)
}

/// An optional whole number in `min..=max`; empty is `None`. Accepts `7.0` (spreadsheets write
/// whole numbers that way) but not `7.5`.
pub fn opt_int(field: &str, input: &str, min: i64, max: i64) -> Result<Option<i64>, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let n = s
        .parse::<i64>()
        .ok()
        .or_else(|| {
            s.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        })
        .ok_or_else(|| {
            FieldError::new(
                field,
                "not_an_integer",
                format!("应为整数：{s}"),
                format!("must be a whole number: {s}"),
            )
        })?;
    in_range(field, n as f64, min as f64, max as f64)?;
    Ok(Some(n))
}

/// An optional decimal number in `min..=max`; empty is `None`.
pub fn opt_float(field: &str, input: &str, min: f64, max: f64) -> Result<Option<f64>, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let f = s
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .ok_or_else(|| {
            FieldError::new(
                field,
                "not_a_number",
                format!("应为数字：{s}"),
                format!("must be a number: {s}"),
            )
        })?;
    in_range(field, f, min, max)?;
    Ok(Some(f))
}

fn in_range(field: &str, v: f64, min: f64, max: f64) -> Result<(), FieldError> {
    if v < min || v > max {
        return Err(FieldError::new(
            field,
            "out_of_range",
            format!("应在 {min} 到 {max} 之间：{v}"),
            format!("must be between {min} and {max}: {v}"),
        ));
    }
    Ok(())
}

/// Tags written with any of `;；,，、` between them: trimmed, empty ones dropped, repeats
/// removed, at most 20 of at most 20 characters each. Stored joined by `;`.
pub fn tags(field: &str, input: &str) -> Result<String, FieldError> {
    let mut out: Vec<&str> = Vec::new();
    for t in input.split([';', '；', ',', '，', '、']) {
        let t = t.trim();
        if t.is_empty() || out.contains(&t) {
            continue;
        }
        if t.chars().count() > 20 || t.chars().any(char::is_control) {
            return Err(FieldError::new(
                field,
                "bad_tag",
                format!("标签最长 20 个字符且不含控制字符：{t}"),
                format!("a tag has at most 20 characters and no control characters: {t}"),
            ));
        }
        out.push(t);
    }
    if out.len() > 20 {
        return Err(FieldError::new(
            field,
            "too_many_tags",
            "最多 20 个标签",
            "at most 20 tags",
        ));
    }
    Ok(out.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_tags() {
        assert_eq!(opt_int("f", " 7 ", 1, 200).unwrap(), Some(7));
        assert_eq!(opt_int("f", "7.0", 1, 200).unwrap(), Some(7));
        assert_eq!(opt_int("f", "", 1, 200).unwrap(), None);
        assert_eq!(
            opt_int("f", "7.5", 1, 200).unwrap_err().code,
            "not_an_integer"
        );
        assert_eq!(opt_int("floors", "0", 1, 200).unwrap_err().field, "floors");
        assert_eq!(opt_float("a", "86.5", 1.0, 1e5).unwrap(), Some(86.5));
        assert_eq!(
            opt_float("a", "NaN", 1.0, 1e5).unwrap_err().code,
            "not_a_number"
        );
        assert_eq!(
            tags("t", "独居老人；低保, 独居老人、").unwrap(),
            "独居老人;低保"
        );
        assert_eq!(tags("t", "").unwrap(), "");
        assert_eq!(tags("t", &"长".repeat(21)).unwrap_err().code, "bad_tag");
    }
}
