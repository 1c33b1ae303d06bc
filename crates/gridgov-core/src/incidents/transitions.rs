//! The transition table: from which states each action may be taken and where it leads. Who may
//! take it is a second table (`rules.rs`); the two are read together by `check`.

use super::refusal::NotAllowed;
use super::{IncidentAction, IncidentState};

use IncidentAction as A;
use IncidentState as S;

/// Every state, for actions that are taken whatever the state (a comment).
const EVERY_STATE: &[S] = &[
    S::Reported,
    S::Accepted,
    S::Dispatched,
    S::InProgress,
    S::Handled,
    S::UnderReview,
    S::Closed,
    S::Evaluated,
    S::Rejected,
    S::Merged,
    S::Suspended,
];

/// The states in which assignees are at work and the center may call more hands in.
const WORKING: &[S] = &[S::Accepted, S::Dispatched, S::InProgress];

/// Row by row: the action, the states it may be taken from, and the state it leads to (`None`:
/// the state stays as it is). One row per action.
///
/// Decisions worth knowing when reading it:
/// - `return_task` leads back to `accepted` (awaiting dispatch): a return is an event, not a
///   resting state. So does `reopen`. With several tasks (dual-line), `handle` and `return_task`
///   move the incident only when they end its last live task: see [`after_task`](super::after_task).
/// - `handled` → `under_review` is an action of its own, `confirm` (核查): someone other than the
///   handler confirms the result on the ground before the center reviews. It is a step a center
///   may ask for, not one it must wait for: the dispatching center reviews the handler's result
///   and its evidence itself and may `approve` a handled incident directly (研交办督结: the
///   center closes what it dispatched). `rework` may come at either step.
/// - `suspend` is for matters in hand (`in_progress`) and `resume` leads back there; an incident
///   waiting for dispatch has no handler's clock to stop.
/// - `reassign` keeps the state: other tasks may be in progress, and the new assignee starts
///   from its own task's state.
/// - `reject` only before acceptance; after it a duplicate is merged and anything else is
///   worked or reviewed.
/// - `reopen` only from `evaluated`, and only after an unsatisfied rating
///   ([`check_reopen`](super::check_reopen)); a closed incident waits for its rating first.
/// - Comments are taken in every state, closed ones included: follow-up visits and supervision
///   notes come after closure, and a note changes nothing but the record.
pub const TRANSITIONS: &[(IncidentAction, &[IncidentState], Option<IncidentState>)] = &[
    (A::Accept, &[S::Reported], Some(S::Accepted)),
    (A::Reject, &[S::Reported], Some(S::Rejected)),
    (A::Merge, &[S::Reported, S::Accepted], Some(S::Merged)),
    (A::Dispatch, &[S::Accepted], Some(S::Dispatched)),
    (A::Reassign, &[S::Dispatched, S::InProgress], None),
    (
        A::Start,
        &[S::Dispatched, S::InProgress],
        Some(S::InProgress),
    ),
    (A::Handle, &[S::InProgress], Some(S::Handled)),
    (A::Confirm, &[S::Handled], Some(S::UnderReview)),
    (A::Approve, &[S::Handled, S::UnderReview], Some(S::Closed)),
    (
        A::Rework,
        &[S::Handled, S::UnderReview],
        Some(S::InProgress),
    ),
    (A::Evaluate, &[S::Closed], Some(S::Evaluated)),
    (A::Reopen, &[S::Evaluated], Some(S::Accepted)),
    (A::Suspend, &[S::InProgress], Some(S::Suspended)),
    (A::Resume, &[S::Suspended], Some(S::InProgress)),
    (
        A::ReturnTask,
        &[S::Dispatched, S::InProgress],
        Some(S::Accepted),
    ),
    (A::Whistle, WORKING, None),
    (A::ReportIn, WORKING, None),
    (A::Comment, EVERY_STATE, None),
];

/// The row of an action. Every action has exactly one (a test holds this).
fn row(
    action: IncidentAction,
) -> Option<&'static (
    IncidentAction,
    &'static [IncidentState],
    Option<IncidentState>,
)> {
    TRANSITIONS.iter().find(|(a, _, _)| *a == action)
}

/// Whether the action may be taken from the state, whoever asks.
pub fn possible(state: IncidentState, action: IncidentAction) -> bool {
    row(action).is_some_and(|(_, from, _)| from.contains(&state))
}

/// The actions that may be taken from a state, whoever asks, in the order of `ALL`.
pub fn possible_from(state: IncidentState) -> Vec<IncidentAction> {
    IncidentAction::ALL
        .iter()
        .copied()
        .filter(|a| possible(state, *a))
        .collect()
}

/// Where the action leads from the state: `Ok(Some(next))` when the state changes,
/// `Ok(None)` when it stays (a comment, a whistle, a second department starting on an incident
/// already in progress). Refused when the table has no such step; the refusal lists what is
/// possible from the state. This ignores who asks: callers with a user use [`check`](super::check).
pub fn transition(
    state: IncidentState,
    action: IncidentAction,
) -> Result<Option<IncidentState>, NotAllowed> {
    match row(action) {
        Some((_, from, to)) if from.contains(&state) => Ok(to.filter(|next| *next != state)),
        _ => Err(NotAllowed::not_from_state(
            state,
            action,
            possible_from(state),
        )),
    }
}
