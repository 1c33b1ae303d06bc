//! Region hierarchy in JSON, inside the caller's scope.

use axum::Json;
use axum::extract::{Path, State};
use gridgov_core::regions::RegionCode;

use super::views::{RegionPage, RegionView};
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

/// The provinces for a whole-country caller; otherwise the caller's own region.
#[utoipa::path(operation_id = "list_provinces", get, path = "/api/v1/regions", responses((status = 200, body = RegionPage), (status = 401, body = ErrorBody)))]
pub async fn root(State(state): State<AppState>, u: ApiUser) -> Result<Json<RegionPage>, AppError> {
    match &u.user.scope_code {
        Some(code) => page(&state, &u, code).await,
        None => Ok(Json(RegionPage {
            region: None,
            trail: Vec::new(),
            children: state
                .store
                .region_children(&u.actor, None)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        })),
    }
}

#[utoipa::path(operation_id = "show_region", get, path = "/api/v1/regions/{code}",
    params(("code" = String, Path, description = "Region code; padded GB/T 2260 forms such as 420200 are accepted")),
    responses((status = 200, body = RegionPage), (status = 404, body = ErrorBody, description = "No such region inside the caller's scope")))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(code): Path<String>,
) -> Result<Json<RegionPage>, AppError> {
    page(&state, &u, &code).await
}

async fn page(state: &AppState, u: &ApiUser, code: &str) -> Result<Json<RegionPage>, AppError> {
    let region = state.store.resolve_region(&u.actor, "code", code).await?;
    let parsed = RegionCode::parse("code", &region.code)?;
    let (trail, children) = tokio::try_join!(
        state.store.region_trail(&u.actor, &region.path),
        state.store.region_children(&u.actor, Some(&parsed)),
    )?;
    Ok(Json(RegionPage {
        region: Some(RegionView::from(region)),
        trail: trail.into_iter().map(Into::into).collect(),
        children: children.into_iter().map(Into::into).collect(),
    }))
}
