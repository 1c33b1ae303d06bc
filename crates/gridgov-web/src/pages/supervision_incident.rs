//! Supervision on an incident's page: the reminders counted, its cards and extension requests,
//! and the forms of who may act now (a higher center reminds and issues cards; the handler asks
//! for more time; the dispatching center grants or refuses). The forms post here and come back
//! to the incident's page, with the refusal's reason when there is one.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::supervision::CardColour;
use gridgov_store::incidents::{IncidentView, TaskView};
use gridgov_store::supervision::{
    CardInput, ExtensionDecision, ExtensionInput, IncidentSupervision,
};
use serde::Deserialize;

use super::incident_labels::{Choice, task_kind_label};
use super::incident_page::refused_page;
use super::supervision::{CardRow, refusal_text};
use super::time;
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;

pub struct ExtensionRow {
    pub task: String,
    pub days: i64,
    pub reason: String,
    pub state: String,
    pub due_before: String,
    pub due_after: String,
    /// The path to decide it, when the caller may.
    pub decide: Option<String>,
}

/// What the incident page shows of supervision.
pub struct SupervisionSection {
    pub reminders: i64,
    pub last_reminded: String,
    pub cards: Vec<CardRow>,
    pub extensions: Vec<ExtensionRow>,
    pub may_remind: bool,
    pub may_supervise: bool,
    pub colours: Vec<Choice>,
    pub extension_tasks: Vec<Choice>,
    /// `/incidents/{county}/{id}`, which the forms post under.
    pub base: String,
}

fn task_name(lang: Lang, tasks: &[TaskView], id: &str) -> String {
    tasks
        .iter()
        .find(|t| t.id == id)
        .map(|t| format!("{} · {}", task_kind_label(lang, &t.kind), t.assignee_name))
        .unwrap_or_else(|| id.to_owned())
}

pub fn section(
    lang: Lang,
    i: &IncidentView,
    s: &IncidentSupervision,
    tasks: &[TaskView],
) -> SupervisionSection {
    let base = format!("/incidents/{}/{}", i.county_code, i.id);
    let state = |code: &str| {
        gridgov_core::supervision::ExtensionState::parse("state", code)
            .map(|x| lang.pick(x.label_zh(), x.label_en()).to_owned())
            .unwrap_or_else(|_| code.to_owned())
    };
    SupervisionSection {
        reminders: i.reminders,
        last_reminded: i.last_reminded_at.map(time::minute).unwrap_or_default(),
        cards: s
            .cards
            .iter()
            .map(|c| CardRow::of(lang, &c.card, c.card.note.clone()))
            .collect(),
        extensions: s
            .extensions
            .iter()
            .map(|x| ExtensionRow {
                task: task_name(lang, tasks, &x.task_id),
                days: x.days,
                reason: x.reason.clone(),
                state: state(&x.state),
                due_before: x.due_before.map(time::minute).unwrap_or_default(),
                due_after: x.due_after.map(time::minute).unwrap_or_default(),
                decide: (s.may_decide_extensions && x.state == "pending")
                    .then(|| format!("{base}/extensions/{}", x.id)),
            })
            .collect(),
        may_remind: s.may_remind,
        may_supervise: s.may_supervise,
        colours: CardColour::ALL
            .iter()
            .map(|c| Choice {
                value: c.as_str().to_owned(),
                label: lang.pick(c.label_zh(), c.label_en()).to_owned(),
                selected: false,
            })
            .collect(),
        extension_tasks: s
            .extension_tasks
            .iter()
            .map(|id| Choice {
                value: id.clone(),
                label: task_name(lang, tasks, id),
                selected: false,
            })
            .collect(),
        base,
    }
}

/// Back to the incident's page: done, or with why not.
async fn back(
    state: &AppState,
    u: &PageUser,
    county: &str,
    id: &str,
    r: Result<(), gridgov_store::StoreError>,
) -> Result<Response, AppError> {
    match r {
        Ok(()) => {
            Ok(Redirect::to(&format!("/incidents/{county}/{id}?done=action")).into_response())
        }
        Err(e) => {
            let (status, text) = refusal_text(u.lang, e)?;
            refused_page(state, u, county, id, text, status).await
        }
    }
}

#[derive(Deserialize)]
pub struct ReminderForm {
    #[serde(default)]
    note: String,
}

pub async fn remind(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<ReminderForm>,
) -> Result<Response, AppError> {
    let r = state
        .store
        .remind_incident(&u.actor, &county, &id, &f.note)
        .await
        .map(|_| ());
    back(&state, &u, &county, &id, r).await
}

pub async fn issue(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<CardInput>,
) -> Result<Response, AppError> {
    let r = state
        .store
        .issue_card(&u.actor, &county, &id, &f)
        .await
        .map(|_| ());
    back(&state, &u, &county, &id, r).await
}

pub async fn request_extension(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
    Form(f): Form<ExtensionInput>,
) -> Result<Response, AppError> {
    let r = state
        .store
        .request_extension(&u.actor, &county, &id, &f)
        .await
        .map(|_| ());
    back(&state, &u, &county, &id, r).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    /// `grant` or `refuse`, the button pressed.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

pub async fn decide_extension(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id, extension)): Path<(String, String, String)>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let d = ExtensionDecision {
        grant: f.decision == "grant",
        note: f.note,
    };
    let r = state
        .store
        .decide_extension(&u.actor, &county, &id, &extension, &d)
        .await
        .map(|_| ());
    back(&state, &u, &county, &id, r).await
}

/// The timeline's label of supervision's records on the incident's stream.
pub fn event_label(lang: Lang, action: &str) -> Option<String> {
    let (zh, en) = match action {
        "incident.remind" => ("催办", "reminded"),
        "incident.supervise" => ("下发督办单", "supervision card issued"),
        "incident.request_extension" => ("申请延期", "extension asked for"),
        "incident.grant_extension" => ("批准延期", "extension granted"),
        "incident.refuse_extension" => ("不批准延期", "extension refused"),
        _ => return None,
    };
    Some(lang.pick(zh, en).to_owned())
}
