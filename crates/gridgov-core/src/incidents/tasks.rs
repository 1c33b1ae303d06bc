//! Tasks of dual-line dispatch (双线交办): one incident, several assignees at once. What each
//! incident action does to a task, and when a task's end moves the incident.

use super::{IncidentAction, IncidentState};
use crate::error::FieldError;
use crate::vocab::vocabulary;

vocabulary!(
    /// Which line a task belongs to.
    TaskKind, "unknown_task_kind", "任务类型", "task kind", {
        /// The territorial chain: a grid, or the village or township it lies in (属地).
        Territorial => ("territorial", "属地", "territorial"),
        /// The sector department that leads (主办). At most one per dispatch.
        DepartmentLead => ("department_lead", "主办", "lead department"),
        /// A department that assists (协办); summoned departments get one too.
        DepartmentAssist => ("department_assist", "协办", "assisting department"),
    }
);

impl TaskKind {
    /// Whether a department (rather than a grid or region) holds tasks of this kind.
    pub fn is_department(self) -> bool {
        !matches!(self, TaskKind::Territorial)
    }
}

vocabulary!(
    /// Where one task stands.
    TaskState, "unknown_task_state", "任务状态", "task state", {
        /// Given to the assignee, not yet taken up (待签收).
        Assigned => ("assigned", "待签收", "assigned"),
        /// A summoned department reported in (报到) and has not started yet.
        Accepted => ("accepted", "已签收", "accepted"),
        InProgress => ("in_progress", "办理中", "in progress"),
        Handled => ("handled", "已办结", "handled"),
        /// Sent back by the assignee with a reason (退回).
        Returned => ("returned", "已退回", "returned"),
        /// Ended by the center: reassigned, merged away, or left over at closure.
        Cancelled => ("cancelled", "已撤销", "cancelled"),
    }
);

impl TaskState {
    /// Still the assignee's work: what makes a department "assigned" and keeps the incident
    /// from moving on when a sibling task ends.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            TaskState::Assigned | TaskState::Accepted | TaskState::InProgress
        )
    }
}

use IncidentAction as A;
use TaskState as T;

const LIVE: &[TaskState] = &[T::Assigned, T::Accepted, T::InProgress];

/// What an incident action does to a task it touches: from which task states, to which. Actions
/// without a row leave tasks alone (`dispatch` and `whistle` create new ones in `assigned`).
/// The store applies a row to the task the caller acts on (`start`, `handle`, `return_task`,
/// `report_in`), to the tasks the event names (`reassign`, `rework`), or to every live task
/// (`merge`, `approve`: nothing is left open on a closed incident).
pub const TASK_TRANSITIONS: &[(IncidentAction, &[TaskState], TaskState)] = &[
    (A::Start, &[T::Assigned, T::Accepted], T::InProgress),
    (A::Handle, &[T::InProgress], T::Handled),
    (A::ReturnTask, LIVE, T::Returned),
    (A::ReportIn, &[T::Assigned], T::Accepted),
    (A::Rework, &[T::Handled], T::InProgress),
    (A::Reassign, LIVE, T::Cancelled),
    (A::Merge, LIVE, T::Cancelled),
    (A::Approve, LIVE, T::Cancelled),
];

/// The task's state after the action, or why the task cannot take it (already handled, returned,
/// not an action on tasks at all).
pub fn task_transition(task: TaskState, action: IncidentAction) -> Result<TaskState, FieldError> {
    match TASK_TRANSITIONS.iter().find(|(a, _, _)| *a == action) {
        Some((_, from, to)) if from.contains(&task) => Ok(*to),
        Some(_) => Err(FieldError::new(
            "task",
            "task_not_from_state",
            format!(
                "任务处于「{}」状态，不能「{}」",
                task.label_zh(),
                action.label_zh()
            ),
            format!(
                "a task that is {} cannot be given {}",
                task.as_str(),
                action.as_str()
            ),
        )),
        None => Err(FieldError::new(
            "task",
            "not_a_task_action",
            format!("「{}」不作用于单个任务", action.label_zh()),
            format!("{} does not act on a task", action.as_str()),
        )),
    }
}

/// `handle` and `return_task` end one task. With dual-line dispatch an incident has several, and
/// it moves only when the ended task was its last live one: until then the others are still at
/// work and the incident stays where it is. `next` is what [`check`](super::check) returned;
/// `other_live_tasks` counts the incident's live tasks besides the one ended. Other actions
/// pass `next` through.
///
/// So a department returning its task while the territorial line works on leaves the incident
/// in progress (the center reassigns the returned part); when the last live task is returned,
/// the incident goes back to `accepted` for dispatch, and when the last is handled, to `handled`.
pub fn after_task(
    action: IncidentAction,
    next: Option<IncidentState>,
    other_live_tasks: usize,
) -> Option<IncidentState> {
    match action {
        A::Handle | A::ReturnTask if other_live_tasks > 0 => None,
        _ => next,
    }
}
