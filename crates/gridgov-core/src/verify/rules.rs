//! The two tables of verification tasks, transitions and who may, with the check that reads
//! them in the order the store answers: permission, then state, then the claim.

use serde::Serialize;

use super::{Holder, VerifyAction, VerifyState};
use crate::auth::{Permission, Role};
use crate::error::FieldError;

use Holder as H;
use VerifyAction as A;
use VerifyState as S;

/// Row by row: an action, the states it may be taken from, and the state it leads to. One row
/// per action. `claim` from `claimed` is a takeover of a lapsed claim (or a no-op for the holder,
/// which `check` tells apart).
pub const TRANSITIONS: &[(VerifyAction, &[VerifyState], VerifyState)] = &[
    (A::Claim, &[S::Open, S::Claimed], S::Claimed),
    (A::Release, &[S::Claimed], S::Open),
    (A::Decide, &[S::Claimed], S::Resolved),
    (A::Lapse, &[S::Claimed], S::Open),
];

/// Row by row: an action, the permissions a caller needs all of, and how they must stand to the
/// claim (any of). An action may have several rows; any one that matches is enough.
pub const WHO: &[(VerifyAction, &[Permission], &[Holder])] = &[
    (
        A::Claim,
        &[Permission::VerifyRecords],
        &[H::Nobody, H::Caller, H::Lapsed],
    ),
    (A::Release, &[Permission::VerifyRecords], &[H::Caller]),
    // A center that may compare sources frees a claim of a worker who left.
    (
        A::Release,
        &[Permission::VerifyRecords, Permission::CompareSources],
        &[H::Caller, H::Other, H::Lapsed],
    ),
    (A::Decide, &[Permission::VerifyRecords], &[H::Caller]),
    // Anyone who may verify may give a lapsed claim back to the pool; a claim does it in passing.
    (A::Lapse, &[Permission::VerifyRecords], &[H::Lapsed]),
];

/// Why a verification action was refused, as the store answers it today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyRefusal {
    /// The role may not verify at all, or may not release another's claim (403).
    Forbidden,
    /// Released or lapsed while nobody holds it (409).
    TaskOpen,
    /// Decided before anyone claimed it (409).
    TaskNotClaimed,
    /// Someone else holds it (409).
    TaskClaimed,
    /// Already decided (409).
    TaskResolved,
}

impl VerifyRefusal {
    pub fn code(self) -> &'static str {
        match self {
            VerifyRefusal::Forbidden => "forbidden",
            VerifyRefusal::TaskOpen => "task_open",
            VerifyRefusal::TaskNotClaimed => "task_not_claimed",
            VerifyRefusal::TaskClaimed => "task_claimed",
            VerifyRefusal::TaskResolved => "task_resolved",
        }
    }

    /// The reason in both languages, worded as the store words it.
    pub fn messages(self) -> (&'static str, &'static str) {
        match self {
            VerifyRefusal::Forbidden => (
                "您无权执行该核对操作",
                "you may not do this to a verification task",
            ),
            VerifyRefusal::TaskOpen => (
                "该核对任务尚未被认领",
                "this verification task is not claimed",
            ),
            VerifyRefusal::TaskNotClaimed => {
                ("请先认领该核对任务", "claim the verification task first")
            }
            VerifyRefusal::TaskClaimed => (
                "该核对任务已被他人认领",
                "someone else has claimed this verification task",
            ),
            VerifyRefusal::TaskResolved => (
                "该核对任务已处理",
                "this verification task is already decided",
            ),
        }
    }
}

/// A refused verification action, with what the caller may do to the task instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .refusal.messages().1)]
pub struct VerifyNotAllowed {
    pub action: VerifyAction,
    pub state: VerifyState,
    pub refusal: VerifyRefusal,
    pub allowed: Vec<VerifyAction>,
}

impl From<VerifyNotAllowed> for FieldError {
    /// On the field `task`, with the store's codes and messages.
    fn from(e: VerifyNotAllowed) -> FieldError {
        let (zh, en) = e.refusal.messages();
        FieldError::new("task", e.refusal.code(), zh, en)
    }
}

fn row(
    action: VerifyAction,
) -> Option<&'static (VerifyAction, &'static [VerifyState], VerifyState)> {
    TRANSITIONS.iter().find(|(a, _, _)| *a == action)
}

/// The state after the action, whoever asks; refused when the table has no such step.
pub fn transition(state: VerifyState, action: VerifyAction) -> Result<VerifyState, VerifyRefusal> {
    match row(action) {
        Some((_, from, to)) if from.contains(&state) => Ok(*to),
        _ => Err(not_from(state, action)),
    }
}

/// Which refusal a step the table lacks is, in the words the store uses.
fn not_from(state: VerifyState, action: VerifyAction) -> VerifyRefusal {
    match (state, action) {
        (S::Resolved, _) => VerifyRefusal::TaskResolved,
        (S::Open, A::Decide) => VerifyRefusal::TaskNotClaimed,
        (S::Open, _) => VerifyRefusal::TaskOpen,
        // Every action may be taken from `claimed`; kept for a table that changes.
        (S::Claimed, _) => VerifyRefusal::TaskClaimed,
    }
}

fn permitted(role: Role, needs: &[Permission]) -> bool {
    needs.iter().all(|p| role.can(*p))
}

/// The actions this caller may take on the task now, in the order of `VerifyAction::ALL`.
pub fn allowed(role: Role, holder: Holder, state: VerifyState) -> Vec<VerifyAction> {
    VerifyAction::ALL
        .iter()
        .copied()
        .filter(|a| decide(role, holder, state, *a).is_ok())
        .collect()
}

/// Whether the caller may take the action: `Ok(Some(state))` to write, `Ok(None)` when there is
/// nothing to write (claiming one's own task again). Refused for the first reason that holds:
/// the role's permissions, then the task's state, then who holds the claim.
pub fn check(
    role: Role,
    holder: Holder,
    state: VerifyState,
    action: VerifyAction,
) -> Result<Option<VerifyState>, VerifyNotAllowed> {
    decide(role, holder, state, action).map_err(|refusal| VerifyNotAllowed {
        action,
        state,
        refusal,
        allowed: allowed(role, holder, state),
    })
}

fn decide(
    role: Role,
    holder: Holder,
    state: VerifyState,
    action: VerifyAction,
) -> Result<Option<VerifyState>, VerifyRefusal> {
    let rows = || WHO.iter().filter(move |(a, _, _)| *a == action);
    if !rows().any(|(_, needs, _)| permitted(role, needs)) {
        return Err(VerifyRefusal::Forbidden);
    }
    let next = transition(state, action)?;
    if !rows().any(|(_, needs, holders)| permitted(role, needs) && holders.contains(&holder)) {
        return Err(VerifyRefusal::TaskClaimed);
    }
    if action == A::Claim && state == S::Claimed && holder == H::Caller {
        return Ok(None);
    }
    Ok(Some(next))
}
