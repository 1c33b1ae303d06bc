//! Extensions (延期): a handler asks for more working days on their task while it is in
//! progress; the dispatching center grants or refuses. A grant moves the task's due time and
//! the incident's (`incidents::clock::extend_task`) and bumps the incident's version, so an
//! action decided from the old clock is refused as stale rather than writing over it.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::incidents::{IncidentEvent, IncidentState, Relation};
use gridgov_core::supervision::{DEFAULT_MAX_EXTENSION_DAYS, ExtensionState, check_extension_days};
use serde_json::json;
use sqlx::{Any, Transaction};

use super::input::{ExtensionDecision, ExtensionInput};
use super::issue::{Seen, refused, see_in};
use super::rows::{EXTENSION_COLUMNS, ExtensionView};
use crate::audit::{self, Change};
use crate::error::is_unique_violation;
use crate::incidents::act::{optional_text, required_reason};
use crate::incidents::act_tasks::caller_task;
use crate::incidents::facts::{state_of, stored};
use crate::records::need;
use crate::{Store, StoreError, StoreResult};

fn pending_already() -> StoreError {
    StoreError::Conflict(FieldError::new(
        "task_id",
        "extension_pending",
        "该任务已有待审批的延期申请",
        "this task already has an extension request waiting for a decision",
    ))
}

async fn extension(
    tx: &mut Transaction<'static, Any>,
    county: &str,
    incident_id: &str,
    id: &str,
) -> StoreResult<ExtensionView> {
    sqlx::query_as::<_, ExtensionView>(&format!(
        "SELECT {EXTENSION_COLUMNS} FROM incident_extensions x \
         WHERE x.county_code = $1 AND x.incident_id = $2 AND x.id = $3"
    ))
    .bind(county)
    .bind(incident_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)
}

async fn record(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    seen: &Seen,
    action: &str,
    event: IncidentEvent,
    now: i64,
) -> StoreResult<()> {
    event.check()?;
    audit::append(
        tx,
        now,
        actor,
        Change {
            action,
            resource: format!("incident:{}", seen.incident.id),
            scope_path: &seen.incident.path,
            summary: json!({
                "event": event,
                "from": null,
                "to": null,
                "role": actor.role.as_str(),
                "department": seen.caller.department_id,
            }),
        },
    )
    .await
}

impl Store {
    /// Asks for more working days on the caller's task, which must be in progress; refused
    /// past the category's maximum and while another request for the task waits.
    pub async fn request_extension(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &ExtensionInput,
    ) -> StoreResult<ExtensionView> {
        need(actor, Permission::ViewIncidents)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let seen = see_in(&mut tx, actor, county, id).await?;
        let task = caller_task(actor, &seen.caller, &seen.tasks, &input.task_id)?;
        if state_of(&seen.incident)? != IncidentState::InProgress || task.state != "in_progress" {
            return Err(refused(
                &seen.incident,
                "action_not_from_state",
                "只有办理中的任务可以申请延期".into(),
                "an extension is asked for while the task is in progress".into(),
            ));
        }
        let (pending, granted, max): (i64, i64, Option<i64>) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN x.state = 'pending' THEN 1 ELSE 0 END), 0) \
             AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN x.state = 'granted' THEN x.days ELSE 0 END), 0) \
             AS BIGINT), \
             (SELECT c.max_extension_days FROM incident_categories c WHERE c.code = $3) \
             FROM incident_extensions x WHERE x.county_code = $1 AND x.task_id = $2",
        )
        .bind(county)
        .bind(&task.id)
        .bind(&seen.incident.category_code)
        .fetch_one(&mut *tx)
        .await?;
        if pending > 0 {
            return Err(pending_already());
        }
        let max = max.unwrap_or(DEFAULT_MAX_EXTENSION_DAYS);
        let days = check_extension_days(&input.days, granted, max)?;
        let reason = required_reason(&input.reason)?;
        let ext_id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO incident_extensions (county_code, id, incident_id, task_id, days, reason, \
             state, asked_by, asked_at, due_before) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9)",
        )
        .bind(county)
        .bind(&ext_id)
        .bind(id)
        .bind(&task.id)
        .bind(days)
        .bind(&reason)
        .bind(&actor.user_id)
        .bind(now)
        .bind(task.due_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            // A concurrent request got in first: the index keeps one pending per task.
            if is_unique_violation(&e) {
                pending_already()
            } else {
                e.into()
            }
        })?;
        let event = IncidentEvent::ExtensionRequested {
            extension_id: ext_id.clone(),
            task_id: task.id.clone(),
            days,
            reason,
        };
        record(
            &mut tx,
            actor,
            &seen,
            "incident.request_extension",
            event,
            now,
        )
        .await?;
        let view = extension(&mut tx, county, id, &ext_id).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The dispatching center grants or refuses a pending request. Of two decisions at once,
    /// one is kept and the other refused (409).
    pub async fn decide_extension(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        extension_id: &str,
        input: &ExtensionDecision,
    ) -> StoreResult<ExtensionView> {
        need(actor, Permission::ViewIncidents)?;
        let now = self.now_ms();
        let note = optional_text("note", &input.note)?;
        let mut tx = self.begin_write().await?;
        let seen = see_in(&mut tx, actor, county, id).await?;
        let ext = extension(&mut tx, county, id, extension_id).await?;
        if !seen.rel.contains(Relation::DispatchingCenter) {
            return Err(refused(
                &seen.incident,
                "not_dispatching_center",
                "只有派遣中心可以审批延期".into(),
                "only the dispatching center decides an extension".into(),
            ));
        }
        if stored(ExtensionState::parse("state", &ext.state))? != ExtensionState::Pending {
            return Err(decided_already(&seen, &ext));
        }
        let moved = if input.grant {
            let moved = crate::incidents::clock::extend_task(
                &mut tx,
                &seen.incident,
                &ext.task_id,
                ext.days,
            )
            .await?;
            let bumped = sqlx::query(
                "UPDATE incidents SET version = version + 1, updated_at = $3 \
                 WHERE county_code = $1 AND id = $2 AND version = $4",
            )
            .bind(county)
            .bind(id)
            .bind(now)
            .bind(seen.incident.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if bumped == 0 {
                return Err(refused(
                    &seen.incident,
                    "version_conflict",
                    "该事件已被他人处理，请刷新后重试".into(),
                    "someone else acted on this incident; reload and try again".into(),
                ));
            }
            moved
        } else {
            None
        };
        let state = if input.grant {
            ExtensionState::Granted
        } else {
            ExtensionState::Refused
        };
        let written = sqlx::query(
            "UPDATE incident_extensions SET state = $4, decided_by = $5, decided_at = $6, \
             note = $7, due_before = COALESCE($8, due_before), due_after = $9 \
             WHERE county_code = $1 AND incident_id = $2 AND id = $3 AND state = 'pending'",
        )
        .bind(county)
        .bind(id)
        .bind(extension_id)
        .bind(state.as_str())
        .bind(&actor.user_id)
        .bind(now)
        .bind(&note)
        .bind(moved.map(|(before, _)| before))
        .bind(moved.map(|(_, after)| after))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if written == 0 {
            return Err(decided_already(&seen, &ext));
        }
        let event = IncidentEvent::ExtensionDecided {
            extension_id: extension_id.to_owned(),
            task_id: ext.task_id.clone(),
            granted: input.grant,
            days: ext.days,
            due_at: moved.map(|(_, after)| after),
            note,
        };
        let action = if input.grant {
            "incident.grant_extension"
        } else {
            "incident.refuse_extension"
        };
        record(&mut tx, actor, &seen, action, event, now).await?;
        let view = extension(&mut tx, county, id, extension_id).await?;
        tx.commit().await?;
        Ok(view)
    }
}

/// A request already decided (by someone else, or before): 409 with the incident as it is.
fn decided_already(seen: &Seen, ext: &ExtensionView) -> StoreError {
    refused(
        &seen.incident,
        "action_not_from_state",
        format!("该延期申请已处理（{}）", ext.state),
        format!("this extension request was already decided ({})", ext.state),
    )
}
