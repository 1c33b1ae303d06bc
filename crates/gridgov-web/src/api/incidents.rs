//! Incidents in JSON: report (with an `Idempotency-Key` so a retry after a lost answer makes no
//! second incident), work lists, one incident with its tasks, parties, timeline and the actions
//! open to the caller, and every action of the loop through one endpoint.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gridgov_store::incidents::{
    ActionInput, DuplicateSuggestion, ExportFormat, IncidentFilter, IncidentList, IncidentPage,
    IncidentView, ReportInput,
};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

type Key = Path<(String, String)>;

#[utoipa::path(post, operation_id = "report_incident", tag = "incidents", path = "/api/v1/incidents",
    params(("Idempotency-Key" = Option<String>, Header, description = "The same key from the same caller returns the incident the first request made")),
    request_body(content = serde_json::Value, description = "title, description, category (code), grade (empty: the category's), source, occurred_at (Unix ms), lng/lat with crs (wgs84|gcj02) or grid_id, address, parties [{id_card_no | name, side, note}], attachments [ids]"),
    responses((status = 201, body = serde_json::Value, description = "The incident, with `possible_duplicates`: earlier incidents that may be the same matter, as `POST /api/v1/incidents/duplicates` finds them"),
        (status = 422, body = ErrorBody, description = "Every field at fault; a place outside every grid names the nearest grid and its distance")))]
pub async fn report(
    State(state): State<AppState>,
    u: ApiUser,
    headers: HeaderMap,
    Json(b): Json<ReportInput>,
) -> Result<(StatusCode, Json<Reported>), AppError> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let incident = state.store.report_incident(&u.actor, &b, key).await?;
    // The report is written: a failure to suggest must not answer as if it were not (a client
    // would send it again), so it costs the suggestions only.
    let possible_duplicates = state
        .store
        .possible_duplicates(&u.actor, &incident, None)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "duplicate suggestions for a new report failed");
            Vec::new()
        });
    Ok((
        StatusCode::CREATED,
        Json(Reported {
            incident,
            possible_duplicates,
        }),
    ))
}

/// A new incident, and the earlier ones that may be the same matter.
#[derive(Serialize)]
pub struct Reported {
    #[serde(flatten)]
    incident: IncidentView,
    possible_duplicates: Vec<DuplicateSuggestion>,
}

#[utoipa::path(get, operation_id = "list_incidents", tag = "incidents", path = "/api/v1/incidents",
    params(("list" = Option<String>, Query, description = "all | mine | awaiting_acceptance | awaiting_dispatch | in_progress | awaiting_review | returned | whistles | closed"),
        ("state" = Option<String>, Query), ("category" = Option<String>, Query), ("grade" = Option<String>, Query),
        ("source" = Option<String>, Query), ("department" = Option<String>, Query), ("grid" = Option<String>, Query),
        ("region" = Option<String>, Query), ("resolution_level" = Option<String>, Query),
        ("from" = Option<i64>, Query), ("until" = Option<i64>, Query),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page"),
        ("limit" = Option<i64>, Query)),
    responses((status = 200, body = serde_json::Value, description = "`{items, next, total, total_capped}`: newest first; the total is exact up to 10,000; each item carries its step's `due_at` and `light` (green, yellow, red or paused; null without a running step)")))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Query(f): Query<IncidentFilter>,
) -> Result<Json<IncidentList>, AppError> {
    Ok(Json(state.store.incidents(&u.actor, &f).await?))
}

#[utoipa::path(get, operation_id = "show_incident", tag = "incidents", path = "/api/v1/incidents/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "`{incident, tasks, parties, attachments, timeline, allowed}`"),
        (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
) -> Result<Json<IncidentPage>, AppError> {
    Ok(Json(
        state.store.incident_page(&u.actor, &county, &id).await?,
    ))
}

#[utoipa::path(post, operation_id = "act_on_incident", tag = "incidents", path = "/api/v1/incidents/{county}/{id}/actions",
    params(("county" = String, Path), ("id" = String, Path)),
    request_body(content = serde_json::Value, description = "action (accept, reject, merge, dispatch, reassign, start, handle, confirm, approve, rework, evaluate, reopen, suspend, resume, return_task, whistle, report_in, comment), version, and what the action needs: note, reason, grade, into, territorial_grid, territorial_region, lead_department, assist_departments, task_id, task_ids, result, attachments, evaluation, departments, report_in_hours"),
    responses((status = 200, body = serde_json::Value, description = "The incident after the action"),
        (status = 403, body = ErrorBody, description = "Not for the caller's role or relation; `allowed` lists what is"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Not from the incident's state, or a stale version: `state`, `version` and `allowed` say how it stands now"),
        (status = 422, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Json(b): Json<ActionInput>,
) -> Result<Json<IncidentView>, AppError> {
    Ok(Json(
        state
            .store
            .act_on_incident(&u.actor, &county, &id, &b)
            .await?,
    ))
}

/// The format of an export, beside the list's own filters.
#[derive(Deserialize)]
pub struct ExportParams {
    format: Option<String>,
    #[serde(flatten)]
    filter: IncidentFilter,
}

#[utoipa::path(get, operation_id = "export_incidents", tag = "incidents", path = "/api/v1/incidents/export",
    params(("format" = Option<String>, Query, description = "csv (default) or xlsx"),
        ("list" = Option<String>, Query, description = "and every other filter of the work list")),
    responses((status = 200, description = "The whole list (every page), newest first, as a file; `x-rows` counts them",
        content_type = "text/csv"),
        (status = 422, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ExportParams>,
) -> Result<Response, AppError> {
    let (format, content_type, ext) = match p.format.as_deref().unwrap_or("csv") {
        "csv" => (ExportFormat::Csv, "text/csv; charset=utf-8", "csv"),
        "xlsx" => (
            ExportFormat::Xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        other => {
            return Err(gridgov_core::FieldError::new(
                "format",
                "unknown_format",
                format!("导出格式应为 csv 或 xlsx，实为 {other}"),
                format!("the format is csv or xlsx, not {other}"),
            )
            .into());
        }
    };
    // Written to a file first (memory stays flat however long the list), then streamed; the
    // file is unlinked once open, so nothing is left behind whatever happens to the download.
    let dir = std::env::temp_dir();
    let path = dir.join(format!(
        "gridgov-export-{}.{ext}",
        uuid::Uuid::now_v7().simple()
    ));
    let file = std::fs::File::create(&path).map_err(internal)?;
    let written = state
        .store
        .export_incidents(
            &u.actor,
            &p.filter,
            format,
            std::io::BufWriter::new(file),
            &dir,
            &|_| {},
        )
        .await;
    let rows = match written {
        Ok(rows) => rows,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(e.into());
        }
    };
    let file = tokio::fs::File::open(&path).await.map_err(internal)?;
    let _ = std::fs::remove_file(&path);
    let stream = futures_util::stream::unfold(file, |mut f| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"incidents.{ext}\""),
            ),
            (header::HeaderName::from_static("x-rows"), rows.to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

fn internal(e: std::io::Error) -> AppError {
    AppError::Store(gridgov_store::StoreError::Io(e))
}
