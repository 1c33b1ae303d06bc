//! Boundaries as GeoJSON: importing the grid network and region outlines, exporting the network,
//! and the changes that redraw it (split by a file of parts, merge).
//!
//! A rejected file answers 422 `rows_rejected` with one field per fault, named
//! `file:feature:field` (features counted from 1, 0 for the file as a whole), each with its reason
//! in Chinese and English. Nothing of a rejected file is written.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use gridgov_core::FieldError;
use gridgov_geo::features::Crs;
use gridgov_store::grids::{BoundaryImport, MergeInput};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::grid_views::{BoundaryImportView, CreatedId, RegionBoundaryView, SplitView};
use super::grids::region_path;
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

/// Largest boundary upload, in bytes. A city's 15,000 grids come to about 10 MB of GeoJSON; the
/// global body limit (a few MB) is meant for forms and JSON and would refuse them.
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// A GeoJSON request body as text, for the store to read. Sent as `application/geo+json` (RFC
/// 7946) or `application/json`; anything else is 415, like the JSON extractor does.
pub struct GeoJsonBody(pub String);

impl<S: Send + Sync> FromRequest<S> for GeoJsonBody {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let mime = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if mime != "application/geo+json" && mime != "application/json" {
            // A bare status: the error renderer gives it the common JSON shape.
            return Err(StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        String::from_utf8(bytes.into())
            .map(GeoJsonBody)
            .map_err(|_| {
                AppError::from(FieldError::new(
                    "body",
                    "not_utf8",
                    "GeoJSON 文件须为 UTF-8 编码",
                    "GeoJSON must be encoded as UTF-8",
                ))
                .into_response()
            })
    }
}

/// The coordinate system named in a query: WGS84 unless it says GCJ-02.
pub fn parse_crs(input: Option<&str>) -> Result<Crs, FieldError> {
    let s = input.map(str::trim).unwrap_or("").to_ascii_lowercase();
    match s.as_str() {
        "" | "wgs84" | "wgs-84" | "epsg:4326" => Ok(Crs::Wgs84),
        "gcj02" | "gcj-02" => Ok(Crs::Gcj02),
        _ => Err(FieldError::new(
            "crs",
            "unknown_crs",
            format!("坐标系只能是 wgs84 或 gcj02: {s}"),
            format!("crs is wgs84 or gcj02: {s}"),
        )),
    }
}

/// The name a file goes by in the report and the audit trail: the last segment of what the
/// client says, so no client machine's directories end up in the trail.
fn file_name(input: Option<&str>, default: &str) -> String {
    let name = input
        .unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>();
    let name = name.trim();
    if name.is_empty() {
        default.to_owned()
    } else {
        name.to_owned()
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `wgs84` (default) or `gcj02`.
    crs: Option<String>,
    /// Accept a network that leaves part of a village's outline uncovered; the gaps are listed
    /// in the report instead.
    allow_gaps: Option<bool>,
    /// The file's name, for the report and the audit trail.
    file: Option<String>,
}

/// Imports grid boundaries. Each feature names its village (`region`) and `code`: an existing
/// grid gets the new boundary; a new code creates the grid, and then needs `name` and
/// `household_target` (optional: `kind`, `special_kind`, `party_branch`, `station_address`).
#[utoipa::path(post, operation_id = "import_grid_boundaries", tag = "grids", path = "/api/v1/grids/boundaries", params(ImportParams),
    request_body(description = "A GeoJSON FeatureCollection of Polygons and MultiPolygons (up to 64 MB)",
        content((serde_json::Value = "application/geo+json"), (serde_json::Value = "application/json"))),
    responses((status = 200, body = BoundaryImportView), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`rows_rejected`: every fault by feature; nothing was written")))]
pub async fn import(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ImportParams>,
    GeoJsonBody(text): GeoJsonBody,
) -> Result<Json<BoundaryImportView>, AppError> {
    let file = file_name(p.file.as_deref(), "grids.geojson");
    let input = BoundaryImport {
        file: &file,
        text: &text,
        crs: parse_crs(p.crs.as_deref())?,
        allow_gaps: p.allow_gaps.unwrap_or(false),
    };
    let report = state.store.import_grid_boundaries(&u.actor, &input).await?;
    Ok(Json(report.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionImportParams {
    /// `wgs84` (default) or `gcj02`.
    crs: Option<String>,
    /// The file's name, for the report and the audit trail.
    file: Option<String>,
}

/// Imports region outlines (feature property `code`), against which grid imports check for gaps
/// and parts outside. An outline replaces the region's previous one.
#[utoipa::path(post, operation_id = "import_region_boundaries", tag = "grids", path = "/api/v1/regions/boundaries", params(RegionImportParams),
    request_body(description = "A GeoJSON FeatureCollection of Polygons and MultiPolygons (up to 64 MB)",
        content((serde_json::Value = "application/geo+json"), (serde_json::Value = "application/json"))),
    responses((status = 200, body = RegionBoundaryView), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`rows_rejected`: every fault by feature; nothing was written")))]
pub async fn import_regions(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<RegionImportParams>,
    GeoJsonBody(text): GeoJsonBody,
) -> Result<Json<RegionBoundaryView>, AppError> {
    let file = file_name(p.file.as_deref(), "regions.geojson");
    let input = BoundaryImport {
        file: &file,
        text: &text,
        crs: parse_crs(p.crs.as_deref())?,
        allow_gaps: false,
    };
    let report = state
        .store
        .import_region_boundaries(&u.actor, &input)
        .await?;
    Ok(Json(report.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Region code; absent for the caller's whole scope.
    region: Option<String>,
}

/// The current grids with boundaries as a GeoJSON file, with the properties an import reads
/// back (so an export edited in a GIS tool can be imported again).
#[utoipa::path(get, operation_id = "export_grid_boundaries", tag = "grids", path = "/api/v1/grids/boundaries", params(ExportParams),
    responses((status = 200, description = "A GeoJSON FeatureCollection, as an attachment",
            content((serde_json::Value = "application/geo+json"))),
        (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ExportParams>,
) -> Result<Response, AppError> {
    let path = region_path(&state, &u, p.region.as_deref()).await?;
    // Named after the region exported: the canonical code ends the region's path. Codes are
    // digits, so the header needs no escaping.
    let label = match (&path, &u.user.scope_code) {
        (Some(path), _) => path.split('/').rfind(|s| !s.is_empty()).unwrap_or("all"),
        (None, Some(scope)) => scope.as_str(),
        (None, None) => "all",
    };
    let text = state
        .store
        .export_grid_boundaries(&u.actor, path.as_deref())
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"grids-{label}.geojson\""),
            ),
        ],
        text,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SplitParams {
    /// `wgs84` (default) or `gcj02`.
    crs: Option<String>,
    /// The file's name, for fault reports.
    file: Option<String>,
}

/// Splits a grid into the parts drawn in a GeoJSON file: each feature a part with `code`, `name`
/// and optionally `household_target` (otherwise the old target is shared by area). The parts
/// must cover the old boundary exactly. The old grid is retired; staff and police carry over.
#[utoipa::path(post, operation_id = "split_grid", tag = "grids", path = "/api/v1/grids/{id}/split", params(("id" = String, Path), SplitParams),
    request_body(description = "A GeoJSON FeatureCollection of the parts",
        content((serde_json::Value = "application/geo+json"), (serde_json::Value = "application/json"))),
    responses((status = 201, body = SplitView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "`rows_rejected` with every fault by feature, or a field error when the grid has no boundary")))]
pub async fn split(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Query(p): Query<SplitParams>,
    GeoJsonBody(text): GeoJsonBody,
) -> Result<(StatusCode, Json<SplitView>), AppError> {
    let file = file_name(p.file.as_deref(), "split.geojson");
    let crs = parse_crs(p.crs.as_deref())?;
    let report = state
        .store
        .split_grid(&u.actor, &id, &file, &text, crs)
        .await?;
    Ok((StatusCode::CREATED, Json(report.into())))
}

#[derive(Deserialize, ToSchema)]
pub struct MergeGrids {
    /// Two or more current grids of one village/community.
    pub ids: Vec<String>,
    /// The code of the grid they become.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
}

/// Merges grids of one village into a new grid whose boundary is their union; the old grids are
/// retired and their staff carry over.
#[utoipa::path(post, operation_id = "merge_grids", tag = "grids", path = "/api/v1/grids/merge", request_body = MergeGrids,
    responses((status = 201, body = CreatedId), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn merge(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<MergeGrids>,
) -> Result<(StatusCode, Json<CreatedId>), AppError> {
    let input = MergeInput {
        ids: b.ids,
        code: b.code,
        name: b.name,
    };
    let id = state.store.merge_grids(&u.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_their_last_segment() {
        assert_eq!(file_name(Some("dir/sub/net.geojson"), "x"), "net.geojson");
        assert_eq!(file_name(Some("C:\\data\\net.geojson"), "x"), "net.geojson");
        assert_eq!(file_name(Some("  "), "grids.geojson"), "grids.geojson");
        assert_eq!(file_name(None, "grids.geojson"), "grids.geojson");
    }

    #[test]
    fn coordinate_systems_are_named_either_way() {
        assert_eq!(parse_crs(None), Ok(Crs::Wgs84));
        assert_eq!(parse_crs(Some("GCJ02")), Ok(Crs::Gcj02));
        assert_eq!(
            parse_crs(Some("bd09")).map_err(|e| e.code),
            Err("unknown_crs")
        );
    }
}
