//! The bridges' delivery log on the desk: every status push of the administrator's scope,
//! newest first, filtered by state (the dead ones are the dead-letter list), each with its
//! attempts, last answer and a replay button for a dead or sent one (audited by the store).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_store::bridges::PushFilter;
use serde::Deserialize;

use super::{Chrome, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

const PAGE: i64 = 200;
const STATES: [&str; 4] = ["pending", "sending", "sent", "dead"];

pub struct PushLine {
    pub id: String,
    pub bridge: String,
    pub order_no: String,
    pub status: String,
    pub state: String,
    pub attempts: String,
    pub code: String,
    pub at: String,
    pub last_error: String,
    pub replayable: bool,
}

#[derive(Template)]
#[template(path = "bridge_pushes.html")]
pub struct PushesPage {
    pub c: Chrome,
    pub rows: Vec<PushLine>,
    /// The state shown ("" for all).
    pub state: String,
    pub states: [&'static str; 4],
    pub replayed: bool,
}

impl PushesPage {
    pub fn tr<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.c.lang.pick(zh, en)
    }
}

#[derive(Deserialize, Default)]
pub struct PushQuery {
    state: Option<String>,
    replayed: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<PushQuery>,
) -> Result<Response, AppError> {
    let shown = q
        .state
        .filter(|s| STATES.contains(&s.as_str()))
        .unwrap_or_default();
    let pushes = state
        .store
        .bridge_pushes(
            &u.actor,
            &PushFilter {
                state: (!shown.is_empty()).then(|| shown.clone()),
                bridge: None,
                limit: PAGE,
            },
        )
        .await?;
    let rows = pushes
        .into_iter()
        .map(|p| PushLine {
            replayable: p.state == "dead" || p.state == "sent",
            bridge: p.bridge_id,
            order_no: p.external_no,
            status: p.status,
            attempts: format!("{}/{}", p.attempts, p.max_attempts),
            code: p.last_code.map(|c| c.to_string()).unwrap_or_default(),
            at: time::second(p.updated_at),
            last_error: p.last_error.unwrap_or_default().chars().take(300).collect(),
            state: p.state,
            id: p.id,
        })
        .collect();
    let view = PushesPage {
        c: Chrome::build(&state, &u, "/admin/bridges", "/admin/bridge-pushes").await,
        rows,
        state: shown,
        states: STATES,
        replayed: q.replayed.is_some(),
    };
    Ok(render(&view))
}

pub async fn replay(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    state.store.replay_push(&u.actor, &id).await?;
    Ok(Redirect::to("/admin/bridge-pushes?replayed=1").into_response())
}
