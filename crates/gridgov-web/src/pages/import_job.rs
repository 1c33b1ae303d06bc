//! One desk import after it was sent: its progress while it runs (polled as JSON by import.js,
//! or by a meta refresh without scripts), then its counts, the faults and the row report as CSV.
//! Everything is read from the import's job in the database, so any node answers the same.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gridgov_store::StoreError;
use gridgov_store::base::{BaseImportProgress, BaseImportReport, import_report_csv};
use serde::Serialize;

use std::sync::Arc;

use gridgov_core::base_data::RecordKind;
use gridgov_store::jobs::{Job as StoredJob, JobState as StoredState};

use super::base_import::{kind_label, parse_kind};
use super::{Chrome, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::jobs::kinds::{BASE_IMPORT, ImportPayload, ImportProgress};

/// Faults listed on the page; the CSV report has them all.
const FAULTS_SHOWN: usize = 500;

/// Where an import's job stands, as its page shows it.
enum JobState {
    /// Queued (or waiting to be tried again) or running; the latest progress when reported.
    Running(Option<BaseImportProgress>),
    Done(Arc<BaseImportReport>),
    Failed(String),
}

/// An import as its pages read it from the job.
struct Job {
    kind: RecordKind,
    file: String,
    source: String,
    started_ms: i64,
    state: JobState,
}

impl Job {
    fn read(stored: StoredJob) -> Result<Job, AppError> {
        let bad = |what: &str| {
            AppError::from(StoreError::Internal(format!(
                "import job {}: {what}",
                stored.id
            )))
        };
        let p: ImportPayload = serde_json::from_str(&stored.payload).map_err(|_| bad("payload"))?;
        let state = match stored.state {
            StoredState::Queued | StoredState::Running => JobState::Running(
                stored
                    .progress
                    .as_deref()
                    .and_then(|t| serde_json::from_str::<ImportProgress>(t).ok())
                    .map(BaseImportProgress::from),
            ),
            StoredState::Done => JobState::Done(Arc::new(
                serde_json::from_str(stored.result.as_deref().unwrap_or(""))
                    .map_err(|_| bad("report"))?,
            )),
            StoredState::Failed => JobState::Failed(stored.last_error.clone().unwrap_or_default()),
        };
        Ok(Job {
            kind: parse_kind(&p.kind).ok_or_else(|| bad("kind"))?,
            file: p.file_name,
            source: p.source,
            started_ms: stored.created_at,
            state,
        })
    }
}

/// The user's own import, or not found (someone else's job is not theirs to see).
async fn own_job(state: &AppState, u: &PageUser, id: &str) -> Result<Job, AppError> {
    let stored = state.store.own_job(&u.actor, id).await?;
    if stored.kind != BASE_IMPORT {
        return Err(StoreError::NotFound.into());
    }
    Job::read(stored)
}

/// Where a running import is, in words and as a fraction for the progress bar.
pub struct Stage {
    pub text: String,
    /// Per mille of the reading, when the source knows its size.
    pub permille: Option<u64>,
}

fn stage(lang: Lang, p: Option<BaseImportProgress>) -> Stage {
    let t = lang.texts();
    match p {
        None => Stage {
            text: t.import_starting.to_owned(),
            permille: None,
        },
        Some(BaseImportProgress::Reading { done, total }) => Stage {
            text: t.import_reading.to_owned(),
            permille: (total > 0).then(|| (done.min(total) * 1000) / total),
        },
        Some(BaseImportProgress::Written { rows }) => Stage {
            text: format!("{} {rows}", t.import_written),
            permille: None,
        },
        Some(BaseImportProgress::Indexing) => Stage {
            text: t.import_indexing.to_owned(),
            permille: None,
        },
        Some(BaseImportProgress::Committing) => Stage {
            text: t.import_committing.to_owned(),
            permille: None,
        },
    }
}

pub struct FaultLine {
    pub row: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
    pub warning: bool,
}

fn fault_lines(lang: Lang, r: &BaseImportReport) -> Vec<FaultLine> {
    r.faults
        .iter()
        .take(FAULTS_SHOWN)
        .map(|f| FaultLine {
            row: f.row,
            column: f.column.clone(),
            value: f.value.clone(),
            reason: lang.pick(&f.zh, &f.en).to_owned(),
            warning: f.warning,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "import_job.html")]
pub struct JobPage {
    pub c: Chrome,
    pub id: String,
    pub kind: String,
    pub kind_key: &'static str,
    pub file: String,
    pub source: String,
    pub started: String,
    pub running: Option<Stage>,
    pub report: Option<Arc<BaseImportReport>>,
    pub faults: Vec<FaultLine>,
    pub more_faults: usize,
    pub failed: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let job = own_job(&state, &u, &id).await?;
    let lang = u.lang;
    let mut page = JobPage {
        c: Chrome::build(&state, &u, "/people", &format!("/import/{id}")).await,
        kind: kind_label(lang, job.kind),
        kind_key: job.kind.as_str(),
        file: job.file.clone(),
        source: job.source.clone(),
        started: time::second(job.started_ms),
        running: None,
        report: None,
        faults: Vec::new(),
        more_faults: 0,
        failed: None,
        id,
    };
    match job.state {
        JobState::Running(p) => page.running = Some(stage(lang, p)),
        JobState::Done(r) => {
            page.faults = fault_lines(lang, &r);
            page.more_faults = r.faults.len().saturating_sub(FAULTS_SHOWN);
            page.report = Some(r);
        }
        JobState::Failed(reason) => page.failed = Some(reason),
    }
    let mut r = render(&page);
    // A running job's page changes with every poll.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}

/// What import.js polls.
#[derive(Serialize)]
pub struct JobStatus {
    /// `running`, `done` or `failed`.
    pub state: &'static str,
    pub text: String,
    pub permille: Option<u64>,
}

pub async fn status(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let job = own_job(&state, &u, &id).await?;
    let s = match job.state {
        JobState::Running(p) => {
            let st = stage(u.lang, p);
            JobStatus {
                state: "running",
                text: st.text,
                permille: st.permille,
            }
        }
        JobState::Done(_) => JobStatus {
            state: "done",
            text: String::new(),
            permille: Some(1000),
        },
        JobState::Failed(_) => JobStatus {
            state: "failed",
            text: String::new(),
            permille: None,
        },
    };
    let mut r = Json(s).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}

/// The row report of a finished import: row, column, value (numbers masked), reasons.
pub async fn report(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let job = own_job(&state, &u, &id).await?;
    let JobState::Done(r) = job.state else {
        return Err(StoreError::NotFound.into());
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-report.csv\"", job.kind.as_str()),
            ),
        ],
        import_report_csv(job.kind, &r.faults),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_shows_a_fraction_only_when_the_size_is_known() {
        let known = stage(
            Lang::En,
            Some(BaseImportProgress::Reading { done: 5, total: 10 }),
        );
        assert_eq!(known.permille, Some(500));
        let unknown = stage(
            Lang::En,
            Some(BaseImportProgress::Reading { done: 5, total: 0 }),
        );
        assert_eq!(unknown.permille, None);
    }
}
