//! The micro-grid forms on a grid's page: add one, remove one. Like the staff forms, each
//! answers with a redirect back to the page, or shows the page again with what was typed and
//! why it failed.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::grid_page::{PageErrors, show};
use super::grid_staff::back;
use super::grids::form_errors;
use super::qr::Origin;
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

#[derive(Deserialize)]
pub struct AddForm {
    code: String,
    name: String,
    buildings: String,
}

pub async fn add(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
    Form(f): Form<AddForm>,
) -> Result<Response, AppError> {
    match state
        .store
        .add_micro_grid(&u.actor, &id, &f.code, &f.name, &f.buildings)
        .await
    {
        Ok(_) => Ok(back(&id, "saved")),
        Err(e) => {
            let form = PageErrors {
                errors: form_errors(e)?,
                micro_posted: true,
                micro_code: f.code,
                micro_name: f.name,
                micro_buildings: f.buildings,
                ..PageErrors::default()
            };
            show(&state, &u, &origin, &id, form).await
        }
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    code: String,
}

pub async fn remove(
    State(state): State<AppState>,
    u: PageUser,
    origin: Origin,
    Path(id): Path<String>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, AppError> {
    match state.store.remove_micro_grid(&u.actor, &id, &f.code).await {
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
