//! What an event must hold before it is written: reasons that say something, texts of bounded
//! length, tasks whose kind fits their assignee. Every fault is reported at once.

use std::collections::HashSet;

use super::TaskKind;
use super::events::{Assignee, IncidentEvent, TaskAssignment};
use crate::error::{Checker, FieldError, Invalid};
use crate::text::visible_chars;

/// Fewest visible characters of a reason: one character ("无") explains nothing.
pub const REASON_MIN: usize = 2;
/// Longest note, reason, result or description, in characters.
pub const TEXT_MAX: usize = 2000;
/// Most attachments (photos, documents) on one event.
pub const MAX_ATTACHMENTS: usize = 20;
/// Most tasks one dispatch, reassignment or whistle gives.
pub const MAX_TASKS: usize = 50;

fn too_long(field: &str, s: &str) -> Option<FieldError> {
    (s.chars().count() > TEXT_MAX).then(|| {
        FieldError::new(
            field,
            "too_long",
            format!("不能超过 {TEXT_MAX} 个字符"),
            format!("at most {TEXT_MAX} characters"),
        )
    })
}

fn required(c: &mut Checker, field: &str, s: &str, min: usize) {
    if visible_chars(s) < min {
        let (zh, en) = if min <= 1 {
            (
                format!("请填写{}", zh_name(field)),
                format!("a {field} is required"),
            )
        } else {
            (
                format!("请填写{}（至少 {min} 个字）", zh_name(field)),
                format!("a {field} of at least {min} visible characters is required"),
            )
        };
        c.push(FieldError::new(field, "required", zh, en));
    } else if let Some(e) = too_long(field, s) {
        c.push(e);
    }
}

fn positive_days(c: &mut Checker, days: i64) {
    if days < 1 {
        c.push(FieldError::new(
            "days",
            "not_positive",
            "天数至少为 1",
            "at least 1 day",
        ));
    }
}

fn zh_name(field: &str) -> &'static str {
    match field {
        "reason" => "原因",
        "result" => "办理结果",
        "description" => "事件描述",
        "note" => "备注",
        _ => "内容",
    }
}

fn optional(c: &mut Checker, field: &str, s: &Option<String>) {
    if let Some(e) = s.as_deref().and_then(|s| too_long(field, s)) {
        c.push(e);
    }
}

fn id(c: &mut Checker, field: &str, s: &str) {
    if s.trim().is_empty() {
        c.push(FieldError::new(
            field,
            "required",
            "不能为空",
            "is required",
        ));
    }
}

fn attachments(c: &mut Checker, list: &[String]) {
    if list.len() > MAX_ATTACHMENTS {
        c.push(FieldError::new(
            "attachments",
            "too_many",
            format!("附件不能超过 {MAX_ATTACHMENTS} 个"),
            format!("at most {MAX_ATTACHMENTS} attachments"),
        ));
    }
    for (i, a) in list.iter().enumerate() {
        id(c, &format!("attachments[{i}]"), a);
    }
}

/// Tasks of one event: at least one, each kind on a fitting assignee, no assignee or task id
/// twice, at most one lead department. `only_assist` for a whistle, whose summoned
/// departments assist.
fn tasks(c: &mut Checker, list: &[TaskAssignment], only_assist: bool) {
    if list.is_empty() {
        c.push(FieldError::new(
            "tasks",
            "required",
            "请至少指定一个承办单位",
            "name at least one assignee",
        ));
    }
    if list.len() > MAX_TASKS {
        c.push(FieldError::new(
            "tasks",
            "too_many",
            format!("一次不能超过 {MAX_TASKS} 个任务"),
            format!("at most {MAX_TASKS} tasks at once"),
        ));
    }
    let leads = list
        .iter()
        .filter(|t| t.kind == TaskKind::DepartmentLead)
        .count();
    if leads > 1 {
        c.push(FieldError::new(
            "tasks",
            "one_lead",
            "主办部门只能有一个",
            "only one department may lead",
        ));
    }
    let mut ids = HashSet::new();
    let mut assignees = HashSet::new();
    for (i, t) in list.iter().enumerate() {
        let field = format!("tasks[{i}]");
        id(c, &format!("{field}.task_id"), &t.task_id);
        if !ids.insert(t.task_id.as_str()) {
            c.push(FieldError::new(
                format!("{field}.task_id"),
                "duplicate",
                "任务编号重复",
                "the task id is given twice",
            ));
        }
        if !assignees.insert(&t.assignee) {
            c.push(FieldError::new(
                format!("{field}.assignee"),
                "duplicate",
                "同一承办单位只能有一个任务",
                "one task per assignee",
            ));
        }
        let (Assignee::Department(who) | Assignee::Grid(who) | Assignee::Region(who)) = &t.assignee;
        id(c, &format!("{field}.assignee"), who);
        let fits = match t.assignee {
            Assignee::Department(_) => t.kind.is_department(),
            Assignee::Grid(_) | Assignee::Region(_) => t.kind == TaskKind::Territorial,
        };
        if !fits {
            c.push(FieldError::new(
                format!("{field}.kind"),
                "kind_does_not_fit",
                "属地任务交给网格或辖区，主办、协办任务交给部门",
                "territorial tasks go to a grid or region, lead and assisting tasks to a department",
            ));
        } else if only_assist && t.kind != TaskKind::DepartmentAssist {
            c.push(FieldError::new(
                format!("{field}.kind"),
                "whistle_summons_departments",
                "吹哨召集的是协办部门",
                "a whistle summons departments to assist",
            ));
        }
    }
}

impl IncidentEvent {
    /// Checks what the event holds. The store calls it (after [`check`](super::check) on the
    /// action) before writing; the web layer's forms get every fault at once.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut c = Checker::new();
        match self {
            IncidentEvent::Reported {
                description,
                attachments: a,
                ..
            } => {
                required(&mut c, "description", description, 1);
                attachments(&mut c, a);
            }
            IncidentEvent::Accepted { note, .. }
            | IncidentEvent::Approved { note, .. }
            | IncidentEvent::Evaluated { note, .. }
            | IncidentEvent::Resumed { note } => optional(&mut c, "note", note),
            IncidentEvent::Rejected { reason }
            | IncidentEvent::Reopened { reason }
            | IncidentEvent::Suspended { reason } => required(&mut c, "reason", reason, REASON_MIN),
            IncidentEvent::Merged { into, note } => {
                id(&mut c, "into", into);
                optional(&mut c, "note", note);
            }
            IncidentEvent::Dispatched { tasks: t, note } => {
                tasks(&mut c, t, false);
                optional(&mut c, "note", note);
            }
            IncidentEvent::Reassigned {
                cancelled,
                tasks: t,
                reason,
            } => {
                if cancelled.is_empty() {
                    c.push(FieldError::new(
                        "cancelled",
                        "required",
                        "请指定要改派的任务",
                        "name the tasks to take back",
                    ));
                }
                for (i, x) in cancelled.iter().enumerate() {
                    id(&mut c, &format!("cancelled[{i}]"), x);
                }
                tasks(&mut c, t, false);
                required(&mut c, "reason", reason, REASON_MIN);
            }
            IncidentEvent::Started { task_id, note } => {
                id(&mut c, "task_id", task_id);
                optional(&mut c, "note", note);
            }
            IncidentEvent::Handled {
                task_id,
                result,
                attachments: a,
            } => {
                id(&mut c, "task_id", task_id);
                required(&mut c, "result", result, REASON_MIN);
                attachments(&mut c, a);
            }
            IncidentEvent::Confirmed {
                note,
                attachments: a,
            } => {
                optional(&mut c, "note", note);
                attachments(&mut c, a);
            }
            IncidentEvent::Reworked { task_ids, reason } => {
                if task_ids.is_empty() {
                    c.push(FieldError::new(
                        "task_ids",
                        "required",
                        "请指定需要重办的任务",
                        "name the tasks to be worked again",
                    ));
                }
                for (i, x) in task_ids.iter().enumerate() {
                    id(&mut c, &format!("task_ids[{i}]"), x);
                }
                required(&mut c, "reason", reason, REASON_MIN);
            }
            IncidentEvent::TaskReturned {
                task_id,
                assignee: Assignee::Department(who) | Assignee::Grid(who) | Assignee::Region(who),
                reason,
            } => {
                id(&mut c, "task_id", task_id);
                id(&mut c, "assignee", who);
                required(&mut c, "reason", reason, REASON_MIN);
            }
            IncidentEvent::Whistled { tasks: t, note } => {
                tasks(&mut c, t, true);
                optional(&mut c, "note", note);
            }
            IncidentEvent::ReportedIn {
                task_id,
                department_id,
                note,
            } => {
                id(&mut c, "task_id", task_id);
                id(&mut c, "department_id", department_id);
                optional(&mut c, "note", note);
            }
            IncidentEvent::Commented {
                note,
                attachments: a,
            } => {
                required(&mut c, "note", note, 1);
                attachments(&mut c, a);
            }
            IncidentEvent::GridChanged {
                from_grid, to_grid, ..
            } => {
                id(&mut c, "from_grid", from_grid);
                id(&mut c, "to_grid", to_grid);
            }
            IncidentEvent::Reminded { note } => required(&mut c, "note", note, 1),
            IncidentEvent::Supervised {
                card_id,
                addressee,
                note,
                ..
            } => {
                id(&mut c, "card_id", card_id);
                id(&mut c, "addressee", addressee);
                required(&mut c, "note", note, REASON_MIN);
            }
            IncidentEvent::ExtensionRequested {
                extension_id,
                task_id,
                days,
                reason,
            } => {
                id(&mut c, "extension_id", extension_id);
                id(&mut c, "task_id", task_id);
                positive_days(&mut c, *days);
                required(&mut c, "reason", reason, REASON_MIN);
            }
            IncidentEvent::ExtensionDecided {
                extension_id,
                task_id,
                days,
                note,
                ..
            } => {
                id(&mut c, "extension_id", extension_id);
                id(&mut c, "task_id", task_id);
                positive_days(&mut c, *days);
                optional(&mut c, "note", note);
            }
            // Written by the escalation pass from the ladder in force and the users table:
            // nothing typed by anyone to check.
            IncidentEvent::DueSoon { .. }
            | IncidentEvent::Overdue { .. }
            | IncidentEvent::Escalated { .. }
            | IncidentEvent::GuarantorAssigned { .. } => {}
        }
        c.finish()
    }
}
