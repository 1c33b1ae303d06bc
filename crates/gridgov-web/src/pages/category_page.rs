//! One category's page: what it says and, for system administrators, the form to change it and
//! the button to deactivate or reactivate it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::auth::Permission;
use gridgov_store::StoreError;
use gridgov_store::categories::{Category, CategoryInput};
use serde::Deserialize;

use super::categories::{CategoryFields, FIELDS, name_in, read_form, sector_labels};
use super::department_page::stale;
use super::grids::form_errors;
use super::{Chrome, FormErrors, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

#[derive(Template)]
#[template(path = "category.html")]
pub struct CategoryPage {
    pub c: Chrome,
    pub cat: Category,
    pub name: String,
    pub grade: &'static str,
    pub sectors: String,
    pub can_manage: bool,
    pub f: CategoryFields,
    pub errors: FormErrors,
    pub flash: Option<&'static str>,
}

impl CategoryPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.errors.others(self.c.lang, &FIELDS)
    }
}

#[derive(Deserialize, Default)]
pub struct Flash {
    created: Option<String>,
    saved: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Path(code): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, AppError> {
    let t = u.lang.texts();
    let flash = if f.created.is_some() {
        Some(t.category_created)
    } else if f.saved.is_some() {
        Some(t.saved)
    } else {
        None
    };
    let page = build(&state, &u, &code, None, FormErrors::default(), flash).await?;
    Ok(render(&page))
}

/// What the category holds, as its form shows it.
fn held(c: &Category) -> CategoryInput {
    CategoryInput {
        code: c.code.clone(),
        parent_code: c.parent_code.clone().unwrap_or_default(),
        name: c.name.clone(),
        name_en: c.name_en.clone(),
        default_grade: c.default_grade.as_str().to_owned(),
        sectors: c.sectors.iter().map(|s| s.as_str().to_owned()).collect(),
        evidence_required: c.evidence_required,
        public: c.public,
        sort_order: c.sort_order.to_string(),
        max_extension_days: c
            .max_extension_days
            .map(|n| n.to_string())
            .unwrap_or_default(),
    }
}

async fn build(
    state: &AppState,
    u: &PageUser,
    code: &str,
    typed: Option<CategoryInput>,
    errors: FormErrors,
    flash: Option<&'static str>,
) -> Result<CategoryPage, AppError> {
    let cat = state.store.category(&u.actor, code).await?;
    let input = typed.unwrap_or_else(|| held(&cat));
    Ok(CategoryPage {
        c: Chrome::build(
            state,
            u,
            "/categories",
            &format!("/categories/{}", cat.code),
        )
        .await,
        name: name_in(u.lang, &cat),
        grade: u
            .lang
            .pick(cat.default_grade.label_zh(), cat.default_grade.label_en()),
        sectors: sector_labels(u.lang, &cat.sectors),
        can_manage: u.actor.can(Permission::ManageCategories),
        f: CategoryFields::of(u.lang, &input),
        errors,
        flash,
        cat,
    })
}

async fn again(
    state: &AppState,
    u: &PageUser,
    code: &str,
    typed: Option<CategoryInput>,
    e: StoreError,
) -> Result<Response, AppError> {
    let (typed, errors) = match e {
        // After a stale version, show the latest values rather than the typed ones.
        StoreError::VersionConflict => (None, FormErrors(vec![stale()])),
        other => (typed, form_errors(other)?),
    };
    let page = build(state, u, code, typed, errors, None).await?;
    let mut r = render(&page);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

fn back(code: &str) -> Response {
    Redirect::to(&format!("/categories/{code}?saved=1")).into_response()
}

pub async fn update(
    State(state): State<AppState>,
    u: PageUser,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (input, version) = read_form(pairs);
    match state
        .store
        .update_category(&u.actor, &code, &input, version.unwrap_or(0))
        .await
    {
        Ok(c) => Ok(back(&c.code)),
        Err(e) => again(&state, &u, &code, Some(input), e).await,
    }
}

#[derive(Deserialize)]
pub struct VersionForm {
    version: i64,
}

async fn set_active(
    state: AppState,
    u: PageUser,
    code: String,
    active: bool,
    version: i64,
) -> Result<Response, AppError> {
    match state
        .store
        .set_category_active(&u.actor, &code, active, version)
        .await
    {
        Ok(c) => Ok(back(&c.code)),
        Err(e) => again(&state, &u, &code, None, e).await,
    }
}

pub async fn deactivate(
    State(state): State<AppState>,
    u: PageUser,
    Path(code): Path<String>,
    Form(f): Form<VersionForm>,
) -> Result<Response, AppError> {
    set_active(state, u, code, false, f.version).await
}

pub async fn activate(
    State(state): State<AppState>,
    u: PageUser,
    Path(code): Path<String>,
    Form(f): Form<VersionForm>,
) -> Result<Response, AppError> {
    set_active(state, u, code, true, f.version).await
}
