//! Bulk import of base data from the desk: pick a kind, download its template, upload a CSV or
//! XLSX file. The file is queued as a background job (`jobs::kinds::base_import`) that runs as
//! the user who sent it (so within their scope) on whichever node claims it, and the browser is
//! sent to the job's page, which shows progress and then the report (`import_job.rs`).

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, extract::Query};
use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::RecordKind;
use gridgov_store::StoreError;
use gridgov_store::base::template_csv;
use serde::Deserialize;
use tower_http::limit::RequestBodyLimitLayer;

use super::grids::unprocessable;
use super::upload_spool::{ImportUpload, read_import_form};
use super::{Chrome, FormErrors, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::auth::csrf::Deferred;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::jobs::kinds::{ImportPayload, enqueue_import};
use crate::routes::{Routes, Verb};

/// Largest file taken from the desk. A county's persons (a few hundred thousand rows of the
/// template) are well below; the command line takes larger files.
pub const UPLOAD_LIMIT: usize = 512 * 1024 * 1024;

/// The upload route with its own body limit: the global one (a few MB) is for forms.
pub fn upload_router() -> Routes {
    Routes::new().with(Verb::Post, "/import", upload, |m| {
        m.layer((
            DefaultBodyLimit::max(UPLOAD_LIMIT),
            RequestBodyLimitLayer::new(UPLOAD_LIMIT),
        ))
    })
}

pub fn need_import(a: &Actor) -> Result<(), AppError> {
    if a.can(Permission::ImportBaseData) {
        Ok(())
    } else {
        Err(StoreError::Forbidden.into())
    }
}

/// A kind as the URL and the form name it.
pub fn parse_kind(s: &str) -> Option<RecordKind> {
    RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
}

pub fn kind_label(lang: Lang, k: RecordKind) -> String {
    match lang {
        Lang::Zh => k.zh().to_owned(),
        Lang::En => k.as_str().to_owned(),
    }
}

pub struct KindOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "base_import.html")]
pub struct ImportFormPage {
    pub c: Chrome,
    pub kinds: Vec<KindOption>,
    pub source: String,
    pub accept_valid: bool,
    pub errors: FormErrors,
    pub max_mb: usize,
}

impl ImportFormPage {
    pub fn err(&self, field: &str) -> Option<String> {
        self.errors.get(self.c.lang, field)
    }

    pub fn other_errors(&self) -> Vec<String> {
        self.errors.others(self.c.lang, &["kind", "source", "file"])
    }
}

async fn form_page(
    state: &AppState,
    u: &PageUser,
    kind: &str,
    source: String,
    accept_valid: bool,
    errors: FormErrors,
) -> ImportFormPage {
    ImportFormPage {
        c: Chrome::build(state, u, "/people", "/import").await,
        kinds: RecordKind::ALL
            .into_iter()
            .map(|k| KindOption {
                value: k.as_str(),
                label: kind_label(u.lang, k),
                selected: k.as_str() == kind,
            })
            .collect(),
        source,
        accept_valid,
        errors,
        max_mb: UPLOAD_LIMIT >> 20,
    }
}

#[derive(Deserialize, Default)]
pub struct FormQuery {
    kind: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<FormQuery>,
) -> Result<Response, AppError> {
    need_import(&u.actor)?;
    let kind = q.kind.unwrap_or_default();
    let page = form_page(
        &state,
        &u,
        &kind,
        String::new(),
        false,
        FormErrors::default(),
    )
    .await;
    Ok(render(&page))
}

/// The template of a kind: the Chinese headers and an example row.
pub async fn template(u: PageUser, Path(kind): Path<String>) -> Result<Response, AppError> {
    need_import(&u.actor)?;
    let kind = kind.strip_suffix(".csv").unwrap_or(&kind);
    let Some(k) = parse_kind(kind) else {
        return Err(StoreError::NotFound.into());
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-template.csv\"", k.as_str()),
            ),
        ],
        template_csv(k),
    )
        .into_response())
}

/// What is wrong with the form's fields, each named.
fn check(up: &ImportUpload) -> Result<(RecordKind, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = parse_kind(&up.kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "required",
            "请选择数据类别",
            "choose what the file holds",
        ));
    }
    let source = up.source.trim().to_owned();
    if gridgov_core::text::visible_chars(&source) == 0 || source.chars().count() > 50 {
        errors.push(FieldError::new(
            "source",
            "required",
            "请填写数据来源（1–50 字，如 户籍、社区摸排）",
            "give the data's source (1–50 characters, e.g. household registration)",
        ));
    }
    if up.file.is_none() || up.bytes == 0 {
        errors.push(FieldError::new(
            "file",
            "required",
            "请选择 CSV 或 XLSX 文件",
            "choose a CSV or XLSX file",
        ));
    }
    match (kind, errors.is_empty()) {
        (Some(k), true) => Ok((k, source)),
        _ => Err(errors),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    u: PageUser,
    deferred: Option<Extension<Deferred>>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    need_import(&u.actor)?;
    let mut up = match read_import_form(deferred.as_ref().map(|d| &d.0), multipart).await {
        Ok(up) => up,
        Err(e) => return e.into_response(),
    };
    let (kind, source) = match check(&up) {
        Ok(ok) => ok,
        Err(errors) => {
            let page = form_page(
                &state,
                &u,
                &up.kind,
                up.source.clone(),
                up.accept_valid,
                FormErrors(errors),
            )
            .await;
            return Ok(unprocessable(render(&page)));
        }
    };
    let Some(file) = up.file.take() else {
        return Err(StoreError::Internal("checked upload without a file".into()).into());
    };
    let file_name = if up.file_name.is_empty() {
        format!("{}.csv", kind.as_str())
    } else {
        up.file_name.clone()
    };
    let payload = ImportPayload {
        user_id: u.actor.user_id.clone(),
        kind: kind.as_str().to_owned(),
        source,
        file_name,
        accept_valid: up.accept_valid,
    };
    // The file goes into the database with the job, so whichever node claims it imports it;
    // the spooled copy is removed when `file` drops.
    let id = enqueue_import(&state.store, &u.actor, &payload, file.path()).await?;
    drop(file);
    Ok(Redirect::to(&format!("/import/{id}")).into_response())
}
