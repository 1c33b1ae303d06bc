//! `GET /api/v1/me`: who the token or session belongs to.

use axum::Json;

use super::views::UserView;
use crate::auth::ApiUser;
use crate::error::ErrorBody;

#[utoipa::path(operation_id = "show_me", get, path = "/api/v1/me", responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
pub async fn me(u: ApiUser) -> Json<UserView> {
    Json(u.user.into())
}
