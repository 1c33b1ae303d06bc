//! The background jobs of the administrator's scope: counts per state, a tab per state (the
//! failed tab is the failure list), and a retry button on failed jobs.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::jobs::JobState;
use gridgov_store::StoreError;
use gridgov_store::jobs::{JobCounts, JobFilter};
use serde::Deserialize;

use super::{Chrome, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

const PAGE: i64 = 200;

pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub attempts: String,
    pub node: String,
    pub run_at: String,
    pub created: String,
    pub finished: String,
    pub last_error: String,
    pub failed: bool,
}

pub struct Tab {
    pub href: String,
    pub label: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "jobs.html")]
pub struct JobsPage {
    pub c: Chrome,
    pub tabs: Vec<Tab>,
    pub rows: Vec<JobRow>,
    pub retried: bool,
}

#[derive(Deserialize, Default)]
pub struct JobsQuery {
    state: Option<String>,
    retried: Option<String>,
}

fn tabs(u: &PageUser, counts: JobCounts, active: Option<JobState>) -> Vec<Tab> {
    let t = u.lang.texts();
    let mut tabs = vec![Tab {
        href: "/admin/jobs".into(),
        label: t.jobs_all.into(),
        active: active.is_none(),
    }];
    for (s, n) in [
        (JobState::Queued, counts.queued),
        (JobState::Running, counts.running),
        (JobState::Done, counts.done),
        (JobState::Failed, counts.failed),
    ] {
        let name = if s == JobState::Failed {
            t.jobs_failure_list
        } else {
            u.lang.pick(s.label_zh(), s.label_en())
        };
        tabs.push(Tab {
            href: format!("/admin/jobs?state={}", s.as_str()),
            label: format!("{name} ({n})"),
            active: active == Some(s),
        });
    }
    tabs
}

pub async fn list(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<JobsQuery>,
) -> Result<Response, AppError> {
    let active = match q.state.as_deref() {
        None | Some("") => None,
        Some(s) => Some(JobState::parse("state", s).map_err(StoreError::from)?),
    };
    let jobs = state
        .store
        .jobs(
            &u.actor,
            &JobFilter {
                state: active,
                kind: None,
                limit: PAGE,
            },
        )
        .await?;
    let counts = state.store.job_counts(&u.actor).await?;
    let rows = jobs
        .into_iter()
        .map(|j| JobRow {
            kind: j.kind,
            state: j.state.as_str(),
            state_label: u.lang.pick(j.state.label_zh(), j.state.label_en()),
            attempts: format!("{}/{}", j.attempts, j.max_attempts),
            node: j.lease_owner.unwrap_or_default(),
            run_at: time::second(j.run_at),
            created: time::second(j.created_at),
            finished: j.finished_at.map(time::second).unwrap_or_default(),
            last_error: j.last_error.unwrap_or_default().chars().take(300).collect(),
            failed: j.state == JobState::Failed,
            id: j.id,
        })
        .collect();
    let page = JobsPage {
        c: Chrome::build(&state, &u, "/admin/jobs", "/admin/jobs").await,
        tabs: tabs(&u, counts, active),
        rows,
        retried: q.retried.is_some(),
    };
    Ok(render(&page))
}

/// Queues a failed job again and returns to the failure list.
pub async fn retry(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    state.store.retry_job(&u.actor, &id).await?;
    Ok(Redirect::to("/admin/jobs?state=failed&retried=1").into_response())
}
