//! The one collection form (一表单): forms departments register, their versions, and the values
//! grid workers collect on persons, houses, places and organizations.
//!
//! Forms serve the whole deployment, so reading them needs only the right to see base data.
//! Values belong to a record and share its scope: they are found through the record, inside the
//! caller's scope, and a record outside it is not found. Versions are rows written once; values
//! keep the version they were checked against and are read with that version's definition.

mod read;
mod record;
mod values;
mod write;

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::forms::{FormDefinition, FormTarget};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{StoreError, StoreResult};

/// A form as listed: what it is and the titles of its current version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormSummary {
    pub id: String,
    pub key: String,
    pub target: FormTarget,
    pub department: String,
    pub title_zh: String,
    pub title_en: String,
    pub current_version: i64,
    pub created_by: String,
    pub created_at: i64,
}

/// One published version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormVersion {
    pub version: i64,
    pub definition: FormDefinition,
    pub created_by: String,
    pub created_at: i64,
}

/// A form with every version, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Form {
    pub summary: FormSummary,
    pub versions: Vec<FormVersion>,
}

impl Form {
    /// The version new values are checked against.
    pub fn current(&self) -> Option<&FormVersion> {
        self.versions
            .iter()
            .find(|v| v.version == self.summary.current_version)
    }
}

/// One form's values on one record, with the definition of the version they were checked
/// against. A record with no values yet shows the current version and no values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordValues {
    pub form_id: String,
    pub form_key: String,
    /// The version the values were checked against.
    pub version: i64,
    /// The form's current version; saving again checks against it.
    pub current_version: i64,
    pub definition: FormDefinition,
    pub values: Map<String, Value>,
    /// Absent while nothing is stored.
    pub updated_by: Option<String>,
    pub updated_at: Option<i64>,
}

/// Reading forms: anyone who sees base data, and those who manage forms.
fn may_read_forms(actor: &Actor) -> StoreResult<()> {
    if actor.can(Permission::ViewBaseData) || actor.can(Permission::ManageForms) {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// A stored definition. It was checked when published, so a fault here means the row was
/// changed behind the store's back: an internal error, not the caller's.
fn stored_definition(form_id: &str, version: i64, text: &str) -> StoreResult<FormDefinition> {
    FormDefinition::parse_text(text).map_err(|e| {
        StoreError::Internal(format!(
            "stored definition of form {form_id} v{version}: {e}"
        ))
    })
}

/// Stored values, read back as the object they were written as.
fn stored_values(form_id: &str, text: &str) -> StoreResult<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(StoreError::Internal(format!(
            "stored values of form {form_id} are not a JSON object"
        ))),
    }
}
