//! The bridges on the desk (system administrators): the list with each secret masked, the
//! form for a new one, and one bridge's page with its form and the orders it sent lately. The
//! store checks, seals and audits; a secret left empty on a change stays as it was.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::bridges::BridgeKind;
use gridgov_store::StoreError;
use gridgov_store::bridges::{Bridge, BridgeInput};
use serde::Deserialize;

use super::grids::{form_errors, unprocessable};
use super::{Chrome, FormErrors, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

/// A sample mapping for a new bridge, in the shape the 12345 platforms commonly send.
const SAMPLE_MAPPING: &str = r#"{
  "external_no": "/order_no",
  "title": "/title",
  "description": "/content",
  "category": "/category",
  "category_map": {"市容环境": "06"},
  "address": "/address",
  "lng": "/lng",
  "lat": "/lat",
  "crs": "gcj02",
  "occurred_at": "/time",
  "caller_name": "/caller/name",
  "caller_phone": "/caller/phone"
}"#;

pub struct BridgeRow {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub region_code: String,
    pub secret: String,
    pub push_url: String,
    pub active: bool,
}

pub struct KindChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The form's values: what was typed, or what the bridge holds (never its secret).
pub struct BridgeFields {
    pub id: String,
    pub kinds: Vec<KindChoice>,
    pub name: String,
    pub region_code: String,
    pub push_url: String,
    pub mapping: String,
    pub active: bool,
    pub version: i64,
}

impl BridgeFields {
    fn of(u: &PageUser, i: &BridgeInput) -> BridgeFields {
        BridgeFields {
            id: i.id.clone(),
            kinds: BridgeKind::ALL
                .iter()
                .map(|k| KindChoice {
                    value: k.as_str(),
                    label: u.lang.pick(k.label_zh(), k.label_en()),
                    selected: k.as_str() == i.kind,
                })
                .collect(),
            name: i.name.clone(),
            region_code: i.region_code.clone(),
            push_url: i.push_url.clone(),
            mapping: i.mapping.clone(),
            active: i.active,
            version: i.version,
        }
    }
}

fn input_of(b: &Bridge) -> BridgeInput {
    BridgeInput {
        id: b.id.clone(),
        kind: b.kind.clone(),
        name: b.name.clone(),
        region_code: b.region_code.clone(),
        secret: String::new(),
        push_url: b.push_url.clone(),
        mapping: serde_json::from_str::<serde_json::Value>(&b.mapping)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| b.mapping.clone()),
        active: b.active == 1,
        version: b.version,
    }
}

pub const FIELDS: [&str; 8] = [
    "id",
    "kind",
    "name",
    "region_code",
    "secret",
    "push_url",
    "mapping",
    "version",
];

#[derive(Template)]
#[template(path = "bridges.html")]
pub struct BridgesPage {
    pub c: Chrome,
    pub rows: Vec<BridgeRow>,
    pub f: BridgeFields,
    pub errors: FormErrors,
    /// The form is a change of this bridge, not a new one.
    pub editing: Option<String>,
    pub orders: Vec<OrderLine>,
    pub saved: bool,
}

pub struct OrderLine {
    pub external_no: String,
    pub incident_href: String,
    pub incident_number: String,
    pub caller: String,
    pub at: String,
}

impl BridgesPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.errors.others(self.c.lang, &FIELDS)
    }

    pub fn tr<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.c.lang.pick(zh, en)
    }
}

#[derive(Deserialize, Default)]
pub struct BridgeForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    push_url: String,
    #[serde(default)]
    mapping: String,
    /// A ticked checkbox sends a value; an unticked one sends nothing.
    active: Option<String>,
    #[serde(default)]
    version: i64,
}

impl BridgeForm {
    fn input(self) -> BridgeInput {
        BridgeInput {
            id: self.id.trim().to_owned(),
            kind: self.kind,
            name: self.name,
            region_code: self.region_code,
            secret: self.secret,
            push_url: self.push_url,
            mapping: self.mapping,
            active: self.active.is_some(),
            version: self.version,
        }
    }
}

async fn build(
    state: &AppState,
    u: &PageUser,
    input: &BridgeInput,
    editing: Option<String>,
    errors: FormErrors,
) -> Result<BridgesPage, AppError> {
    let bridges = state.store.bridges(&u.actor).await?;
    let rows = bridges
        .iter()
        .map(|b| BridgeRow {
            id: b.id.clone(),
            kind: BridgeKind::parse("kind", &b.kind)
                .map(|k| u.lang.pick(k.label_zh(), k.label_en()).to_owned())
                .unwrap_or_else(|_| b.kind.clone()),
            name: b.name.clone(),
            region_code: b.region_code.clone(),
            secret: b.secret_masked(&state.store),
            push_url: b.push_url.clone(),
            active: b.active == 1,
        })
        .collect();
    let orders = match &editing {
        Some(id) => state
            .store
            .bridge_orders(&u.actor, Some(id), 50)
            .await?
            .into_iter()
            .map(|o| OrderLine {
                incident_href: format!("/incidents/{}/{}", o.county_code, o.incident_id),
                external_no: o.external_no,
                incident_number: o.incident_number,
                caller: o.caller_name,
                at: time::second(o.received_at),
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(BridgesPage {
        c: Chrome::build(state, u, "/admin/bridges", "/admin/bridges").await,
        rows,
        f: BridgeFields::of(u, input),
        errors,
        editing,
        orders,
        saved: false,
    })
}

pub async fn list(State(state): State<AppState>, u: PageUser) -> Result<Response, AppError> {
    let input = BridgeInput {
        kind: BridgeKind::Hotline12345.as_str().to_owned(),
        mapping: SAMPLE_MAPPING.to_owned(),
        active: true,
        ..BridgeInput::default()
    };
    Ok(render(
        &build(&state, &u, &input, None, FormErrors::default()).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<BridgeForm>,
) -> Result<Response, AppError> {
    let mut input = f.input();
    input.version = 0;
    match state.store.save_bridge(&u.actor, &input).await {
        Ok(b) => Ok(Redirect::to(&format!("/admin/bridges/{}?saved=1", b.id)).into_response()),
        Err(e) => {
            let errors = form_errors(e)?;
            input.secret.clear();
            let page = build(&state, &u, &input, None, errors).await?;
            Ok(unprocessable(render(&page)))
        }
    }
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> Result<Response, AppError> {
    let b = state.store.bridge(&u.actor, &id).await?;
    let mut page = build(&state, &u, &input_of(&b), Some(b.id), FormErrors::default()).await?;
    page.saved = q.saved.is_some();
    Ok(render(&page))
}

pub async fn update(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<BridgeForm>,
) -> Result<Response, AppError> {
    let mut input = f.input();
    input.id = id.clone();
    match state.store.save_bridge(&u.actor, &input).await {
        Ok(b) => Ok(Redirect::to(&format!("/admin/bridges/{}?saved=1", b.id)).into_response()),
        Err(StoreError::VersionConflict) => {
            let b = state.store.bridge(&u.actor, &id).await?;
            let errors = FormErrors(vec![gridgov_core::FieldError::new(
                "version",
                "version_conflict",
                "该对接已被他人修改，以下为最新内容，请重新操作",
                "someone else changed this bridge; here is the latest version, try again",
            )]);
            let page = build(&state, &u, &input_of(&b), Some(id), errors).await?;
            let mut r = render(&page);
            *r.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => {
            let errors = form_errors(e)?;
            input.secret.clear();
            let page = build(&state, &u, &input, Some(id), errors).await?;
            Ok(unprocessable(render(&page)))
        }
    }
}
