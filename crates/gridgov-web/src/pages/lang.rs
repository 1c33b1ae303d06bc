//! The language switch: sets the language cookie and returns to the page the user was on.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::cookies;
use crate::auth::next::safe_next;
use crate::i18n::Lang;

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

pub async fn switch(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    Query(q): Query<Back>,
) -> Response {
    let value = if lang == "en" { "en" } else { "zh" };
    let mut res = Redirect::to(&safe_next(q.back.as_deref())).into_response();
    let cookie = cookies::set(
        Lang::COOKIE,
        value,
        Some(365 * 86_400),
        false,
        state.config.cookie_secure,
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
