//! Micro-grids (微网格) of a grid: listing them, adding one, removing one. Changing them takes
//! the right to manage grids; the store checks it and the caller's scope.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::grid_views::MicroGridView;
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

#[utoipa::path(get, operation_id = "list_micro_grids", tag = "grids", path = "/api/v1/grids/{id}/micro-grids", params(("id" = String, Path)),
    responses((status = 200, body = Vec<MicroGridView>, description = "By code"), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<MicroGridView>>, AppError> {
    let micro = state.store.micro_grids(&u.actor, &id).await?;
    Ok(Json(micro.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct AddMicroGrid {
    /// Letters, digits and `-`; unique within the grid.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// The buildings it covers, as people name them (`3、4、5 栋`); up to 200 characters.
    #[serde(default)]
    pub buildings: String,
}

#[utoipa::path(post, operation_id = "add_micro_grid", tag = "grids", path = "/api/v1/grids/{id}/micro-grids", params(("id" = String, Path)), request_body = AddMicroGrid,
    responses((status = 201, body = MicroGridView),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The grid already has a micro-grid with this code"),
        (status = 422, body = ErrorBody, description = "Field errors, or the grid is retired")))]
pub async fn add(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(b): Json<AddMicroGrid>,
) -> Result<(StatusCode, Json<MicroGridView>), AppError> {
    let m = state
        .store
        .add_micro_grid(&u.actor, &id, &b.code, &b.name, &b.buildings)
        .await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

#[utoipa::path(delete, operation_id = "remove_micro_grid", tag = "grids", path = "/api/v1/grids/{id}/micro-grids/{code}",
    params(("id" = String, Path), ("code" = String, Path, description = "The micro-grid's code (any case)")),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such grid, or it has no micro-grid with this code")))]
pub async fn remove(
    State(state): State<AppState>,
    u: ApiUser,
    Path((id, code)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    state.store.remove_micro_grid(&u.actor, &id, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}
