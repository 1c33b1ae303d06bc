//! The audit trail of the user's scope, newest first.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use gridgov_store::audit::AuditRecord;
use serde::Deserialize;

use super::{Chrome, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

pub struct AuditRow {
    pub time: String,
    pub actor: String,
    pub action: String,
    pub resource: String,
    pub summary: String,
    pub seq: i64,
}

/// The records as shown: a user resource by its username where the viewer may see that user.
pub async fn rows(
    state: &AppState,
    u: &PageUser,
    records: &[AuditRecord],
) -> Result<Vec<AuditRow>, AppError> {
    let ids: Vec<&str> = records
        .iter()
        .filter_map(|r| r.resource.strip_prefix("user:"))
        .collect();
    let names = state.store.usernames(&u.actor, &ids).await?;
    Ok(records
        .iter()
        .map(|r| AuditRow {
            time: time::second(r.at),
            actor: r.actor_name.clone(),
            action: r.action.clone(),
            resource: match r
                .resource
                .strip_prefix("user:")
                .and_then(|id| names.get(id))
            {
                Some(name) => format!("user:{name}"),
                None => r.resource.clone(),
            },
            summary: r.summary.chars().take(160).collect(),
            seq: r.seq,
        })
        .collect())
}

#[derive(Deserialize)]
pub struct Paging {
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub c: Chrome,
    pub rows: Vec<AuditRow>,
    pub next_before: Option<i64>,
}

const PAGE: i64 = 100;

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Query(p): Query<Paging>,
) -> Result<Response, AppError> {
    let records = state.store.list_audit(&u.actor, PAGE, p.before).await?;
    let next_before = (records.len() as i64 == PAGE)
        .then(|| records.last().map(|r| r.at))
        .flatten();
    let page = AuditPage {
        c: Chrome::build(&state, &u, "/audit", "/audit").await,
        rows: rows(&state, &u, &records).await?,
        next_before,
    };
    Ok(render(&page))
}
