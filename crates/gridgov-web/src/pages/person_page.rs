//! A person's page: masked numbers and the record's fields, the houses they live in, the
//! collection-form values, the record's history and where it came from; and for those who may,
//! the form that shows one full number after a reason is given.
//!
//! A revealed number travels only in the body of the answer to that POST (never in a URL, which
//! ends up in logs and browser history), marked `no-store`, and is gone on the next load.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use gridgov_core::FieldError;
use gridgov_core::auth::Permission;
use gridgov_core::forms::FormTarget;
use gridgov_store::StoreError;
use gridgov_store::forms::RecordValues;
use gridgov_store::protect::FieldKind;
use gridgov_store::records::{PersonHouse, PersonView, Provenance};
use serde::Deserialize;
use serde_json::Value;

use super::audit::{AuditRow, rows as audit_rows};
use super::grids::{form_errors, unprocessable};
use super::{Chrome, FormErrors, base_labels, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;

pub struct HouseRow {
    pub href: String,
    pub building_href: String,
    pub building: String,
    pub address: String,
    pub unit: String,
    pub number: String,
    pub house_use: String,
    pub relation: String,
    pub since: String,
    pub grid_href: String,
    pub grid: String,
}

pub struct ProvenanceRow {
    pub role: &'static str,
    pub source: String,
    pub file: String,
    pub who: String,
    pub when: String,
}

pub struct FormValueRow {
    pub label: String,
    pub value: String,
}

pub struct FormBlock {
    pub title: String,
    pub department: String,
    pub version: i64,
    /// Stored under an older version than the current one.
    pub outdated: bool,
    pub values: Vec<FormValueRow>,
}

/// A full number shown once, on the answer to the unmask form.
pub struct Revealed {
    pub label: &'static str,
    pub value: String,
}

/// What the unmask form sent, to show it again with its errors.
#[derive(Default)]
pub struct UnmaskState {
    pub field: String,
    pub reason: String,
    pub errors: FormErrors,
    pub revealed: Option<Revealed>,
}

#[derive(Template)]
#[template(path = "person.html")]
pub struct PersonPageView {
    pub c: Chrome,
    pub p: PersonView,
    pub href: String,
    pub gender: String,
    pub residence: String,
    pub ethnicity: String,
    pub updated: String,
    pub houses: Vec<HouseRow>,
    pub forms: Vec<FormBlock>,
    pub history: Vec<AuditRow>,
    pub provenance: Vec<ProvenanceRow>,
    pub can_unmask: bool,
    pub unmask: UnmaskState,
}

impl PersonPageView {
    pub fn err(&self, field: &str) -> Option<String> {
        self.unmask.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.unmask.errors.others(self.c.lang, &["reason"])
    }
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let view = build(&state, &u, &county, &id, UnmaskState::default()).await?;
    Ok(render(&view))
}

#[derive(Deserialize)]
pub struct UnmaskForm {
    #[serde(default)]
    field: String,
    #[serde(default)]
    reason: String,
}

fn field_kind(s: &str) -> Result<FieldKind, FieldError> {
    match s {
        "id_card_no" => Ok(FieldKind::IdCardNo),
        "phone" => Ok(FieldKind::Phone),
        _ => Err(FieldError::new(
            "field",
            "unknown_field",
            "请选择要查看的号码：身份证号或电话",
            "choose the number to show: ID number or phone",
        )),
    }
}

pub async fn unmask(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<UnmaskForm>,
) -> Result<Response, AppError> {
    let t = u.lang.texts();
    let result = match field_kind(&f.field) {
        Ok(kind) => state
            .store
            .unmask_person_field(&u.actor, &county, &id, kind, &f.reason)
            .await
            .map(|v| (kind, v)),
        Err(e) => Err(StoreError::from(e)),
    };
    let mut form = UnmaskState {
        field: f.field,
        reason: f.reason,
        ..UnmaskState::default()
    };
    match result {
        Ok((kind, value)) => {
            form.revealed = Some(Revealed {
                label: match kind {
                    FieldKind::IdCardNo => t.id_card_no,
                    FieldKind::Phone => t.phone,
                    // Persons have no e-mail; the store refuses to unmask one.
                    FieldKind::Email => u.lang.pick("电子邮箱", "e-mail"),
                },
                value,
            });
            // The reason was used; the form starts empty for the next one.
            form.reason.clear();
            let view = build(&state, &u, &county, &id, form).await?;
            let mut r = render(&view);
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(r)
        }
        Err(e) => {
            form.errors = form_errors(e)?;
            let view = build(&state, &u, &county, &id, form).await?;
            Ok(unprocessable(render(&view)))
        }
    }
}

async fn build(
    state: &AppState,
    u: &PageUser,
    county: &str,
    id: &str,
    unmask: UnmaskState,
) -> Result<PersonPageView, AppError> {
    let (page, values) = tokio::try_join!(
        state.store.person_page(&u.actor, county, id),
        state.store.values_of(&u.actor, FormTarget::Persons, id),
    )?;
    let lang = u.lang;
    let p = page.person;
    let href = format!("/people/{}/{}", p.county_code, p.id);
    Ok(PersonPageView {
        c: Chrome::build(state, u, "/people", &href).await,
        href,
        gender: base_labels::gender(lang, &p.gender),
        residence: base_labels::residence(lang, &p.residence_type),
        ethnicity: match lang {
            Lang::Zh => p.ethnicity_zh.clone(),
            Lang::En => p.ethnicity.clone(),
        },
        updated: time::minute(p.updated_at),
        houses: page.houses.iter().map(|h| house_row(lang, h)).collect(),
        forms: values.iter().map(|v| form_block(lang, v)).collect(),
        history: audit_rows(state, u, &page.history).await?,
        provenance: page
            .provenance
            .iter()
            .map(|b| provenance_row(lang, b))
            .collect(),
        can_unmask: u.actor.can(Permission::UnmaskPersonalData),
        unmask,
        p,
    })
}

fn house_row(lang: Lang, h: &PersonHouse) -> HouseRow {
    let v = &h.house;
    HouseRow {
        href: format!("/houses/{}/{}", v.county_code, v.id),
        building_href: format!("/buildings/{}/{}", v.county_code, v.building_id),
        building: v.building_code.clone(),
        address: v.building_address.clone(),
        unit: v.unit.clone(),
        number: v.number.clone(),
        house_use: base_labels::house_use(lang, &v.house_use),
        relation: h.relation.clone(),
        since: h.since.clone().unwrap_or_default(),
        grid_href: format!("/grids/{}", v.grid_id),
        grid: format!("{} {}", v.grid_code, v.grid_name),
    }
}

pub fn provenance_row(lang: Lang, b: &Provenance) -> ProvenanceRow {
    let t = lang.texts();
    ProvenanceRow {
        role: if b.role == "created" {
            t.created
        } else {
            t.updated
        },
        source: b.source.clone(),
        file: b.file_name.clone(),
        who: b.actor_name.clone().unwrap_or_default(),
        when: time::minute(b.finished_at),
    }
}

/// One form's stored values by its fields' labels, in the order of the version they were
/// stored under; keys no longer in that version are shown by key.
fn form_block(lang: Lang, v: &RecordValues) -> FormBlock {
    let d = &v.definition;
    let mut values: Vec<FormValueRow> = d
        .fields
        .iter()
        .filter_map(|f| {
            let value = v.values.get(&f.key)?;
            let label = match lang {
                Lang::En if !f.label_en.is_empty() => f.label_en.clone(),
                _ => f.label_zh.clone(),
            };
            Some(FormValueRow {
                label,
                value: value_text(value),
            })
        })
        .collect();
    for (k, value) in &v.values {
        if !d.fields.iter().any(|f| &f.key == k) {
            values.push(FormValueRow {
                label: k.clone(),
                value: value_text(value),
            });
        }
    }
    FormBlock {
        title: match lang {
            Lang::En if !d.title_en.is_empty() => d.title_en.clone(),
            Lang::En => d.key.clone(),
            Lang::Zh => d.title_zh.clone(),
        },
        department: d.department.clone(),
        version: v.version,
        outdated: v.version != v.current_version,
        values,
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join("、"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_text() {
        assert_eq!(value_text(&serde_json::json!("低保")), "低保");
        assert_eq!(value_text(&serde_json::json!(["a", "b"])), "a、b");
        assert_eq!(value_text(&serde_json::json!(86.5)), "86.5");
    }

    #[test]
    fn only_the_two_numbers_can_be_asked_for() {
        assert!(matches!(field_kind("phone"), Ok(FieldKind::Phone)));
        assert_eq!(
            field_kind("name").err().map(|e| e.field),
            Some("field".into())
        );
    }
}
