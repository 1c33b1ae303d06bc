//! Forms posted from a grid's page: staff, police pairing and splitting. Each answers with a
//! redirect back to the page, or shows the page again with what was typed and why it failed.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_store::StoreError;
use serde::Deserialize;

use super::FormErrors;
use super::grid_bulk::{fault_rows, file_name, missing_geojson, parse_crs};
use super::grid_page::{PageErrors, show};
use super::grids::form_errors;
use super::qr::Origin;
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

pub(super) fn back(id: &str, flash: &str) -> Response {
    Redirect::to(&format!("/grids/{id}?{flash}=1")).into_response()
}

#[derive(Deserialize)]
pub struct StaffForm {
    username: String,
    duty: String,
}

pub async fn add_staff(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
    Form(f): Form<StaffForm>,
) -> Result<Response, AppError> {
    match state
        .store
        .assign_staff(&u.actor, &id, &f.username, &f.duty)
        .await
    {
        Ok(()) => Ok(back(&id, "saved")),
        Err(e) => {
            let form = PageErrors {
                errors: form_errors(e)?,
                staff_username: f.username,
                staff_duty: f.duty,
                ..PageErrors::default()
            };
            show(&state, &u, &origin, &id, form).await
        }
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    user_id: String,
    duty: String,
}

pub async fn remove_staff(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, AppError> {
    match state
        .store
        .remove_staff(&u.actor, &id, &f.user_id, &f.duty)
        .await
    {
        Ok(()) => Ok(back(&id, "saved")),
        Err(e) => {
            let form = PageErrors {
                errors: form_errors(e)?,
                ..PageErrors::default()
            };
            show(&state, &u, &origin, &id, form).await
        }
    }
}

/// A police officer claims the grid for themselves.
pub async fn claim(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    pair_with(state, u, origin, id, None).await
}

#[derive(Deserialize)]
pub struct PairForm {
    officer: String,
}

/// A center or grid administrator pairs the grid with an officer by username.
pub async fn pair(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
    Form(f): Form<PairForm>,
) -> Result<Response, AppError> {
    // An empty name would turn into a claim by the administrator: say it is required instead.
    if f.officer.trim().is_empty() {
        let form = PageErrors {
            errors: FormErrors(vec![gridgov_core::FieldError::new(
                "officer",
                "required",
                "请填写民警的用户名",
                "enter the officer's username",
            )]),
            ..PageErrors::default()
        };
        return show(&state, &u, &origin, &id, form).await;
    }
    pair_with(state, u, origin, id, Some(f.officer)).await
}

async fn pair_with(
    state: AppState,
    u: PageUser,
    origin: Origin,
    id: String,
    officer: Option<String>,
) -> Result<Response, AppError> {
    match state
        .store
        .pair_police(&u.actor, &id, officer.as_deref())
        .await
    {
        Ok(()) => Ok(back(&id, "saved")),
        Err(e) => {
            let form = PageErrors {
                errors: form_errors(e)?,
                officer: officer.unwrap_or_default(),
                ..PageErrors::default()
            };
            show(&state, &u, &origin, &id, form).await
        }
    }
}

pub async fn unpair(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match state.store.unpair_police(&u.actor, &id).await {
        Ok(()) => Ok(back(&id, "saved")),
        Err(e) => {
            let form = PageErrors {
                errors: form_errors(e)?,
                ..PageErrors::default()
            };
            show(&state, &u, &origin, &id, form).await
        }
    }
}

#[derive(Deserialize)]
pub struct SplitForm {
    geojson: String,
    file: Option<String>,
    crs: String,
}

pub async fn split(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
    Form(f): Form<SplitForm>,
) -> Result<Response, AppError> {
    let file = file_name(f.file.as_deref());
    let result = if f.geojson.trim().is_empty() {
        Err(StoreError::Invalid(gridgov_core::Invalid(vec![
            missing_geojson(),
        ])))
    } else {
        state
            .store
            .split_grid(&u.actor, &id, &file, &f.geojson, parse_crs(&f.crs))
            .await
    };
    let mut form = PageErrors {
        split_gcj02: f.crs == "gcj02",
        ..PageErrors::default()
    };
    match result {
        // The old grid's page now links to its parts under its lineage.
        Ok(_) => return Ok(back(&id, "split")),
        Err(StoreError::Rows(rows)) => form.faults = fault_rows(u.lang, &rows),
        Err(StoreError::VersionConflict) => {
            form.errors = FormErrors(vec![super::grids::version_conflict()])
        }
        Err(e) => form.errors = form_errors(e)?,
    }
    form.split_geojson = f.geojson;
    form.split_file = f.file.unwrap_or_default();
    show(&state, &u, &origin, &id, form).await
}
