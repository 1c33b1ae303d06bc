//! The one collection form (一表单): departments register extra collection items on persons,
//! houses, places and organizations, so grid workers collect everything on one round instead of
//! one form per department.
//!
//! A [`FormDefinition`] is one version of a form: typed fields with required flags and ranges.
//! It is read from JSON with every fault reported at once ([`FormDefinition::parse`]), and a
//! record's values are checked against it ([`FormDefinition::validate`]). Versions are never
//! edited: values keep the version they were checked against, so a new version cannot make
//! stored values wrong.

mod number;
mod parse;
mod props;
#[cfg(test)]
mod sample;
mod target;
mod validate;

pub use target::FormTarget;

use serde::{Serialize, Serializer};

use crate::ids::{Ymd, format_ymd};

/// Most fields one form may have: a round on the phone stays one screen of scrolling per form.
pub const MAX_FIELDS: usize = 100;
/// Most options of a choice.
pub const MAX_OPTIONS: usize = 200;
/// Longest key of a form or field: `[a-z][a-z0-9_]{0,39}`.
pub const MAX_KEY_LEN: usize = 40;
/// Longest text a text field may allow, and the allowance when the definition names none.
pub const MAX_TEXT_LEN: u32 = 4000;
pub const DEFAULT_TEXT_LEN: u32 = 200;
/// Most decimals a number field may keep.
pub const MAX_DECIMALS: u8 = 6;

/// One version of a form, as departments register it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormDefinition {
    pub target: FormTarget,
    /// Stable name of the form, the same in every version.
    pub key: String,
    pub title_zh: String,
    /// May be empty; English readers then see the key.
    pub title_en: String,
    /// The department that asks for the items (民政局, 卫健局 …).
    pub department: String,
    pub fields: Vec<FormField>,
}

/// One collection item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormField {
    pub key: String,
    pub label_zh: String,
    /// May be empty; English messages then name the key.
    pub label_en: String,
    #[serde(flatten)]
    pub field_type: FieldType,
    pub required: bool,
    /// What to collect and how, shown under the input.
    pub help: String,
}

/// What a field holds, with its limits. Serialised with a `type` tag beside the field's other
/// properties, the same shape [`FormDefinition::parse`] reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    /// Free text of at most `max_len` characters.
    Text { max_len: u32 },
    /// A number with at most `decimals` decimal places, inside the bounds when given.
    Number {
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        decimals: u8,
    },
    /// A calendar day, inside the bounds when given.
    Date {
        #[serde(skip_serializing_if = "Option::is_none", serialize_with = "day_text")]
        min: Option<Ymd>,
        #[serde(skip_serializing_if = "Option::is_none", serialize_with = "day_text")]
        max: Option<Ymd>,
    },
    /// One of the options.
    Choice { options: Vec<String> },
    /// Some of the options, each at most once, between `min_picks` and `max_picks` of them.
    MultiChoice {
        options: Vec<String>,
        min_picks: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        max_picks: Option<u32>,
    },
}

impl FieldType {
    /// The tag of the type as written in a definition.
    pub fn as_str(&self) -> &'static str {
        match self {
            FieldType::Text { .. } => "text",
            FieldType::Number { .. } => "number",
            FieldType::Date { .. } => "date",
            FieldType::Choice { .. } => "choice",
            FieldType::MultiChoice { .. } => "multi_choice",
        }
    }
}

/// Dates travel as `2024-03-05`, not as the triple they are kept in.
fn day_text<S: Serializer>(d: &Option<Ymd>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&format_ymd(*d)),
        None => s.serialize_none(),
    }
}

impl FormDefinition {
    pub fn field(&self, key: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The definition as JSON, in the shape [`FormDefinition::parse`] reads back.
    pub fn to_json(&self) -> serde_json::Value {
        // Serialising plain strings, numbers and lists into a Value cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl FormField {
    /// The English label, or the key when the department gave none.
    pub fn label_en_or_key(&self) -> &str {
        if self.label_en.is_empty() {
            &self.key
        } else {
            &self.label_en
        }
    }
}
