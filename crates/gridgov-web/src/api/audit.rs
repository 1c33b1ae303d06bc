//! The audit trail of the caller's scope, newest first.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

use super::views::AuditView;
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

#[derive(Deserialize, IntoParams)]
pub struct AuditParams {
    /// At most this many records (1–500, default 100).
    limit: Option<i64>,
    /// Only records before this time (Unix ms), for paging.
    before: Option<i64>,
}

#[utoipa::path(operation_id = "list_audit", get, path = "/api/v1/audit", params(AuditParams),
    responses((status = 200, body = Vec<AuditView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<AuditParams>,
) -> Result<Json<Vec<AuditView>>, AppError> {
    let rows = state
        .store
        .list_audit(&u.actor, p.limit.unwrap_or(100), p.before)
        .await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
