//! Closing the loop: confirmation on the ground, the center's review (approve → closed, or back
//! for rework) and, after an unsatisfied rating, reopening for another dispatch.

use gridgov_core::FieldError;
use gridgov_core::incidents::{
    Evaluation, IncidentEvent, IncidentState, ResolutionLevel, TaskState, check_reopen,
};
use gridgov_core::regions::RegionLevel;
use sqlx::{Any, Transaction};

use super::act::{Applied, Changes, Ctx, optional_text, required_reason};
use super::input::ActionInput;
use super::rows::TaskView;
use crate::{Store, StoreResult};

/// The level of a path of region codes (`42/4202/420202/` is a county): its depth.
fn level_of_path(path: &str) -> Option<RegionLevel> {
    let depth = path.split('/').filter(|s| !s.is_empty()).count();
    RegionLevel::from_number(depth as i64)
}

impl Store {
    /// Confirmed on the ground (or from the evidence) before the center's review.
    pub(super) fn confirm(
        &self,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        Ok(Applied {
            event: IncidentEvent::Confirmed {
                note: optional_text("note", &input.note)?,
                attachments: input.attachments.clone(),
            },
            next,
            changes: Changes::default(),
        })
    }

    /// Closed by the center's review. The resolution level is where the work was done: the grid
    /// when the grid's task handled it, else the lowest region whose center or department
    /// handled it, else the reviewing center's level (小事不出村).
    pub(super) async fn approve(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let level = self.resolution_level(tx, ctx).await?;
        // Nothing stays open on a closed incident.
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
            event: IncidentEvent::Approved {
                resolution_level: level,
                note: optional_text("note", &input.note)?,
            },
            next,
            changes: Changes {
                resolution_level: Some(level.as_str().to_owned()),
                closed_at: Some(ctx.now),
                ..Changes::default()
            },
        })
    }

    async fn resolution_level(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
    ) -> StoreResult<ResolutionLevel> {
        let handled: Vec<&TaskView> = ctx.tasks.iter().filter(|t| t.state == "handled").collect();
        if handled.iter().any(|t| t.assignee_type == "grid") {
            return Ok(ResolutionLevel::Grid);
        }
        let mut levels = Vec::new();
        for t in handled {
            let path: Option<String> = match t.assignee_type.as_str() {
                "department" => {
                    sqlx::query_scalar("SELECT path FROM departments WHERE id = $1")
                        .bind(&t.assignee_id)
                        .fetch_optional(&mut **tx)
                        .await?
                }
                _ => {
                    sqlx::query_scalar("SELECT path FROM regions WHERE code = $1")
                        .bind(&t.assignee_id)
                        .fetch_optional(&mut **tx)
                        .await?
                }
            };
            if let Some(level) = path.as_deref().and_then(level_of_path) {
                levels.push(ResolutionLevel::of_region(level));
            }
        }
        let center = level_of_path(ctx.actor.scope.as_str())
            .map(ResolutionLevel::of_region)
            .unwrap_or(ResolutionLevel::City);
        // The lowest: the vocabulary lists the levels from the grid up.
        let rank = |l: &ResolutionLevel| ResolutionLevel::ALL.iter().position(|x| x == l);
        Ok(levels.into_iter().min_by_key(rank).unwrap_or(center))
    }

    /// Sent back to the handlers named (or all that handled it) to do again.
    pub(super) async fn rework(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let reason = required_reason(&input.reason)?;
        let handled: Vec<&TaskView> = ctx.tasks.iter().filter(|t| t.state == "handled").collect();
        let chosen: Vec<&TaskView> = if input.task_ids.is_empty() {
            handled
        } else {
            let mut out = Vec::new();
            for id in &input.task_ids {
                match handled.iter().find(|t| t.id == id.trim()) {
                    Some(t) => out.push(*t),
                    None => {
                        return Err(FieldError::new(
                            "task_ids",
                            "not_handled",
                            format!("该任务不是已办结的任务：{id}"),
                            format!("not a handled task of this incident: {id}"),
                        )
                        .into());
                    }
                }
            }
            out
        };
        if chosen.is_empty() {
            return Err(FieldError::new(
                "task_ids",
                "nothing_to_rework",
                "没有已办结的任务可以退回重办",
                "no handled task to send back",
            )
            .into());
        }
        for t in &chosen {
            sqlx::query(
                "UPDATE incident_tasks SET state = $3, updated_at = $4 \
                 WHERE county_code = $1 AND id = $2",
            )
            .bind(&ctx.incident.county_code)
            .bind(&t.id)
            .bind(TaskState::InProgress.as_str())
            .bind(ctx.now)
            .execute(&mut **tx)
            .await?;
        }
        Ok(Applied {
            event: IncidentEvent::Reworked {
                task_ids: chosen.iter().map(|t| t.id.clone()).collect(),
                reason,
            },
            next,
            changes: Changes {
                reworked: true,
                ..Changes::default()
            },
        })
    }

    /// After an unsatisfied rating: back to the center for another dispatch.
    pub(super) fn reopen(
        &self,
        ctx: &Ctx<'_>,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let last = ctx
            .incident
            .evaluation
            .as_deref()
            .map(|e| Evaluation::parse("evaluation", e))
            .transpose()?;
        check_reopen(last)?;
        Ok(Applied {
            event: IncidentEvent::Reopened {
                reason: required_reason(&input.reason)?,
            },
            next,
            changes: Changes {
                reopened: true,
                ..Changes::default()
            },
        })
    }
}
