//! Reading a form definition from JSON. Every fault is reported at once, at its place
//! (`key`, `fields[2].options`, `fields[2].options[1]`), with the reason in both languages, so a
//! department fixes its definition in one pass.
//!
//! Properties a definition does not know are refused rather than ignored: a misspelt `requried`
//! would otherwise silently publish an optional field.

use std::collections::HashSet;

use serde_json::Value;

use super::number::{magnitude_limit, read_number};
use super::props::{Props, not_a_list, not_an_object, not_text, required_at};
use super::{
    DEFAULT_TEXT_LEN, FieldType, FormDefinition, FormField, FormTarget, MAX_DECIMALS, MAX_FIELDS,
    MAX_OPTIONS, MAX_TEXT_LEN,
};
use crate::error::{Checker, FieldError, Invalid};
use crate::ids::{Ymd, format_ymd, parse_date};

const TITLE_MAX: usize = 100;
const LABEL_MAX: usize = 100;
const HELP_MAX: usize = 500;
const DEPARTMENT_MAX: usize = 64;

const TOP: &[&str] = &[
    "target",
    "key",
    "title_zh",
    "title_en",
    "department",
    "fields",
];
const COMMON: &[&str] = &["key", "label_zh", "label_en", "type", "required", "help"];
const TYPES: &str = "text, number, date, choice, multi_choice";

impl FormDefinition {
    /// Reads and checks a definition given as JSON text.
    pub fn parse_text(text: &str) -> Result<FormDefinition, Invalid> {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            FieldError::new(
                "definition",
                "bad_json",
                format!("不是有效的 JSON: {e}"),
                format!("not valid JSON: {e}"),
            )
        })?;
        FormDefinition::parse(&v)
    }

    /// Reads and checks a definition: keys `[a-z][a-z0-9_]{0,39}` unique among the fields,
    /// options listed once and not empty, lower bounds not above upper bounds, lengths within
    /// their limits.
    pub fn parse(v: &Value) -> Result<FormDefinition, Invalid> {
        let Some(map) = v.as_object() else {
            return Err(not_an_object("definition").into());
        };
        let top = Props::new(String::new(), map);
        let mut c = Checker::new();
        top.refuse_unknown(&mut c, &[TOP]);
        let target = top
            .text(&mut c, "target", true, 32)
            .and_then(|t| c.check(FormTarget::parse("target", &t)));
        let key = top.key(&mut c, "key");
        let title_zh = top.text(&mut c, "title_zh", true, TITLE_MAX);
        let title_en = top.text(&mut c, "title_en", false, TITLE_MAX);
        let department = top.text(&mut c, "department", true, DEPARTMENT_MAX);
        let fields = fields(&top, &mut c);
        c.finish()?;
        match (target, key, title_zh, title_en, department, fields) {
            (
                Some(target),
                Some(key),
                Some(title_zh),
                Some(title_en),
                Some(department),
                Some(f),
            ) => Ok(FormDefinition {
                target,
                key,
                title_zh,
                title_en,
                department,
                fields: f,
            }),
            // Every `None` above pushed an error, so `finish` has returned already.
            _ => Err(FieldError::new(
                "definition",
                "incomplete",
                "表单定义不完整",
                "the definition is incomplete",
            )
            .into()),
        }
    }
}

fn fields(top: &Props<'_>, c: &mut Checker) -> Option<Vec<FormField>> {
    let Some(v) = top.get("fields") else {
        c.push(required_at("fields"));
        return None;
    };
    let Some(items) = v.as_array() else {
        c.push(not_a_list("fields"));
        return None;
    };
    if items.is_empty() {
        c.push(FieldError::new(
            "fields",
            "no_fields",
            "表单至少要有一个采集项",
            "a form needs at least one field",
        ));
        return None;
    }
    if items.len() > MAX_FIELDS {
        c.push(FieldError::new(
            "fields",
            "too_many_fields",
            format!("一个表单最多 {MAX_FIELDS} 个采集项"),
            format!("a form has at most {MAX_FIELDS} fields"),
        ));
        return None;
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    let mut whole = true;
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("fields[{i}]");
        let Some(map) = item.as_object() else {
            c.push(not_an_object(&prefix));
            whole = false;
            continue;
        };
        let f = field(&Props::new(prefix, map), c, &mut seen);
        match f {
            Some(f) => out.push(f),
            None => whole = false,
        }
    }
    whole.then_some(out)
}

fn field(p: &Props<'_>, c: &mut Checker, seen: &mut HashSet<String>) -> Option<FormField> {
    let key = p.key(c, "key");
    if let Some(k) = &key
        && !seen.insert(k.clone())
    {
        c.push(FieldError::new(
            p.path("key"),
            "duplicate_key",
            format!("采集项标识重复: {k}"),
            format!("field key used twice: {k}"),
        ));
    }
    let label_zh = p.text(c, "label_zh", true, LABEL_MAX);
    let label_en = p.text(c, "label_en", false, LABEL_MAX);
    let help = p.text(c, "help", false, HELP_MAX);
    let required = p.flag(c, "required");
    let field_type = p
        .text(c, "type", true, 32)
        .and_then(|t| field_type(p, c, &t));
    Some(FormField {
        key: key?,
        label_zh: label_zh?,
        label_en: label_en?,
        field_type: field_type?,
        required: required?,
        help: help?,
    })
}

fn field_type(p: &Props<'_>, c: &mut Checker, tag: &str) -> Option<FieldType> {
    let (own, parsed): (&[&str], _) = match tag {
        "text" => (&["max_len"], text_type(p, c)),
        "number" => (&["min", "max", "decimals"], number_type(p, c)),
        "date" => (&["min", "max"], date_type(p, c)),
        "choice" => (
            &["options"],
            p.options(c).map(|options| FieldType::Choice { options }),
        ),
        "multi_choice" => (&["options", "min_picks", "max_picks"], multi_type(p, c)),
        other => {
            c.push(FieldError::new(
                p.path("type"),
                "unknown_type",
                format!("未知采集项类型 {other}，可选: {TYPES}"),
                format!("unknown field type {other}; one of: {TYPES}"),
            ));
            return None;
        }
    };
    p.refuse_unknown(c, &[COMMON, own]);
    parsed
}

fn text_type(p: &Props<'_>, c: &mut Checker) -> Option<FieldType> {
    let max_len = p.count(c, "max_len", 1, MAX_TEXT_LEN)?;
    Some(FieldType::Text {
        max_len: max_len.unwrap_or(DEFAULT_TEXT_LEN),
    })
}

fn number_type(p: &Props<'_>, c: &mut Checker) -> Option<FieldType> {
    let decimals = p
        .count(c, "decimals", 0, u32::from(MAX_DECIMALS))?
        .unwrap_or(0) as u8;
    let limit = magnitude_limit(decimals);
    let bound = |c: &mut Checker, prop: &str| -> Option<Option<f64>> {
        let Some(v) = p.get(prop) else {
            return Some(None);
        };
        let Some(x) = v.as_number().and_then(read_number).map(|r| r.value) else {
            c.push(FieldError::new(
                p.path(prop),
                "not_a_number",
                "应为数字",
                "must be a number",
            ));
            return None;
        };
        if x.abs() >= limit {
            c.push(FieldError::new(
                p.path(prop),
                "out_of_bounds",
                format!("保留 {decimals} 位小数时，绝对值须小于 {limit}"),
                format!("with {decimals} decimals the magnitude must stay below {limit}"),
            ));
            return None;
        }
        Some(Some(x))
    };
    let min = bound(c, "min");
    let max = bound(c, "max");
    let (min, max) = (min?, max?);
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        c.push(min_above_max(
            &p.path("min"),
            &lo.to_string(),
            &hi.to_string(),
        ));
        return None;
    }
    Some(FieldType::Number { min, max, decimals })
}

fn date_type(p: &Props<'_>, c: &mut Checker) -> Option<FieldType> {
    let bound = |c: &mut Checker, prop: &str| -> Option<Option<Ymd>> {
        let Some(v) = p.get(prop) else {
            return Some(None);
        };
        let Some(s) = v.as_str() else {
            c.push(not_text(&p.path(prop)));
            return None;
        };
        c.check(parse_date(&p.path(prop), s)).map(Some)
    };
    let min = bound(c, "min");
    let max = bound(c, "max");
    let (min, max) = (min?, max?);
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        c.push(min_above_max(
            &p.path("min"),
            &format_ymd(lo),
            &format_ymd(hi),
        ));
        return None;
    }
    Some(FieldType::Date { min, max })
}

fn multi_type(p: &Props<'_>, c: &mut Checker) -> Option<FieldType> {
    let options = p.options(c);
    let limit = MAX_OPTIONS as u32;
    let min_picks = p.count(c, "min_picks", 0, limit);
    let max_picks = p.count(c, "max_picks", 1, limit);
    let (options, min_picks, max_picks) = (options?, min_picks?.unwrap_or(0), max_picks?);
    if let Some(hi) = max_picks
        && min_picks > hi
    {
        c.push(min_above_max(
            &p.path("min_picks"),
            &min_picks.to_string(),
            &hi.to_string(),
        ));
        return None;
    }
    let n = options.len() as u32;
    for (prop, picks) in [("min_picks", Some(min_picks)), ("max_picks", max_picks)] {
        if let Some(k) = picks
            && k > n
        {
            c.push(FieldError::new(
                p.path(prop),
                "more_picks_than_options",
                format!("选择个数 {k} 超过选项数 {n}"),
                format!("{k} picks but only {n} options"),
            ));
            return None;
        }
    }
    Some(FieldType::MultiChoice {
        options,
        min_picks,
        max_picks,
    })
}

fn min_above_max(path: &str, lo: &str, hi: &str) -> FieldError {
    FieldError::new(
        path,
        "min_above_max",
        format!("下限 {lo} 大于上限 {hi}"),
        format!("the lower bound {lo} is above the upper bound {hi}"),
    )
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
