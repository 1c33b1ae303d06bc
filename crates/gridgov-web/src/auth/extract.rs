//! Extractors for the calling user. A page without a valid session redirects to the login form
//! (saying so when a session has expired); an API call answers 401.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::auth::Actor;
use gridgov_store::users::User;

use super::{cookies, csrf};
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;

/// The user behind a desk-UI request.
pub struct PageUser {
    pub user: User,
    pub actor: Actor,
    pub lang: Lang,
    /// The CSRF token for forms on the page.
    pub csrf: String,
}

/// The user behind an API request.
pub struct ApiUser {
    pub user: User,
    pub actor: Actor,
}

enum Found {
    User(User, Option<String>),
    Expired,
    Nobody,
}

async fn find(parts: &Parts, state: &AppState) -> Result<Found, AppError> {
    if let Some(bearer) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Ok(match state.store.token_user(bearer.trim()).await? {
            Some(u) => Found::User(u, None),
            None => Found::Nobody,
        });
    }
    if let Some(token) = cookies::get(&parts.headers, cookies::SESSION).filter(|t| !t.is_empty()) {
        return Ok(match state.store.session_user(token).await? {
            Some(u) => Found::User(u, Some(token.to_owned())),
            None => Found::Expired,
        });
    }
    Ok(Found::Nobody)
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = cookies::lang_of(&parts.headers);
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let next = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
        match find(parts, state)
            .await
            .map_err(IntoResponse::into_response)?
        {
            Found::User(user, session) => {
                let csrf = session
                    .map(|s| csrf::token(&state.config.secret_key, "session", &s))
                    .unwrap_or_default();
                Ok(PageUser {
                    actor: user.actor(),
                    user,
                    lang,
                    csrf,
                })
            }
            Found::Expired => {
                let mut res = Redirect::to(&format!("/login?expired=1&{next}")).into_response();
                if let Ok(v) = cookies::clear(cookies::SESSION, state.config.cookie_secure).parse()
                {
                    res.headers_mut().insert(header::SET_COOKIE, v);
                }
                Err(res)
            }
            Found::Nobody => Err(Redirect::to(&format!("/login?{next}")).into_response()),
        }
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match find(parts, state).await? {
            Found::User(user, _) => Ok(ApiUser {
                actor: user.actor(),
                user,
            }),
            _ => Err(AppError::Unauthenticated),
        }
    }
}
