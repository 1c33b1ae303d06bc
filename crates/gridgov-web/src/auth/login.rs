//! The login form, logging in and out.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::client::{self, ClientAddr};
use super::next::safe_next;
use super::{cookies, csrf};
use crate::app::AppState;
use crate::error::{AppError, ErrorBody};
use crate::i18n::Lang;
use crate::pages::templates::LoginPage;
use crate::pages::{render, time};

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    out: Option<String>,
    changed: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    next: String,
    notice: Option<&'static str>,
    error: Option<String>,
    username: String,
) -> Response {
    // Reuse the browser's pre-login value if it has one, so two open tabs both work.
    let pre = cookies::get(headers, cookies::PRE_LOGIN)
        .filter(|p| p.len() >= 16)
        .map(str::to_owned)
        .unwrap_or_else(|| {
            use rand::RngCore;
            let mut b = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut b);
            hex::encode(b)
        });
    let page = LoginPage {
        t: lang.texts(),
        lang,
        csrf: csrf::token(&state.config.secret_key, "login", &pre),
        next,
        notice,
        error,
        username,
        year: time::year(state.store.now_ms()),
    };
    let mut res = render(&page).into_response();
    let cookie = cookies::set(
        cookies::PRE_LOGIN,
        &pre,
        None,
        true,
        state.config.cookie_secure,
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let lang = cookies::lang_of(&headers);
    let t = lang.texts();
    let notice = if q.expired.is_some() {
        Some(t.session_expired)
    } else if q.changed.is_some() {
        Some(t.password_changed)
    } else if q.out.is_some() {
        Some(t.logged_out)
    } else {
        None
    };
    login_page(
        &state,
        &headers,
        lang,
        safe_next(q.next.as_deref()),
        notice,
        None,
        String::new(),
    )
}

pub async fn submit(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let lang = cookies::lang_of(&headers);
    let next = safe_next(f.next.as_deref());
    let checked = match client::admit_password_check(&state, addr) {
        Ok(()) => state.store.check_login(&f.username, &f.password).await,
        Err(AppError::Store(e)) => Err(e),
        Err(e) => return e.into_response(),
    };
    let user = match checked {
        Ok(u) => u,
        Err(e) => {
            let status_err = AppError::from(e);
            let msg = match &status_err {
                AppError::Store(
                    gridgov_store::StoreError::BadCredentials
                    | gridgov_store::StoreError::Throttled { .. }
                    | gridgov_store::StoreError::Busy { .. },
                ) => {
                    let body: ErrorBody = status_body(&status_err);
                    lang.pick(&body.message_zh, &body.message_en).to_owned()
                }
                _ => return status_err.into_response(),
            };
            let mut res = login_page(&state, &headers, lang, next, None, Some(msg), f.username);
            // The status and Retry-After the error itself carries, on the form.
            let bare = status_err.into_response();
            *res.status_mut() = bare.status();
            if let Some(v) = bare.headers().get(header::RETRY_AFTER) {
                res.headers_mut().insert(header::RETRY_AFTER, v.clone());
            }
            return res;
        }
    };
    let session = match state.store.create_session(&user).await {
        Ok(s) => s,
        Err(e) => return AppError::from(e).into_response(),
    };
    let mut res = Redirect::to(&next).into_response();
    let max_age = (session.expires_at - state.store.now_ms()) / 1000;
    let cookie = cookies::set(
        cookies::SESSION,
        &session.token,
        Some(max_age.max(60) * 3),
        true,
        state.config.cookie_secure,
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&cookies::clear(
        cookies::PRE_LOGIN,
        state.config.cookie_secure,
    )) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

fn status_body(e: &AppError) -> ErrorBody {
    e.body()
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookies::get(&headers, cookies::SESSION)
        && let Err(e) = state.store.logout(token).await
    {
        return AppError::from(e).into_response();
    }
    let mut res = Redirect::to("/login?out=1").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookies::clear(
        cookies::SESSION,
        state.config.cookie_secure,
    )) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
