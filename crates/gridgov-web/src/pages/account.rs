//! My account: change my password, and create or revoke my API tokens.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_store::StoreError;
use serde::Deserialize;

use super::{Chrome, FormErrors, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: Option<String>,
    pub expires: Option<String>,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub c: Chrome,
    pub tokens: Vec<TokenRow>,
    pub new_secret: Option<String>,
    pub errors: FormErrors,
    pub flash: Option<&'static str>,
}

impl AccountPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }
}

async fn build(
    state: &AppState,
    u: &PageUser,
    new_secret: Option<String>,
    errors: FormErrors,
    flash: Option<&'static str>,
) -> Result<AccountPage, AppError> {
    let tokens = state
        .store
        .list_api_tokens(&u.actor)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created: time::minute(t.created_at),
            last_used: t.last_used_at.map(time::minute),
            expires: t.expires_at.map(time::minute),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    Ok(AccountPage {
        c: Chrome::build(state, u, "/account", "/account").await,
        tokens,
        new_secret,
        errors,
        flash,
    })
}

#[derive(Deserialize, Default)]
pub struct Flash {
    saved: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Query(f): Query<Flash>,
) -> Result<Response, AppError> {
    let flash = f.saved.map(|_| u.lang.texts().saved);
    Ok(render(
        &build(&state, &u, None, FormErrors::default(), flash).await?,
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    match state
        .store
        .change_own_password(&u.actor, &f.current_password, &f.new_password)
        .await
    {
        // Every session of the user ended with the change, this one too.
        Ok(()) => Ok(Redirect::to("/login?changed=1").into_response()),
        Err(StoreError::Invalid(inv)) => {
            let mut r = render(&build(&state, &u, None, FormErrors(inv.0), None).await?);
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(StoreError::Throttled { retry_after_secs }) => {
            let mins = (retry_after_secs + 59) / 60;
            let fault = gridgov_core::FieldError::new(
                "current_password",
                "throttled",
                format!("当前密码错误次数过多，请 {mins} 分钟后再试"),
                format!("too many wrong current passwords; try again in {mins} minutes"),
            );
            let mut r = render(&build(&state, &u, None, FormErrors(vec![fault]), None).await?);
            *r.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    valid_days: Option<String>,
}

pub async fn create_token(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<TokenForm>,
) -> Result<Response, AppError> {
    let days = match f
        .valid_days
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = gridgov_core::FieldError::new(
                    "valid_days",
                    "not_a_number",
                    "有效天数应为整数",
                    "valid days must be a whole number",
                );
                let mut r = render(&build(&state, &u, None, FormErrors(vec![e]), None).await?);
                *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                return Ok(r);
            }
        },
    };
    match state.store.create_api_token(&u.actor, &f.name, days).await {
        Ok((_, secret)) => Ok(render(
            &build(&state, &u, Some(secret), FormErrors::default(), None).await?,
        )),
        Err(StoreError::Invalid(inv)) => {
            let mut r = render(&build(&state, &u, None, FormErrors(inv.0), None).await?);
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    state.store.revoke_api_token(&u.actor, &id).await?;
    Ok(Redirect::to("/account?saved=1").into_response())
}
