//! The dead-letter list of notices: deliveries of the administrator's scope whose every attempt
//! failed, with the last error and a resend button (audited by the store). Phones are shown
//! masked.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_store::notices::DeadFilter;
use serde::Deserialize;

use super::{Chrome, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

const PAGE: i64 = 200;

pub struct DeadRow {
    pub id: String,
    pub channel: String,
    pub target: String,
    pub notice: String,
    pub attempts: i64,
    pub at: String,
    pub last_error: String,
}

#[derive(Template)]
#[template(path = "notices_dead.html")]
pub struct DeadPage {
    pub c: Chrome,
    pub rows: Vec<DeadRow>,
    pub resent: bool,
}

#[derive(Deserialize, Default)]
pub struct DeadQuery {
    resent: Option<String>,
}

/// A phone with its middle hidden (138****0001); a robot's name as it is.
fn shown_target(channel: &str, target: &str) -> String {
    if channel != "sms" || target.chars().count() < 7 {
        return target.to_owned();
    }
    let c: Vec<char> = target.chars().collect();
    let (head, tail): (String, String) =
        (c[..3].iter().collect(), c[c.len() - 4..].iter().collect());
    format!("{head}****{tail}")
}

pub async fn list(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<DeadQuery>,
) -> Result<Response, AppError> {
    let dead = state
        .store
        .dead_deliveries(
            &u.actor,
            &DeadFilter {
                channel: None,
                limit: PAGE,
            },
        )
        .await?;
    let rows = dead
        .into_iter()
        .map(|d| DeadRow {
            target: shown_target(&d.channel, &d.target),
            notice: format!("{} {}", d.incident_number, d.title),
            attempts: d.attempts,
            at: time::second(d.updated_at),
            last_error: d.last_error.unwrap_or_default().chars().take(300).collect(),
            channel: d.channel,
            id: d.id,
        })
        .collect();
    let view = DeadPage {
        c: Chrome::build(&state, &u, "/admin/notices", "/admin/notices").await,
        rows,
        resent: q.resent.is_some(),
    };
    Ok(render(&view))
}

pub async fn resend(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    state.store.resend_delivery(&u.actor, &id).await?;
    Ok(Redirect::to("/admin/notices?resent=1").into_response())
}
