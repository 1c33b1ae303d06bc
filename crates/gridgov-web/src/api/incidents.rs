//! Incidents in JSON: report (with an `Idempotency-Key` so a retry after a lost answer makes no
//! second incident), work lists, one incident with its tasks, parties, timeline and the actions
//! open to the caller, and every action of the loop through one endpoint.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use gridgov_store::incidents::{
    ActionInput, IncidentFilter, IncidentList, IncidentPage, IncidentView, ReportInput,
};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

type Key = Path<(String, String)>;

#[utoipa::path(post, operation_id = "report_incident", tag = "incidents", path = "/api/v1/incidents",
    params(("Idempotency-Key" = Option<String>, Header, description = "The same key from the same caller returns the incident the first request made")),
    request_body(content = serde_json::Value, description = "title, description, category (code), grade (empty: the category's), source, occurred_at (Unix ms), lng/lat with crs (wgs84|gcj02) or grid_id, address, parties [{id_card_no | name, side, note}], attachments [ids]"),
    responses((status = 201, body = serde_json::Value, description = "The incident"),
        (status = 422, body = ErrorBody, description = "Every field at fault; a place outside every grid names the nearest grid and its distance")))]
pub async fn report(
    State(state): State<AppState>,
    u: ApiUser,
    headers: HeaderMap,
    Json(b): Json<ReportInput>,
) -> Result<(StatusCode, Json<IncidentView>), AppError> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    Ok((
        StatusCode::CREATED,
        Json(state.store.report_incident(&u.actor, &b, key).await?),
    ))
}

#[utoipa::path(get, operation_id = "list_incidents", tag = "incidents", path = "/api/v1/incidents",
    params(("list" = Option<String>, Query, description = "all | mine | awaiting_acceptance | awaiting_dispatch | in_progress | awaiting_review | returned | whistles | closed"),
        ("state" = Option<String>, Query), ("category" = Option<String>, Query), ("grade" = Option<String>, Query),
        ("source" = Option<String>, Query), ("department" = Option<String>, Query), ("grid" = Option<String>, Query),
        ("region" = Option<String>, Query), ("resolution_level" = Option<String>, Query),
        ("from" = Option<i64>, Query), ("until" = Option<i64>, Query),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page"),
        ("limit" = Option<i64>, Query)),
    responses((status = 200, body = serde_json::Value, description = "`{items, next, total, total_capped}`: newest first; the total is exact up to 10,000")))]
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
