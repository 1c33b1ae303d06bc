//! Who may take which action: the caller's role and their relations to the incident, as a table
//! read together with the transition table.

use super::refusal::{NotAllowed, Refusal};
use super::transitions::{possible, transition};
use super::{Evaluation, IncidentAction, IncidentState, Relation, Relations};
use crate::auth::Role;
use crate::error::FieldError;

use IncidentAction as A;

/// The roles that act for a center. A system administrator may stand in for a center operator
/// (a deployment's first days, a center without staff); the relation still has to hold.
const CENTER: &[Role] = &[Role::SystemAdmin, Role::CenterOperator];

/// The grid roles that work incidents: the same three that verify records. Informants,
/// liaisons, patrollers and building heads report and comment; they do not take work on.
const GRID_HANDLERS: &[Role] = &[Role::GridLeader, Role::GridAdmin, Role::GridWorker];

/// Who works a territorial task: the grid's handlers, or the operators of the village or
/// township center it was given to.
const TERRITORIAL: &[Role] = &[
    Role::GridLeader,
    Role::GridAdmin,
    Role::GridWorker,
    Role::CenterOperator,
];

const DEPARTMENT: &[Role] = &[Role::DepartmentHandler];

/// Everyone who acts at all. Leaders read: they take no action, comments included.
const ACTORS: &[Role] = &[
    Role::SystemAdmin,
    Role::CenterOperator,
    Role::DepartmentHandler,
    Role::PoliceOfficer,
    Role::GridLeader,
    Role::GridAdmin,
    Role::Instructor,
    Role::Supervisor,
    Role::Inspector,
    Role::GridWorker,
    Role::Patroller,
    Role::Informant,
    Role::Liaison,
    Role::BuildingHead,
];

const CENTERS: Relations = Relations::CENTERS;
const ASSIGNED: Relations = Relations::of(&[Relation::AssignedDepartment]);
const TERRITORIAL_TASK: Relations = Relations::of(&[Relation::TerritorialTask]);
const GRID_STAFF: Relations = Relations::of(&[Relation::GridStaff]);
const REPORTER: Relations = Relations::of(&[Relation::Reporter]);
const SUMMONED: Relations = Relations::of(&[Relation::SummonedDepartment]);

/// Row by row: an action, the roles a row gives it to, and the relations of which the caller
/// needs at least one. An action may have several rows; any one that matches is enough.
pub const WHO: &[(IncidentAction, &[Role], Relations)] = &[
    (A::Accept, CENTER, CENTERS),
    (A::Reject, CENTER, CENTERS),
    (A::Merge, CENTER, CENTERS),
    (A::Dispatch, CENTER, CENTERS),
    (A::Reassign, CENTER, CENTERS),
    (A::Start, DEPARTMENT, ASSIGNED),
    (A::Start, TERRITORIAL, TERRITORIAL_TASK),
    (A::Handle, DEPARTMENT, ASSIGNED),
    (A::Handle, TERRITORIAL, TERRITORIAL_TASK),
    (A::ReturnTask, DEPARTMENT, ASSIGNED),
    (A::ReturnTask, TERRITORIAL, TERRITORIAL_TASK),
    // The check on the ground is the grid's; a center may confirm from the evidence.
    (A::Confirm, GRID_HANDLERS, GRID_STAFF),
    (A::Confirm, CENTER, CENTERS),
    (A::Approve, CENTER, CENTERS),
    (A::Rework, CENTER, CENTERS),
    // The reporter rates; for a citizen without an account the grid's staff record the rating
    // on their follow-up visit.
    (A::Evaluate, ACTORS, REPORTER),
    (A::Evaluate, GRID_HANDLERS, GRID_STAFF),
    (A::Reopen, CENTER, CENTERS),
    (A::Suspend, CENTER, CENTERS),
    (A::Resume, CENTER, CENTERS),
    (A::Whistle, GRID_HANDLERS, GRID_STAFF),
    (A::Whistle, CENTER, CENTERS),
    (A::ReportIn, DEPARTMENT, SUMMONED),
    (A::Comment, ACTORS, Relations::ANY),
];

fn role_has_a_row(role: Role, action: IncidentAction) -> bool {
    WHO.iter()
        .any(|(a, roles, _)| *a == action && roles.contains(&role))
}

fn rule_matches(role: Role, relations: Relations, action: IncidentAction) -> bool {
    WHO.iter().any(|(a, roles, needs)| {
        *a == action && roles.contains(&role) && relations.intersects(*needs)
    })
}

/// The actions this caller may take on an incident in this state, in the order of
/// `IncidentAction::ALL`: what a page offers as buttons.
pub fn allowed(role: Role, relations: Relations, state: IncidentState) -> Vec<IncidentAction> {
    IncidentAction::ALL
        .iter()
        .copied()
        .filter(|a| possible(state, *a) && rule_matches(role, relations, *a))
        .collect()
}

/// Whether this caller may take the action now, and where it leads (`Ok(None)`: the state
/// stays). Refused for the first reason that holds: not from this state, not for this role, not
/// for this relation; the refusal lists what the caller may do instead.
pub fn check(
    role: Role,
    relations: Relations,
    state: IncidentState,
    action: IncidentAction,
) -> Result<Option<IncidentState>, NotAllowed> {
    let refuse = |reason| NotAllowed::new(state, action, reason, allowed(role, relations, state));
    let next = transition(state, action).map_err(|_| refuse(Refusal::NotFromState))?;
    if !role_has_a_row(role, action) {
        return Err(refuse(Refusal::NotForRole));
    }
    if !rule_matches(role, relations, action) {
        return Err(refuse(Refusal::NotForRelation));
    }
    Ok(next)
}

/// `reopen` follows an unsatisfied rating only; the store passes the incident's last rating.
pub fn check_reopen(last_evaluation: Option<Evaluation>) -> Result<(), FieldError> {
    match last_evaluation {
        Some(e) if e.allows_reopen() => Ok(()),
        _ => Err(FieldError::new(
            "action",
            "reopen_needs_unsatisfied",
            "只有评价为「不满意」的事件才能重新办理",
            "only an incident rated unsatisfied can be reopened",
        )),
    }
}
