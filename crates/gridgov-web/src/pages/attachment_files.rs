//! An incident's attachments as the desk shows them (`/attachments/{id}`, `/attachments/{id}/thumb`):
//! the same bytes and headers as the API's, read with the session. Outside the caller's scope an
//! attachment is not found.

use axum::extract::{Path, State};
use axum::response::Response;
use gridgov_store::attachments::Which;

use crate::api::content_response;
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

pub async fn original(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = state
        .store
        .attachment_content(&u.actor, &id, Which::Original)
        .await?;
    Ok(content_response(c, false))
}

pub async fn thumbnail(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = state
        .store
        .attachment_content(&u.actor, &id, Which::Thumbnail)
        .await?;
    Ok(content_response(c, true))
}
