//! The grid network in JSON: lists and counts, one grid with its staff and history, creating,
//! editing and retiring, point → grid, rural "one village, one grid", and the public grid card.
//! The store checks permission and scope; a grid outside the caller's scope is simply not found.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gridgov_core::grids::{Sizing, parse_household_target};
use gridgov_core::{FieldError, Invalid};
use gridgov_geo::LngLat;
use gridgov_geo::features::Crs;
use gridgov_store::grids::{GridFilter, GridInput};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::grid_boundaries::parse_crs;
use super::grid_views::{
    GridCardView, GridCountsView, GridDetail, GridView, LocateView, PointView, VillageModeView,
    number_or_text, opt_number_or_text,
};
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

/// The path of a region given by code, for narrowing a list; none when no region is given. A
/// region outside the caller's scope is 404, like `GET /api/v1/regions/{code}`.
pub(super) async fn region_path(
    state: &AppState,
    u: &ApiUser,
    region: Option<&str>,
) -> Result<Option<String>, AppError> {
    match region.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(code) => Ok(Some(
            state
                .store
                .resolve_region(&u.actor, "region", code)
                .await?
                .path,
        )),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Region code: only grids under this region.
    region: Option<String>,
    /// Only grids no police officer has claimed.
    unpaired: Option<bool>,
    /// `low` or `high`: only grids below or above the household band.
    sizing: Option<String>,
    /// Part of a grid's code or name.
    q: Option<String>,
    /// Retired grids too.
    retired: Option<bool>,
    /// At most this many grids (1–5000, default 100).
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Only the two ends of the band filter: the store reads `ok` as "no filter", which would
/// silently answer a different question, so it is refused here.
fn parse_sizing(s: Option<&str>) -> Result<Option<Sizing>, FieldError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some("low") => Ok(Some(Sizing::Low)),
        Some("high") => Ok(Some(Sizing::High)),
        Some(other) => Err(FieldError::new(
            "sizing",
            "unknown_sizing",
            format!("sizing 只能是 low 或 high: {other}"),
            format!("sizing is low or high: {other}"),
        )),
    }
}

#[utoipa::path(get, operation_id = "list_grids", tag = "grids", path = "/api/v1/grids", params(ListParams),
    responses((status = 200, body = Vec<GridView>), (status = 404, body = ErrorBody, description = "The region is outside the caller's scope"),
        (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<GridView>>, AppError> {
    let sizing = parse_sizing(p.sizing.as_deref())?;
    let filter = GridFilter {
        under_path: region_path(&state, &u, p.region.as_deref()).await?,
        unpaired: p.unpaired.unwrap_or(false),
        sizing,
        include_retired: p.retired.unwrap_or(false),
        text: p.q,
        limit: p.limit.unwrap_or(100),
        offset: p.offset.unwrap_or(0),
    };
    let rows = state.store.grids(&u.actor, &filter).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionParam {
    /// Region code; absent for the caller's whole scope.
    region: Option<String>,
}

#[utoipa::path(get, operation_id = "count_grids", tag = "grids", path = "/api/v1/grids/counts", params(RegionParam),
    responses((status = 200, body = GridCountsView), (status = 404, body = ErrorBody)))]
pub async fn counts(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<RegionParam>,
) -> Result<Json<GridCountsView>, AppError> {
    let path = region_path(&state, &u, p.region.as_deref()).await?;
    Ok(Json(
        state
            .store
            .grid_counts(&u.actor, path.as_deref())
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateGrid {
    /// Code of the village/community the grid belongs to.
    #[serde(default)]
    pub region: String,
    /// Letters, digits and `-`; unique among the village's current grids.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// `comprehensive` (default), `special`, or the special kind itself (`school`, 学校 …).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub special_kind: String,
    /// 1–100,000; a number or the number as text.
    #[serde(default, deserialize_with = "number_or_text")]
    #[schema(value_type = i64)]
    pub household_target: String,
    #[serde(default)]
    pub party_branch: String,
    #[serde(default)]
    pub station_address: String,
}

#[utoipa::path(post, operation_id = "create_grid", tag = "grids", path = "/api/v1/grids", request_body = CreateGrid,
    responses((status = 201, body = GridView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Field errors; `region` when it is not a village/community")))]
pub async fn create(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<CreateGrid>,
) -> Result<(StatusCode, Json<GridView>), AppError> {
    let input = GridInput {
        region: b.region,
        code: b.code,
        name: b.name,
        kind: b.kind,
        special_kind: b.special_kind,
        household_target: b.household_target,
        party_branch: b.party_branch,
        station_address: b.station_address,
    };
    let row = state.store.create_grid(&u.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[utoipa::path(get, operation_id = "show_grid", tag = "grids", path = "/api/v1/grids/{id}", params(("id" = String, Path)),
    responses((status = 200, body = GridDetail), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<GridDetail>, AppError> {
    let (row, staff, micro_grids, lineage) = tokio::try_join!(
        state.store.grid(&u.actor, &id),
        state.store.grid_staff(&u.actor, &id),
        state.store.micro_grids(&u.actor, &id),
        state.store.grid_lineage(&u.actor, &id),
    )?;
    Ok(Json(GridDetail {
        grid: row.into(),
        staff: staff.into_iter().map(Into::into).collect(),
        micro_grids: micro_grids.into_iter().map(Into::into).collect(),
        lineage: lineage.into_iter().map(Into::into).collect(),
    }))
}

/// The fields to change; those left out keep their values. Region and code never change: a grid
/// in another place is a new grid, made by a split or merge.
#[derive(Deserialize, ToSchema)]
pub struct UpdateGrid {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub special_kind: Option<String>,
    #[serde(default, deserialize_with = "opt_number_or_text")]
    #[schema(value_type = Option<i64>)]
    pub household_target: Option<String>,
    pub party_branch: Option<String>,
    pub station_address: Option<String>,
    /// The version read; 409 when someone changed the grid since.
    pub version: i64,
}

#[utoipa::path(patch, operation_id = "update_grid", tag = "grids", path = "/api/v1/grids/{id}", params(("id" = String, Path)), request_body = UpdateGrid,
    responses((status = 200, body = GridView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(b): Json<UpdateGrid>,
) -> Result<Json<GridView>, AppError> {
    // The store takes the whole set of fields; the version check makes reading first safe.
    let now = state.store.grid(&u.actor, &id).await?.grid;
    let (kind, special_kind) = match (b.kind, b.special_kind) {
        (Some(k), s) => (k, s.unwrap_or_default()),
        // Naming only the special kind makes the grid special.
        (None, Some(s)) => ("special".to_owned(), s),
        (None, None) => (now.kind, now.special_kind.unwrap_or_default()),
    };
    let input = GridInput {
        region: String::new(),
        code: String::new(),
        name: b.name.unwrap_or(now.name),
        kind,
        special_kind,
        household_target: b
            .household_target
            .unwrap_or_else(|| now.household_target.to_string()),
        party_branch: b.party_branch.unwrap_or(now.party_branch),
        station_address: b.station_address.unwrap_or(now.station_address),
    };
    let row = state
        .store
        .update_grid(&u.actor, &id, &input, b.version)
        .await?;
    Ok(Json(row.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct RetireGrid {
    #[serde(default)]
    pub reason: String,
    pub version: i64,
}

#[utoipa::path(post, operation_id = "retire_grid", tag = "grids", path = "/api/v1/grids/{id}/retire", params(("id" = String, Path)), request_body = RetireGrid,
    responses((status = 200, body = GridView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn retire(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(b): Json<RetireGrid>,
) -> Result<Json<GridView>, AppError> {
    let row = state
        .store
        .retire_grid(&u.actor, &id, &b.reason, b.version)
        .await?;
    Ok(Json(row.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocateParams {
    /// Latitude in degrees, −90 to 90.
    lat: Option<String>,
    /// Longitude in degrees, −180 to 180.
    lng: Option<String>,
    /// `wgs84` (GPS, the default) or `gcj02` (Chinese map apps and most phones' map SDKs).
    crs: Option<String>,
}

/// A coordinate from the query: taken as text so that a bad one is a field error, not a bare 400.
fn coordinate(field: &str, input: Option<&str>, limit: f64) -> Result<f64, FieldError> {
    let s = input.map(str::trim).unwrap_or("");
    if s.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            "不能为空",
            "is required",
        ));
    }
    let v: f64 = s
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| {
            FieldError::new(
                field,
                "not_a_number",
                format!("应为以度为单位的数字: {s}"),
                format!("must be a number of degrees: {s}"),
            )
        })?;
    if !(-limit..=limit).contains(&v) {
        return Err(FieldError::new(
            field,
            "out_of_range",
            format!("须在 -{limit} 到 {limit} 之间"),
            format!("must be between -{limit} and {limit}"),
        ));
    }
    Ok(v)
}

#[utoipa::path(get, operation_id = "locate_point", tag = "grids", path = "/api/v1/grids/locate", params(LocateParams),
    responses((status = 200, body = LocateView, description = "`found` says whether a grid of the caller's scope holds the point"),
        (status = 422, body = ErrorBody, description = "`lat`, `lng` or `crs` is missing, not a number or out of range")))]
pub async fn locate(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<LocateParams>,
) -> Result<Json<LocateView>, AppError> {
    let (lat, lng, crs) = match (
        coordinate("lat", p.lat.as_deref(), 90.0),
        coordinate("lng", p.lng.as_deref(), 180.0),
        parse_crs(p.crs.as_deref()),
    ) {
        (Ok(lat), Ok(lng), Ok(crs)) => (lat, lng, crs),
        // Every fault at once, so a client fixes them in one go.
        (lat, lng, crs) => {
            let faults = [lat.err(), lng.err(), crs.err()];
            return Err(Invalid(faults.into_iter().flatten().collect()).into());
        }
    };
    let given = LngLat::new(lng, lat);
    let p = match crs {
        Crs::Wgs84 => given,
        Crs::Gcj02 => gridgov_geo::gcj02::to_wgs84(given),
    };
    let point = PointView {
        lng: p.lng,
        lat: p.lat,
    };
    Ok(Json(match state.store.locate(&u.actor, p).await? {
        Some(found) => LocateView {
            found: true,
            point,
            grid: Some(found.grid.into()),
            regions: found.regions.into_iter().map(Into::into).collect(),
            message_zh: None,
            message_en: None,
        },
        None => LocateView {
            found: false,
            point,
            grid: None,
            regions: Vec::new(),
            message_zh: Some("该位置不在任何网格内".into()),
            message_en: Some("the point is outside every grid".into()),
        },
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct OnePerVillage {
    /// A township or a higher region: every village under it without a grid gets one.
    pub region: String,
    /// Households each new grid is set to hold (1–100,000).
    #[serde(default, deserialize_with = "number_or_text")]
    #[schema(value_type = i64)]
    pub household_target: String,
}

#[utoipa::path(post, operation_id = "one_grid_per_village", tag = "grids", path = "/api/v1/grids/one-per-village", request_body = OnePerVillage,
    responses((status = 200, body = VillageModeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn one_per_village(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<OnePerVillage>,
) -> Result<Json<VillageModeView>, AppError> {
    let households = parse_household_target("household_target", &b.household_target)?;
    let report = state
        .store
        .one_grid_per_village(&u.actor, &b.region, households)
        .await?;
    Ok(Json(report.into()))
}

/// The public card of a current grid, for the QR code at its service station: no login, and
/// phone numbers shown as the deployment configures (masked by default).
#[utoipa::path(get, operation_id = "grid_card", tag = "grids", path = "/api/v1/grid-cards/{region_code}/{code}",
    params(("region_code" = String, Path, description = "The village/community code"), ("code" = String, Path, description = "The grid code")),
    responses((status = 200, body = GridCardView), (status = 404, body = ErrorBody)),
    security(()))]
pub async fn card(
    State(state): State<AppState>,
    Path((region_code, code)): Path<(String, String)>,
) -> Result<Json<GridCardView>, AppError> {
    let card = state
        .store
        .grid_card(&region_code, &code, state.config.card_phones)
        .await?;
    Ok(Json(card.into()))
}
