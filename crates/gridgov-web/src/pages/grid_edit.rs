//! Creating and editing a grid, and retiring it. A grid's village and code make its path and are
//! fixed once it exists (moving a grid is a split or merge), so the edit form leaves them out.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::grids::{GridKind, SpecialKind};
use gridgov_store::StoreError;
use gridgov_store::grids::{Grid, GridInput, GridRow};
use serde::Deserialize;

use super::grid_page::{PageErrors, show};
use super::grids::{can_manage, form_errors, unprocessable, version_conflict};
use super::qr::Origin;
use super::{Chrome, FormErrors, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "grid_form.html")]
pub struct FormPage {
    pub c: Chrome,
    /// `None` when creating.
    pub id: Option<String>,
    /// The grid as named in the breadcrumb when editing.
    pub heading: String,
    pub region: String,
    pub code: String,
    pub name: String,
    pub kinds: Vec<KindOption>,
    pub household_target: String,
    pub party_branch: String,
    pub station_address: String,
    pub version: i64,
    pub errors: FormErrors,
}

impl FormPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        let shown: &[&str] = if self.id.is_some() {
            &EDIT_FIELDS
        } else {
            &CREATE_FIELDS
        };
        self.errors.others(self.c.lang, shown)
    }
}

pub struct KindOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The kinds a grid form offers: comprehensive, then each special kind by its own name (which
/// the store reads as a special grid of that kind).
pub fn kind_options(lang: Lang, selected: &str) -> Vec<KindOption> {
    let mut kinds = vec![("comprehensive", GridKind::Comprehensive)];
    kinds.extend(
        SpecialKind::ALL
            .into_iter()
            .map(|s| (s.as_str(), GridKind::Special(s))),
    );
    kinds
        .into_iter()
        .map(|(value, k)| KindOption {
            value,
            label: match lang {
                Lang::Zh => k.zh(),
                Lang::En => k.en(),
            },
            selected: value == selected,
        })
        .collect()
}

/// The form value of a stored kind: the special kind's name, or `comprehensive`.
pub fn kind_value(g: &Grid) -> String {
    match g.special_kind.as_deref() {
        Some(s) if g.kind == "special" => s.to_owned(),
        _ => "comprehensive".to_owned(),
    }
}

const CREATE_FIELDS: [&str; 8] = [
    "region",
    "code",
    "name",
    "kind",
    "household_target",
    "party_branch",
    "station_address",
    "special_kind",
];
const EDIT_FIELDS: [&str; 6] = [
    "name",
    "kind",
    "household_target",
    "party_branch",
    "station_address",
    "special_kind",
];

/// The form with what was typed (or what is stored).
fn form_page(
    c: Chrome,
    id: Option<String>,
    heading: String,
    input: &GridInput,
    version: i64,
    errors: FormErrors,
) -> FormPage {
    let lang = c.lang;
    FormPage {
        c,
        id,
        heading,
        region: input.region.clone(),
        code: input.code.clone(),
        name: input.name.clone(),
        kinds: kind_options(lang, &input.kind),
        household_target: input.household_target.clone(),
        party_branch: input.party_branch.clone(),
        station_address: input.station_address.clone(),
        version,
        errors,
    }
}

fn stored_input(g: &GridRow) -> GridInput {
    GridInput {
        region: g.grid.region_code.clone(),
        code: g.grid.code.clone(),
        name: g.grid.name.clone(),
        kind: kind_value(&g.grid),
        special_kind: String::new(),
        household_target: g.grid.household_target.to_string(),
        party_branch: g.grid.party_branch.clone(),
        station_address: g.grid.station_address.clone(),
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    region: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    if !can_manage(&u.actor) {
        return Err(StoreError::Forbidden.into());
    }
    let input = GridInput {
        region: q.region.unwrap_or_default(),
        kind: "comprehensive".into(),
        ..GridInput::default()
    };
    let c = Chrome::build(&state, &u, "/grids", "/grids/new").await;
    Ok(render(&form_page(
        c,
        None,
        String::new(),
        &input,
        0,
        FormErrors::default(),
    )))
}

#[derive(Deserialize)]
pub struct GridForm {
    #[serde(default)]
    region: String,
    #[serde(default)]
    code: String,
    name: String,
    kind: String,
    household_target: String,
    #[serde(default)]
    party_branch: String,
    #[serde(default)]
    station_address: String,
    #[serde(default)]
    version: i64,
}

impl GridForm {
    fn input(&self) -> GridInput {
        GridInput {
            region: self.region.clone(),
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            special_kind: String::new(),
            household_target: self.household_target.clone(),
            party_branch: self.party_branch.clone(),
            station_address: self.station_address.clone(),
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<GridForm>,
) -> Result<Response, AppError> {
    let input = f.input();
    match state.store.create_grid(&u.actor, &input).await {
        Ok(g) => Ok(Redirect::to(&format!("/grids/{}?created=1", g.grid.id)).into_response()),
        Err(e) => {
            let errors = form_errors(e)?;
            let c = Chrome::build(&state, &u, "/grids", "/grids/new").await;
            Ok(unprocessable(render(&form_page(
                c,
                None,
                String::new(),
                &input,
                0,
                errors,
            ))))
        }
    }
}

async fn edit_chrome(state: &AppState, u: &PageUser, id: &str) -> Chrome {
    Chrome::build(state, u, "/grids", &format!("/grids/{id}/edit")).await
}

/// The current grid, for its edit form; a retired grid is not edited, so it is not found here.
async fn current(state: &AppState, u: &PageUser, id: &str) -> Result<GridRow, AppError> {
    let g = state.store.grid(&u.actor, id).await?;
    if !g.grid.is_current() {
        return Err(StoreError::NotFound.into());
    }
    Ok(g)
}

pub async fn edit_form(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if !can_manage(&u.actor) {
        return Err(StoreError::Forbidden.into());
    }
    let g = current(&state, &u, &id).await?;
    let c = edit_chrome(&state, &u, &id).await;
    let heading = format!("{} {}", g.grid.code, g.grid.name);
    Ok(render(&form_page(
        c,
        Some(id),
        heading,
        &stored_input(&g),
        g.grid.version,
        FormErrors::default(),
    )))
}

pub async fn update(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<GridForm>,
) -> Result<Response, AppError> {
    let input = f.input();
    match state
        .store
        .update_grid(&u.actor, &id, &input, f.version)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/grids/{id}?saved=1")).into_response()),
        // Like the users pages: show the latest version and say why.
        Err(StoreError::VersionConflict) => {
            let g = current(&state, &u, &id).await?;
            let c = edit_chrome(&state, &u, &id).await;
            let heading = format!("{} {}", g.grid.code, g.grid.name);
            Ok(unprocessable(render(&form_page(
                c,
                Some(id),
                heading,
                &stored_input(&g),
                g.grid.version,
                FormErrors(vec![version_conflict()]),
            ))))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let g = current(&state, &u, &id).await?;
            let c = edit_chrome(&state, &u, &id).await;
            let heading = format!("{} {}", g.grid.code, g.grid.name);
            Ok(unprocessable(render(&form_page(
                c,
                Some(id),
                heading,
                &input,
                f.version,
                errors,
            ))))
        }
    }
}

#[derive(Deserialize)]
pub struct RetireForm {
    reason: String,
    version: i64,
}

pub async fn retire(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
    Form(f): Form<RetireForm>,
) -> Result<Response, AppError> {
    let errors = match state
        .store
        .retire_grid(&u.actor, &id, &f.reason, f.version)
        .await
    {
        Ok(_) => return Ok(Redirect::to(&format!("/grids/{id}?retired=1")).into_response()),
        Err(StoreError::VersionConflict) => FormErrors(vec![version_conflict()]),
        Err(e) => form_errors(e)?,
    };
    let page = PageErrors {
        errors,
        reason: f.reason,
        ..PageErrors::default()
    };
    Ok(unprocessable(show(&state, &u, &origin, &id, page).await?))
}
