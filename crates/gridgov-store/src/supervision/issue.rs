//! Issuing a supervision card (督办单): from a higher center, to the center or department that
//! holds the work, with a deadline for a written reply on the incident's calendar. The card,
//! its own record and one event on the incident's record are written in one transaction.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::error::Checker;
use gridgov_core::incidents::{IncidentEvent, Relation, Relations};
use gridgov_core::notify::NoticeKind;
use gridgov_core::supervision::{
    AddresseeFacts, CardColour, CardDue, card_due_at, check_addressee, check_reply_text,
};
use gridgov_core::{FieldError, Invalid};
use serde_json::json;
use sqlx::{Any, AnyConnection, Transaction};

use super::input::CardInput;
use super::rows::CardView;
use super::seen::card_by_key;
use crate::audit::{self, Change};
use crate::error::Refused;
use crate::incidents::facts::{
    CallerFacts, assignee_of, caller_facts, incident_with_tasks, relations, state_of,
};
use crate::incidents::{IncidentView, TaskView};
use crate::notices::{NewNotice, addressed, enqueue_notices};
use crate::records::need;
use crate::settings::layers_for_path;
use crate::{Store, StoreError, StoreResult};

/// The incident as an action of supervision decides from.
pub(super) struct Seen {
    pub caller: CallerFacts,
    pub incident: IncidentView,
    pub tasks: Vec<TaskView>,
    pub rel: Relations,
}

/// The incident through the caller's doors, read in the write transaction (`NotFound`
/// outside them).
pub(super) async fn see_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    county: &str,
    id: &str,
) -> StoreResult<Seen> {
    let caller = caller_facts(conn, actor).await?;
    let (incident, tasks) = incident_with_tasks(conn, &caller.doors(actor), county, id).await?;
    let rel = relations(actor, &caller, &incident, &tasks)?;
    Ok(Seen {
        caller,
        incident,
        tasks,
        rel,
    })
}

/// A refusal of supervision on this incident, with its state and version.
pub(super) fn refused(i: &IncidentView, code: &'static str, zh: String, en: String) -> StoreError {
    StoreError::Refused(Box::new(Refused {
        code,
        zh,
        en,
        state: i.state.clone(),
        version: i.version,
        allowed: Vec::new(),
    }))
}

/// Only a center whose scope strictly contains the center holding the incident (core's
/// `higher_center` relation) presses on it; anyone else who sees it is told why (403).
pub(super) fn need_higher(seen: &Seen, zh_what: &str, en_what: &str) -> StoreResult<()> {
    if seen.rel.contains(Relation::HigherCenter) {
        return Ok(());
    }
    Err(refused(
        &seen.incident,
        "not_higher_center",
        format!("只有上级中心可以{zh_what}：您不是承办该事件的中心的上级"),
        format!("only a higher center may {en_what}: you are not above the center holding it"),
    ))
}

/// Pressure is for open work: a closed, rated, rejected or merged incident is refused (409).
pub(super) fn need_open(seen: &Seen) -> StoreResult<()> {
    if state_of(&seen.incident)?.is_open() {
        return Ok(());
    }
    let s = state_of(&seen.incident)?;
    Err(refused(
        &seen.incident,
        "action_not_from_state",
        format!("事件已「{}」，不能再督办", s.label_zh()),
        format!("the incident is {}: nothing left to press on", s.as_str()),
    ))
}

/// A card's content checked before anything is read: every fault at once.
pub(super) struct CardContent {
    pub colour: CardColour,
    pub due: CardDue,
    pub note: String,
}

pub(super) fn card_content(
    colour: &str,
    due_days: &str,
    due_date: &str,
    note: &str,
) -> StoreResult<CardContent> {
    let mut c = Checker::new();
    let colour = c.check(CardColour::parse("colour", colour));
    let due = c.check(CardDue::parse(due_days, due_date));
    let note = c.check(check_reply_text("note", note));
    c.finish()?;
    match (colour, due, note) {
        (Some(colour), Some(due), Some(note)) => Ok(CardContent { colour, due, note }),
        _ => Err(StoreError::Internal("checked card content missing".into())),
    }
}

/// Where a card goes, as stored: type, id, path.
struct Addressee {
    kind: &'static str,
    id: String,
    path: String,
}

fn unknown_addressee() -> StoreError {
    FieldError::new(
        "addressee",
        "unknown",
        "督办对象须为 center:<区划代码> 或 department:<部门编号>",
        "the addressee must be center:<region code> or department:<id>",
    )
    .into()
}

/// The addressee named, found and checked against the issuer's scope and the incident's work.
async fn addressee(
    conn: &mut AnyConnection,
    actor: &Actor,
    seen: &Seen,
    named: &str,
) -> StoreResult<Addressee> {
    let named = named.trim();
    let found = match named.split_once(':') {
        None if named.is_empty() || named == "center" => {
            let path = seen.incident.center_path.clone();
            let code = path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            Addressee {
                kind: "center",
                id: code,
                path,
            }
        }
        Some(("center", code)) => {
            let path: String = sqlx::query_scalar("SELECT path FROM regions WHERE code = $1")
                .bind(code.trim())
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(unknown_addressee)?;
            Addressee {
                kind: "center",
                id: code.trim().to_owned(),
                path,
            }
        }
        Some(("department", dep)) => {
            let path: String =
                sqlx::query_scalar("SELECT path FROM departments WHERE id = $1 AND active = 1")
                    .bind(dep.trim())
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(unknown_addressee)?;
            Addressee {
                kind: "department",
                id: dep.trim().to_owned(),
                path,
            }
        }
        _ => return Err(unknown_addressee()),
    };
    let facts = if found.kind == "center" {
        AddresseeFacts::Center { path: &found.path }
    } else {
        let holds_task = seen.tasks.iter().any(|t| {
            matches!(assignee_of(t),
                gridgov_core::incidents::Assignee::Department(d) if d == found.id)
        });
        AddresseeFacts::Department {
            path: &found.path,
            holds_task,
        }
    };
    check_addressee(&actor.scope, &seen.incident.path, facts)?;
    Ok(found)
}

/// Issues one card on an incident already seen in this transaction; `batch` names the listed
/// supervision it belongs to.
pub(super) async fn issue_one(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    seen: &Seen,
    content: &CardContent,
    addressee_named: &str,
    batch: Option<&str>,
    now: i64,
) -> StoreResult<CardView> {
    need_higher(seen, "督办", "issue a card")?;
    if !state_of(&seen.incident)?.is_open() {
        return Err(Invalid(vec![FieldError::new(
            "incident",
            "closed",
            "事件已结束，不能督办",
            "the incident is no longer open: a card presses on nothing",
        )])
        .into());
    }
    let to = addressee(&mut *tx, actor, seen, addressee_named).await?;
    let cal = layers_for_path(&mut *tx, &seen.incident.path)
        .await?
        .calendar()
        .unwrap_or_else(|_| gridgov_core::workdays::Calendar::official());
    let due_at = card_due_at(&cal, now, content.due)?;
    let i = &seen.incident;
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO supervision_cards (county_code, id, incident_id, colour, state, issuer_id, \
         issuer_path, addressee_type, addressee_id, addressee_path, note, due_at, batch_id, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'issued', $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
    )
    .bind(&i.county_code)
    .bind(&id)
    .bind(&i.id)
    .bind(content.colour.as_str())
    .bind(&actor.user_id)
    .bind(actor.scope.as_str())
    .bind(to.kind)
    .bind(&to.id)
    .bind(&to.path)
    .bind(&content.note)
    .bind(due_at)
    .bind(batch)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let addressee = format!("{}:{}", to.kind, to.id);
    audit::append(
        tx,
        now,
        actor,
        Change {
            action: "supervision.issue",
            resource: format!("supervision_card:{id}"),
            scope_path: &i.path,
            summary: json!({
                "incident": format!("{}/{}", i.county_code, i.id),
                "colour": content.colour.as_str(),
                "addressee": addressee,
                "due_at": due_at,
                "note": content.note,
                "batch": batch,
                "to": "issued",
            }),
        },
    )
    .await?;
    let event = IncidentEvent::Supervised {
        card_id: id.clone(),
        colour: content.colour,
        addressee,
        due_at,
        note: content.note.clone(),
    };
    event.check()?;
    audit::append(
        tx,
        now,
        actor,
        Change {
            action: "incident.supervise",
            resource: format!("incident:{}", i.id),
            scope_path: &i.path,
            summary: json!({
                "event": event,
                "from": null,
                "to": null,
                "role": actor.role.as_str(),
                "department": null,
            }),
        },
    )
    .await?;
    // The addressee's notice (督办通知), in this transaction: a card and its notice are kept
    // or lost together.
    let people = addressed(&mut *tx, to.kind, &to.id, &to.path).await?;
    let notice = NewNotice {
        kind: NoticeKind::Supervised,
        county_code: Some(i.county_code.clone()),
        incident_id: Some(i.id.clone()),
        incident_number: i.number.clone(),
        title: i.title.clone(),
        params: json!({"how": "card", "colour": content.colour.as_str(), "reason": content.note}),
        event_key: format!("card:{}:{id}:supervised", i.county_code),
        path: i.path.clone(),
    };
    enqueue_notices(&mut *tx, now, &notice, &people).await?;
    card_by_key(&mut *tx, &i.county_code, &id, now).await
}

impl Store {
    /// Issues a supervision card on one incident the caller sees, as a higher center.
    pub async fn issue_card(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &CardInput,
    ) -> StoreResult<CardView> {
        need(actor, Permission::ViewIncidents)?;
        let content = card_content(&input.colour, &input.due_days, &input.due_date, &input.note)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let seen = see_in(&mut tx, actor, county, id).await?;
        let card = issue_one(&mut tx, actor, &seen, &content, &input.addressee, None, now).await?;
        tx.commit().await?;
        Ok(card)
    }
}
