//! Every state × action × role × set of relations, held against the rules stated a second time,
//! differently: as matches on what each action means rather than as rows. A change to either
//! table that is not made to this statement too fails here, with the case that differs.

use super::*;
use crate::auth::Role;

use IncidentAction as A;
use IncidentState as S;
use Relation as R;

/// Where the action leads from the state, whoever asks: `None` when it is not possible,
/// `Some(None)` when the state stays. Deliberately written without normalising: starting on an
/// incident already in progress "leads" to in progress, and `transition` must report no change.
fn oracle_step(state: S, action: A) -> Option<Option<S>> {
    let to = |s| Some(Some(s));
    match (action, state) {
        (A::Comment, _) => Some(None),
        (A::Accept, S::Reported) => to(S::Accepted),
        (A::Reject, S::Reported) => to(S::Rejected),
        (A::Merge, S::Reported | S::Accepted) => to(S::Merged),
        (A::Dispatch, S::Accepted) => to(S::Dispatched),
        (A::Reassign, S::Dispatched | S::InProgress) => Some(None),
        (A::Start, S::Dispatched | S::InProgress) => to(S::InProgress),
        (A::Handle, S::InProgress) => to(S::Handled),
        (A::Confirm, S::Handled) => to(S::UnderReview),
        (A::Approve, S::Handled | S::UnderReview) => to(S::Closed),
        (A::Rework, S::Handled | S::UnderReview) => to(S::InProgress),
        (A::Evaluate, S::Closed) => to(S::Evaluated),
        (A::Reopen, S::Evaluated) => to(S::Accepted),
        (A::Suspend, S::InProgress) => to(S::Suspended),
        (A::Resume, S::Suspended) => to(S::InProgress),
        (A::ReturnTask, S::Dispatched | S::InProgress) => to(S::Accepted),
        (A::Whistle | A::ReportIn, S::Accepted | S::Dispatched | S::InProgress) => Some(None),
        _ => None,
    }
}

/// Whether any rule names the role for the action, and whether the caller passes one.
fn oracle_who(role: Role, rels: Relations, action: A) -> (bool, bool) {
    let center = matches!(role, Role::SystemAdmin | Role::CenterOperator);
    let as_center =
        center && (rels.contains(R::DispatchingCenter) || rels.contains(R::HigherCenter));
    let grid = matches!(role, Role::GridLeader | Role::GridAdmin | Role::GridWorker);
    let department = role == Role::DepartmentHandler;
    let territorial = grid || role == Role::CenterOperator;
    match action {
        A::Accept
        | A::Reject
        | A::Merge
        | A::Dispatch
        | A::Reassign
        | A::Approve
        | A::Rework
        | A::Reopen
        | A::Suspend
        | A::Resume => (center, as_center),
        A::Start | A::Handle | A::ReturnTask => (
            department || territorial,
            (department && rels.contains(R::AssignedDepartment))
                || (territorial && rels.contains(R::TerritorialTask)),
        ),
        A::Confirm | A::Whistle => (
            grid || center,
            (grid && rels.contains(R::GridStaff)) || as_center,
        ),
        A::Evaluate => (
            role != Role::Leader,
            role != Role::Leader
                && (rels.contains(R::Reporter) || (grid && rels.contains(R::GridStaff))),
        ),
        A::ReportIn => (
            department,
            department && rels.contains(R::SummonedDepartment),
        ),
        A::Comment => (
            role != Role::Leader,
            role != Role::Leader && !rels.is_empty(),
        ),
    }
}

fn oracle(role: Role, rels: Relations, state: S, action: A) -> Result<Option<S>, Refusal> {
    let Some(next) = oracle_step(state, action) else {
        return Err(Refusal::NotFromState);
    };
    match oracle_who(role, rels, action) {
        (false, _) => Err(Refusal::NotForRole),
        (true, false) => Err(Refusal::NotForRelation),
        (true, true) => Ok(next.filter(|n| *n != state)),
    }
}

#[test]
fn every_state_action_role_and_relation_set_follows_the_rules() {
    let mut walked = 0usize;
    let mut permitted = 0usize;
    for &state in IncidentState::ALL {
        for role in Role::ALL {
            for rels in Relations::every_set() {
                let expected_allowed: Vec<A> = IncidentAction::ALL
                    .iter()
                    .copied()
                    .filter(|a| oracle(role, rels, state, *a).is_ok())
                    .collect();
                assert_eq!(
                    allowed(role, rels, state),
                    expected_allowed,
                    "allowed for {role} {rels:?} in {state}"
                );
                for &action in IncidentAction::ALL {
                    walked += 1;
                    let got = check(role, rels, state, action);
                    let want = oracle(role, rels, state, action);
                    match (&got, &want) {
                        (Ok(g), Ok(w)) => {
                            permitted += 1;
                            assert_eq!(g, w, "{role} {rels:?} {state} {action}");
                        }
                        (Err(e), Err(reason)) => {
                            assert_eq!(e.reason, *reason, "{role} {rels:?} {state} {action}");
                            assert_eq!(
                                e.allowed, expected_allowed,
                                "{role} {rels:?} {state} {action}"
                            );
                            assert_eq!((e.state, e.action), (state, action));
                        }
                        _ => panic!("{role} {rels:?} {state} {action}: got {got:?}, want {want:?}"),
                    }
                }
            }
        }
    }
    let sets = 1usize << Relation::ALL.len();
    assert_eq!(
        walked,
        IncidentState::ALL.len() * IncidentAction::ALL.len() * Role::ALL.len() * sets
    );
    assert_eq!(walked, 11 * 18 * 15 * 128);
    // Kept in view so a table change that opens or closes many doors at once is noticed.
    assert_eq!(permitted, 26_566, "permitted combinations changed");
}

#[test]
fn transition_alone_follows_the_rules() {
    for &state in IncidentState::ALL {
        let possible_now: Vec<A> = IncidentAction::ALL
            .iter()
            .copied()
            .filter(|a| oracle_step(state, *a).is_some())
            .collect();
        assert_eq!(possible_from(state), possible_now, "{state}");
        for &action in IncidentAction::ALL {
            match (transition(state, action), oracle_step(state, action)) {
                (Ok(got), Some(next)) => {
                    assert_eq!(got, next.filter(|n| *n != state), "{state} {action}")
                }
                (Err(e), None) => {
                    assert_eq!(e.reason, Refusal::NotFromState);
                    assert_eq!(e.allowed, possible_now);
                }
                (got, want) => panic!("{state} {action}: got {got:?}, want {want:?}"),
            }
        }
    }
}
