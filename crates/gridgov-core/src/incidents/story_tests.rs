//! The loop as stories of the field: one incident walked through the tables by the people who
//! would act on it.

use super::*;
use crate::auth::Role;

use IncidentAction as A;
use IncidentState as S;
use Relation as R;

/// One incident's state, moved only through `check` (and `after_task` for task endings).
struct Incident {
    state: S,
}

impl Incident {
    fn new() -> Incident {
        Incident { state: S::Reported }
    }

    fn act(&mut self, role: Role, rels: &[Relation], action: A) -> &mut Incident {
        self.act_with(role, rels, action, 0)
    }

    /// `others` counts the incident's other live tasks, for actions that end one.
    fn act_with(
        &mut self,
        role: Role,
        rels: &[Relation],
        action: A,
        others: usize,
    ) -> &mut Incident {
        let next = check(role, Relations::of(rels), self.state, action)
            .unwrap_or_else(|e| panic!("{role} {action} in {}: {}", self.state, e.en));
        if let Some(next) = after_task(action, next, others) {
            self.state = next;
        }
        self
    }

    fn refused(&self, role: Role, rels: &[Relation], action: A) -> NotAllowed {
        check(role, Relations::of(rels), self.state, action)
            .expect_err("the action should be refused")
    }
}

const OPERATOR: Role = Role::CenterOperator;
const DISPATCHING: &[Relation] = &[R::DispatchingCenter];

#[test]
fn a_citizen_report_goes_round_the_whole_loop() {
    let mut i = Incident::new();
    assert!(i.state.is_open());
    i.act(OPERATOR, DISPATCHING, A::Accept);
    assert_eq!(i.state, S::Accepted);
    i.act(OPERATOR, DISPATCHING, A::Dispatch);
    assert_eq!(i.state, S::Dispatched);
    i.act(Role::DepartmentHandler, &[R::AssignedDepartment], A::Start);
    assert_eq!(i.state, S::InProgress);
    i.act(Role::DepartmentHandler, &[R::AssignedDepartment], A::Handle);
    assert_eq!(i.state, S::Handled);
    // The handler cannot confirm its own result; the grid's worker checks on the ground.
    let e = i.refused(
        Role::DepartmentHandler,
        &[R::AssignedDepartment],
        A::Confirm,
    );
    assert_eq!(e.reason, Refusal::NotForRole);
    i.act(Role::GridWorker, &[R::GridStaff], A::Confirm);
    assert_eq!(i.state, S::UnderReview);
    i.act(OPERATOR, DISPATCHING, A::Approve);
    assert_eq!(i.state, S::Closed);
    assert!(!i.state.is_open());
    i.act(Role::Informant, &[R::Reporter], A::Evaluate);
    assert_eq!(i.state, S::Evaluated);
    assert!(!i.state.is_open() && !i.state.is_terminal());
}

#[test]
fn a_report_without_substance_is_rejected_and_then_only_commented_on() {
    let mut i = Incident::new();
    let e = i.refused(Role::GridWorker, &[R::Reporter, R::GridStaff], A::Reject);
    assert_eq!(e.reason, Refusal::NotForRole);
    // An operator of a neighbouring center stands in no relation to it.
    let e = i.refused(OPERATOR, &[], A::Reject);
    assert_eq!(e.reason, Refusal::NotForRelation);
    assert!(e.allowed.is_empty());
    i.act(OPERATOR, &[R::HigherCenter], A::Reject);
    assert_eq!(i.state, S::Rejected);
    assert!(i.state.is_terminal());
    assert_eq!(allowed(OPERATOR, Relations::CENTERS, i.state), [A::Comment]);
    let e = i.refused(OPERATOR, DISPATCHING, A::Accept);
    assert_eq!(e.reason, Refusal::NotFromState);
    assert_eq!(e.allowed, [A::Comment]);
}

#[test]
fn a_duplicate_is_merged_before_or_after_acceptance_but_not_once_dispatched() {
    let mut i = Incident::new();
    i.act(OPERATOR, DISPATCHING, A::Merge);
    assert_eq!(i.state, S::Merged);
    assert!(i.state.is_terminal());
    let mut j = Incident::new();
    j.act(OPERATOR, DISPATCHING, A::Accept)
        .act(OPERATOR, DISPATCHING, A::Merge);
    assert_eq!(j.state, S::Merged);
    let mut k = Incident::new();
    k.act(OPERATOR, DISPATCHING, A::Accept)
        .act(OPERATOR, DISPATCHING, A::Dispatch);
    assert_eq!(
        k.refused(OPERATOR, DISPATCHING, A::Merge).reason,
        Refusal::NotFromState
    );
}

#[test]
fn the_clock_stops_and_runs_again_at_the_centers_word() {
    let mut i = Incident::new();
    i.act(OPERATOR, DISPATCHING, A::Accept)
        .act(OPERATOR, DISPATCHING, A::Dispatch);
    assert_eq!(
        i.refused(OPERATOR, DISPATCHING, A::Suspend).reason,
        Refusal::NotFromState
    );
    i.act(Role::GridWorker, &[R::TerritorialTask], A::Start);
    let e = i.refused(
        Role::GridWorker,
        &[R::TerritorialTask, R::GridStaff],
        A::Suspend,
    );
    assert_eq!(e.reason, Refusal::NotForRole);
    assert!(e.allowed.contains(&A::Handle));
    i.act(OPERATOR, DISPATCHING, A::Suspend);
    assert_eq!(i.state, S::Suspended);
    assert!(i.state.is_open());
    // Nobody works a suspended incident.
    assert_eq!(
        i.refused(Role::GridWorker, &[R::TerritorialTask], A::Handle)
            .reason,
        Refusal::NotFromState
    );
    i.act(OPERATOR, &[R::HigherCenter], A::Resume);
    assert_eq!(i.state, S::InProgress);
}

#[test]
fn dual_line_returns_wait_for_the_last_live_task_then_go_back_for_dispatch() {
    use TaskState as T;
    let mut i = Incident::new();
    i.act(OPERATOR, DISPATCHING, A::Accept)
        .act(OPERATOR, DISPATCHING, A::Dispatch);
    // Two tasks: the grid (territorial) and the housing department (lead).
    let mut grid_task = T::Assigned;
    let mut housing_task = T::Assigned;
    // Housing returns its task while the grid's is live: the incident stays dispatched.
    i.act_with(
        Role::DepartmentHandler,
        &[R::AssignedDepartment],
        A::ReturnTask,
        1,
    );
    housing_task = task_transition(housing_task, A::ReturnTask).unwrap();
    assert_eq!((i.state, housing_task), (S::Dispatched, T::Returned));
    // A returned task cannot be returned again; the department no longer stands assigned.
    assert!(task_transition(housing_task, A::ReturnTask).is_err());
    assert_eq!(
        i.refused(Role::DepartmentHandler, &[], A::ReturnTask)
            .reason,
        Refusal::NotForRelation
    );
    i.act(
        Role::GridWorker,
        &[R::TerritorialTask, R::GridStaff],
        A::Start,
    );
    grid_task = task_transition(grid_task, A::Start).unwrap();
    assert_eq!((i.state, grid_task), (S::InProgress, T::InProgress));
    // The grid returns too: no live task is left, so the incident waits for dispatch again.
    i.act_with(Role::GridWorker, &[R::TerritorialTask], A::ReturnTask, 0);
    assert_eq!(i.state, S::Accepted);
    i.act(OPERATOR, DISPATCHING, A::Dispatch);
    assert_eq!(i.state, S::Dispatched);
    // Housing gets it again and returns it again: shirking.
    let returned = |task: &str| IncidentEvent::TaskReturned {
        task_id: task.into(),
        assignee: Assignee::Department("housing".into()),
        reason: "不属于本部门职责".into(),
    };
    i.act(
        Role::DepartmentHandler,
        &[R::AssignedDepartment],
        A::ReturnTask,
    );
    assert_eq!(i.state, S::Accepted);
    assert!(is_shirking(&[returned("t2"), returned("t5")]));
}

#[test]
fn the_incident_is_handled_when_its_last_live_task_is() {
    let mut i = Incident::new();
    i.act(OPERATOR, DISPATCHING, A::Accept)
        .act(OPERATOR, DISPATCHING, A::Dispatch)
        .act(Role::DepartmentHandler, &[R::AssignedDepartment], A::Start)
        .act(Role::GridLeader, &[R::TerritorialTask], A::Start);
    i.act_with(
        Role::DepartmentHandler,
        &[R::AssignedDepartment],
        A::Handle,
        1,
    );
    assert_eq!(i.state, S::InProgress);
    i.act_with(Role::GridLeader, &[R::TerritorialTask], A::Handle, 0);
    assert_eq!(i.state, S::Handled);
}

#[test]
fn a_poor_result_is_sent_back_for_rework_at_confirmation_or_review() {
    let mut i = Incident::new();
    i.act(OPERATOR, DISPATCHING, A::Accept)
        .act(OPERATOR, DISPATCHING, A::Dispatch)
        .act(Role::DepartmentHandler, &[R::AssignedDepartment], A::Start)
        .act(Role::DepartmentHandler, &[R::AssignedDepartment], A::Handle);
    // The handler cannot approve their own result; the center can, or sends it back.
    assert_eq!(
        i.refused(
            Role::DepartmentHandler,
            &[R::AssignedDepartment],
            A::Approve
        )
        .reason,
        Refusal::NotForRole
    );
    i.act(OPERATOR, DISPATCHING, A::Rework);
    assert_eq!(i.state, S::InProgress);
    assert_eq!(
        task_transition(TaskState::Handled, A::Rework),
        Ok(TaskState::InProgress)
    );
    i.act(Role::DepartmentHandler, &[R::AssignedDepartment], A::Handle)
        .act(OPERATOR, DISPATCHING, A::Confirm);
    assert_eq!(i.state, S::UnderReview);
    // A grid worker finds it undone, but rework is the center's decision; they comment.
    let e = i.refused(Role::GridWorker, &[R::GridStaff], A::Rework);
    assert_eq!(e.reason, Refusal::NotForRole);
    assert_eq!(e.allowed, [A::Comment]);
    i.act(Role::GridWorker, &[R::GridStaff], A::Comment)
        .act(OPERATOR, DISPATCHING, A::Rework);
    assert_eq!(i.state, S::InProgress);
}

#[test]
fn an_unsatisfied_rating_reopens_the_incident_for_dispatch() {
    let mut i = Incident { state: S::Closed };
    i.act(Role::GridWorker, &[R::GridStaff], A::Evaluate);
    assert_eq!(i.state, S::Evaluated);
    assert!(check_reopen(Some(Evaluation::Satisfied)).is_err());
    assert!(check_reopen(Some(Evaluation::BasicallySatisfied)).is_err());
    assert!(check_reopen(None).is_err());
    assert!(check_reopen(Some(Evaluation::Unsatisfied)).is_ok());
    // The reporter says so; the center reopens.
    let e = i.refused(Role::GridWorker, &[R::Reporter, R::GridStaff], A::Reopen);
    assert_eq!(e.reason, Refusal::NotForRole);
    i.act(OPERATOR, DISPATCHING, A::Reopen);
    assert_eq!(i.state, S::Accepted);
    assert!(i.state.is_open());
    i.act(OPERATOR, DISPATCHING, A::Dispatch);
    assert_eq!(i.state, S::Dispatched);
}

#[test]
fn a_whistle_summons_departments_who_report_in() {
    let mut i = Incident::new();
    assert_eq!(
        i.refused(Role::GridLeader, &[R::GridStaff], A::Whistle)
            .reason,
        Refusal::NotFromState
    );
    i.act(OPERATOR, DISPATCHING, A::Accept);
    i.act(Role::GridLeader, &[R::GridStaff], A::Whistle);
    assert_eq!(i.state, S::Accepted);
    assert_eq!(
        i.refused(
            Role::DepartmentHandler,
            &[R::AssignedDepartment],
            A::ReportIn
        )
        .reason,
        Refusal::NotForRelation
    );
    i.act(
        Role::DepartmentHandler,
        &[R::SummonedDepartment, R::AssignedDepartment],
        A::ReportIn,
    );
    assert_eq!(
        task_transition(TaskState::Assigned, A::ReportIn),
        Ok(TaskState::Accepted)
    );
    assert_eq!(i.state, S::Accepted);
    // An informant of the grid sees it but does not summon anyone.
    assert_eq!(
        i.refused(Role::Informant, &[R::GridStaff], A::Whistle)
            .reason,
        Refusal::NotForRole
    );
}

#[test]
fn terminal_states_take_nothing_but_comments_from_anyone() {
    for &state in IncidentState::ALL {
        let only_comment = possible_from(state) == [A::Comment];
        assert_eq!(state.is_terminal(), only_comment, "{state}");
        if state.is_terminal() {
            assert!(!state.is_open());
            for role in Role::ALL {
                for rels in Relations::every_set() {
                    assert!(
                        allowed(role, rels, state).iter().all(|a| *a == A::Comment),
                        "{role} {rels:?} {state}"
                    );
                }
            }
        }
    }
    // Comments are taken on closed incidents too (follow-up visits, supervision notes).
    for state in [S::Closed, S::Evaluated, S::Rejected, S::Merged] {
        assert_eq!(
            check(
                Role::Informant,
                Relations::of(&[R::Reporter]),
                state,
                A::Comment
            ),
            Ok(None)
        );
    }
    // Leaders read; they take no action at all.
    for &state in IncidentState::ALL {
        assert!(allowed(Role::Leader, Relations::ANY, state).is_empty());
    }
}

#[test]
fn the_tables_are_complete_and_every_state_can_be_reached_and_left() {
    for &action in IncidentAction::ALL {
        let rows = TRANSITIONS.iter().filter(|(a, _, _)| *a == action).count();
        assert_eq!(rows, 1, "{action} needs exactly one transition row");
        assert!(
            WHO.iter().any(|(a, _, _)| *a == action),
            "{action} has nobody to take it"
        );
    }
    // Every state is reachable from a report, and every open one can still reach closure.
    let reach = |from: S| {
        let mut seen = vec![from];
        let mut i = 0;
        while i < seen.len() {
            for &(_, froms, to) in TRANSITIONS {
                if let Some(to) = to
                    && froms.contains(&seen[i])
                    && !seen.contains(&to)
                {
                    seen.push(to);
                }
            }
            i += 1;
        }
        seen
    };
    let from_report = reach(S::Reported);
    for &state in IncidentState::ALL {
        assert!(from_report.contains(&state), "{state} cannot be reached");
        if state.is_open() {
            assert!(
                reach(state).contains(&S::Closed),
                "{state} cannot reach closure"
            );
        }
    }
}

#[test]
fn refusals_speak_both_languages_and_become_field_errors() {
    let e = check(Role::GridWorker, Relations::NONE, S::Closed, A::Accept).unwrap_err();
    assert_eq!(e.code(), "action_not_from_state");
    assert!(e.zh.contains("已结案") && e.zh.contains("受理"), "{}", e.zh);
    assert!(
        e.en.contains("closed") && e.en.contains("accept"),
        "{}",
        e.en
    );
    assert!(e.en.contains("nothing is allowed now"), "{}", e.en);
    let worker = Relations::of(&[R::Reporter, R::TerritorialTask]);
    let e = check(Role::GridWorker, worker, S::InProgress, A::Suspend).unwrap_err();
    assert!(
        e.en.ends_with("allowed now: start, handle, return_task, comment"),
        "{}",
        e.en
    );
    assert!(e.zh.contains("开始办理、办结、退回、备注"), "{}", e.zh);
    let f: crate::FieldError = e.into();
    assert_eq!(
        (f.field.as_str(), f.code),
        ("action", "action_not_for_role")
    );
    let e = check(OPERATOR, Relations::NONE, S::Reported, A::Accept).unwrap_err();
    assert_eq!(e.code(), "action_not_for_relation");
    assert!(e.to_string().contains("relation"));
}
