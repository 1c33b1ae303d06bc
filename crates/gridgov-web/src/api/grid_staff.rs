//! Who serves a grid: staff duties, and the community police officer paired with it (警格↔网格).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::grid_views::{GridView, StaffView};
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

#[utoipa::path(get, operation_id = "list_grid_staff", tag = "grids", path = "/api/v1/grids/{id}/staff", params(("id" = String, Path)),
    responses((status = 200, body = Vec<StaffView>, description = "Leader first, then by duty and name"), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<StaffView>>, AppError> {
    let staff = state.store.grid_staff(&u.actor, &id).await?;
    Ok(Json(staff.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct AssignStaff {
    #[serde(default)]
    pub username: String,
    /// `grid_leader`, `grid_worker`, `inspector`, `informant`, `liaison`, `patroller`,
    /// `grid_admin`, `instructor`, `supervisor` or `building_head` (or the Chinese name).
    #[serde(default)]
    pub duty: String,
}

#[utoipa::path(post, operation_id = "assign_grid_staff", tag = "grids", path = "/api/v1/grids/{id}/staff", params(("id" = String, Path)), request_body = AssignStaff,
    responses((status = 201, body = Vec<StaffView>, description = "The grid's staff after the change"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The user already has this duty here"),
        (status = 422, body = ErrorBody, description = "Unknown user or duty, or the user's scope does not include the grid")))]
pub async fn assign(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(b): Json<AssignStaff>,
) -> Result<(StatusCode, Json<Vec<StaffView>>), AppError> {
    state
        .store
        .assign_staff(&u.actor, &id, &b.username, &b.duty)
        .await?;
    let staff = state.store.grid_staff(&u.actor, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(staff.into_iter().map(Into::into).collect()),
    ))
}

#[utoipa::path(delete, operation_id = "remove_grid_staff", tag = "grids", path = "/api/v1/grids/{id}/staff/{user_id}/{duty}",
    params(("id" = String, Path), ("user_id" = String, Path), ("duty" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such grid, or the user has no such duty on it")))]
pub async fn remove(
    State(state): State<AppState>,
    u: ApiUser,
    Path((id, user_id, duty)): Path<(String, String, String)>,
) -> Result<StatusCode, AppError> {
    state
        .store
        .remove_staff(&u.actor, &id, &user_id, &duty)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PairPolice {
    /// Username of the officer. Left out (or no body at all), the calling officer claims the grid.
    pub officer: Option<String>,
}

#[utoipa::path(post, operation_id = "pair_grid_police", tag = "grids", path = "/api/v1/grids/{id}/police", params(("id" = String, Path)), request_body(content = Option<PairPolice>),
    responses((status = 200, body = GridView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Another officer has claimed the grid"),
        (status = 422, body = ErrorBody, description = "Not an active police officer, or outside the grid")))]
pub async fn pair(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    body: Option<Json<PairPolice>>,
) -> Result<Json<GridView>, AppError> {
    let officer = body.and_then(|Json(b)| b.officer);
    state
        .store
        .pair_police(&u.actor, &id, officer.as_deref())
        .await?;
    Ok(Json(state.store.grid(&u.actor, &id).await?.into()))
}

#[utoipa::path(delete, operation_id = "unpair_grid_police", tag = "grids", path = "/api/v1/grids/{id}/police", params(("id" = String, Path)),
    responses((status = 200, body = GridView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such grid, or nobody is paired with it")))]
pub async fn unpair(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<GridView>, AppError> {
    state.store.unpair_police(&u.actor, &id).await?;
    Ok(Json(state.store.grid(&u.actor, &id).await?.into()))
}
