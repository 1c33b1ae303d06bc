//! Checking a record's values against one version of a form. Each fault names the field's key,
//! with the field's label and the reason in both languages; what passes comes back normalised
//! (text trimmed, numbers as numbers, dates as `2024-03-05`, picks in the order of the options).

use serde_json::{Map, Value};

use super::number::{self, magnitude_limit};
use super::{FieldType, FormDefinition, FormField};
use crate::error::{Checker, FieldError, Invalid};
use crate::ids::{Ymd, format_ymd, parse_date};

/// Options named in a "not one of" message; long lists are cut, the form shows them all.
const OPTIONS_IN_MESSAGE: usize = 20;

impl FormDefinition {
    /// The values as they will be stored, or every field at fault. Values are a JSON object of
    /// field key → value; `null`, blank text and an empty list count as not filled in. Keys the
    /// form does not have are refused, so nothing is stored that no version describes.
    pub fn validate(&self, values: &Value) -> Result<Map<String, Value>, Invalid> {
        let Some(given) = values.as_object() else {
            return Err(FieldError::new(
                "values",
                "not_an_object",
                "采集值应为 JSON 对象（采集项标识 → 值）",
                "values must be a JSON object (field key → value)",
            )
            .into());
        };
        let mut c = Checker::new();
        let mut out = Map::new();
        for f in &self.fields {
            match given.get(&f.key).filter(|v| !is_blank(v)) {
                None if f.required => c.push(fault(f, "required", "必填", "is required")),
                None => {}
                Some(v) => {
                    if let Some(n) = c.check(value(f, v)) {
                        out.insert(f.key.clone(), n);
                    }
                }
            }
        }
        for k in given.keys().filter(|k| self.field(k).is_none()) {
            c.push(FieldError::new(
                k,
                "unknown_field",
                format!("表单「{}」没有采集项 {k}", self.title_zh),
                format!("the form {} has no field {k}", self.key),
            ));
        }
        c.finish()?;
        Ok(out)
    }
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        // Zero-width or blank characters alone fill no required field.
        Value::String(s) => crate::text::visible_chars(s) == 0,
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// A fault of one field, with its label leading the reason.
fn fault(f: &FormField, code: &'static str, zh: &str, en: &str) -> FieldError {
    FieldError::new(
        &f.key,
        code,
        format!("{}：{zh}", f.label_zh),
        format!("{}: {en}", f.label_en_or_key()),
    )
}

fn value(f: &FormField, v: &Value) -> Result<Value, FieldError> {
    match &f.field_type {
        FieldType::Text { max_len } => text(f, v, *max_len),
        FieldType::Number { min, max, decimals } => num(f, v, *min, *max, *decimals),
        FieldType::Date { min, max } => date(f, v, *min, *max),
        FieldType::Choice { options } => {
            let s = v
                .as_str()
                .ok_or_else(|| fault(f, "not_text", "应为选项文本", "must be an option's text"))?;
            pick(f, options, s.trim()).map(|i| Value::String(options[i].clone()))
        }
        FieldType::MultiChoice {
            options,
            min_picks,
            max_picks,
        } => picks(f, v, options, *min_picks, *max_picks),
    }
}

fn text(f: &FormField, v: &Value, max_len: u32) -> Result<Value, FieldError> {
    let s = v
        .as_str()
        .ok_or_else(|| fault(f, "not_text", "应为文本", "must be text"))?
        .trim();
    if s.chars().count() > max_len as usize {
        return Err(fault(
            f,
            "too_long",
            &format!("最长 {max_len} 个字符"),
            &format!("at most {max_len} characters"),
        ));
    }
    Ok(Value::String(s.to_owned()))
}

fn num(
    f: &FormField,
    v: &Value,
    min: Option<f64>,
    max: Option<f64>,
    decimals: u8,
) -> Result<Value, FieldError> {
    let r =
        number::read(v).ok_or_else(|| fault(f, "not_a_number", "应为数字", "must be a number"))?;
    if r.decimals > u32::from(decimals) {
        return Err(if decimals == 0 {
            fault(f, "too_many_decimals", "应为整数", "must be a whole number")
        } else {
            fault(
                f,
                "too_many_decimals",
                &format!("最多保留 {decimals} 位小数"),
                &format!("at most {decimals} decimal places"),
            )
        });
    }
    let limit = magnitude_limit(decimals);
    if r.value.abs() >= limit {
        return Err(fault(
            f,
            "out_of_range",
            &format!("绝对值须小于 {limit}"),
            &format!("the magnitude must stay below {limit}"),
        ));
    }
    if let Some(lo) = min.filter(|lo| r.value < *lo) {
        return Err(fault(
            f,
            "below_min",
            &format!("不能小于 {lo}"),
            &format!("must be at least {lo}"),
        ));
    }
    if let Some(hi) = max.filter(|hi| r.value > *hi) {
        return Err(fault(
            f,
            "above_max",
            &format!("不能大于 {hi}"),
            &format!("must be at most {hi}"),
        ));
    }
    Ok(number::to_json(r.value, decimals))
}

fn date(f: &FormField, v: &Value, min: Option<Ymd>, max: Option<Ymd>) -> Result<Value, FieldError> {
    let s = v.as_str().ok_or_else(|| {
        fault(
            f,
            "not_a_date",
            "应为日期，如 2024-03-05",
            "must be a date such as 2024-03-05",
        )
    })?;
    let d = parse_date(&f.key, s).map_err(|e| fault(f, e.code, &e.zh, &e.en))?;
    if let Some(lo) = min.filter(|lo| d < *lo) {
        let lo = format_ymd(lo);
        return Err(fault(
            f,
            "below_min",
            &format!("不能早于 {lo}"),
            &format!("cannot be before {lo}"),
        ));
    }
    if let Some(hi) = max.filter(|hi| d > *hi) {
        let hi = format_ymd(hi);
        return Err(fault(
            f,
            "above_max",
            &format!("不能晚于 {hi}"),
            &format!("cannot be after {hi}"),
        ));
    }
    Ok(Value::String(format_ymd(d)))
}

/// The index of the option with this text, or a fault listing the options.
fn pick(f: &FormField, options: &[String], s: &str) -> Result<usize, FieldError> {
    if let Some(i) = options.iter().position(|o| o == s) {
        return Ok(i);
    }
    let mut listed = options
        .iter()
        .take(OPTIONS_IN_MESSAGE)
        .map(String::as_str)
        .collect::<Vec<_>>();
    if options.len() > OPTIONS_IN_MESSAGE {
        listed.push("…");
    }
    Err(fault(
        f,
        "not_a_choice",
        &format!("{s} 不是可选项，可选: {}", listed.join("、")),
        &format!("{s} is not one of the options: {}", listed.join(", ")),
    ))
}

fn picks(
    f: &FormField,
    v: &Value,
    options: &[String],
    min_picks: u32,
    max_picks: Option<u32>,
) -> Result<Value, FieldError> {
    let items = v
        .as_array()
        .ok_or_else(|| fault(f, "not_a_list", "应为选项列表", "must be a list of options"))?;
    let mut chosen = vec![false; options.len()];
    for item in items {
        let s = item
            .as_str()
            .ok_or_else(|| fault(f, "not_text", "应为选项文本", "must be an option's text"))?
            .trim();
        let i = pick(f, options, s)?;
        if std::mem::replace(&mut chosen[i], true) {
            return Err(fault(
                f,
                "duplicate_choice",
                &format!("{s} 选了两次"),
                &format!("{s} picked twice"),
            ));
        }
    }
    let n = items.len() as u32;
    if n < min_picks {
        return Err(fault(
            f,
            "too_few_picks",
            &format!("至少选 {min_picks} 项"),
            &format!("pick at least {min_picks}"),
        ));
    }
    if let Some(hi) = max_picks.filter(|hi| n > *hi) {
        return Err(fault(
            f,
            "too_many_picks",
            &format!("最多选 {hi} 项"),
            &format!("pick at most {hi}"),
        ));
    }
    Ok(Value::Array(
        options
            .iter()
            .zip(chosen)
            .filter(|(_, c)| *c)
            .map(|(o, _)| Value::String(o.clone()))
            .collect(),
    ))
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
