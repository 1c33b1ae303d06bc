//! What can be done to an incident. Each action is a row in the transition table
//! (`transitions.rs`) and in the table of who may take it (`rules.rs`).

use crate::vocab::vocabulary;

vocabulary!(
    /// One step a caller takes on an incident. Every action is recorded as one
    /// [`IncidentEvent`](super::IncidentEvent).
    IncidentAction, "unknown_incident_action", "操作", "action", {
        /// A center takes the report in and registers it (受理).
        Accept => ("accept", "受理", "accept"),
        /// A center refuses it with a reason (不予受理).
        Reject => ("reject", "不予受理", "reject"),
        /// A center merges a duplicate into another incident.
        Merge => ("merge", "合并", "merge"),
        /// A center assigns tasks: territorial and department lines at once (双线交办).
        Dispatch => ("dispatch", "派遣", "dispatch"),
        /// A center takes a task from one assignee and gives it to another (改派).
        Reassign => ("reassign", "改派", "reassign"),
        /// An assignee starts work on its task (签收办理).
        Start => ("start", "开始办理", "start"),
        /// An assignee submits its result (办结).
        Handle => ("handle", "办结", "handle"),
        /// The result is confirmed, on the ground by the grid's staff or by the center (核查).
        Confirm => ("confirm", "核查确认", "confirm"),
        /// The center's review passes: the incident is closed (结案).
        Approve => ("approve", "审核结案", "approve"),
        /// The result is not good enough: back to work (退回重办).
        Rework => ("rework", "退回重办", "rework"),
        /// The reporter, or the grid's staff on a follow-up visit, rates the result (回访评价).
        Evaluate => ("evaluate", "评价", "evaluate"),
        /// After an unsatisfied rating the center takes it back for dispatch (重新办理).
        Reopen => ("reopen", "重新办理", "reopen"),
        /// The center stops the clock for a reason (挂起).
        Suspend => ("suspend", "挂起", "suspend"),
        /// The clock runs again (恢复).
        Resume => ("resume", "恢复办理", "resume"),
        /// An assignee sends its task back with a reason (退回).
        ReturnTask => ("return_task", "退回", "return task"),
        /// A grid or a center summons named departments (吹哨).
        Whistle => ("whistle", "吹哨", "whistle"),
        /// A summoned department reports in (报到).
        ReportIn => ("report_in", "报到", "report in"),
        /// A note on the record; changes nothing else (备注).
        Comment => ("comment", "备注", "comment"),
    }
);
