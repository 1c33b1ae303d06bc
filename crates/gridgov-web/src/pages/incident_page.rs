//! One incident's page (`/incidents/{county}/{id}`): its details, place, parties, attachments,
//! tasks and timeline, and one small form per action the store says the caller may take now,
//! each carrying the version it was read at. An action posted from here comes back to the page:
//! refused for the incident's state or a stale version (409) or for the caller (403) with the
//! reason and the incident as it stands now, or with its field errors (422).

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gridgov_core::auth::Role;
use gridgov_core::escalation::Mark;
use gridgov_core::incidents::IncidentAction;
use gridgov_core::scope::ScopePath;
use gridgov_store::StoreError;
use gridgov_store::attachments::{AttachmentKind, AttachmentView, Owner, OwnerKind};
use gridgov_store::incidents::{ActionInput, DispatchInput, IncidentPage, IncidentView};
use serde::Deserialize;

use super::grids::form_errors;
use super::incident_escalation::{escalation_note, rung_text};
use super::incident_form::{self, Posted};
use super::incident_labels::{
    ActionFields, Choice, action_fields, action_label, evaluation_choices, evaluation_label,
    grade_choices, grade_label, level_label, source_label, state_label, task_kind_label,
    task_state_label,
};
use super::incident_new::pending_uploads;
use super::incidents::{caller_departments, caller_grids, category_names, choices};
use super::{Chrome, FormErrors, render, time};
use crate::app::AppState;
use crate::auth::PageUser;
use crate::auth::csrf::Deferred;
use crate::error::AppError;
use crate::i18n::IncidentTexts;

pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

pub struct PartyRow {
    pub name: String,
    pub side: String,
    pub note: String,
    /// The person's page, when the party was found by ID number.
    pub href: Option<String>,
}

pub struct AttachmentRow {
    pub href: String,
    pub thumb: Option<String>,
    pub file_name: String,
    pub kind: &'static str,
    pub size: String,
}

pub struct TaskRow {
    pub kind: String,
    pub assignee: String,
    pub state: String,
    pub handler: String,
    pub result: String,
    /// For a whistle's summons: reported in (when), or due by when.
    pub report_in: String,
    /// The task's light (CSS name, label) and due time while its clock runs.
    pub light: Option<(&'static str, &'static str)>,
    pub due: String,
}

pub struct EventRow {
    pub at: String,
    pub actor: String,
    pub role: String,
    pub department: String,
    pub action: String,
    pub transition: String,
    pub note: String,
    pub attachments: Vec<(String, String)>,
}

/// One form of an action the caller may take.
pub struct ActionForm {
    pub code: &'static str,
    pub label: String,
    pub f: ActionFields,
    /// The field errors of this form, when it was the one posted.
    pub errors: Vec<String>,
}

/// A notice above the page: after an action, or why one was not done.
pub struct Notice {
    pub ok: bool,
    pub text: String,
}

#[derive(Template)]
#[template(path = "incident.html")]
pub struct Page {
    /// What the text suggests, where the operator accepts or dispatches.
    pub suggestion: Vec<String>,
    pub c: Chrome,
    pub it: &'static IncidentTexts,
    pub i: IncidentView,
    pub state: String,
    pub facts: Vec<Fact>,
    pub location: String,
    pub grid: String,
    pub shirking: bool,
    /// The incident's light (CSS name, label) and due time while a step's clock runs.
    pub light: Option<(&'static str, &'static str)>,
    pub due: String,
    pub parties: Vec<PartyRow>,
    pub attachments: Vec<AttachmentRow>,
    pub tasks: Vec<TaskRow>,
    pub timeline: Vec<EventRow>,
    pub actions: Vec<ActionForm>,
    pub action_path: String,
    pub notice: Option<Notice>,
    pub grades: Vec<Choice>,
    pub evaluations: Vec<Choice>,
    pub departments: Vec<Choice>,
    pub grids: Vec<Choice>,
    pub task_choices: Vec<Choice>,
    /// The handled tasks, for a rework's choice.
    pub handled_choices: Vec<Choice>,
    /// Reminders, cards and extensions, with the forms open to the caller.
    pub sup: super::supervision_incident::SupervisionSection,
    pub st: &'static crate::i18n::SupervisionTexts,
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
    Query(d): Query<Done>,
) -> Result<Response, AppError> {
    let it = u.lang.incident_texts();
    let notice = d.done.map(|what| Notice {
        ok: true,
        text: if what == "reported" {
            it.incident_reported
        } else {
            it.action_done
        }
        .to_owned(),
    });
    let page = build(&state, &u, &county, &id, notice, None).await?;
    Ok(render(&page))
}

/// The posted action's field errors, to show beside its form.
struct ActionErrors {
    action: String,
    errors: FormErrors,
}

async fn build(
    state: &AppState,
    u: &PageUser,
    county: &str,
    id: &str,
    notice: Option<Notice>,
    posted: Option<ActionErrors>,
) -> Result<Page, AppError> {
    let it = u.lang.incident_texts();
    let lang = u.lang;
    let p: IncidentPage = state.store.incident_page(&u.actor, county, id).await?;
    let i = p.incident.clone();
    let owner = Owner {
        kind: OwnerKind::Incident,
        id: i.id.clone(),
        path: ScopePath::from_path(i.path.clone()),
    };
    let attachments = state.store.attachments_of(&u.actor, &owner).await?;
    let names: HashMap<String, String> = p
        .timeline
        .iter()
        .map(|e| (e.actor_id.clone(), e.actor_name.clone()))
        .collect();
    let files: HashMap<&str, &AttachmentView> =
        attachments.iter().map(|a| (a.id.as_str(), a)).collect();
    let categories = category_names(state, u, true).await?;
    let category = categories
        .iter()
        .find(|(code, _, _)| *code == i.category_code)
        .map_or_else(
            || i.category_code.clone(),
            |(code, name, _)| format!("{code} {}", name.trim_start_matches('\u{3000}')),
        );
    let grid = match &i.grid_id {
        Some(g) => match state.store.grid(&u.actor, g).await {
            Ok(row) => format!("{} {}", row.grid.code, row.grid.name),
            Err(StoreError::NotFound | StoreError::Forbidden) => g.clone(),
            Err(e) => return Err(e.into()),
        },
        None => String::new(),
    };
    let location = match (&i.lng, &i.lat) {
        (Some(x), Some(y)) => format!("{x}, {y}"),
        _ => it.no_location.to_owned(),
    };
    let dash = |s: String| if s.is_empty() { "—".to_owned() } else { s };
    let facts = vec![
        Fact {
            label: it.category,
            value: category,
        },
        Fact {
            label: it.grade,
            value: grade_label(lang, &i.grade),
        },
        Fact {
            label: it.source,
            value: source_label(lang, &i.source),
        },
        Fact {
            label: it.reporter,
            value: i.reporter_name.clone(),
        },
        Fact {
            label: it.reported_at,
            value: time::minute(i.reported_at),
        },
        Fact {
            label: it.occurred_at,
            value: dash(i.occurred_at.map(time::minute).unwrap_or_default()),
        },
        Fact {
            label: it.resolution_level,
            value: dash(
                i.resolution_level
                    .as_deref()
                    .map(|l| level_label(lang, l))
                    .unwrap_or_default(),
            ),
        },
        Fact {
            label: it.evaluation,
            value: dash(
                i.evaluation
                    .as_deref()
                    .map(|e| evaluation_label(lang, e))
                    .unwrap_or_default(),
            ),
        },
        Fact {
            label: it.reopen_count,
            value: i.reopen_count.to_string(),
        },
        Fact {
            label: it.rework_count,
            value: i.rework_count.to_string(),
        },
        Fact {
            label: it.return_count,
            value: i.return_count.to_string(),
        },
        Fact {
            label: it.ladder,
            value: i
                .ladder
                .as_ref()
                .map_or_else(|| it.ladder_none.to_owned(), |r| rung_text(lang, r)),
        },
    ];
    let mut facts = facts;
    if i.ladder_top_at.is_some() {
        facts.push(Fact {
            label: it.guarantor,
            value: i
                .guarantor_name
                .clone()
                .unwrap_or_else(|| it.no_guarantor.to_owned()),
        });
    }
    let parties = p
        .parties
        .iter()
        .map(|x| PartyRow {
            name: x.name.clone(),
            side: x.side.clone(),
            note: x.note.clone(),
            href: match (&x.person_county, &x.person_id) {
                (Some(c), Some(pid)) => Some(format!("/people/{c}/{pid}")),
                _ => None,
            },
        })
        .collect();
    let attachment_rows = attachments
        .iter()
        .map(|a| AttachmentRow {
            href: format!("/attachments/{}", a.id),
            thumb: a
                .has_thumbnail
                .then(|| format!("/attachments/{}/thumb", a.id)),
            file_name: a.file_name.clone(),
            kind: match a.kind {
                AttachmentKind::Photo => it.photo,
                AttachmentKind::Document => it.document,
            },
            size: size(a.size_bytes),
        })
        .collect();
    let tasks = p
        .tasks
        .iter()
        .map(|t| TaskRow {
            light: t
                .light
                .map(|l| (l.as_str(), lang.pick(l.label_zh(), l.label_en()))),
            due: t.due_at.map(super::time::minute).unwrap_or_default(),
            kind: task_kind_label(lang, &t.kind),
            assignee: t.assignee_name.clone(),
            state: task_state_label(lang, &t.state),
            handler: t
                .handler_id
                .as_ref()
                .map(|h| names.get(h).cloned().unwrap_or_else(|| h.clone()))
                .unwrap_or_default(),
            result: t.result.clone().unwrap_or_default(),
            report_in: if t.summoned == 0 {
                String::new()
            } else if let Some(at) = t.reported_in_at {
                format!("{} {}", it.reported_in, time::minute(at))
            } else {
                format!(
                    "{} {}",
                    it.report_in_due,
                    t.report_in_due.map(time::minute).unwrap_or_default()
                )
            },
        })
        .collect();
    let timeline = p
        .timeline
        .iter()
        .map(|e| {
            let text = |k: &str| {
                e.event
                    .get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let note = ["reason", "result", "note"]
                .iter()
                .map(|k| text(k))
                .filter(|s| !s.is_empty())
                .chain(escalation_note(lang, it, &e.event))
                .collect::<Vec<_>>()
                .join(" · ");
            let ids: Vec<String> = e
                .event
                .get("attachments")
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            EventRow {
                at: time::minute(e.at),
                actor: e.actor_name.clone(),
                role: e
                    .role
                    .as_deref()
                    .and_then(|r| Role::parse("role", r).ok())
                    .map(|r| lang.pick(r.zh(), r.en()).to_owned())
                    .unwrap_or_default(),
                department: e.department.clone().unwrap_or_default(),
                action: {
                    let code = e.action.trim_start_matches("incident.");
                    match Mark::parse("kind", code) {
                        Ok(m) => lang.pick(m.label_zh(), m.label_en()).to_owned(),
                        Err(_) => super::supervision_incident::event_label(lang, &e.action)
                            .unwrap_or_else(|| action_label(lang, code)),
                    }
                },
                transition: match (&e.from, &e.to) {
                    (Some(f), Some(t)) if f != t => {
                        format!("{} → {}", state_label(lang, f), state_label(lang, t))
                    }
                    _ => String::new(),
                },
                note,
                attachments: ids
                    .iter()
                    .filter_map(|id| files.get(id.as_str()))
                    .map(|a| (format!("/attachments/{}", a.id), a.file_name.clone()))
                    .collect(),
            }
        })
        .collect();
    let actions = p
        .allowed
        .iter()
        .filter_map(|code| IncidentAction::parse("action", code).ok())
        .map(|a| ActionForm {
            code: a.as_str(),
            label: lang.pick(a.label_zh(), a.label_en()).to_owned(),
            f: action_fields(a),
            errors: match &posted {
                Some(pd) if pd.action == a.as_str() => pd
                    .errors
                    .0
                    .iter()
                    .map(|e| format!("{}: {}", e.field, lang.pick(&e.zh, &e.en)))
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect::<Vec<_>>();
    let needs = |pick: fn(&ActionFields) -> bool| actions.iter().any(|a| pick(&a.f));
    let departments = if needs(|f| f.dispatch || f.summon) {
        caller_departments(state, u).await?
    } else {
        Vec::new()
    };
    let grids = if needs(|f| f.dispatch) {
        caller_grids(state, u).await?
    } else {
        Vec::new()
    };
    let live: Vec<(String, String)> = p
        .tasks
        .iter()
        .filter(|t| matches!(t.state.as_str(), "assigned" | "accepted" | "in_progress"))
        .map(|t| {
            (
                t.id.clone(),
                format!("{} · {}", task_kind_label(lang, &t.kind), t.assignee_name),
            )
        })
        .collect();
    let handled_choices = p
        .tasks
        .iter()
        .filter(|t| t.state == "handled")
        .map(|t| Choice {
            value: t.id.clone(),
            label: format!("{} · {}", task_kind_label(lang, &t.kind), t.assignee_name),
            selected: false,
        })
        .collect();
    let suggestion = if needs(|f| f.dispatch) || p.allowed.iter().any(|a| a == "accept") {
        state
            .store
            .incident_suggestion(&u.actor, county, id)
            .await
            .ok()
    } else {
        None
    };
    let suggested_lead = suggestion
        .as_ref()
        .and_then(|s| s.departments.first())
        .map(|d| d.code.clone())
        .unwrap_or_default();
    let suggestion = suggestion
        .map(|s| super::incident_suggestion::lines(lang, &s))
        .unwrap_or_default();
    let sup = super::supervision_incident::section(lang, &i, &p.supervision, &p.tasks);
    Ok(Page {
        suggestion,
        sup,
        st: lang.supervision_texts(),
        c: Chrome::build(state, u, "/incidents", &format!("/incidents/{county}/{id}")).await,
        it,
        state: state_label(lang, &i.state),
        facts,
        location,
        grid,
        shirking: i.shirking != 0,
        light: i
            .light
            .map(|l| (l.as_str(), lang.pick(l.label_zh(), l.label_en()))),
        due: i.due_at.map(super::time::minute).unwrap_or_default(),
        parties,
        attachments: attachment_rows,
        tasks,
        timeline,
        actions,
        action_path: format!("/incidents/{county}/{id}/actions"),
        notice,
        grades: grade_choices(lang, "", Some(it.none)),
        evaluations: evaluation_choices(lang, "", None),
        departments: choices(&departments, &suggested_lead, it.none),
        grids: choices(&grids, "", it.none),
        task_choices: choices(&live, "", it.any_task),
        handled_choices,
        i,
    })
}

/// A size as people read it.
fn size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KiB", b / 1024),
        b => format!("{b} B"),
    }
}

/// The action as the store takes it, from the posted form.
fn action_input(p: &Posted, attachments: Vec<String>) -> ActionInput {
    ActionInput {
        action: p.get("action"),
        // A version that is not a number is stale by definition: the store says so.
        version: p.get("version").parse().unwrap_or(-1),
        note: p.get("note"),
        reason: p.get("reason"),
        grade: p.get("grade"),
        into: p.get("into"),
        dispatch: DispatchInput {
            territorial_grid: p.get("territorial_grid"),
            territorial_region: p.get("territorial_region"),
            lead_department: p.get("lead_department"),
            assist_departments: p.all("assist_departments"),
        },
        task_id: p.get("task_id"),
        task_ids: p.all("task_ids"),
        result: p.get("result"),
        attachments,
        evaluation: p.get("evaluation"),
        departments: p.all("departments"),
        report_in_hours: p.get("report_in_hours").parse().ok(),
    }
}

pub async fn act(
    State(state): State<AppState>,
    u: PageUser,
    Path((county, id)): Path<(String, String)>,
    deferred: Option<Extension<Deferred>>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let mut p = match incident_form::read(deferred.as_ref().map(|d| &d.0), multipart).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    // Nothing is uploaded for an incident the caller cannot see.
    let seen = state.store.incident(&u.actor, &county, &id).await?;
    let action = p.get("action");
    let (carried, refused) = pending_uploads(&state, &u, &mut p).await?;
    if !refused.is_empty() {
        return again(
            &state,
            &u,
            &county,
            &id,
            action,
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let input = action_input(&p, carried.into_iter().map(|c| c.id).collect());
    // What the operator was shown, to record whether they took it.
    let shown = if matches!(input.action.as_str(), "accept" | "dispatch") {
        state
            .store
            .incident_suggestion(&u.actor, &county, &id)
            .await
            .ok()
    } else {
        None
    };
    match state
        .store
        .act_on_incident(&u.actor, &county, &id, &input)
        .await
    {
        Ok(_) => {
            if let Some(shown) = &shown {
                super::incident_suggestion::record(
                    &state,
                    &u,
                    &county,
                    &id,
                    &seen.category_code,
                    shown,
                    &input,
                )
                .await;
            }
            Ok(Redirect::to(&format!("/incidents/{county}/{id}?done=action")).into_response())
        }
        Err(StoreError::Refused(r)) => {
            let status = if r.is_conflict() {
                StatusCode::CONFLICT
            } else {
                StatusCode::FORBIDDEN
            };
            let it = u.lang.incident_texts();
            let mut text = format!("{}：{}", it.refused, u.lang.pick(&r.zh, &r.en));
            if r.is_conflict() {
                text.push_str(&format!(" {}", it.stale_hint));
            }
            refused_page(&state, &u, &county, &id, text, status).await
        }
        Err(StoreError::VersionConflict) => {
            let it = u.lang.incident_texts();
            let text = format!(
                "{}：{} {}",
                it.refused,
                u.lang.pick(
                    &super::department_page::stale().zh,
                    &super::department_page::stale().en
                ),
                it.stale_hint
            );
            refused_page(&state, &u, &county, &id, text, StatusCode::CONFLICT).await
        }
        Err(e) => {
            let errors = form_errors(e)?;
            again(
                &state,
                &u,
                &county,
                &id,
                action,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub(super) async fn refused_page(
    state: &AppState,
    u: &PageUser,
    county: &str,
    id: &str,
    text: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let notice = Some(Notice { ok: false, text });
    let page = build(state, u, county, id, notice, None).await?;
    let mut r = render(&page);
    *r.status_mut() = status;
    Ok(r)
}

async fn again(
    state: &AppState,
    u: &PageUser,
    county: &str,
    id: &str,
    action: String,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let notice = Some(Notice {
        ok: false,
        text: format!(
            "{}：{}",
            u.lang.incident_texts().refused,
            errors
                .0
                .iter()
                .map(|e| u.lang.pick(&e.zh, &e.en).to_owned())
                .collect::<Vec<_>>()
                .join("；")
        ),
    });
    let posted = Some(ActionErrors { action, errors });
    let page = build(state, u, county, id, notice, posted).await?;
    let mut r = render(&page);
    *r.status_mut() = status;
    Ok(r)
}
