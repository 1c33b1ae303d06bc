//! What the form endpoints return, and the documented shape of a definition. Definitions and
//! values travel as the JSON gridgov-core reads and writes, so the wire format of a definition
//! is the one a department sends.

use gridgov_store::forms::{Form, FormSummary, FormVersion, RecordValues};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A form as lists show it.
#[derive(Serialize, ToSchema)]
pub struct FormSummaryView {
    pub id: String,
    /// The same in every version.
    pub key: String,
    /// `persons`, `houses`, `places` or `organizations`.
    pub target: String,
    pub target_zh: String,
    pub department: String,
    /// Titles of the current version.
    pub title_zh: String,
    pub title_en: String,
    pub current_version: i64,
    pub created_by: String,
    pub created_at: i64,
}

impl From<FormSummary> for FormSummaryView {
    fn from(s: FormSummary) -> Self {
        FormSummaryView {
            id: s.id,
            key: s.key,
            target: s.target.as_str().to_owned(),
            target_zh: s.target.zh().to_owned(),
            department: s.department,
            title_zh: s.title_zh,
            title_en: s.title_en,
            current_version: s.current_version,
            created_by: s.created_by,
            created_at: s.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FormVersionView {
    pub version: i64,
    /// The definition as published (see `FormDefinitionDoc`).
    #[schema(value_type = Object)]
    pub definition: Value,
    pub created_by: String,
    pub created_at: i64,
}

impl From<FormVersion> for FormVersionView {
    fn from(v: FormVersion) -> Self {
        FormVersionView {
            version: v.version,
            definition: v.definition.to_json(),
            created_by: v.created_by,
            created_at: v.created_at,
        }
    }
}

/// A form with every version, oldest first.
#[derive(Serialize, ToSchema)]
pub struct FormDetail {
    pub form: FormSummaryView,
    pub versions: Vec<FormVersionView>,
}

impl From<Form> for FormDetail {
    fn from(f: Form) -> Self {
        FormDetail {
            form: f.summary.into(),
            versions: f.versions.into_iter().map(Into::into).collect(),
        }
    }
}

/// One form's values on one record.
#[derive(Serialize, ToSchema)]
pub struct RecordFormView {
    pub form_id: String,
    pub form_key: String,
    /// The version the values were checked against; show them with this version's definition.
    pub version: i64,
    pub current_version: i64,
    /// The values were checked against an older version. They stay as stored; saving again
    /// checks them against the current version.
    pub outdated: bool,
    /// The definition of `version`.
    #[schema(value_type = Object)]
    pub definition: Value,
    /// Field key → value: text, number, `2024-03-05`, an option, or a list of options.
    #[schema(value_type = Object)]
    pub values: Value,
    /// Absent while nothing is stored.
    pub updated_by: Option<String>,
    pub updated_at: Option<i64>,
}

impl From<RecordValues> for RecordFormView {
    fn from(r: RecordValues) -> Self {
        RecordFormView {
            outdated: r.version < r.current_version,
            form_id: r.form_id,
            form_key: r.form_key,
            version: r.version,
            current_version: r.current_version,
            definition: r.definition.to_json(),
            values: Value::Object(r.values),
            updated_by: r.updated_by,
            updated_at: r.updated_at,
        }
    }
}

/// A form definition (one version), as sent to create a form or publish a version. Every fault
/// comes back at once as 422, each at its place (`key`, `fields[2].options[1]`); properties not
/// listed here are refused.
// Documentation only: the handlers read the JSON through gridgov-core, which reports every fault
// where a typed extractor would stop at the first.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FormDefinitionDoc {
    /// `persons`, `houses`, `places` or `organizations` (or 人口, 房屋, 场所, 组织).
    target: String,
    /// `[a-z][a-z0-9_]{0,39}`; unique per target, and the same in every version.
    key: String,
    title_zh: String,
    title_en: Option<String>,
    /// The department asking for the items.
    department: String,
    /// 1 to 100 fields, keys unique.
    fields: Vec<FormFieldDoc>,
}

/// One collection item. Which limits apply depends on `type`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FormFieldDoc {
    /// `[a-z][a-z0-9_]{0,39}`, unique in the form.
    key: String,
    label_zh: String,
    label_en: Option<String>,
    /// `text`, `number`, `date`, `choice` or `multi_choice`.
    r#type: String,
    /// Default false.
    required: Option<bool>,
    help: Option<String>,
    /// text: most characters, 1–4000 (default 200).
    max_len: Option<u32>,
    /// number: the lowest value; date: the earliest day (`2024-03-05`).
    #[schema(value_type = Option<Object>)]
    min: Option<Value>,
    /// number: the highest value; date: the latest day.
    #[schema(value_type = Option<Object>)]
    max: Option<Value>,
    /// number: decimal places kept, 0–6 (default 0).
    decimals: Option<u8>,
    /// choice, multi_choice: the options, each once, none empty.
    options: Option<Vec<String>>,
    /// multi_choice: fewest picks (default 0).
    min_picks: Option<u32>,
    /// multi_choice: most picks.
    max_picks: Option<u32>,
}
