//! The properties of one JSON object of a definition, read with their place for messages, and
//! the faults every property can have.

use serde_json::{Map, Value};

use super::{MAX_KEY_LEN, MAX_OPTIONS};
use crate::error::{Checker, FieldError};

/// Longest option of a choice.
const OPTION_MAX: usize = 100;

/// The properties of one JSON object, with where they sit for messages.
pub(super) struct Props<'a> {
    prefix: String,
    map: &'a Map<String, Value>,
}

impl<'a> Props<'a> {
    pub(super) fn new(prefix: String, map: &'a Map<String, Value>) -> Self {
        Props { prefix, map }
    }

    pub(super) fn path(&self, prop: &str) -> String {
        if self.prefix.is_empty() {
            prop.to_owned()
        } else {
            format!("{}.{prop}", self.prefix)
        }
    }

    /// The property's value; `null` counts as absent.
    pub(super) fn get(&self, prop: &str) -> Option<&'a Value> {
        self.map.get(prop).filter(|v| !v.is_null())
    }

    pub(super) fn refuse_unknown(&self, c: &mut Checker, allowed: &[&[&str]]) {
        for k in self.map.keys() {
            if !allowed.iter().any(|a| a.contains(&k.as_str())) {
                c.push(FieldError::new(
                    self.path(k),
                    "unknown_property",
                    format!("不认识的属性: {k}"),
                    format!("unknown property: {k}"),
                ));
            }
        }
    }

    /// Trimmed text of at most `max` characters; empty when optional and absent.
    pub(super) fn text(
        &self,
        c: &mut Checker,
        prop: &str,
        required: bool,
        max: usize,
    ) -> Option<String> {
        let path = self.path(prop);
        let s = match self.get(prop) {
            None => "",
            Some(Value::String(s)) => s.trim(),
            Some(_) => {
                c.push(not_text(&path));
                return None;
            }
        };
        if required && crate::text::visible_chars(s) == 0 {
            c.push(required_at(&path));
            return None;
        }
        if s.chars().count() > max {
            c.push(FieldError::new(
                path,
                "too_long",
                format!("最长 {max} 个字符"),
                format!("at most {max} characters"),
            ));
            return None;
        }
        Some(s.to_owned())
    }

    pub(super) fn key(&self, c: &mut Checker, prop: &str) -> Option<String> {
        let k = self.text(c, prop, true, usize::MAX)?;
        c.check(check_key(&self.path(prop), &k)).map(|()| k)
    }

    /// `false` when absent.
    pub(super) fn flag(&self, c: &mut Checker, prop: &str) -> Option<bool> {
        match self.get(prop) {
            None => Some(false),
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                c.push(FieldError::new(
                    self.path(prop),
                    "not_a_boolean",
                    "应为 true 或 false",
                    "must be true or false",
                ));
                None
            }
        }
    }

    /// A whole number in `lo..=hi`; `Some(None)` when absent, `None` when wrong.
    pub(super) fn count(
        &self,
        c: &mut Checker,
        prop: &str,
        lo: u32,
        hi: u32,
    ) -> Option<Option<u32>> {
        let Some(v) = self.get(prop) else {
            return Some(None);
        };
        match v.as_u64() {
            Some(n) if (u64::from(lo)..=u64::from(hi)).contains(&n) => Some(Some(n as u32)),
            _ => {
                c.push(FieldError::new(
                    self.path(prop),
                    "out_of_bounds",
                    format!("应为 {lo} 到 {hi} 之间的整数"),
                    format!("must be a whole number from {lo} to {hi}"),
                ));
                None
            }
        }
    }

    /// The options of a choice: a list of texts, none empty, none twice.
    pub(super) fn options(&self, c: &mut Checker) -> Option<Vec<String>> {
        let path = self.path("options");
        let Some(v) = self.get("options") else {
            c.push(required_at(&path));
            return None;
        };
        let Some(items) = v.as_array() else {
            c.push(not_a_list(&path));
            return None;
        };
        if items.is_empty() || items.len() > MAX_OPTIONS {
            c.push(FieldError::new(
                path,
                "option_count",
                format!("选项应有 1 到 {MAX_OPTIONS} 个"),
                format!("a choice has 1 to {MAX_OPTIONS} options"),
            ));
            return None;
        }
        let mut out: Vec<String> = Vec::with_capacity(items.len());
        let mut whole = true;
        for (i, item) in items.iter().enumerate() {
            let at = format!("{path}[{i}]");
            let fault = match item.as_str().map(str::trim) {
                None => Some(not_text(&at)),
                Some("") => Some(FieldError::new(
                    &at,
                    "empty_option",
                    "选项不能为空",
                    "an option cannot be empty",
                )),
                Some(s) if s.chars().count() > OPTION_MAX => Some(FieldError::new(
                    &at,
                    "too_long",
                    format!("选项最长 {OPTION_MAX} 个字符"),
                    format!("an option has at most {OPTION_MAX} characters"),
                )),
                Some(s) if out.iter().any(|o| o == s) => Some(FieldError::new(
                    &at,
                    "duplicate_option",
                    format!("选项重复: {s}"),
                    format!("option listed twice: {s}"),
                )),
                Some(s) => {
                    out.push(s.to_owned());
                    None
                }
            };
            if let Some(e) = fault {
                c.push(e);
                whole = false;
            }
        }
        whole.then_some(out)
    }
}

/// `[a-z][a-z0-9_]{0,39}`: keys name columns of exports and JSON properties, so they stay plain.
pub(super) fn check_key(field: &str, k: &str) -> Result<(), FieldError> {
    let b = k.as_bytes();
    let ok = !b.is_empty()
        && b.len() <= MAX_KEY_LEN
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|&x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == b'_');
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "bad_key",
            format!(
                "标识须以小写字母开头，只含小写字母、数字和下划线，最长 {MAX_KEY_LEN} 个字符: {k}"
            ),
            format!(
                "a key starts with a lower-case letter and holds only a-z, 0-9 and _, at most {MAX_KEY_LEN} characters: {k}"
            ),
        ))
    }
}

pub(super) fn required_at(path: &str) -> FieldError {
    FieldError::new(path, "required", "不能为空", "is required")
}

pub(super) fn not_text(path: &str) -> FieldError {
    FieldError::new(path, "not_text", "应为文本", "must be text")
}

pub(super) fn not_a_list(path: &str) -> FieldError {
    FieldError::new(path, "not_a_list", "应为列表", "must be a list")
}

pub(super) fn not_an_object(path: &str) -> FieldError {
    FieldError::new(
        path,
        "not_an_object",
        "应为 JSON 对象",
        "must be a JSON object",
    )
}
