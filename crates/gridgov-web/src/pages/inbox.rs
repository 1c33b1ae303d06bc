//! My notices: newest first a page at a time, each linking to its incident, with marking read
//! one by one or all at once. The store reads only the caller's own inbox.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

const PAGE: i64 = 50;

pub struct NoticeRow {
    pub id: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub text: String,
    pub href: String,
    pub at: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    pub c: Chrome,
    pub rows: Vec<NoticeRow>,
    pub next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    after: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<InboxQuery>,
) -> Result<Response, AppError> {
    let page = state
        .store
        .notices(&u.actor, q.after.as_deref().unwrap_or(""), PAGE)
        .await?;
    let rows = page
        .items
        .into_iter()
        .map(|n| NoticeRow {
            kind: n.kind.as_str(),
            kind_label: u.lang.pick(n.kind.label_zh(), n.kind.label_en()),
            text: u.lang.pick(&n.text_zh, &n.text_en).to_owned(),
            href: match (&n.county_code, &n.incident_id) {
                (Some(c), Some(i)) => format!("/incidents/{c}/{i}"),
                _ => String::new(),
            },
            at: time::minute(n.created_at),
            unread: n.read_at.is_none(),
            id: n.id,
        })
        .collect();
    let next = page.next.map(|n| {
        format!(
            "/inbox?{}",
            serde_urlencoded::to_string([("after", n)]).unwrap_or_default()
        )
    });
    let view = InboxPage {
        c: Chrome::build(&state, &u, "/inbox", "/inbox").await,
        rows,
        next,
    };
    Ok(render(&view))
}

pub async fn read(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    state.store.mark_notice_read(&u.actor, &id).await?;
    Ok(Redirect::to("/inbox").into_response())
}

pub async fn read_all(State(state): State<AppState>, u: PageUser) -> Result<Response, AppError> {
    state.store.mark_all_notices_read(&u.actor).await?;
    Ok(Redirect::to("/inbox").into_response())
}
