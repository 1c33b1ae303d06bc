//! Verification tasks (认领核对) in JSON: a grid worker lists the open tasks of their scope,
//! claims one, checks on the ground and decides. The store checks permission and scope; a task
//! outside the caller's scope is not found, and a task someone else holds is a conflict.

use axum::Json;
use axum::extract::{Path, Query, State};
use gridgov_core::FieldError;
use gridgov_store::verify::{
    Comparison, Correction, Decision, TaskFilter, TaskKind, TaskStatus, VerificationTask,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/api/v1/verification/comparisons", comparisons)
        .get("/api/v1/verification/tasks", list)
        .get("/api/v1/verification/tasks/{id}", show)
        .post("/api/v1/verification/tasks/{id}/claim", claim)
        .post("/api/v1/verification/tasks/{id}/release", release)
        .post("/api/v1/verification/tasks/{id}/decision", decide)
}

/// One task. `fields` lists what differs with both sides' values; of phones it says only that
/// they differ, and ID numbers never appear.
#[derive(Serialize, ToSchema)]
pub struct TaskView {
    id: String,
    comparison_id: String,
    source: String,
    grid_id: String,
    /// The grid as files name it (`420202005001-G01`).
    grid: String,
    path: String,
    person_id: Option<String>,
    source_row_no: Option<i64>,
    name: String,
    /// `differs`, `missing_in_records` or `missing_in_source`.
    kind: String,
    #[schema(value_type = Vec<Object>)]
    fields: serde_json::Value,
    /// `open`, `claimed` or `resolved`.
    status: String,
    claimed_by: Option<String>,
    claimed_at: Option<i64>,
    decision: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    note: Option<String>,
    created_at: i64,
}

impl From<VerificationTask> for TaskView {
    fn from(t: VerificationTask) -> Self {
        TaskView {
            id: t.id,
            comparison_id: t.comparison_id,
            source: t.source,
            grid_id: t.grid_id,
            grid: t.grid,
            path: t.path,
            person_id: t.person_id,
            source_row_no: t.source_row_no,
            name: t.name,
            kind: t.kind.as_str().to_owned(),
            fields: t.fields,
            status: t.status.as_str().to_owned(),
            claimed_by: t.claimed_by,
            claimed_at: t.claimed_at,
            decision: t.decision,
            decided_by: t.decided_by,
            decided_at: t.decided_at,
            note: t.note,
            created_at: t.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ComparisonView {
    id: String,
    source: String,
    file_name: String,
    actor_name: String,
    scope_path: String,
    rows_read: i64,
    rows_loaded: i64,
    rejected: i64,
    differs: i64,
    missing_in_records: i64,
    missing_in_source: i64,
    load_ms: i64,
    compare_ms: i64,
    created_at: i64,
}

impl From<Comparison> for ComparisonView {
    fn from(c: Comparison) -> Self {
        ComparisonView {
            id: c.id,
            source: c.source,
            file_name: c.file_name,
            actor_name: c.actor_name,
            scope_path: c.scope_path,
            rows_read: c.rows_read,
            rows_loaded: c.rows_loaded,
            rejected: c.rejected,
            differs: c.differs,
            missing_in_records: c.missing_in_records,
            missing_in_source: c.missing_in_source,
            load_ms: c.load_ms,
            compare_ms: c.compare_ms,
            created_at: c.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `open` (default), `claimed` or `resolved`.
    status: Option<String>,
    /// `differs`, `missing_in_records` or `missing_in_source`.
    kind: Option<String>,
    comparison: Option<String>,
    /// At most 500; default 50.
    limit: Option<i64>,
    offset: Option<i64>,
}

fn unknown(field: &str, value: &str) -> FieldError {
    FieldError::new(
        field,
        "unknown_value",
        format!("无法识别的取值：{value}"),
        format!("unknown value: {value}"),
    )
}

fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[utoipa::path(get, operation_id = "list_verification_tasks", tag = "verification", path = "/api/v1/verification/tasks",
    params(ListParams),
    responses((status = 200, body = Vec<TaskView>, description = "Inside the caller's scope, grid by grid"),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody, description = "Unknown status or kind")))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<TaskView>>, AppError> {
    let status = match filled(&p.status) {
        Some(s) => Some(TaskStatus::parse(s).ok_or_else(|| unknown("status", s))?),
        None => None,
    };
    let kind = match filled(&p.kind) {
        Some(s) => Some(TaskKind::parse(s).ok_or_else(|| unknown("kind", s))?),
        None => None,
    };
    let filter = TaskFilter {
        status,
        kind,
        comparison_id: filled(&p.comparison).map(str::to_owned),
        limit: p.limit.unwrap_or(50),
        offset: p.offset.unwrap_or(0),
        ..TaskFilter::default()
    };
    let tasks = state.store.verification_tasks(&u.actor, &filter).await?;
    Ok(Json(tasks.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, operation_id = "show_verification_task", tag = "verification", path = "/api/v1/verification/tasks/{id}",
    params(("id" = String, Path)),
    responses((status = 200, body = TaskView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such task inside the caller's scope")))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<TaskView>, AppError> {
    Ok(Json(
        state.store.verification_task(&u.actor, &id).await?.into(),
    ))
}

#[utoipa::path(post, operation_id = "claim_verification_task", tag = "verification", path = "/api/v1/verification/tasks/{id}/claim",
    params(("id" = String, Path)),
    responses((status = 200, body = TaskView, description = "Claimed by the caller (again: unchanged)"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Claimed by someone else, or already decided")))]
pub async fn claim(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<TaskView>, AppError> {
    Ok(Json(state.store.claim_task(&u.actor, &id).await?.into()))
}

#[utoipa::path(post, operation_id = "release_verification_task", tag = "verification", path = "/api/v1/verification/tasks/{id}/release",
    params(("id" = String, Path)),
    responses((status = 200, body = TaskView, description = "Open again for the grid's workers"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Not claimed, claimed by someone else, or already decided")))]
pub async fn release(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<TaskView>, AppError> {
    Ok(Json(state.store.release_task(&u.actor, &id).await?.into()))
}

/// The values found on the ground, for `correct`; absent fields keep the record's value.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CorrectionDoc {
    name: Option<String>,
    ethnicity: Option<String>,
    /// Empty clears the phone.
    phone: Option<String>,
    registered_address: Option<String>,
    residence_type: Option<String>,
    /// `420202005001-G01`, inside the caller's scope and the person's county.
    grid: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct DecideRequest {
    /// `keep_record` (the records are right), `take_source` (the source is right: take its
    /// values, add the person, or delete the record of one who moved out) or `correct`
    /// (differences only, with `values`).
    decision: String,
    note: Option<String>,
    values: Option<CorrectionDoc>,
}

#[utoipa::path(post, operation_id = "decide_verification_task", tag = "verification", path = "/api/v1/verification/tasks/{id}/decision",
    params(("id" = String, Path)), request_body = DecideRequest,
    responses((status = 200, body = TaskView, description = "Resolved; the record changed and its audit stream records the decision"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Not claimed by the caller, already decided, or the record changed meanwhile"),
        (status = 422, body = ErrorBody, description = "Unknown decision, or every fault of a correction")))]
pub async fn decide(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(req): Json<DecideRequest>,
) -> Result<Json<TaskView>, AppError> {
    let decision = match req.decision.trim() {
        "keep_record" => Decision::KeepRecord,
        "take_source" => Decision::TakeSource,
        "correct" => {
            let v = req.values.unwrap_or_default();
            Decision::Correct(Correction {
                name: v.name,
                ethnicity: v.ethnicity,
                phone: v.phone,
                registered_address: v.registered_address,
                residence_type: v.residence_type,
                grid: v.grid,
            })
        }
        other => return Err(unknown("decision", other).into()),
    };
    let note = req.note.unwrap_or_default();
    let task = state
        .store
        .decide_task(&u.actor, &id, &decision, &note)
        .await?;
    Ok(Json(task.into()))
}

#[utoipa::path(get, operation_id = "list_comparisons", tag = "verification", path = "/api/v1/verification/comparisons",
    responses((status = 200, body = Vec<ComparisonView>, description = "Comparisons inside the caller's scope, newest first"),
        (status = 403, body = ErrorBody)))]
pub async fn comparisons(
    State(state): State<AppState>,
    u: ApiUser,
) -> Result<Json<Vec<ComparisonView>>, AppError> {
    let list = state.store.comparisons(&u.actor, 100).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}
