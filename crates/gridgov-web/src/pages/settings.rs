//! A region's settings on the desk: each kind's effective value with where it comes from, the
//! limits per grade and step, the local days in effect, and for administrators a plain-text form
//! per kind to set or clear the region's own value.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::FieldError;
use gridgov_core::auth::Permission;
use gridgov_core::settings::{SettingKind, Source, parse_text};
use gridgov_store::StoreError;
use gridgov_store::settings::{RegionSettings, SettingChange};
use serde::Deserialize;

use super::grids::form_errors;
use super::{Chrome, FormErrors, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::{Lang, SettingsTexts};

/// One kind as the page shows it.
pub struct KindRow {
    pub code: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub effective: String,
    pub source: String,
    pub own: Option<(String, i64)>,
    /// What the form holds: the typed text after a refusal, else the region's own value.
    pub text: String,
    pub version: i64,
    pub errors: Vec<String>,
}

pub struct LimitRow {
    pub grade: &'static str,
    pub step: &'static str,
    pub limit: String,
    pub source: String,
}

pub struct DayRow {
    pub date: String,
    pub kind: &'static str,
    pub name: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub c: Chrome,
    pub s: &'static SettingsTexts,
    pub code: String,
    pub name: String,
    pub kinds: Vec<KindRow>,
    pub limits: Vec<LimitRow>,
    pub days: Vec<DayRow>,
    pub can_manage: bool,
    pub flash: bool,
}

fn source(lang: Lang, s: &Source) -> String {
    match s {
        Source::Default => lang.settings_texts().from_default.to_owned(),
        Source::Region { code, name } => format!("{name} ({code})"),
    }
}

fn help(t: &SettingsTexts, kind: SettingKind) -> &'static str {
    match kind {
        SettingKind::TimeLimits => t.help_time_limits,
        SettingKind::EscalationLadder => t.help_escalation_ladder,
        SettingKind::LocalDays => t.help_local_days,
        SettingKind::HouseholdBand => t.help_household_band,
        SettingKind::CardPhones => t.help_card_phones,
        SettingKind::NotifyChannels => t.help_notify_channels,
    }
}

/// What a refused form typed, to show it again with its errors.
struct Typed {
    kind: SettingKind,
    text: String,
    errors: FormErrors,
}

async fn build(
    state: &AppState,
    u: &PageUser,
    code: &str,
    typed: Option<Typed>,
    flash: bool,
) -> Result<SettingsPage, AppError> {
    let lang = u.lang;
    let t = lang.settings_texts();
    let rs: RegionSettings = state
        .store
        .region_settings(&u.actor, code, state.config.card_phones.to_shown())
        .await?;
    let kinds = rs
        .settings
        .iter()
        .map(|e| {
            let mine = typed.as_ref().filter(|x| x.kind == e.kind);
            let own = e.own.as_ref().map(|o| (o.text.clone(), o.version));
            KindRow {
                code: e.kind.as_str(),
                label: lang.pick(e.kind.label_zh(), e.kind.label_en()),
                help: help(t, e.kind),
                effective: e.effective_text.clone(),
                source: source(lang, &e.source),
                text: mine.map_or_else(
                    || own.as_ref().map_or_else(String::new, |(t, _)| t.clone()),
                    |x| x.text.clone(),
                ),
                version: own.as_ref().map_or(0, |(_, v)| *v),
                errors: mine.map_or_else(Vec::new, |x| {
                    x.errors
                        .0
                        .iter()
                        .map(|f| format!("{}: {}", f.field, lang.pick(&f.zh, &f.en)))
                        .collect()
                }),
                own,
            }
        })
        .collect();
    let limits = rs
        .limits
        .iter()
        .map(|l| LimitRow {
            grade: lang.pick(l.grade.label_zh(), l.grade.label_en()),
            step: lang.pick(l.step.label_zh(), l.step.label_en()),
            limit: match lang {
                Lang::Zh => l.limit.label_zh(),
                Lang::En => l.limit.label_en(),
            },
            source: source(lang, &l.source),
        })
        .collect();
    let days = rs
        .local_days
        .iter()
        .map(|d| DayRow {
            date: d.date.clone(),
            kind: if d.kind == "holiday" {
                t.holiday
            } else {
                t.workday
            },
            name: d.name.clone(),
            source: source(lang, &d.source),
        })
        .collect();
    let here = format!("/regions/{}/settings", rs.region.code);
    Ok(SettingsPage {
        c: Chrome::build(state, u, "/regions", &here).await,
        s: t,
        code: rs.region.code.clone(),
        name: rs.region.name.clone(),
        kinds,
        limits,
        days,
        can_manage: u.actor.can(Permission::ManageSettings),
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
    Path(code): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, AppError> {
    Ok(render(
        &build(&state, &u, &code, None, f.saved.is_some()).await?,
    ))
}

#[derive(Deserialize)]
pub struct SettingForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    version: i64,
    /// `save` or `clear`.
    #[serde(default)]
    op: String,
}

pub async fn change(
    State(state): State<AppState>,
    u: PageUser,
    Path((code, kind)): Path<(String, String)>,
    Form(f): Form<SettingForm>,
) -> Result<Response, AppError> {
    let kind = SettingKind::parse("kind", &kind)?;
    let value = if f.op == "clear" {
        Ok(None)
    } else {
        parse_text(kind, &f.text).map(Some)
    };
    let result = match value {
        Ok(value) => {
            let change = SettingChange {
                kind,
                value,
                version: f.version,
            };
            state
                .store
                .change_region_setting(
                    &u.actor,
                    &code,
                    &change,
                    state.config.card_phones.to_shown(),
                )
                .await
        }
        Err(e) => Err(StoreError::Invalid(e)),
    };
    match result {
        Ok(rs) => Ok(
            Redirect::to(&format!("/regions/{}/settings?saved=1", rs.region.code)).into_response(),
        ),
        Err(e) => {
            let errors = match e {
                StoreError::VersionConflict => {
                    let t = u.lang.settings_texts();
                    FormErrors(vec![FieldError::new(
                        "version",
                        "version_conflict",
                        t.stale,
                        t.stale,
                    )])
                }
                other => form_errors(other)?,
            };
            let typed = Typed {
                kind,
                text: f.text,
                errors,
            };
            let page = build(&state, &u, &code, Some(typed), false).await?;
            let mut r = render(&page);
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}
