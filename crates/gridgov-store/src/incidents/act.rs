//! One action on an incident: read the incident through the caller's doors with its tasks, work
//! out the caller's relations, let core decide whether the action is allowed and where it leads;
//! then, in one write transaction, apply it (the action's own effects on tasks and columns), bump
//! the version if it is still the one read, and append the typed event to the incident's audit
//! stream. The incident's row comes
//! back from its `UPDATE … RETURNING`: no second read after the write.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::incidents::{IncidentAction, IncidentEvent, IncidentState, NotAllowed, check};
use serde_json::json;
use sqlx::{Any, AnyConnection, Transaction};

use super::facts::{
    CallerFacts, caller_facts, incident_with_tasks, open_actions, relations, state_of,
};
use super::input::ActionInput;
use super::rows::{IncidentView, RETURNING_COLUMNS, TaskView};
use crate::audit::{self, Change};
use crate::error::Refused;
use crate::records::need;
use crate::{Backend, Store, StoreError, StoreResult};

/// What an action found, for the function that applies it.
pub(super) struct Ctx<'a> {
    pub actor: &'a Actor,
    pub caller: &'a CallerFacts,
    pub incident: &'a IncidentView,
    pub tasks: &'a [TaskView],
    pub state: IncidentState,
    pub now: i64,
}

/// What an action changes on the incident's own row, besides its state and version.
#[derive(Debug, Default)]
pub(super) struct Changes {
    pub grade: Option<String>,
    pub center_path: Option<String>,
    /// County and id of the incident a merge carries this one into.
    pub merged_into: Option<(String, String)>,
    pub resolution_level: Option<String>,
    pub evaluation: Option<String>,
    pub closed_at: Option<i64>,
    pub reopened: bool,
    pub reworked: bool,
    pub returned: bool,
    pub shirking: bool,
}

/// An applied action: its event, and the state core's rules lead to (after the action's own
/// adjustment, e.g. a task that was not the last one ended).
pub(super) struct Applied {
    pub event: IncidentEvent,
    pub next: Option<IncidentState>,
    pub changes: Changes,
}

/// A note or reason as typed: trimmed, visible, bounded; `None` when empty.
pub(crate) fn optional_text(field: &str, value: &str) -> StoreResult<Option<String>> {
    let v = value.trim();
    if gridgov_core::text::visible_chars(v) == 0 {
        return Ok(None);
    }
    if v.chars().count() > gridgov_core::incidents::TEXT_MAX {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("最多 {} 个字符", gridgov_core::incidents::TEXT_MAX),
            format!("at most {} characters", gridgov_core::incidents::TEXT_MAX),
        )
        .into());
    }
    Ok(Some(v.to_owned()))
}

/// A reason the action needs.
pub(crate) fn required_reason(value: &str) -> StoreResult<String> {
    optional_text("reason", value)?.ok_or_else(|| {
        FieldError::new("reason", "required", "请说明理由", "give the reason").into()
    })
}

/// Core's refusal with the actions open to the caller (core's list less what the incident's
/// own facts rule out, such as a reopening without an unsatisfied rating).
fn refusal(e: NotAllowed, incident: &IncidentView, open: &[IncidentAction]) -> StoreError {
    StoreError::Refused(Box::new(Refused {
        code: e.reason.code(),
        zh: e.zh,
        en: e.en,
        state: incident.state.clone(),
        version: incident.version,
        allowed: open.iter().map(|a| a.as_str().to_owned()).collect(),
    }))
}

/// The version check failed: the incident as it stands now, with the actions now open to the
/// caller, so that they can decide again.
fn stale(actor: &Actor, seen: &Seen) -> StoreResult<StoreError> {
    let rel = relations(actor, &seen.caller, &seen.incident, &seen.tasks)?;
    let open = open_actions(actor, rel, &seen.incident)?;
    Ok(StoreError::Refused(Box::new(Refused {
        code: "version_conflict",
        zh: "该事件已被他人处理，请刷新后重试".into(),
        en: "someone else acted on this incident; reload and try again".into(),
        state: seen.incident.state.clone(),
        version: seen.incident.version,
        allowed: open.iter().map(|a| a.as_str().to_owned()).collect(),
    })))
}

/// What an action decides from: the caller's facts, the incident through their doors, its tasks.
struct Seen {
    caller: CallerFacts,
    incident: IncidentView,
    tasks: Vec<TaskView>,
}

async fn see(conn: &mut AnyConnection, actor: &Actor, county: &str, id: &str) -> StoreResult<Seen> {
    let caller = caller_facts(conn, actor).await?;
    let doors = caller.doors(actor);
    let (incident, tasks) = incident_with_tasks(conn, &doors, county, id).await?;
    Ok(Seen {
        caller,
        incident,
        tasks,
    })
}

impl Store {
    /// Takes one action on an incident the caller sees, at the version they read it at.
    ///
    /// The facts are read first and the write transaction holds only the writes: on SQLite the
    /// reads go to a reader connection, outside the one writer's lock that every other action
    /// queues for; on PostgreSQL they go through the transaction's own connection. Either way
    /// the incident's row is written only at the version read (every change to an incident or
    /// its tasks bumps it), so what was decided from the reads still holds at commit, or the
    /// action is refused as stale with the incident as it stands now.
    pub async fn act_on_incident(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &ActionInput,
    ) -> StoreResult<IncidentView> {
        need(actor, Permission::ViewIncidents)?;
        let action = IncidentAction::parse("action", &input.action)?;
        let mut early_tx = None;
        let seen = match self.backend() {
            Backend::Sqlite => see(&mut *self.pool.acquire().await?, actor, county, id).await?,
            Backend::Postgres => {
                let tx = early_tx.insert(self.begin_write().await?);
                see(tx, actor, county, id).await?
            }
        };
        let Seen {
            caller,
            incident,
            tasks,
        } = &seen;
        let rel = relations(actor, caller, incident, tasks)?;
        let state = state_of(incident)?;
        if input.version != incident.version {
            return Err(stale(actor, &seen)?);
        }
        let next = match check(actor.role, rel, state, action) {
            Ok(next) => next,
            Err(e) => return Err(refusal(e, incident, &open_actions(actor, rel, incident)?)),
        };
        let ctx = Ctx {
            actor,
            caller,
            incident,
            tasks,
            state,
            now: self.now_ms(),
        };
        let mut tx = match early_tx {
            Some(tx) => tx,
            None => self.begin_write().await?,
        };
        if !input.attachments.is_empty() {
            if !matches!(
                action,
                IncidentAction::Handle | IncidentAction::Confirm | IncidentAction::Comment
            ) {
                return Err(FieldError::new(
                    "attachments",
                    "not_with_this_action",
                    "附件只能随办理结果、核查或留言提交",
                    "attachments go with a result, a confirmation or a note",
                )
                .into());
            }
            let to = super::attachments::Target {
                county,
                id,
                path: &incident.path,
            };
            self.attach_to_incident(&mut tx, actor, to, &input.attachments, ctx.now)
                .await?;
        }
        let applied = self
            .apply_action(&mut tx, &ctx, action, next, input)
            .await?;
        let (to, grade) = (applied.next.unwrap_or(state), applied.changes.grade.clone());
        let Some(mut fresh) = self.record(&mut tx, &ctx, action, applied).await? else {
            // Another action came first, between the reads and the write: nothing of this one
            // is kept, and the caller sees how the incident stands now.
            drop(tx);
            let now = see(&mut *self.pool.acquire().await?, actor, county, id).await?;
            return Err(stale(actor, &now)?);
        };
        let subject = super::clock::Subject::of(incident, grade.as_deref());
        let clock =
            super::clock::after_action(&mut tx, &subject, Some(action), Some(state), to, ctx.now)
                .await?;
        if let Some(clock) = clock {
            clock.set_on(&mut fresh);
        }
        tx.commit().await?;
        Ok(fresh)
    }

    /// The action's own effects, by kind.
    async fn apply_action(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        action: IncidentAction,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        use IncidentAction as A;
        match action {
            A::Accept => self.accept(ctx, next, input),
            A::Reject => self.reject(next, input),
            A::Merge => self.merge(tx, ctx, next, input).await,
            A::Suspend | A::Resume | A::Comment => self.note_only(action, next, input),
            A::Dispatch => self.dispatch(tx, ctx, next, input).await,
            A::Reassign => self.reassign(tx, ctx, next, input).await,
            A::Whistle => self.whistle(tx, ctx, next, input).await,
            A::Start | A::Handle | A::ReturnTask | A::ReportIn => {
                self.task_action(tx, ctx, action, next, input).await
            }
            A::Confirm => self.confirm(next, input),
            A::Approve => self.approve(tx, ctx, next, input).await,
            A::Rework => self.rework(tx, ctx, next, input).await,
            A::Evaluate => self.evaluate(next, input),
            A::Reopen => self.reopen(ctx, next, input),
        }
    }

    /// Writes the incident's new state and columns with the version check, and the event; the
    /// incident as written, or `None` when its version moved on since it was read.
    async fn record(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        action: IncidentAction,
        applied: Applied,
    ) -> StoreResult<Option<IncidentView>> {
        let i = ctx.incident;
        let to = applied.next.unwrap_or(ctx.state);
        let c = &applied.changes;
        let fresh = sqlx::query_as::<_, IncidentView>(&format!(
            "UPDATE incidents SET state = $3, version = version + 1, updated_at = $4, \
             grade = COALESCE($5, grade), center_path = COALESCE($6, center_path), \
             merged_into = COALESCE($7, merged_into), \
             merged_into_county = COALESCE($16, merged_into_county), \
             resolution_level = COALESCE($8, resolution_level), \
             evaluation = CASE WHEN $13 = 1 THEN NULL ELSE COALESCE($9, evaluation) END, \
             closed_at = CASE WHEN $13 = 1 THEN NULL ELSE COALESCE($10, closed_at) END, \
             reopen_count = reopen_count + $13, rework_count = rework_count + $11, \
             return_count = return_count + $12, \
             shirking = CASE WHEN $14 = 1 THEN 1 ELSE shirking END \
             WHERE county_code = $1 AND id = $2 AND version = $15 RETURNING {}",
            *RETURNING_COLUMNS
        ))
        .bind(&i.county_code)
        .bind(&i.id)
        .bind(to.as_str())
        .bind(ctx.now)
        .bind(&c.grade)
        .bind(&c.center_path)
        .bind(c.merged_into.as_ref().map(|(_, id)| id.as_str()))
        .bind(&c.resolution_level)
        .bind(&c.evaluation)
        .bind(c.closed_at)
        .bind(i64::from(c.reworked))
        .bind(i64::from(c.returned))
        .bind(i64::from(c.reopened))
        .bind(i64::from(c.shirking))
        .bind(i.version)
        .bind(c.merged_into.as_ref().map(|(county, _)| county.as_str()))
        .fetch_optional(&mut **tx)
        .await?;
        let Some(fresh) = fresh else {
            return Ok(None);
        };
        audit::append(
            tx,
            ctx.now,
            ctx.actor,
            Change {
                action: action_name(action),
                resource: format!("incident:{}", i.id),
                scope_path: &i.path,
                summary: json!({
                    "event": applied.event,
                    "from": ctx.state.as_str(),
                    "to": to.as_str(),
                    "role": ctx.actor.role.as_str(),
                    "department": ctx.caller.department_id,
                }),
            },
        )
        .await?;
        // Who is told, in the same transaction: the notices stand or fall with the action.
        crate::notices::for_event(tx, ctx.now, &fresh, ctx.tasks, &applied.event).await?;
        // And the bridge the order came from, by the same mechanism.
        crate::bridges::push_for_event(tx, ctx.now, &fresh, ctx.tasks, &applied.event).await?;
        Ok(Some(fresh))
    }
}

/// The audit action of an incident action (`incident.dispatch`).
fn action_name(action: IncidentAction) -> &'static str {
    use IncidentAction as A;
    match action {
        A::Accept => "incident.accept",
        A::Reject => "incident.reject",
        A::Merge => "incident.merge",
        A::Dispatch => "incident.dispatch",
        A::Reassign => "incident.reassign",
        A::Start => "incident.start",
        A::Handle => "incident.handle",
        A::Confirm => "incident.confirm",
        A::Approve => "incident.approve",
        A::Rework => "incident.rework",
        A::Evaluate => "incident.evaluate",
        A::Reopen => "incident.reopen",
        A::Suspend => "incident.suspend",
        A::Resume => "incident.resume",
        A::ReturnTask => "incident.return_task",
        A::Whistle => "incident.whistle",
        A::ReportIn => "incident.report_in",
        A::Comment => "incident.comment",
    }
}
