//! Users in JSON: the same rules as the desk UI, enforced by the store.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gridgov_store::users::{NewUserInput, UserUpdate};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::views::UserView;
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// Part of a username or name.
    search: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[utoipa::path(operation_id = "list_users", get, path = "/api/v1/users", params(ListParams),
    responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<UserView>>, AppError> {
    let users = state
        .store
        .list_users(
            &u.actor,
            p.search.as_deref(),
            p.limit.unwrap_or(100),
            p.offset.unwrap_or(0),
        )
        .await?;
    Ok(Json(users.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// Region code; empty or absent for the whole country.
    #[serde(default)]
    pub scope: String,
    pub password: String,
}

#[utoipa::path(operation_id = "create_user", post, path = "/api/v1/users", request_body = CreateUser,
    responses((status = 201, body = UserView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<CreateUser>,
) -> Result<(StatusCode, Json<UserView>), AppError> {
    let input = NewUserInput {
        username: b.username,
        display_name: b.display_name,
        role: b.role,
        scope: b.scope,
        password: b.password,
    };
    let user = state.store.create_user(&u.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[utoipa::path(operation_id = "show_user", get, path = "/api/v1/users/{id}", params(("id" = String, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(state.store.user(&u.actor, &id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateUser {
    pub display_name: String,
    pub role: String,
    #[serde(default)]
    pub scope: String,
    /// The version read; 409 when someone changed the user since.
    pub version: i64,
}

#[utoipa::path(operation_id = "update_user", patch, path = "/api/v1/users/{id}", params(("id" = String, Path)), request_body = UpdateUser,
    responses((status = 200, body = UserView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(b): Json<UpdateUser>,
) -> Result<Json<UserView>, AppError> {
    let up = UserUpdate {
        display_name: b.display_name,
        role: b.role,
        scope: b.scope,
        version: b.version,
    };
    Ok(Json(
        state.store.update_user(&u.actor, &id, &up).await?.into(),
    ))
}

#[utoipa::path(operation_id = "disable_user", post, path = "/api/v1/users/{id}/disable", params(("id" = String, Path)),
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody)))]
pub async fn disable(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        state
            .store
            .set_user_disabled(&u.actor, &id, true)
            .await?
            .into(),
    ))
}

#[utoipa::path(operation_id = "enable_user", post, path = "/api/v1/users/{id}/enable", params(("id" = String, Path)),
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody)))]
pub async fn enable(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<UserView>, AppError> {
    Ok(Json(
        state
            .store
            .set_user_disabled(&u.actor, &id, false)
            .await?
            .into(),
    ))
}
