//! The desk's Open311 page: the keys of client applications (issued, shown once, revoked) and
//! a city's mapping of service codes onto categories (names, groups, keywords, offered or not).
//! System administrators and center operators whose scope covers the city; the store checks.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_store::StoreError;
use gridgov_store::open311::{KeyView, Service, ServiceEdit};
use serde::Deserialize;

use super::{Chrome, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, message};
use crate::i18n::Lang;

/// The page's own labels, in the reader's language.
pub struct Labels {
    pub title: &'static str,
    pub hint: &'static str,
    pub keys: &'static str,
    pub city: &'static str,
    pub app_name: &'static str,
    pub per_minute: &'static str,
    pub created: &'static str,
    pub state: &'static str,
    pub revoked: &'static str,
    pub live: &'static str,
    pub revoke: &'static str,
    pub issue: &'static str,
    pub new_key: &'static str,
    pub services: &'static str,
    pub service_code: &'static str,
    pub category: &'static str,
    pub name: &'static str,
    pub group: &'static str,
    pub keywords: &'static str,
    pub description: &'static str,
    pub offered: &'static str,
    pub save: &'static str,
    pub seed: &'static str,
    pub show: &'static str,
    pub none: &'static str,
}

fn labels(lang: Lang) -> Labels {
    let p = |zh, en| lang.pick(zh, en);
    Labels {
        title: p("Open311 接口", "Open311"),
        hint: p(
            "对外的 GeoReport v2 接口：每个城市一个辖区（辖区号为城市区划代码）。密钥只显示一次，只保存其摘要。",
            "The public GeoReport v2 door: one jurisdiction per city (its id is the city's region code). A key is shown once; only its digest is kept.",
        ),
        keys: p("应用密钥", "Application keys"),
        city: p("城市代码", "City code"),
        app_name: p("应用名称", "Application"),
        per_minute: p("每分钟限额", "Per minute"),
        created: p("签发", "Issued"),
        state: p("状态", "State"),
        revoked: p("已吊销", "revoked"),
        live: p("有效", "live"),
        revoke: p("吊销", "Revoke"),
        issue: p("签发密钥", "Issue a key"),
        new_key: p(
            "新密钥（只显示这一次，请立即交给应用方）",
            "New key (shown this once: hand it to the application now)",
        ),
        services: p("服务代码与事件分类", "Service codes and categories"),
        service_code: p("服务代码", "Service code"),
        category: p("事件分类", "Category"),
        name: p("名称", "Name"),
        group: p("分组", "Group"),
        keywords: p("关键词", "Keywords"),
        description: p("说明", "Description"),
        offered: p("对外提供", "Offered"),
        save: p("保存", "Save"),
        seed: p("按公开分类补齐服务", "Add services for public categories"),
        show: p("查看", "Show"),
        none: p("暂无记录", "Nothing yet"),
    }
}

pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub city: String,
    pub per_minute: i64,
    pub created: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "open311.html")]
pub struct Open311Page {
    pub c: Chrome,
    pub l: Labels,
    pub city: String,
    pub keys: Vec<KeyRow>,
    pub services: Vec<Service>,
    pub new_key: Option<String>,
    pub errors: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    city: String,
}

/// The city a caller most likely means: the one their scope lies in (`42/4202/…` → `4202`).
fn own_city(u: &PageUser) -> String {
    u.actor
        .scope
        .as_str()
        .split('/')
        .nth(1)
        .unwrap_or("")
        .to_owned()
}

async fn page(
    state: &AppState,
    u: &PageUser,
    city: String,
    new_key: Option<String>,
    mut errors: Vec<String>,
) -> Result<Response, AppError> {
    let keys: Vec<KeyView> = state.store.open311_keys(&u.actor).await?;
    let services = if city.is_empty() {
        Vec::new()
    } else {
        match state.store.open311_mapping(&u.actor, &city).await {
            Ok((_, s)) => s,
            Err(StoreError::Invalid(inv)) => {
                errors.extend(inv.0.iter().map(|f| u.lang.pick(&f.zh, &f.en).to_owned()));
                Vec::new()
            }
            Err(e) => return Err(e.into()),
        }
    };
    let view = Open311Page {
        c: Chrome::build(state, u, "/admin/open311", "/admin/open311").await,
        l: labels(u.lang),
        keys: keys
            .into_iter()
            .map(|k| KeyRow {
                created: time::second(k.created_at),
                revoked: k.revoked_at.is_some(),
                id: k.id,
                name: k.name,
                city: k.region_code,
                per_minute: k.per_minute,
            })
            .collect(),
        services,
        city,
        new_key,
        errors,
    };
    Ok(render(&view))
}

/// A refusal the page shows above its forms; anything else goes to the usual renderer.
fn shown(u: &PageUser, e: StoreError) -> Result<Vec<String>, AppError> {
    match e {
        StoreError::Invalid(inv) => Ok(inv
            .0
            .iter()
            .map(|f| format!("{}: {}", f.field, u.lang.pick(&f.zh, &f.en)))
            .collect()),
        e @ (StoreError::VersionConflict | StoreError::NotFound) => {
            Ok(vec![message(u.lang, &AppError::Store(e).body()).to_owned()])
        }
        e => Err(e.into()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let city = match q.city.trim() {
        "" => own_city(&u),
        c => c.to_owned(),
    };
    page(&state, &u, city, None, Vec::new()).await
}

#[derive(Deserialize)]
pub struct IssueForm {
    city: String,
    name: String,
    #[serde(default)]
    per_minute: String,
}

pub async fn issue(
    State(state): State<AppState>,
    u: PageUser,
    Form(f): Form<IssueForm>,
) -> Result<Response, AppError> {
    let per_minute = match f.per_minute.trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(n) => Some(n),
            // Out of range: the store names the field.
            Err(_) => Some(0),
        },
    };
    let city = f.city.trim().to_owned();
    match state
        .store
        .issue_open311_key(&u.actor, &city, &f.name, per_minute)
        .await
    {
        Ok(k) => page(&state, &u, city, Some(k.key), Vec::new()).await,
        Err(e) => {
            let errors = shown(&u, e)?;
            page(&state, &u, city, None, errors).await
        }
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    state.store.revoke_open311_key(&u.actor, &id).await?;
    Ok(Redirect::to("/admin/open311").into_response())
}

pub async fn seed(
    State(state): State<AppState>,
    u: PageUser,
    Path(city): Path<String>,
) -> Result<Response, AppError> {
    match state.store.seed_open311_services(&u.actor, &city).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/open311?city={city}")).into_response()),
        Err(e) => {
            let errors = shown(&u, e)?;
            page(&state, &u, city, None, errors).await
        }
    }
}

#[derive(Deserialize)]
pub struct ServiceForm {
    service_code: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    group_name: String,
    #[serde(default)]
    keywords: String,
    #[serde(default)]
    active: Option<String>,
    version: i64,
}

pub async fn update_service(
    State(state): State<AppState>,
    u: PageUser,
    Path((city, code)): Path<(String, String)>,
    Form(f): Form<ServiceForm>,
) -> Result<Response, AppError> {
    let edit = ServiceEdit {
        service_code: f.service_code,
        name: f.name,
        description: f.description,
        group_name: f.group_name,
        keywords: f.keywords,
        active: f.active.is_some(),
        version: f.version,
    };
    match state
        .store
        .update_open311_service(&u.actor, &city, &code, &edit)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/admin/open311?city={city}")).into_response()),
        Err(e) => {
            let errors = shown(&u, e)?;
            page(&state, &u, city, None, errors).await
        }
    }
}
