//! Dual-line dispatch and the work on tasks: dispatch and reassign give the territorial line and
//! departments their tasks, a whistle summons departments to report in; assignees start, handle
//! or send back their own task, and the incident moves when its last live task ends.

use gridgov_core::FieldError;
use gridgov_core::auth::Actor;
use gridgov_core::incidents::{
    Assignee, IncidentAction, IncidentEvent, IncidentState, MAX_TASKS, SHIRKING_RETURNS,
    TaskAssignment, TaskKind, TaskState, after_task, is_center_role, task_transition,
};
use sqlx::{Any, Transaction};

use super::act::{Applied, Changes, Ctx, optional_text, required_reason};
use super::facts::{CallerFacts, assignee_of, stored};
use super::input::{ActionInput, DispatchInput};
use super::rows::TaskView;
use crate::records::destination_grid;
use crate::{Store, StoreError, StoreResult};

/// Hours a summoned department has to report in, unless the whistle says otherwise.
const REPORT_IN_HOURS: i64 = 24;

fn is_live(t: &TaskView) -> bool {
    matches!(t.state.as_str(), "assigned" | "accepted" | "in_progress")
}

fn no_tasks() -> StoreError {
    FieldError::new(
        "lead_department",
        "no_tasks",
        "请至少指定一个属地责任方或一个部门",
        "name at least one territorial assignee or one department",
    )
    .into()
}

/// Inserts a task in `assigned`.
async fn insert_task(
    tx: &mut Transaction<'static, Any>,
    ctx: &Ctx<'_>,
    a: &TaskAssignment,
    report_in_due: Option<i64>,
) -> StoreResult<()> {
    let (kind, id) = match &a.assignee {
        Assignee::Department(d) => ("department", d),
        Assignee::Grid(g) => ("grid", g),
        Assignee::Region(r) => ("region", r),
    };
    sqlx::query(
        "INSERT INTO incident_tasks (county_code, id, incident_id, kind, assignee_type, \
         assignee_id, state, summoned, report_in_due, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'assigned', $7, $8, $9, $9)",
    )
    .bind(&ctx.incident.county_code)
    .bind(&a.task_id)
    .bind(&ctx.incident.id)
    .bind(a.kind.as_str())
    .bind(kind)
    .bind(id)
    .bind(i64::from(report_in_due.is_some()))
    .bind(report_in_due)
    .bind(ctx.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves one task to a state, recording who worked it and their result where given.
async fn set_task(
    tx: &mut Transaction<'static, Any>,
    ctx: &Ctx<'_>,
    task_id: &str,
    state: TaskState,
    result: Option<&str>,
) -> StoreResult<()> {
    let returned = i64::from(state == TaskState::Returned);
    let handled = (state == TaskState::Handled).then_some(ctx.now);
    let reported_in = (state == TaskState::Accepted).then_some(ctx.now);
    sqlx::query(
        "UPDATE incident_tasks SET state = $3, updated_at = $4, \
         handler_id = CASE WHEN $3 IN ('in_progress', 'handled', 'returned') THEN $5 \
         ELSE handler_id END, result = COALESCE($6, result), \
         handled_at = COALESCE($7, handled_at), reported_in_at = COALESCE($8, reported_in_at), \
         return_count = return_count + $9 WHERE county_code = $1 AND id = $2",
    )
    .bind(&ctx.incident.county_code)
    .bind(task_id)
    .bind(state.as_str())
    .bind(ctx.now)
    .bind(&ctx.actor.user_id)
    .bind(result)
    .bind(handled)
    .bind(reported_in)
    .bind(returned)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The tasks a dispatch names, checked: the territorial assignee inside the caller's scope,
    /// departments that are active and serve the region the incident lies in.
    async fn assignments(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        d: &DispatchInput,
    ) -> StoreResult<Vec<TaskAssignment>> {
        let mut out = Vec::new();
        let new_id = || uuid::Uuid::now_v7().to_string();
        let (grid, region) = (d.territorial_grid.trim(), d.territorial_region.trim());
        if !grid.is_empty() && !region.is_empty() {
            return Err(FieldError::new(
                "territorial_region",
                "two_territorial",
                "属地责任方只能选一个：网格或区划",
                "name one territorial assignee: a grid or a region",
            )
            .into());
        }
        if !grid.is_empty() {
            let g = match destination_grid(tx, ctx.actor, grid).await {
                Err(StoreError::NotFound) => {
                    return Err(FieldError::new(
                        "territorial_grid",
                        "unknown_grid",
                        format!("找不到该网格或不在您的范围内：{grid}"),
                        format!("no such grid inside your scope: {grid}"),
                    )
                    .into());
                }
                other => other?,
            };
            out.push(TaskAssignment {
                task_id: new_id(),
                kind: TaskKind::Territorial,
                assignee: Assignee::Grid(g.id),
            });
        }
        if !region.is_empty() {
            let path: Option<String> =
                sqlx::query_scalar("SELECT path FROM regions WHERE code = $1")
                    .bind(region)
                    .fetch_optional(&mut **tx)
                    .await?;
            match path {
                Some(p) if ctx.actor.scope.contains(&p) && ctx.incident.path.starts_with(&p) => {
                    out.push(TaskAssignment {
                        task_id: new_id(),
                        kind: TaskKind::Territorial,
                        assignee: Assignee::Region(region.to_owned()),
                    });
                }
                _ => {
                    return Err(FieldError::new(
                        "territorial_region",
                        "unknown_region",
                        format!("该区划不在您的范围内，或不包含事件所在地：{region}"),
                        format!(
                            "the region is outside your scope or does not hold the incident: \
                             {region}"
                        ),
                    )
                    .into());
                }
            }
        }
        let lead = d.lead_department.trim();
        let mut departments: Vec<(&str, TaskKind)> = Vec::new();
        if !lead.is_empty() {
            departments.push((lead, TaskKind::DepartmentLead));
        }
        for a in &d.assist_departments {
            let a = a.trim();
            if !a.is_empty() && a != lead && !departments.iter().any(|(x, _)| *x == a) {
                departments.push((a, TaskKind::DepartmentAssist));
            }
        }
        for (dep, kind) in departments {
            self.check_department(tx, ctx, dep, "lead_department")
                .await?;
            out.push(TaskAssignment {
                task_id: new_id(),
                kind,
                assignee: Assignee::Department(dep.to_owned()),
            });
        }
        if out.len() > MAX_TASKS {
            return Err(FieldError::new(
                "assist_departments",
                "too_many",
                format!("一次最多派 {MAX_TASKS} 个任务"),
                format!("at most {MAX_TASKS} tasks at once"),
            )
            .into());
        }
        Ok(out)
    }

    /// A department that is active and serves the region the incident lies in.
    async fn check_department(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        id: &str,
        field: &str,
    ) -> StoreResult<()> {
        let path: Option<String> =
            sqlx::query_scalar("SELECT path FROM departments WHERE id = $1 AND active = 1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        match path {
            Some(p) if ctx.incident.path.starts_with(&p) => Ok(()),
            _ => Err(FieldError::new(
                field,
                "unknown_department",
                format!("没有服务事件所在地的这个部门：{id}"),
                format!("no such department serving the incident's area: {id}"),
            )
            .into()),
        }
    }

    pub(super) async fn dispatch(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let tasks = self.assignments(tx, ctx, &input.dispatch).await?;
        if tasks.is_empty() {
            return Err(no_tasks());
        }
        for t in &tasks {
            insert_task(tx, ctx, t, None).await?;
        }
        Ok(Applied {
            event: IncidentEvent::Dispatched {
                tasks,
                note: optional_text("note", &input.note)?,
            },
            next,
            changes: Changes {
                center_path: Some(ctx.actor.scope.as_str().to_owned()),
                ..Changes::default()
            },
        })
    }

    /// Cancels the live tasks and gives new ones.
    pub(super) async fn reassign(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let reason = required_reason(&input.reason)?;
        let tasks = self.assignments(tx, ctx, &input.dispatch).await?;
        if tasks.is_empty() {
            return Err(no_tasks());
        }
        let mut cancelled = Vec::new();
        for t in ctx.tasks.iter().filter(|t| is_live(t)) {
            set_task(tx, ctx, &t.id, TaskState::Cancelled, None).await?;
            cancelled.push(t.id.clone());
        }
        for t in &tasks {
            insert_task(tx, ctx, t, None).await?;
        }
        Ok(Applied {
            event: IncidentEvent::Reassigned {
                cancelled,
                tasks,
                reason,
            },
            next,
            changes: Changes::default(),
        })
    }

    /// Summons departments (吹哨): each gets an assisting task to report in to by the due time.
    pub(super) async fn whistle(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let hours = input.report_in_hours.unwrap_or(REPORT_IN_HOURS);
        if !(1..=24 * 14).contains(&hours) {
            return Err(FieldError::new(
                "report_in_hours",
                "out_of_range",
                "报到时限应为 1 到 336 小时",
                "the time to report in is 1 to 336 hours",
            )
            .into());
        }
        let due = ctx.now + hours * 3_600_000;
        let mut tasks = Vec::new();
        for d in input
            .departments
            .iter()
            .map(|d| d.trim())
            .filter(|d| !d.is_empty())
        {
            if tasks
                .iter()
                .any(|t: &TaskAssignment| t.assignee == Assignee::Department(d.into()))
            {
                continue;
            }
            self.check_department(tx, ctx, d, "departments").await?;
            tasks.push(TaskAssignment {
                task_id: uuid::Uuid::now_v7().to_string(),
                kind: TaskKind::DepartmentAssist,
                assignee: Assignee::Department(d.to_owned()),
            });
        }
        if tasks.is_empty() {
            return Err(FieldError::new(
                "departments",
                "required",
                "请选择被召集的部门",
                "name the departments summoned",
            )
            .into());
        }
        for t in &tasks {
            insert_task(tx, ctx, t, Some(due)).await?;
        }
        Ok(Applied {
            event: IncidentEvent::Whistled {
                tasks,
                note: optional_text("note", &input.note)?,
            },
            next,
            changes: Changes::default(),
        })
    }

    /// The task the caller acts on: the one named, or their one live task.
    fn my_task<'t>(&self, ctx: &'t Ctx<'_>, named: &str) -> StoreResult<&'t TaskView> {
        caller_task(ctx.actor, ctx.caller, ctx.tasks, named)
    }

    /// Start, handle, send back or report in on the caller's own task.
    pub(super) async fn task_action(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        action: IncidentAction,
        next: Option<IncidentState>,
        input: &ActionInput,
    ) -> StoreResult<Applied> {
        let task = self.my_task(ctx, &input.task_id)?;
        let from = stored(TaskState::parse("state", &task.state))?;
        let to = task_transition(from, action)?;
        let others_live = ctx
            .tasks
            .iter()
            .filter(|t| t.id != task.id && is_live(t))
            .count();
        let note = optional_text("note", &input.note)?;
        let mut changes = Changes::default();
        let (event, result) = match action {
            IncidentAction::Start => (
                IncidentEvent::Started {
                    task_id: task.id.clone(),
                    note,
                },
                None,
            ),
            IncidentAction::Handle => {
                let result = optional_text("result", &input.result)?.ok_or_else(|| {
                    FieldError::new(
                        "result",
                        "required",
                        "请填写办理结果",
                        "describe the result",
                    )
                })?;
                self.check_evidence(tx, ctx, &input.attachments).await?;
                (
                    IncidentEvent::Handled {
                        task_id: task.id.clone(),
                        result: result.clone(),
                        attachments: input.attachments.clone(),
                    },
                    Some(result),
                )
            }
            IncidentAction::ReturnTask => {
                changes.returned = true;
                // Sent back again by the same assignee, on any of its tasks here: shirking (推诿).
                let returns_before: i64 = ctx
                    .tasks
                    .iter()
                    .filter(|t| {
                        t.assignee_type == task.assignee_type && t.assignee_id == task.assignee_id
                    })
                    .map(|t| t.return_count)
                    .sum();
                changes.shirking = returns_before + 1 >= SHIRKING_RETURNS as i64;
                (
                    IncidentEvent::TaskReturned {
                        task_id: task.id.clone(),
                        assignee: assignee_of(task),
                        reason: required_reason(&input.reason)?,
                    },
                    None,
                )
            }
            _ => (
                IncidentEvent::ReportedIn {
                    task_id: task.id.clone(),
                    department_id: task.assignee_id.clone(),
                    note,
                },
                None,
            ),
        };
        set_task(tx, ctx, &task.id, to, result.as_deref()).await?;
        Ok(Applied {
            event,
            next: after_task(action, next, others_live),
            changes,
        })
    }

    /// Evidence where the category asks for it: at least one attachment with the result.
    async fn check_evidence(
        &self,
        tx: &mut Transaction<'static, Any>,
        ctx: &Ctx<'_>,
        attachments: &[String],
    ) -> StoreResult<()> {
        let required: Option<i64> =
            sqlx::query_scalar("SELECT evidence_required FROM incident_categories WHERE code = $1")
                .bind(&ctx.incident.category_code)
                .fetch_optional(&mut **tx)
                .await?;
        if required == Some(1) && attachments.is_empty() {
            return Err(FieldError::new(
                "attachments",
                "evidence_required",
                "此类事件办结须附照片或材料作为佐证",
                "this category needs evidence (a photo or a document) with the result",
            )
            .into());
        }
        Ok(())
    }
}

/// The task the caller acts on: the one named, or their one live task. Theirs means their
/// department's, or a territorial task on a grid they serve or their center's region. Shared
/// with the extensions of `supervision`, which a task's handler asks for.
pub(crate) fn caller_task<'t>(
    actor: &Actor,
    caller: &CallerFacts,
    tasks: &'t [TaskView],
    named: &str,
) -> StoreResult<&'t TaskView> {
    let mine = |t: &&TaskView| match assignee_of(t) {
        Assignee::Department(d) => caller.department_id.as_deref() == Some(d.as_str()),
        Assignee::Grid(g) => caller.grid_ids.contains(&g),
        // A region's task is its center's: a department handler scoped to the same region
        // does not hold it (as in core's relations).
        Assignee::Region(code) => {
            is_center_role(actor.role)
                && actor
                    .scope
                    .as_str()
                    .trim_end_matches('/')
                    .ends_with(&format!("/{code}"))
        }
    };
    let named = named.trim();
    let candidates: Vec<&TaskView> = tasks
        .iter()
        .filter(mine)
        .filter(|t| named.is_empty() || t.id == named)
        .filter(|t| !named.is_empty() || is_live(t))
        .collect();
    match candidates.as_slice() {
        [one] => Ok(one),
        [] => Err(FieldError::new(
            "task_id",
            "no_such_task",
            "这里没有您的任务",
            "you have no such task here",
        )
        .into()),
        _ => Err(FieldError::new(
            "task_id",
            "which_task",
            "您在此事件上有多个任务，请指明任务",
            "you have several tasks on this incident; name the task",
        )
        .into()),
    }
}
