//! User administration in the desk UI: list, create, edit role and scope, disable, reset
//! passwords. The store enforces scope and grant rules; these pages show its field errors on the
//! form and keep what the operator typed.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::auth::{Permission, Role};
use gridgov_core::regions::gb_form;
use gridgov_store::StoreError;
use gridgov_store::users::{NewUserInput, User, UserUpdate};
use serde::Deserialize;

use super::{Chrome, FormErrors, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;

pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub scope: String,
    pub disabled: bool,
}

pub struct RoleOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "users_list.html")]
pub struct ListPage {
    pub c: Chrome,
    pub rows: Vec<UserRow>,
    pub q: String,
    pub can_manage: bool,
    pub page: i64,
    pub has_next: bool,
}

#[derive(Template)]
#[template(path = "user_form.html")]
pub struct FormPage {
    pub c: Chrome,
    /// `None` when creating.
    pub id: Option<String>,
    pub username: String,
    pub display_name: String,
    pub scope: String,
    pub version: i64,
    pub disabled: bool,
    pub roles: Vec<RoleOption>,
    pub errors: FormErrors,
    pub other_errors: Vec<String>,
    pub flash: Option<&'static str>,
}

impl FormPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }
}

fn role_options(u: &PageUser, selected: &str) -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .filter(|r| r.rank() <= u.actor.role.rank())
        .map(|r| RoleOption {
            value: r.as_str(),
            label: u.lang.pick(r.zh(), r.en()),
            selected: r.as_str() == selected,
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    page: Option<i64>,
}

const PAGE_SIZE: i64 = 50;

pub async fn list(
    State(state): State<AppState>,
    u: PageUser,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = lq.page.unwrap_or(1).max(1);
    let q = lq.q.unwrap_or_default();
    let mut users = state
        .store
        .list_users(&u.actor, Some(&q), PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
        .await?;
    let has_next = users.len() as i64 > PAGE_SIZE;
    users.truncate(PAGE_SIZE as usize);
    let codes: Vec<&str> = users
        .iter()
        .filter_map(|x| x.scope_code.as_deref())
        .collect();
    let names = state.store.region_names(&u.actor, &codes).await?;
    let t = u.lang.texts();
    let rows = users
        .iter()
        .map(|x| UserRow {
            id: x.id.clone(),
            username: x.username.clone(),
            display_name: x.display_name.clone(),
            role: u.lang.pick(x.role.zh(), x.role.en()),
            scope: match &x.scope_code {
                None => t.whole_country.to_owned(),
                Some(c) => match names.get(c) {
                    Some(n) => format!("{n} ({})", gb_form(c)),
                    None => gb_form(c),
                },
            },
            disabled: x.disabled,
        })
        .collect();
    let page = ListPage {
        c: Chrome::build(&state, &u, "/admin/users", "/admin/users").await,
        rows,
        q,
        can_manage: u.actor.can(Permission::ManageUsers),
        page,
        has_next,
    };
    Ok(render(&page))
}

pub async fn new_form(State(state): State<AppState>, u: PageUser) -> Result<Response, AppError> {
    if !u.actor.can(Permission::ManageUsers) {
        return Err(StoreError::Forbidden.into());
    }
    let page = FormPage {
        c: Chrome::build(&state, &u, "/admin/users", "/admin/users/new").await,
        id: None,
        username: String::new(),
        display_name: String::new(),
        scope: u
            .user
            .scope_code
            .as_deref()
            .map(gb_form)
            .unwrap_or_default(),
        version: 0,
        disabled: false,
        roles: role_options(&u, Role::GridWorker.as_str()),
        errors: FormErrors::default(),
        other_errors: Vec::new(),
        flash: None,
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct CreateForm {
    username: String,
    display_name: String,
    role: String,
    scope: String,
    password: String,
}

const CREATE_FIELDS: [&str; 5] = ["username", "display_name", "role", "scope", "password"];
const EDIT_FIELDS: [&str; 3] = ["display_name", "role", "scope"];

/// Splits an error into form errors (shown on the form) or a failure (shown as an error page).
fn form_errors(e: StoreError) -> Result<FormErrors, AppError> {
    match e {
        StoreError::Invalid(inv) => Ok(FormErrors(inv.0)),
        StoreError::Conflict(f) => Ok(FormErrors(vec![f])),
        other => Err(other.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<CreateForm>,
) -> Result<Response, AppError> {
    let input = NewUserInput {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        scope: f.scope.clone(),
        password: f.password,
    };
    match state.store.create_user(&u.actor, &input).await {
        Ok(created) => {
            Ok(Redirect::to(&format!("/admin/users/{}?created=1", created.id)).into_response())
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let other_errors = errors.others(u.lang, &CREATE_FIELDS);
            let page = FormPage {
                c: Chrome::build(&state, &u, "/admin/users", "/admin/users/new").await,
                id: None,
                username: f.username,
                display_name: f.display_name,
                scope: f.scope,
                version: 0,
                disabled: false,
                roles: role_options(&u, &f.role),
                errors,
                other_errors,
                flash: None,
            };
            Ok(unprocessable(render(&page)))
        }
    }
}

fn unprocessable(mut r: Response) -> Response {
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    r
}

#[derive(Deserialize, Default)]
pub struct Flash {
    created: Option<String>,
    saved: Option<String>,
}

/// The frame of one user's page.
async fn edit_chrome(state: &AppState, u: &PageUser, id: &str) -> Chrome {
    Chrome::build(state, u, "/admin/users", &format!("/admin/users/{id}")).await
}

fn edit_page(
    c: Chrome,
    u: &PageUser,
    user: &User,
    errors: FormErrors,
    flash: Option<&'static str>,
) -> FormPage {
    let other_errors = errors.others(u.lang, &EDIT_FIELDS);
    FormPage {
        c,
        id: Some(user.id.clone()),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        scope: user.scope_code.as_deref().map(gb_form).unwrap_or_default(),
        version: user.version,
        disabled: user.disabled,
        roles: role_options(u, user.role.as_str()),
        errors,
        other_errors,
        flash,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Query(fl): Query<Flash>,
) -> Result<Response, AppError> {
    let user = state.store.user(&u.actor, &id).await?;
    let t = u.lang.texts();
    let flash = if fl.created.is_some() {
        Some(t.user_created)
    } else if fl.saved.is_some() {
        Some(t.saved)
    } else {
        None
    };
    let c = edit_chrome(&state, &u, &id).await;
    Ok(render(&edit_page(
        c,
        &u,
        &user,
        FormErrors::default(),
        flash,
    )))
}

#[derive(Deserialize)]
pub struct EditForm {
    display_name: String,
    role: String,
    scope: String,
    version: i64,
}

pub async fn update(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<EditForm>,
) -> Result<Response, AppError> {
    let up = UserUpdate {
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        scope: f.scope.clone(),
        version: f.version,
    };
    match state.store.update_user(&u.actor, &id, &up).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response()),
        Err(StoreError::VersionConflict) => {
            let user = state.store.user(&u.actor, &id).await?;
            let c = edit_chrome(&state, &u, &id).await;
            let msg = gridgov_core::FieldError::new(
                "version",
                "version_conflict",
                "该用户已被他人修改，以下为最新内容，请重新编辑",
                "someone else changed this user; here is the latest version, edit again",
            );
            Ok(unprocessable(render(&edit_page(
                c,
                &u,
                &user,
                FormErrors(vec![msg]),
                None,
            ))))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let mut user = state.store.user(&u.actor, &id).await?;
            // Keep what was typed.
            user.display_name = f.display_name;
            let c = edit_chrome(&state, &u, &id).await;
            let mut page = edit_page(c, &u, &user, errors, None);
            page.scope = f.scope;
            page.roles = role_options(&u, &f.role);
            Ok(unprocessable(render(&page)))
        }
    }
}

pub async fn disable(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    set_disabled(state, u, id, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    set_disabled(state, u, id, false).await
}

async fn set_disabled(
    state: AppState,
    u: PageUser,
    id: String,
    disabled: bool,
) -> Result<Response, AppError> {
    match state.store.set_user_disabled(&u.actor, &id, disabled).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response()),
        Err(StoreError::Invalid(inv)) => {
            let user = state.store.user(&u.actor, &id).await?;
            let c = edit_chrome(&state, &u, &id).await;
            Ok(unprocessable(render(&edit_page(
                c,
                &u,
                &user,
                FormErrors(inv.0),
                None,
            ))))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    match state.store.reset_password(&u.actor, &id, &f.password).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}?saved=1")).into_response()),
        Err(e) => {
            let errors = form_errors(e)?;
            let user = state.store.user(&u.actor, &id).await?;
            let c = edit_chrome(&state, &u, &id).await;
            Ok(unprocessable(render(&edit_page(
                c, &u, &user, errors, None,
            ))))
        }
    }
}
