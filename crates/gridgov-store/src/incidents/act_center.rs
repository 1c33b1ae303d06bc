//! The center's actions before dispatch (accept, reject, merge), the notes that change no work
//! (suspend, resume, comment), and the reporter's rating.

use gridgov_core::FieldError;
use gridgov_core::incidents::{
    Evaluation, Grade, IncidentAction, IncidentEvent, IncidentNumber, IncidentState,
};
use sqlx::{Any, Transaction};

use super::act::{Applied, Changes, Ctx, optional_text, required_reason};
use super::facts::incident_in_doors;
use super::input::ActionInput;
use crate::{Store, StoreError, StoreResult};

impl Store {
    /// Registered by a center, which holds the incident from now on; the grade as it judges it.
    pub(super) fn accept(
        &self,
        ctx: &Ctx<'_>,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let grade = match input.grade.trim() {
            "" => Grade::parse("grade", &ctx.incident.grade)
                .map_err(|e| StoreError::Internal(e.en))?,
            g => Grade::parse("grade", g)?,
        };
        Ok(Applied {
            event: IncidentEvent::Accepted {
                grade,
                note: optional_text("note", &input.note)?,
            },
            next,
            changes: Changes {
                grade: Some(grade.as_str().to_owned()),
                center_path: Some(ctx.actor.scope.as_str().to_owned()),
                ..Changes::default()
            },
        })
    }

    /// Not accepted (不予受理), with the reason the reporter will read.
    pub(super) fn reject(
        &self,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        Ok(Applied {
            event: IncidentEvent::Rejected {
                reason: required_reason(&input.reason)?,
            },
            next,
            changes: Changes::default(),
        })
    }

    /// A duplicate of another open incident the caller sees, which carries on.
    pub(super) async fn merge(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let into = IncidentNumber::parse("into", input.into.trim())?;
        let county = into.county().as_str().to_owned();
        let target_id: Option<String> =
            sqlx::query_scalar("SELECT id FROM incidents WHERE county_code = $1 AND number = $2")
                .bind(&county)
                .bind(into.to_string())
                .fetch_optional(&mut **tx)
                .await?;
        let unknown = || {
            FieldError::new(
                "into",
                "unknown_incident",
                format!("找不到该事件或不在您的范围内：{into}"),
                format!("no such incident inside your scope: {into}"),
            )
        };
        let target_id = target_id.ok_or_else(unknown)?;
        if target_id == ctx.incident.id {
            return Err(FieldError::new(
                "into",
                "merge_into_itself",
                "不能把事件合并到它自己",
                "an incident cannot be merged into itself",
            )
            .into());
        }
        let doors = ctx.caller.doors(ctx.actor);
        let target = match incident_in_doors(tx, &doors, &county, &target_id).await {
            Err(StoreError::NotFound) => return Err(unknown().into()),
            other => other?,
        };
        let target_state =
            IncidentState::parse("state", &target.state).map_err(|e| StoreError::Internal(e.en))?;
        if !target_state.is_open() || target_state == IncidentState::Closed {
            return Err(FieldError::new(
                "into",
                "merge_into_closed",
                format!("事件 {into} 已{}，不能并入", target_state.label_zh()),
                format!(
                    "incident {into} is {}; nothing can be merged into it",
                    target_state.as_str()
                ),
            )
            .into());
        }
        // Live tasks of the duplicate end with it: the other incident carries the work on.
        sqlx::query(
            "UPDATE incident_tasks SET state = 'cancelled', updated_at = $3 \
             WHERE county_code = $1 AND incident_id = $2 \
             AND state IN ('assigned', 'accepted', 'in_progress')",
        )
        .bind(&ctx.incident.county_code)
        .bind(&ctx.incident.id)
        .bind(ctx.now)
        .execute(&mut **tx)
        .await?;
        Ok(Applied {
            event: IncidentEvent::Merged {
                into: target.id.clone(),
                note: optional_text("note", &input.note)?,
            },
            next,
            changes: Changes {
                merged_into: Some((target.county_code, target.id)),
                ..Changes::default()
            },
        })
    }

    /// Actions that record a note and move the state as core says, touching no task.
    pub(super) fn note_only(
        &self,
        action: IncidentAction,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let note = optional_text("note", &input.note)?;
        let event = match action {
            IncidentAction::Suspend => IncidentEvent::Suspended {
                reason: required_reason(&input.reason)?,
            },
            IncidentAction::Resume => IncidentEvent::Resumed { note },
            _ => IncidentEvent::Commented {
                note: note.ok_or_else(|| {
                    FieldError::new("note", "required", "请填写内容", "write the note")
                })?,
                attachments: input.attachments.clone(),
            },
        };
        Ok(Applied {
            event,
            next,
            changes: Changes::default(),
        })
    }

    /// The reporter's (or the grid's) rating of a closed incident.
    pub(super) fn evaluate(
        &self,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let evaluation = Evaluation::parse("evaluation", input.evaluation.trim())?;
        Ok(Applied {
            event: IncidentEvent::Evaluated {
                evaluation,
                note: optional_text("note", &input.note)?,
            },
            next,
            changes: Changes {
                evaluation: Some(evaluation.as_str().to_owned()),
                ..Changes::default()
            },
        })
    }
}
