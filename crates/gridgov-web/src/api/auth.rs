//! `POST /api/v1/auth/token`: the mobile client trades a username and password for a bearer
//! token (30 days), with the same throttling as the login form.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::views::UserView;
use crate::app::AppState;
use crate::auth::client::{ClientAddr, admit_password_check};
use crate::error::{AppError, ErrorBody};

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// A name for the device, shown on the account page.
    pub device: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub token: String,
    pub expires_at: Option<i64>,
    pub user: UserView,
}

const VALID_DAYS: i64 = 30;

#[utoipa::path(operation_id = "create_token", post, path = "/api/v1/auth/token", request_body = TokenRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(()))]
pub async fn token(
    State(state): State<AppState>,
    addr: ClientAddr,
    Json(req): Json<TokenRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    admit_password_check(&state, addr)?;
    let user = state
        .store
        .check_login(&req.username, &req.password)
        .await?;
    let name = req
        .device
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or("mobile");
    let (tok, secret) = state
        .store
        .create_api_token(&user.actor(), name, Some(VALID_DAYS))
        .await?;
    Ok(Json(TokenResponse {
        token: secret,
        expires_at: tok.expires_at,
        user: user.into(),
    }))
}
