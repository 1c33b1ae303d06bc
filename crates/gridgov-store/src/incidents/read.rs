//! One incident as its page shows it: the details, the tasks, the parties, the timeline of its
//! record and the actions open to the caller now.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::incidents::IncidentAction;
use serde::Serialize;
use sqlx::AnyConnection;

use super::duplicates::DuplicateSuggestion;
use super::facts::{caller_facts, incident_in_doors, open_actions, relations, tasks_of};
use super::merged::{CarriedOn, MergedHere, carried_on, merged_here};
use super::rows::{IncidentView, PartyView, TaskView};
use crate::records::need;
use crate::{Store, StoreResult};

/// One entry of the incident's record: who did what, when, from which state to which.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub seq: i64,
    pub at: i64,
    pub actor_id: String,
    pub actor_name: String,
    /// `incident.dispatch` …
    pub action: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub role: Option<String>,
    pub department: Option<String>,
    /// The typed event, as recorded (`{"kind": "dispatched", …}`).
    pub event: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentPage {
    pub incident: IncidentView,
    pub tasks: Vec<TaskView>,
    pub parties: Vec<PartyView>,
    pub attachments: Vec<String>,
    pub timeline: Vec<TimelineEntry>,
    /// The actions the caller may take now (`gridgov_core::incidents::IncidentAction` codes).
    pub allowed: Vec<String>,
    /// For a merged incident: how the incident that carried it on stands, at the end of the
    /// chain of merges.
    pub carried_on: Option<CarriedOn>,
    /// The incidents merged into this one that the caller sees.
    pub merged_here: Vec<MergedHere>,
    /// For a caller who may merge it now: earlier incidents it may duplicate.
    pub possible_duplicates: Vec<DuplicateSuggestion>,
    /// Its cards and extension requests, and what the caller may do of supervision.
    pub supervision: crate::supervision::IncidentSupervision,
}

impl Store {
    /// The incident, if the caller sees it through one of their doors.
    pub async fn incident(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
    ) -> StoreResult<IncidentView> {
        need(actor, Permission::ViewIncidents)?;
        let mut conn = self.pool.acquire().await?;
        let doors = caller_facts(&mut conn, actor).await?.doors(actor);
        incident_in_doors(&mut conn, &doors, county, id).await
    }

    /// The incident with everything its page shows.
    pub async fn incident_page(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
    ) -> StoreResult<IncidentPage> {
        need(actor, Permission::ViewIncidents)?;
        let mut conn = self.pool.acquire().await?;
        let caller = caller_facts(&mut conn, actor).await?;
        let doors = caller.doors(actor);
        let mut incident = incident_in_doors(&mut conn, &doors, county, id).await?;
        let mut tasks = tasks_of(&mut conn, county, id).await?;
        super::clock::light_up(&mut conn, self.now_ms(), &mut incident, &mut tasks).await?;
        let rel = relations(actor, &caller, &incident, &tasks)?;
        let open = open_actions(actor, rel, &incident)?;
        let parties = sqlx::query_as::<_, PartyView>(
            "SELECT seq, person_county, person_id, name, side, note FROM incident_parties \
             WHERE county_code = $1 AND incident_id = $2 ORDER BY seq",
        )
        .bind(county)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let attachments: Vec<String> = sqlx::query_scalar(
            "SELECT attachment_id FROM incident_attachments \
             WHERE county_code = $1 AND incident_id = $2 ORDER BY added_at, attachment_id",
        )
        .bind(county)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let timeline = stream_entries(&mut conn, &format!("incident:{id}"), false).await?;
        let carried_on = carried_on(
            &mut conn,
            incident.merged_into_county.as_deref(),
            incident.merged_into.as_deref(),
        )
        .await?;
        let merged_here = merged_here(&mut conn, &doors, county, id).await?;
        let supervision = crate::supervision::on_incident(
            &mut conn,
            actor,
            &caller,
            &incident,
            &tasks,
            rel,
            self.now_ms(),
        )
        .await?;
        drop(conn);
        // Whoever may merge it now is shown what it may duplicate, to decide on.
        let possible_duplicates = if open.contains(&IncidentAction::Merge) {
            self.possible_duplicates(actor, &incident, None).await?
        } else {
            Vec::new()
        };
        Ok(IncidentPage {
            supervision,
            carried_on,
            merged_here,
            possible_duplicates,
            incident,
            tasks,
            parties,
            attachments,
            timeline,
            allowed: open.iter().map(|a| a.as_str().to_owned()).collect(),
        })
    }
}

/// An audit stream read back as timeline entries: an incident's, or a supervision card's. A
/// record's `event` is its summary's `event`; for streams whose records keep their summary whole
/// (a card's), `whole_summary` takes the summary itself when it has none.
pub(crate) async fn stream_entries(
    conn: &mut AnyConnection,
    stream: &str,
    whole_summary: bool,
) -> StoreResult<Vec<TimelineEntry>> {
    let rows: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT seq, at, actor_id, actor_name, action, summary FROM audit_log \
         WHERE stream = $1 ORDER BY seq",
    )
    .bind(stream)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, at, actor_id, actor_name, action, summary)| {
            let v: serde_json::Value = serde_json::from_str(&summary).unwrap_or_default();
            let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
            let event = match v.get("event") {
                Some(e) => e.clone(),
                None if whole_summary => v.clone(),
                None => serde_json::Value::Null,
            };
            TimelineEntry {
                seq,
                at,
                actor_id,
                actor_name,
                action,
                from: text("from"),
                to: text("to"),
                role: text("role"),
                department: text("department"),
                event,
            }
        })
        .collect())
}
