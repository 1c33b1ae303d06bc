//! CSRF protection for every form.
//!
//! The token is an HMAC of the session token (or, on the login form, of a random pre-login
//! cookie) under the deployment's secret key: nothing to store, and a page from another site can
//! neither read nor compute it. The [`guard`] middleware checks every state-changing request that
//! rides on a cookie, before any handler runs, so no form can forget it. Requests with a bearer
//! token carry no ambient authority and are not checked.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::cookies;
use crate::app::AppState;
use crate::config::SecretKey;
use crate::error::AppError;

/// The form field and the header that carry the token.
pub const FIELD: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";

/// Routes taking multipart uploads too large to buffer here (hundreds of MB for an import, tens
/// for an incident's photos). The guard hands them the expected token as [`Deferred`]; the
/// handler compares it with the form's first field before it reads any file. Any other
/// multipart request is checked (and refused) as usual.
pub fn defers_multipart(path: &str) -> bool {
    if path == "/import" || path == "/incidents/new" {
        return true;
    }
    // `/incidents/{county}/{id}/actions`: the action forms of the incident page.
    let parts: Vec<&str> = path.split('/').collect();
    matches!(parts.as_slice(), ["", "incidents", c, i, "actions"] if !c.is_empty() && !i.is_empty())
}

/// The token a deferred multipart form must carry; absent when no session cookie came.
#[derive(Clone)]
pub struct Deferred(String);

impl Deferred {
    /// Whether the form's token is the expected one.
    pub fn matches(&self, given: &str) -> bool {
        same(&self.0, given)
    }
}

pub fn token(key: &SecretKey, purpose: &str, binding: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key.bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(purpose.as_bytes());
    mac.update(b"|");
    mac.update(binding.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..20])
}

/// Constant-time comparison, so the check leaks nothing through timing.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "))
    {
        return next.run(req).await;
    }
    // Open311 clients authenticate by the api_key in the body; the session is never read
    // there, so a cookie that happens to ride along gives a forged request nothing.
    if req.uri().path().starts_with("/open311/") {
        return next.run(req).await;
    }
    let expected = if req.uri().path() == "/login" {
        cookies::get(headers, cookies::PRE_LOGIN)
            .map(|pre| token(&state.config.secret_key, "login", pre))
    } else {
        match cookies::get(headers, cookies::SESSION) {
            Some(s) => Some(token(&state.config.secret_key, "session", s)),
            // No cookie, no ambient authority to abuse; the handler decides about the caller.
            None => return next.run(req).await,
        }
    };
    let Some(expected) = expected else {
        return AppError::Csrf.into_response();
    };
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart && defers_multipart(req.uri().path()) {
        let mut req = req;
        req.extensions_mut().insert(Deferred(expected));
        return next.run(req).await;
    }
    if let Some(h) = headers.get(HEADER).and_then(|v| v.to_str().ok()) {
        return if same(h, &expected) {
            next.run(req).await
        } else {
            AppError::Csrf.into_response()
        };
    }
    // Forms carry the token in the body: read it (the body limit already applies), check, and
    // hand the same bytes on.
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, state.config.body_limit).await {
        Ok(b) => b,
        Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let given = form_field(&bytes, FIELD);
    if !given.is_some_and(|g| same(&g, &expected)) {
        return AppError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_to_purpose_and_session() {
        let k = SecretKey::new([7; 32]);
        let a = token(&k, "session", "s1");
        assert_eq!(a, token(&k, "session", "s1"));
        assert_ne!(a, token(&k, "session", "s2"));
        assert_ne!(a, token(&k, "login", "s1"));
        assert_ne!(a, token(&SecretKey::new([8; 32]), "session", "s1"));
        assert!(same(&a, &a.clone()) && !same(&a, "x"));
    }

    #[test]
    fn defers_only_the_upload_forms() {
        assert!(defers_multipart("/import"));
        assert!(defers_multipart("/incidents/new"));
        assert!(defers_multipart("/incidents/420202/abc/actions"));
        assert!(!defers_multipart("/incidents//abc/actions"));
        assert!(!defers_multipart("/incidents/420202/abc/actions/x"));
        assert!(!defers_multipart("/api/v1/attachments"));
        assert!(!defers_multipart("/admin/users"));
    }

    #[test]
    fn finds_the_token_in_a_form_body() {
        assert_eq!(
            form_field(b"a=1&csrf=abc%21", FIELD).as_deref(),
            Some("abc!")
        );
        assert_eq!(form_field(b"a=1", FIELD), None);
    }
}
