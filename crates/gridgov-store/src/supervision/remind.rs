//! Reminders (催办): a higher center presses for progress on an open incident. Counted on the
//! incident and recorded on its stream; the incident's version stays, since a reminder changes
//! nothing an action decides from.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::incidents::{IncidentEvent, Relation};
use gridgov_core::notify::NoticeKind;
use gridgov_core::supervision::check_reply_text;
use serde_json::json;

use super::issue::{need_higher, need_open, see_in};
use crate::audit::{self, Change};
use crate::incidents::IncidentView;
use crate::incidents::rows::RETURNING_COLUMNS;
use crate::notices::{Held, Holders, NewNotice, enqueue_notices};
use crate::records::need;
use crate::{Store, StoreError, StoreResult};

impl Store {
    /// Reminds whoever holds the incident; only a center whose scope strictly contains the
    /// center holding it. The incident as it stands after, with the count.
    pub async fn remind_incident(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        note: &str,
    ) -> StoreResult<IncidentView> {
        need(actor, Permission::ViewIncidents)?;
        let note = check_reply_text("note", note)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let seen = see_in(&mut tx, actor, county, id).await?;
        need_higher(&seen, "催办", "remind")?;
        need_open(&seen)?;
        let fresh = sqlx::query_as::<_, IncidentView>(&format!(
            "UPDATE incidents SET reminders = reminders + 1, last_reminded_at = $3 \
             WHERE county_code = $1 AND id = $2 RETURNING {}",
            *RETURNING_COLUMNS
        ))
        .bind(county)
        .bind(id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let note_text = note.clone();
        let event = IncidentEvent::Reminded { note };
        event.check()?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "incident.remind",
                resource: format!("incident:{id}"),
                scope_path: &fresh.path,
                summary: json!({
                    "event": event,
                    "from": null,
                    "to": null,
                    "role": actor.role.as_str(),
                    "department": null,
                    "relation": Relation::HigherCenter.as_str(),
                }),
            },
        )
        .await?;
        // Whoever must act now is told, in this transaction; the count makes each reminder
        // its own event.
        let held = Held {
            county: &fresh.county_code,
            id: &fresh.id,
            center_path: &fresh.center_path,
        };
        let people = Holders::load(&mut tx, std::slice::from_ref(&held))
            .await?
            .acting(&held);
        let notice = NewNotice {
            kind: NoticeKind::Supervised,
            county_code: Some(fresh.county_code.clone()),
            incident_id: Some(fresh.id.clone()),
            incident_number: fresh.number.clone(),
            title: fresh.title.clone(),
            params: json!({"how": "remind", "reason": note_text}),
            event_key: format!(
                "incident:{}:{}:remind:{}",
                fresh.county_code, fresh.id, fresh.reminders
            ),
            path: fresh.path.clone(),
        };
        enqueue_notices(&mut tx, now, &notice, &people).await?;
        tx.commit().await?;
        Ok(fresh)
    }
}
