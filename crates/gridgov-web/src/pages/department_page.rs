//! One department's page: what it is, its handlers, and for the center that keeps it the forms
//! to change it, (de)activate it and add or remove handlers. Forms posted from here come back to
//! it with their errors (see [`show`]).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::FieldError;
use gridgov_core::auth::Permission;
use gridgov_store::StoreError;
use gridgov_store::departments::Department;
use serde::Deserialize;

use super::departments::{DepartmentForm, SectorOption, sector_options};
use super::grids::form_errors;
use super::{Chrome, FormErrors, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

pub struct MemberRow {
    pub user_id: String,
    pub username: String,
    pub name: String,
    pub phone: String,
    pub since: String,
    pub disabled: bool,
}

/// What a failed form sent, to show it again with its errors.
#[derive(Default)]
pub struct Posted {
    pub errors: FormErrors,
    /// The edit form's values, when it was the one posted.
    pub edit: Option<DepartmentForm>,
    pub username: String,
}

#[derive(Template)]
#[template(path = "department.html")]
pub struct DepartmentPage {
    pub c: Chrome,
    pub d: Department,
    pub sector: &'static str,
    pub members: Vec<MemberRow>,
    /// The user keeps departments and this one lies inside their scope.
    pub can_manage: bool,
    /// The user keeps departments, but this one belongs to a region above them.
    pub above: bool,
    pub name: String,
    pub sectors: Vec<SectorOption>,
    pub region_code: String,
    pub phone: String,
    pub username: String,
    pub errors: FormErrors,
    pub flash: Option<&'static str>,
}

impl DepartmentPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.errors.others(
            self.c.lang,
            &["name", "sector", "region_code", "phone", "username"],
        )
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
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, AppError> {
    let t = u.lang.texts();
    let flash = if f.created.is_some() {
        Some(t.department_created)
    } else if f.saved.is_some() {
        Some(t.saved)
    } else {
        None
    };
    let page = build(&state, &u, &id, Posted::default(), flash).await?;
    Ok(render(&page))
}

async fn build(
    state: &AppState,
    u: &PageUser,
    id: &str,
    posted: Posted,
    flash: Option<&'static str>,
) -> Result<DepartmentPage, AppError> {
    let d = state.store.department(&u.actor, id).await?;
    let members = state.store.department_members(&u.actor, id).await?;
    let keeper = u.actor.can(Permission::ManageDepartments);
    let inside = d.lies_in_scope_of(&u.actor);
    let edit = posted.edit.unwrap_or_else(|| DepartmentForm {
        name: d.name.clone(),
        sector: d.sector.as_str().to_owned(),
        region_code: d.region_code.clone(),
        phone: d.phone.clone(),
    });
    Ok(DepartmentPage {
        c: Chrome::build(state, u, "/departments", &format!("/departments/{id}")).await,
        sector: u.lang.pick(d.sector.label_zh(), d.sector.label_en()),
        members: members
            .into_iter()
            .map(|m| MemberRow {
                since: time::minute(m.since),
                user_id: m.user_id,
                username: m.username,
                name: m.display_name,
                phone: m.phone,
                disabled: m.disabled,
            })
            .collect(),
        can_manage: keeper && inside,
        above: keeper && !inside,
        sectors: sector_options(u.lang, &edit.sector),
        name: edit.name,
        region_code: edit.region_code,
        phone: edit.phone,
        username: posted.username,
        errors: posted.errors,
        flash,
        d,
    })
}

/// The page again with the form's errors, answered 422.
pub async fn show(
    state: &AppState,
    u: &PageUser,
    id: &str,
    posted: Posted,
) -> Result<Response, AppError> {
    let page = build(state, u, id, posted, None).await?;
    let mut r = render(&page);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

fn back(id: &str) -> Response {
    Redirect::to(&format!("/departments/{id}?saved=1")).into_response()
}

/// Field errors stay on the page; a stale version says so there too.
fn errors_of(e: StoreError) -> Result<FormErrors, AppError> {
    match e {
        StoreError::VersionConflict => Ok(FormErrors(vec![stale()])),
        other => form_errors(other),
    }
}

pub fn stale() -> FieldError {
    FieldError::new(
        "version",
        "version_conflict",
        "该记录已被他人修改，以下为最新内容，请重新操作",
        "someone else changed this record; here is the latest version, try again",
    )
}

/// The edit form: the department's fields and the version read. (Spelled out rather than
/// flattened: a flattened form hands every value over as text, and the version would not parse.)
#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    phone: String,
    version: i64,
}

pub async fn update(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> Result<Response, AppError> {
    let fields = DepartmentForm {
        name: f.name,
        sector: f.sector,
        region_code: f.region_code,
        phone: f.phone,
    };
    match state
        .store
        .update_department(&u.actor, &id, &fields.input(), f.version)
        .await
    {
        Ok(_) => Ok(back(&id)),
        Err(e) => {
            let errors = errors_of(e)?;
            // After a stale version, show the latest values rather than the typed ones.
            let stale = errors.0.iter().any(|e| e.code == "version_conflict");
            let posted = Posted {
                errors,
                edit: (!stale).then_some(fields),
                ..Posted::default()
            };
            show(&state, &u, &id, posted).await
        }
    }
}

#[derive(Deserialize)]
pub struct VersionForm {
    version: i64,
}

async fn set_active(
    state: AppState,
    u: PageUser,
    id: String,
    active: bool,
    version: i64,
) -> Result<Response, AppError> {
    match state
        .store
        .set_department_active(&u.actor, &id, active, version)
        .await
    {
        Ok(_) => Ok(back(&id)),
        Err(e) => {
            let posted = Posted {
                errors: errors_of(e)?,
                ..Posted::default()
            };
            show(&state, &u, &id, posted).await
        }
    }
}

pub async fn deactivate(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> Result<Response, AppError> {
    set_active(state, u, id, false, f.version).await
}

pub async fn activate(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> Result<Response, AppError> {
    set_active(state, u, id, true, f.version).await
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    username: String,
}

pub async fn add_member(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> Result<Response, AppError> {
    match state
        .store
        .add_department_member(&u.actor, &id, &f.username)
        .await
    {
        Ok(_) => Ok(back(&id)),
        Err(e) => {
            let posted = Posted {
                errors: errors_of(e)?,
                username: f.username,
                ..Posted::default()
            };
            show(&state, &u, &id, posted).await
        }
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    user_id: String,
}

pub async fn remove_member(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, AppError> {
    match state
        .store
        .remove_department_member(&u.actor, &id, &f.user_id)
        .await
    {
        Ok(()) => Ok(back(&id)),
        Err(e) => {
            let posted = Posted {
                errors: errors_of(e)?,
                ..Posted::default()
            };
            show(&state, &u, &id, posted).await
        }
    }
}
