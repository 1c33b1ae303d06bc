//! What the incident page shows of supervision: its cards, its extension requests, and which
//! of reminding, issuing a card, asking for and deciding an extension the caller may do now.

use gridgov_core::auth::Actor;
use gridgov_core::incidents::{IncidentState, Relation, Relations};
use serde::Serialize;
use sqlx::AnyConnection;

use super::rows::{CARD_COLUMNS, CARD_JOINS, CardView, EXTENSION_COLUMNS, ExtensionView};
use super::seen::{allowed_on, mark_overdue};
use crate::StoreResult;
use crate::incidents::act_tasks::caller_task;
use crate::incidents::facts::{CallerFacts, state_of};
use crate::incidents::{IncidentView, TaskView};

/// One card with the actions open to the caller on it.
#[derive(Debug, Clone, Serialize)]
pub struct CardWithActions {
    #[serde(flatten)]
    pub card: CardView,
    pub allowed: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct IncidentSupervision {
    pub cards: Vec<CardWithActions>,
    pub extensions: Vec<ExtensionView>,
    /// The caller is a higher center and the incident is open: a reminder or a card.
    pub may_remind: bool,
    pub may_supervise: bool,
    /// The caller's tasks in progress they may ask more time for (none while one waits).
    pub extension_tasks: Vec<String>,
    /// The caller is the dispatching center: pending requests are theirs to decide.
    pub may_decide_extensions: bool,
}

/// Supervision as the page shows it, read beside the incident (already through the doors).
pub(crate) async fn on_incident(
    conn: &mut AnyConnection,
    actor: &Actor,
    caller: &CallerFacts,
    incident: &IncidentView,
    tasks: &[TaskView],
    rel: Relations,
    now: i64,
) -> StoreResult<IncidentSupervision> {
    let (county, id) = (&incident.county_code, &incident.id);
    let mut cards = sqlx::query_as::<_, CardView>(&format!(
        "SELECT {CARD_COLUMNS} FROM supervision_cards c {CARD_JOINS} \
         WHERE c.county_code = $1 AND c.incident_id = $2 ORDER BY c.created_at, c.id"
    ))
    .bind(county)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut with_actions = Vec::with_capacity(cards.len());
    for mut card in cards.drain(..) {
        mark_overdue(&mut card, now)?;
        let allowed = allowed_on(actor, caller, &card)?;
        with_actions.push(CardWithActions { card, allowed });
    }
    let extensions = sqlx::query_as::<_, ExtensionView>(&format!(
        "SELECT {EXTENSION_COLUMNS} FROM incident_extensions x \
         WHERE x.county_code = $1 AND x.incident_id = $2 ORDER BY x.asked_at, x.id"
    ))
    .bind(county)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let state = state_of(incident)?;
    let higher = rel.contains(Relation::HigherCenter) && state.is_open();
    let extension_tasks = if state == IncidentState::InProgress {
        tasks
            .iter()
            .filter(|t| t.state == "in_progress")
            .filter(|t| caller_task(actor, caller, tasks, &t.id).is_ok())
            .filter(|t| {
                !extensions
                    .iter()
                    .any(|x| x.task_id == t.id && x.state == "pending")
            })
            .map(|t| t.id.clone())
            .collect()
    } else {
        Vec::new()
    };
    Ok(IncidentSupervision {
        cards: with_actions,
        may_remind: higher,
        may_supervise: higher,
        extension_tasks,
        may_decide_extensions: rel.contains(Relation::DispatchingCenter)
            && extensions.iter().any(|x| x.state == "pending"),
        extensions,
    })
}
