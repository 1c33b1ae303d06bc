//! Base data seen from a grid and from above: a grid's buildings, residents, organizations,
//! places and cameras; counts per grid up to county; the unmask log for auditors; and the
//! persons of a scope as CSV, masked unless a reason is given.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gridgov_store::records::{
    CameraView, GridBuildings, OrganizationView, PersonListItem, PlaceView, PopulationCounts,
    UnmaskEntry,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::grids::region_path;
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

#[utoipa::path(get, operation_id = "list_grid_buildings", tag = "records", path = "/api/v1/grids/{id}/buildings",
    params(("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "`{grid, buildings}` with houses and residents counted"), (status = 404, body = ErrorBody)))]
pub async fn grid_buildings(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<GridBuildings>, AppError> {
    Ok(Json(state.store.grid_buildings(&u.actor, &id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1–500, default 100.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[utoipa::path(get, operation_id = "list_grid_residents", tag = "records", path = "/api/v1/grids/{id}/residents",
    params(("id" = String, Path), PageParams),
    responses((status = 200, body = serde_json::Value, description = "Persons by name, numbers masked"), (status = 404, body = ErrorBody)))]
pub async fn grid_residents(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Query(p): Query<PageParams>,
) -> Result<Json<Vec<PersonListItem>>, AppError> {
    Ok(Json(
        state
            .store
            .grid_residents(&u.actor, &id, p.limit.unwrap_or(100), p.offset.unwrap_or(0))
            .await?,
    ))
}

#[utoipa::path(get, operation_id = "list_grid_organizations", tag = "records", path = "/api/v1/grids/{id}/organizations",
    params(("id" = String, Path)), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn grid_organizations(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<OrganizationView>>, AppError> {
    Ok(Json(state.store.grid_organizations(&u.actor, &id).await?))
}

#[utoipa::path(get, operation_id = "list_grid_places", tag = "records", path = "/api/v1/grids/{id}/places",
    params(("id" = String, Path)), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn grid_places(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<PlaceView>>, AppError> {
    Ok(Json(state.store.grid_places(&u.actor, &id).await?))
}

#[utoipa::path(get, operation_id = "list_grid_cameras", tag = "records", path = "/api/v1/grids/{id}/cameras",
    params(("id" = String, Path)), responses((status = 200, body = serde_json::Value), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn grid_cameras(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<CameraView>>, AppError> {
    Ok(Json(state.store.grid_cameras(&u.actor, &id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionParam {
    /// Region code; absent for the caller's whole scope.
    pub region: Option<String>,
}

#[utoipa::path(get, operation_id = "population_counts", tag = "records", path = "/api/v1/population-counts",
    params(RegionParam),
    responses((status = 200, body = serde_json::Value, description = "`{total, areas}`: population, floating, houses, households and household targets per county, township, village and grid"),
        (status = 404, body = ErrorBody)))]
pub async fn counts(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<RegionParam>,
) -> Result<Json<PopulationCounts>, AppError> {
    let path = region_path(&state, &u, p.region.as_deref()).await?;
    Ok(Json(
        state
            .store
            .population_counts(&u.actor, path.as_deref())
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// 1–500, default 100.
    pub limit: Option<i64>,
    /// Only entries before this time (ms), for paging back.
    pub before: Option<i64>,
}

#[utoipa::path(get, operation_id = "list_unmask_log", tag = "records", path = "/api/v1/unmask-log",
    params(LogParams),
    responses((status = 200, body = serde_json::Value, description = "Who saw which full number, when and why; exports as one entry with their row count"),
        (status = 403, body = ErrorBody)))]
pub async fn unmask_log(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<LogParams>,
) -> Result<Json<Vec<UnmaskEntry>>, AppError> {
    Ok(Json(
        state
            .store
            .unmask_log(&u.actor, None, p.limit.unwrap_or(100), p.before)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ExportRequest {
    /// Region code; absent for the caller's whole scope.
    #[serde(default)]
    pub region: Option<String>,
    /// Given: ID numbers and phones in full (needs the unmask permission; logged). Absent:
    /// masked.
    #[serde(default)]
    pub reason: Option<String>,
}

#[utoipa::path(post, operation_id = "export_persons", tag = "records", path = "/api/v1/persons/export",
    request_body = ExportRequest,
    responses((status = 200, content_type = "text/csv", description = "The import template's columns, streamed; header `x-rows` gives the count"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<ExportRequest>,
) -> Result<Response, AppError> {
    let path = region_path(&state, &u, b.region.as_deref()).await?;
    let reason = b.reason.as_deref().filter(|r| !r.trim().is_empty());
    let e = state
        .store
        .export_persons(&u.actor, path.as_deref(), reason)
        .await?;
    csv_response(e)
}

/// A streamed CSV download of an export, for the API and the desk.
pub fn csv_response(e: gridgov_store::records::PersonExport) -> Result<Response, AppError> {
    let name = if e.revealed {
        "persons-full.csv"
    } else {
        "persons-masked.csv"
    };
    let rows = e.rows;
    // A failure after the first chunk can only cut the download short: the status is sent.
    let body = Body::from_stream(e.chunks.into_stream());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::HeaderName::from_static("x-rows"), rows.to_string()),
        ],
        body,
    )
        .into_response())
}
