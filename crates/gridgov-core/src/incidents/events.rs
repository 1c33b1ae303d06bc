//! The typed events of an incident: one per action, plus the report that creates it. The store
//! appends each to the incident's event stream and audit chain in the transaction that changes
//! the incident; who, when, the state before and after and the version are the store's envelope
//! around the event, not part of it.

use serde::{Deserialize, Serialize};

use super::number::IncidentNumber;
use super::{Evaluation, Grade, IncidentAction, ResolutionLevel, Source, TaskKind};
use crate::escalation::{Guarantor, Rung};

/// Who holds a task. Ids are the store's (a department's id, a grid's id); a territorial task
/// given above the grid names the village or township by region code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Assignee {
    Department(String),
    Grid(String),
    Region(String),
}

/// One task given by a dispatch, a reassignment or a whistle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskAssignment {
    pub task_id: String,
    pub kind: TaskKind,
    pub assignee: Assignee,
}

/// What happened to an incident, serialized with its `kind` as the tag:
/// `{"kind":"rejected","reason":"不属于受理范围"}`. Fields that a form may leave empty are
/// `Option`; lists default to empty so older records still read when a list is added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IncidentEvent {
    /// Created. The incident's row holds the location, grid, category and reporter; the event
    /// keeps what was said at the time.
    Reported {
        number: IncidentNumber,
        source: Source,
        grade: Grade,
        description: String,
        #[serde(default)]
        attachments: Vec<String>,
    },
    /// Registered; the center may correct the grade the reporter gave.
    Accepted {
        grade: Grade,
        note: Option<String>,
    },
    Rejected {
        reason: String,
    },
    /// Merged into the incident with this id, which carries on.
    Merged {
        into: String,
        note: Option<String>,
    },
    Dispatched {
        tasks: Vec<TaskAssignment>,
        note: Option<String>,
    },
    /// The named live tasks are cancelled and the new ones given.
    Reassigned {
        cancelled: Vec<String>,
        tasks: Vec<TaskAssignment>,
        reason: String,
    },
    Started {
        task_id: String,
        note: Option<String>,
    },
    Handled {
        task_id: String,
        result: String,
        #[serde(default)]
        attachments: Vec<String>,
    },
    Confirmed {
        note: Option<String>,
        #[serde(default)]
        attachments: Vec<String>,
    },
    Approved {
        resolution_level: ResolutionLevel,
        note: Option<String>,
    },
    /// Back to work: the named handled tasks are in progress again.
    Reworked {
        task_ids: Vec<String>,
        reason: String,
    },
    Evaluated {
        evaluation: Evaluation,
        note: Option<String>,
    },
    Reopened {
        reason: String,
    },
    Suspended {
        reason: String,
    },
    Resumed {
        note: Option<String>,
    },
    /// The assignee is named so that returns can be counted per assignee (shirking).
    TaskReturned {
        task_id: String,
        assignee: Assignee,
        reason: String,
    },
    /// The summoned departments, each given an assisting task.
    Whistled {
        tasks: Vec<TaskAssignment>,
        note: Option<String>,
    },
    ReportedIn {
        task_id: String,
        department_id: String,
        note: Option<String>,
    },
    Commented {
        note: String,
        #[serde(default)]
        attachments: Vec<String>,
    },
    /// The grid it lies in was split, merged or retired, and its open work moved with the
    /// network to the grid that succeeds it. Not an action: a consequence of the network's
    /// change, recorded so the incident's record says where it went and why.
    GridChanged {
        from_grid: String,
        to_grid: String,
        /// `split` or `merge`.
        change: String,
    },
    /// A higher center pressed for progress (催办). Not an action of the loop: it changes no
    /// state, only counts on the incident.
    Reminded {
        note: String,
    },
    /// A higher center issued a supervision card (督办单) to whoever holds the work; the card's
    /// own course is recorded on its own stream (`supervision_card:<id>`).
    Supervised {
        card_id: String,
        colour: crate::supervision::CardColour,
        /// `center:<region code>` or `department:<id>`.
        addressee: String,
        due_at: i64,
        note: String,
    },
    /// A handler asked for more working days on a task in progress (延期申请).
    ExtensionRequested {
        extension_id: String,
        task_id: String,
        days: i64,
        reason: String,
    },
    /// The dispatching center decided a request; a grant moves the task's due time (and the
    /// incident's) by the days asked.
    ExtensionDecided {
        extension_id: String,
        task_id: String,
        granted: bool,
        days: i64,
        /// The task's new due time, when granted and the calendar could give it.
        due_at: Option<i64>,
        note: Option<String>,
    },
    /// 80 % of the step's working time is used (the yellow light). Marked once per clock by
    /// the escalation pass, for the notices of what falls due soon.
    DueSoon {
        due_at: i64,
    },
    /// The step's due time passed. Marked once per clock by the pass, before the climb.
    Overdue {
        due_at: i64,
    },
    /// One attempt up the escalation ladder of its region (none `from` before the first climb);
    /// the step's clock started again, due at `due_at` (none when the calendar cannot say).
    Escalated {
        from: Option<Rung>,
        to: Rung,
        due_at: Option<i64>,
    },
    /// Past the last attempt of the last level: the nearest leader whose scope holds the
    /// matter takes personal charge (包保); `guarantor` is none when no leader serves it.
    GuarantorAssigned {
        from: Option<Rung>,
        guarantor: Option<Guarantor>,
        due_at: Option<i64>,
    },
}

impl IncidentEvent {
    /// The stable kind stored beside the event (the same string as the serde tag).
    pub fn kind(&self) -> &'static str {
        match self {
            IncidentEvent::Reported { .. } => "reported",
            IncidentEvent::Accepted { .. } => "accepted",
            IncidentEvent::Rejected { .. } => "rejected",
            IncidentEvent::Merged { .. } => "merged",
            IncidentEvent::Dispatched { .. } => "dispatched",
            IncidentEvent::Reassigned { .. } => "reassigned",
            IncidentEvent::Started { .. } => "started",
            IncidentEvent::Handled { .. } => "handled",
            IncidentEvent::Confirmed { .. } => "confirmed",
            IncidentEvent::Approved { .. } => "approved",
            IncidentEvent::Reworked { .. } => "reworked",
            IncidentEvent::Evaluated { .. } => "evaluated",
            IncidentEvent::Reopened { .. } => "reopened",
            IncidentEvent::Suspended { .. } => "suspended",
            IncidentEvent::Resumed { .. } => "resumed",
            IncidentEvent::TaskReturned { .. } => "task_returned",
            IncidentEvent::Whistled { .. } => "whistled",
            IncidentEvent::ReportedIn { .. } => "reported_in",
            IncidentEvent::Commented { .. } => "commented",
            IncidentEvent::GridChanged { .. } => "grid_changed",
            IncidentEvent::Reminded { .. } => "reminded",
            IncidentEvent::Supervised { .. } => "supervised",
            IncidentEvent::ExtensionRequested { .. } => "extension_requested",
            IncidentEvent::ExtensionDecided { .. } => "extension_decided",
            IncidentEvent::DueSoon { .. } => "due_soon",
            IncidentEvent::Overdue { .. } => "overdue",
            IncidentEvent::Escalated { .. } => "escalated",
            IncidentEvent::GuarantorAssigned { .. } => "guarantor_assigned",
        }
    }

    /// The action this event records, to be checked with [`check`](super::check) before it is
    /// written; `None` for the report, which creates the incident, for a grid change, which
    /// the network's change causes, for the pressure and time of supervision (reminders, cards,
    /// extensions), which change no state and have rules of their own (`crate::supervision`),
    /// and for the escalation pass's marks, which time causes.
    pub fn action(&self) -> Option<IncidentAction> {
        use IncidentAction as A;
        Some(match self {
            IncidentEvent::Reported { .. }
            | IncidentEvent::GridChanged { .. }
            | IncidentEvent::Reminded { .. }
            | IncidentEvent::Supervised { .. }
            | IncidentEvent::ExtensionRequested { .. }
            | IncidentEvent::ExtensionDecided { .. }
            | IncidentEvent::DueSoon { .. }
            | IncidentEvent::Overdue { .. }
            | IncidentEvent::Escalated { .. }
            | IncidentEvent::GuarantorAssigned { .. } => return None,
            IncidentEvent::Accepted { .. } => A::Accept,
            IncidentEvent::Rejected { .. } => A::Reject,
            IncidentEvent::Merged { .. } => A::Merge,
            IncidentEvent::Dispatched { .. } => A::Dispatch,
            IncidentEvent::Reassigned { .. } => A::Reassign,
            IncidentEvent::Started { .. } => A::Start,
            IncidentEvent::Handled { .. } => A::Handle,
            IncidentEvent::Confirmed { .. } => A::Confirm,
            IncidentEvent::Approved { .. } => A::Approve,
            IncidentEvent::Reworked { .. } => A::Rework,
            IncidentEvent::Evaluated { .. } => A::Evaluate,
            IncidentEvent::Reopened { .. } => A::Reopen,
            IncidentEvent::Suspended { .. } => A::Suspend,
            IncidentEvent::Resumed { .. } => A::Resume,
            IncidentEvent::TaskReturned { .. } => A::ReturnTask,
            IncidentEvent::Whistled { .. } => A::Whistle,
            IncidentEvent::ReportedIn { .. } => A::ReportIn,
            IncidentEvent::Commented { .. } => A::Comment,
        })
    }
}
