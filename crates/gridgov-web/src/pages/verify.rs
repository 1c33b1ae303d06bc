//! The desk page of verification tasks (认领核对): the tasks of the caller's scope by status,
//! with claim and release buttons, and for the caller's own claims the decision form. Every
//! action posts a form and comes back to the list; a refusal (someone else's claim, a faulty
//! correction) is shown on the list itself, next to the task it concerns.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::FieldError;
use gridgov_core::auth::Permission;
use gridgov_core::base_data::ResidenceType;
use gridgov_store::StoreError;
use gridgov_store::verify::VerificationTask;
use gridgov_store::verify::{Correction, Decision, TaskFilter, TaskKind, TaskStatus};
use serde::Deserialize;

use super::grids::form_errors;
use super::{Chrome, FormErrors, base_labels, render};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::{Lang, Texts};

const PAGE_SIZE: i64 = 50;

/// The corrections the page offers, in the order of the form.
const CORRECTION_FIELDS: [&str; 5] = [
    "name",
    "phone",
    "registered_address",
    "residence_type",
    "grid",
];

/// Which tasks the page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Open,
    Mine,
    Claimed,
    Resolved,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Open, Tab::Mine, Tab::Claimed, Tab::Resolved];

    fn key(self) -> &'static str {
        match self {
            Tab::Open => "open",
            Tab::Mine => "mine",
            Tab::Claimed => "claimed",
            Tab::Resolved => "resolved",
        }
    }

    /// Anything unknown reads as the default, open tasks: the tab comes from links and hidden
    /// fields, and a stale one is no reason to refuse the page.
    fn parse(s: Option<&str>) -> Tab {
        Tab::ALL
            .into_iter()
            .find(|t| Some(t.key()) == s)
            .unwrap_or(Tab::Open)
    }

    fn label(self, t: &Texts) -> &'static str {
        match self {
            Tab::Open => t.task_open,
            Tab::Mine => t.task_mine,
            Tab::Claimed => t.task_claimed,
            Tab::Resolved => t.task_resolved,
        }
    }
}

pub struct TabLink {
    pub href: String,
    pub label: &'static str,
    pub active: bool,
}

pub struct FieldRow {
    pub label: String,
    pub record: String,
    pub source: String,
    /// Phones are compared sealed: the page can say only that they differ.
    pub differs_only: bool,
}

pub struct TaskRow {
    pub id: String,
    pub kind: &'static str,
    pub is_differs: bool,
    pub name: String,
    pub grid: String,
    pub grid_href: String,
    pub person_href: Option<String>,
    pub source: String,
    pub fields: Vec<FieldRow>,
    pub status: &'static str,
    pub claimer: String,
    pub decision: String,
    pub note: String,
    pub can_claim: bool,
    pub can_release: bool,
    pub can_decide: bool,
}

/// What the decide form of one task sent, to show it again with its errors.
#[derive(Default)]
pub struct Sent {
    pub task: String,
    pub decision: String,
    pub values: HashMap<&'static str, String>,
    pub note: String,
}

#[derive(Template)]
#[template(path = "verification.html")]
pub struct VerificationPage {
    pub c: Chrome,
    pub tabs: Vec<TabLink>,
    pub tab: &'static str,
    pub rows: Vec<TaskRow>,
    pub page: i64,
    pub has_next: bool,
    pub residence_types: Vec<(&'static str, String)>,
    pub errors: FormErrors,
    /// The task a refusal concerns, and what its form sent.
    pub sent: Sent,
}

impl VerificationPage {
    /// Each error with the name of its field, so a refusal says what to fix.
    pub fn messages(&self) -> Vec<String> {
        let lang = self.c.lang;
        let t = self.c.t;
        self.errors
            .0
            .iter()
            .map(|e| {
                let msg = lang.pick(&e.zh, &e.en);
                match field_label(t, &e.field) {
                    Some(label) => format!("{label}{}{msg}", lang.pick("：", ": ")),
                    None => msg.to_owned(),
                }
            })
            .collect()
    }

    pub fn err(&self, task: &str, field: &str) -> Option<String> {
        (self.sent.task == task)
            .then(|| self.errors.get(self.c.lang, field))
            .flatten()
    }

    /// What the form of this task sent for a field, or nothing.
    pub fn value(&self, task: &str, field: &str) -> String {
        if self.sent.task != task {
            return String::new();
        }
        match field {
            "note" => self.sent.note.clone(),
            "decision" => self.sent.decision.clone(),
            _ => self.sent.values.get(field).cloned().unwrap_or_default(),
        }
    }

    /// Whether the form of this task sent this value for a field (a choice to keep selected).
    pub fn chose(&self, task: &str, field: &str, v: &str) -> bool {
        self.value(task, field) == v
    }
}

fn field_label(t: &Texts, field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => t.person_name,
        "gender" => t.gender,
        "birth_date" => t.birth_date,
        "ethnicity" => t.ethnicity,
        "phone" => t.phone,
        "registered_address" => t.registered_address,
        "residence_type" => t.residence_type,
        "grid" => t.grid_code,
        "note" => t.note,
        "decision" => t.decision,
        "task" => t.task,
        _ => return None,
    })
}

fn kind_label(t: &Texts, k: TaskKind) -> &'static str {
    match k {
        TaskKind::Differs => t.task_differs,
        TaskKind::MissingInRecords => t.task_missing_in_records,
        TaskKind::MissingInSource => t.task_missing_in_source,
    }
}

fn decision_label(t: &Texts, d: &str) -> String {
    match d {
        "keep_record" => t.keep_record.to_owned(),
        "take_source" => t.take_source.to_owned(),
        "correct" => t.correct_record.to_owned(),
        other => other.to_owned(),
    }
}

/// The differing fields as the store lists them; residence types read in the page's language.
fn field_rows(lang: Lang, fields: &serde_json::Value) -> Vec<FieldRow> {
    let t = lang.texts();
    let text = |v: &serde_json::Value, field: &str| -> String {
        let s = v.as_str().unwrap_or_default();
        if field == "residence_type" && !s.is_empty() {
            base_labels::residence(lang, s)
        } else {
            s.to_owned()
        }
    };
    fields
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let field = f["field"].as_str().unwrap_or_default();
            FieldRow {
                label: field_label(t, field).unwrap_or(field).to_owned(),
                record: text(&f["record"], field),
                source: text(&f["source"], field),
                differs_only: f["differs"].as_bool().unwrap_or(false),
            }
        })
        .collect()
}

fn task_row(u: &PageUser, task: &VerificationTask, names: &HashMap<String, String>) -> TaskRow {
    let t = u.lang.texts();
    let me = u.actor.user_id.as_str();
    let mine = task.status == TaskStatus::Claimed && task.claimed_by.as_deref() == Some(me);
    TaskRow {
        id: task.id.clone(),
        kind: kind_label(t, task.kind),
        is_differs: task.kind == TaskKind::Differs,
        name: task.name.clone(),
        grid: task.grid.clone(),
        grid_href: format!("/grids/{}", task.grid_id),
        // A decided task may have deleted its record (moved out), so only live tasks link to it.
        person_href: task
            .person_id
            .as_ref()
            .filter(|_| task.status != TaskStatus::Resolved)
            .map(|p| format!("/people/{}/{}", task.county_code, p)),
        source: task.source.clone(),
        fields: field_rows(u.lang, &task.fields),
        status: match task.status {
            TaskStatus::Open => t.task_open,
            TaskStatus::Claimed => t.task_claimed,
            TaskStatus::Resolved => t.task_resolved,
        },
        claimer: task
            .claimed_by
            .as_ref()
            .map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone()))
            .unwrap_or_default(),
        decision: task
            .decision
            .as_deref()
            .map(|d| decision_label(t, d))
            .unwrap_or_default(),
        note: task.note.clone().unwrap_or_default(),
        can_claim: task.status == TaskStatus::Open,
        // A center that may compare sources may also free a task a worker left behind.
        can_release: mine
            || (task.status == TaskStatus::Claimed && u.actor.can(Permission::CompareSources)),
        can_decide: mine,
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<i64>,
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let tab = Tab::parse(q.status.as_deref());
    let page = q.page.unwrap_or(1).clamp(1, 10_000);
    let view = build(
        &state,
        &u,
        tab,
        page,
        FormErrors::default(),
        Sent::default(),
    )
    .await?;
    Ok(render(&view))
}

async fn build(
    state: &AppState,
    u: &PageUser,
    tab: Tab,
    page: i64,
    errors: FormErrors,
    sent: Sent,
) -> Result<VerificationPage, AppError> {
    let filter = TaskFilter {
        status: Some(match tab {
            Tab::Open => TaskStatus::Open,
            Tab::Mine | Tab::Claimed => TaskStatus::Claimed,
            Tab::Resolved => TaskStatus::Resolved,
        }),
        claimed_by: (tab == Tab::Mine).then(|| u.actor.user_id.clone()),
        limit: PAGE_SIZE + 1,
        offset: (page - 1) * PAGE_SIZE,
        ..TaskFilter::default()
    };
    let tasks = state.store.verification_tasks(&u.actor, &filter).await?;
    let has_next = tasks.len() as i64 > PAGE_SIZE;
    let tasks = &tasks[..tasks.len().min(PAGE_SIZE as usize)];
    let mut ids: Vec<&str> = tasks
        .iter()
        .filter_map(|t| t.claimed_by.as_deref())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let names = state.store.usernames(&u.actor, &ids).await?;
    let t = u.lang.texts();
    let here = format!("/verification?status={}&page={page}", tab.key());
    Ok(VerificationPage {
        c: Chrome::build(state, u, "/verification", &here).await,
        tabs: Tab::ALL
            .into_iter()
            .map(|x| TabLink {
                href: format!("/verification?status={}", x.key()),
                label: x.label(t),
                active: x == tab,
            })
            .collect(),
        tab: tab.key(),
        rows: tasks.iter().map(|x| task_row(u, x, &names)).collect(),
        page,
        has_next,
        residence_types: ResidenceType::ALL
            .iter()
            .map(|r| (r.as_str(), base_labels::residence(u.lang, r.as_str())))
            .collect(),
        errors,
        sent,
    })
}

/// The hidden fields every action form carries: where to come back to.
#[derive(Deserialize, Default)]
pub struct Back {
    #[serde(default)]
    status: String,
    /// Text, not a number: a mangled page number brings back the first page, not a refusal.
    #[serde(default)]
    page: String,
}

/// After a done action, back to the list (the tab that now shows the task); after a refusal,
/// the list the form was on with the refusal said, under the status the store gave it.
async fn after(
    state: &AppState,
    u: &PageUser,
    back: &Back,
    done_tab: Tab,
    result: Result<(), StoreError>,
    sent: Sent,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/verification?status={}", done_tab.key())).into_response())
        }
        Err(e) => {
            let status = match &e {
                StoreError::Conflict(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let errors = form_errors(e)?;
            let tab = Tab::parse(Some(back.status.as_str()));
            let page = back.page.parse().unwrap_or(1_i64).clamp(1, 10_000);
            let view = build(state, u, tab, page, errors, sent).await?;
            let mut r = render(&view);
            *r.status_mut() = status;
            Ok(r)
        }
    }
}

pub async fn claim(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(back): Form<Back>,
) -> Result<Response, AppError> {
    let result = state.store.claim_task(&u.actor, &id).await.map(|_| ());
    let sent = Sent {
        task: id,
        ..Sent::default()
    };
    after(&state, &u, &back, Tab::Mine, result, sent).await
}

pub async fn release(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(back): Form<Back>,
) -> Result<Response, AppError> {
    let result = state.store.release_task(&u.actor, &id).await.map(|_| ());
    let sent = Sent {
        task: id,
        ..Sent::default()
    };
    after(&state, &u, &back, Tab::Open, result, sent).await
}

#[derive(Deserialize, Default)]
pub struct DecideForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    registered_address: String,
    #[serde(default)]
    residence_type: String,
    #[serde(default)]
    grid: String,
}

/// An empty box keeps the record's value: a form always sends every box, and a worker fills
/// only what they found different. (Clearing a phone stays with the API.)
fn given(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn decision_of(f: &DecideForm) -> Result<Decision, FieldError> {
    match f.decision.as_str() {
        "keep_record" => Ok(Decision::KeepRecord),
        "take_source" => Ok(Decision::TakeSource),
        "correct" => Ok(Decision::Correct(Correction {
            name: given(&f.name),
            phone: given(&f.phone),
            registered_address: given(&f.registered_address),
            residence_type: given(&f.residence_type),
            grid: given(&f.grid),
            ..Correction::default()
        })),
        _ => Err(FieldError::new(
            "decision",
            "unknown_decision",
            "请选择处理结果",
            "choose a decision",
        )),
    }
}

pub async fn decide(
    State(state): State<AppState>,
    u: PageUser,
    Path(id): Path<String>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    let result = match decision_of(&f) {
        Ok(d) => state
            .store
            .decide_task(&u.actor, &id, &d, &f.note)
            .await
            .map(|_| ()),
        Err(e) => Err(StoreError::from(e)),
    };
    let values = CORRECTION_FIELDS
        .into_iter()
        .zip([
            &f.name,
            &f.phone,
            &f.registered_address,
            &f.residence_type,
            &f.grid,
        ])
        .map(|(k, v)| (k, v.clone()))
        .collect();
    let sent = Sent {
        task: id,
        decision: f.decision,
        values,
        note: f.note,
    };
    let back = Back {
        status: f.status,
        page: f.page,
    };
    after(&state, &u, &back, Tab::Resolved, result, sent).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_only_differ_and_types_read_in_the_language() {
        let rows = field_rows(
            Lang::Zh,
            &serde_json::json!([
                {"field": "phone", "differs": true},
                {"field": "residence_type", "record": "registered", "source": "floating"}
            ]),
        );
        assert!(rows[0].differs_only && rows[0].record.is_empty());
        assert_eq!(rows[0].label, "电话");
        assert_eq!(
            (rows[1].record.as_str(), rows[1].source.as_str()),
            ("户籍", "流动")
        );
    }

    #[test]
    fn empty_boxes_keep_the_record_and_unknown_decisions_are_refused() {
        let f = DecideForm {
            decision: "correct".into(),
            phone: " 13812340000 ".into(),
            ..DecideForm::default()
        };
        let Ok(Decision::Correct(c)) = decision_of(&f) else {
            panic!("a correction");
        };
        assert_eq!(c.phone.as_deref(), Some("13812340000"));
        assert_eq!(c.name, None);
        let odd = DecideForm {
            decision: "shrug".into(),
            ..DecideForm::default()
        };
        assert_eq!(
            decision_of(&odd).err().map(|e| e.field),
            Some("decision".into())
        );
        assert_eq!(Tab::parse(Some("nonsense")), Tab::Open);
        assert_eq!(Tab::parse(Some("mine")), Tab::Mine);
    }
}
