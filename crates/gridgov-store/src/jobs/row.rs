//! The job row as read, and the column list every read shares.

use gridgov_core::jobs::JobState;

use super::Job;
use crate::{StoreError, StoreResult};

pub(super) const COLUMNS: &str = "id, kind, payload, unique_key, scope_path, created_by, state, \
    run_at, attempts, max_attempts, lease_owner, lease_until, last_error, progress, result, \
    created_at, started_at, finished_at";

#[derive(sqlx::FromRow)]
pub(super) struct JobRow {
    id: String,
    kind: String,
    payload: String,
    unique_key: Option<String>,
    scope_path: String,
    created_by: String,
    state: String,
    run_at: i64,
    attempts: i64,
    max_attempts: i64,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
    last_error: Option<String>,
    progress: Option<String>,
    result: Option<String>,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

impl JobRow {
    pub(super) fn into_job(self) -> StoreResult<Job> {
        let state = JobState::parse("state", &self.state)
            .map_err(|_| StoreError::Internal(format!("job {}: stored state", self.id)))?;
        Ok(Job {
            id: self.id,
            kind: self.kind,
            payload: self.payload,
            unique_key: self.unique_key,
            scope_path: self.scope_path,
            created_by: self.created_by,
            state,
            run_at: self.run_at,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            lease_owner: self.lease_owner,
            lease_until: self.lease_until,
            last_error: self.last_error,
            progress: self.progress,
            result: self.result,
            created_at: self.created_at,
            started_at: self.started_at,
            finished_at: self.finished_at,
        })
    }
}

pub(super) fn into_jobs(rows: Vec<JobRow>) -> StoreResult<Vec<Job>> {
    rows.into_iter().map(JobRow::into_job).collect()
}
