//! Where an incident stands in the loop (研交办督结), typed open or closed.

use crate::vocab::vocabulary;

vocabulary!(
    /// The resting states of an incident. `returned` and `reopened` are not among them: they are
    /// events that lead back to `accepted` (awaiting dispatch again), so "who holds it now" is
    /// always answered by one of these states and the history by the events.
    IncidentState, "unknown_incident_state", "事件状态", "incident state", {
        /// Reported, waiting for a center to accept it (待受理).
        Reported => ("reported", "待受理", "reported"),
        /// Accepted and registered, waiting for dispatch; also where a returned or reopened
        /// incident waits to be dispatched again.
        Accepted => ("accepted", "已受理", "accepted"),
        /// Tasks assigned; nobody has started yet.
        Dispatched => ("dispatched", "已派遣", "dispatched"),
        /// At least one assignee has started work.
        InProgress => ("in_progress", "办理中", "in progress"),
        /// Every live task handled: the result waits to be confirmed (核查).
        Handled => ("handled", "已办结", "handled"),
        /// The result confirmed; the dispatching center reviews the closure (结案复核).
        UnderReview => ("under_review", "结案审核中", "under review"),
        /// Closed by the center, waiting for the reporter's rating (回访评价).
        Closed => ("closed", "已结案", "closed"),
        /// Rated. Not terminal: an unsatisfied rating may reopen it.
        Evaluated => ("evaluated", "已评价", "evaluated"),
        /// Not accepted, with a reason (不予受理): outside remit, no substance.
        Rejected => ("rejected", "不予受理", "rejected"),
        /// A duplicate, merged into another incident that carries on.
        Merged => ("merged", "已合并", "merged"),
        /// The clock stopped for a reason, granted by the center (挂起).
        Suspended => ("suspended", "已挂起", "suspended"),
    }
);

impl IncidentState {
    /// Still someone's work: counts against deadlines, blocks retiring the grid it lies in.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            IncidentState::Closed
                | IncidentState::Evaluated
                | IncidentState::Rejected
                | IncidentState::Merged
        )
    }

    /// No action leads anywhere from here; only comments are taken. `closed` waits for a rating
    /// and `evaluated` may be reopened, so neither is terminal (a test holds this to the table).
    pub fn is_terminal(self) -> bool {
        matches!(self, IncidentState::Rejected | IncidentState::Merged)
    }
}
