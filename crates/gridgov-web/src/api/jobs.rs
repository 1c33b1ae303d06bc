//! Background jobs for system administrators: the jobs of their scope by state (the failure
//! list is `state=failed`), one job, and a retry of a failed one.

use axum::Json;
use axum::extract::{Path, Query, State};
use gridgov_core::jobs::JobState;
use gridgov_store::jobs::{Job, JobCounts, JobFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/api/v1/jobs", list)
        .get("/api/v1/jobs/{id}", show)
        .post("/api/v1/jobs/{id}/retry", retry)
}

/// One job. Payload, progress and result are the JSON the job's kind defines.
#[derive(Serialize, ToSchema)]
pub struct JobView {
    pub id: String,
    pub kind: String,
    pub state: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub unique_key: Option<String>,
    /// The scope it works in; '' for the whole deployment.
    pub scope_path: String,
    pub created_by: String,
    /// Not before (Unix ms): a job waiting for its retry shows when.
    pub run_at: i64,
    pub attempts: i64,
    pub max_attempts: i64,
    /// The node that holds it, or that held it last.
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub progress: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

fn json_of(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
}

impl From<Job> for JobView {
    fn from(j: Job) -> Self {
        JobView {
            state: j.state.as_str().to_owned(),
            payload: json_of(&j.payload),
            progress: j.progress.as_deref().map(json_of),
            result: j.result.as_deref().map(json_of),
            id: j.id,
            kind: j.kind,
            unique_key: j.unique_key,
            scope_path: j.scope_path,
            created_by: j.created_by,
            run_at: j.run_at,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            lease_owner: j.lease_owner,
            lease_until: j.lease_until,
            last_error: j.last_error,
            created_at: j.created_at,
            started_at: j.started_at,
            finished_at: j.finished_at,
        }
    }
}

/// Jobs per state, and a page of them.
#[derive(Serialize, ToSchema)]
pub struct JobList {
    pub counts: JobCountsView,
    pub jobs: Vec<JobView>,
}

#[derive(Serialize, ToSchema)]
pub struct JobCountsView {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

impl From<JobCounts> for JobCountsView {
    fn from(c: JobCounts) -> Self {
        JobCountsView {
            queued: c.queued,
            running: c.running,
            done: c.done,
            failed: c.failed,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// queued, running, done or failed (the failure list); default every state.
    state: Option<String>,
    kind: Option<String>,
    /// At most this many (1–500, default 100), newest first.
    limit: Option<i64>,
}

#[utoipa::path(get, operation_id = "list_jobs", tag = "jobs", path = "/api/v1/jobs",
    params(ListParams),
    responses((status = 200, body = JobList, description = "Inside the caller's scope, newest first"),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody, description = "Unknown state")))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<JobList>, AppError> {
    let filter = JobFilter {
        state: match p.state.as_deref() {
            None | Some("") => None,
            Some(s) => Some(JobState::parse("state", s).map_err(gridgov_store::StoreError::from)?),
        },
        kind: p.kind.filter(|k| !k.is_empty()),
        limit: p.limit.unwrap_or(100),
    };
    let jobs = state.store.jobs(&u.actor, &filter).await?;
    let counts = state.store.job_counts(&u.actor).await?;
    Ok(Json(JobList {
        counts: counts.into(),
        jobs: jobs.into_iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(get, operation_id = "show_job", tag = "jobs", path = "/api/v1/jobs/{id}",
    params(("id" = String, Path)),
    responses((status = 200, body = JobView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such job inside the caller's scope")))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<JobView>, AppError> {
    Ok(Json(state.store.job(&u.actor, &id).await?.into()))
}

#[utoipa::path(post, operation_id = "retry_job", tag = "jobs", path = "/api/v1/jobs/{id}/retry",
    params(("id" = String, Path)),
    responses((status = 200, body = JobView, description = "Queued again, attempts from zero"),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such job inside the caller's scope"),
        (status = 409, body = ErrorBody, description = "Not failed (`job_not_failed`)")))]
pub async fn retry(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<JobView>, AppError> {
    Ok(Json(state.store.retry_job(&u.actor, &id).await?.into()))
}
