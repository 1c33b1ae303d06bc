//! Working out a caller's relations to an incident from plain facts the store reads, so that the
//! meaning of each relation is written once, here, and tested.

use super::events::Assignee;
use super::{Relation, Relations, TaskKind, TaskState};
use crate::auth::{Actor, Role};

/// The caller, with what the store knows beyond the actor: their department and their grids.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub actor: &'a Actor,
    /// The department a department handler works for.
    pub department_id: Option<&'a str>,
    /// The grids the caller serves (any duty).
    pub grid_ids: &'a [String],
}

/// One task of the incident as the relations need it.
#[derive(Debug, Clone, Copy)]
pub struct TaskFact<'a> {
    pub kind: TaskKind,
    pub state: TaskState,
    pub assignee: &'a Assignee,
    /// Given by a whistle: the summons of a department.
    pub summoned: bool,
}

/// The incident as the relations need it.
#[derive(Debug, Clone, Copy)]
pub struct IncidentFacts<'a> {
    /// The user who reported it; none for a citizen without an account or a feed.
    pub reporter_id: Option<&'a str>,
    /// The grid it lies in, when known.
    pub grid_id: Option<&'a str>,
    /// The scope path of the center that holds it: the one it was reported to, then the one that
    /// accepted and dispatched it (`42/4202/420202/420202001/` for a township center).
    pub center_path: &'a str,
    pub tasks: &'a [TaskFact<'a>],
}

pub fn is_center_role(role: Role) -> bool {
    matches!(role, Role::SystemAdmin | Role::CenterOperator)
}

/// The region code a scope path ends in: the region whose center a center role operates.
fn region_of(path: &str) -> Option<&str> {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
}

/// How the caller stands to the incident: each relation as `Relation` documents it.
pub fn relations_of(caller: &Caller<'_>, incident: &IncidentFacts<'_>) -> Relations {
    let actor = caller.actor;
    let serves = |grid: &str| caller.grid_ids.iter().any(|g| g == grid);
    let my_department = |a: &Assignee| matches!((a, caller.department_id), (Assignee::Department(d), Some(mine)) if d == mine);
    let center = is_center_role(actor.role);
    let scope = actor.scope.as_str();
    let mut out = Relations::NONE;
    let mut add = |r: Relation, holds: bool| {
        if holds {
            out = out.with(r);
        }
    };
    add(
        Relation::Reporter,
        incident.reporter_id == Some(actor.user_id.as_str()),
    );
    add(Relation::GridStaff, incident.grid_id.is_some_and(serves));
    add(
        Relation::AssignedDepartment,
        incident
            .tasks
            .iter()
            .any(|t| t.state.is_live() && t.kind.is_department() && my_department(t.assignee)),
    );
    add(
        Relation::TerritorialTask,
        incident.tasks.iter().any(|t| {
            t.state.is_live()
                && t.kind == TaskKind::Territorial
                && match t.assignee {
                    Assignee::Grid(g) => serves(g),
                    Assignee::Region(code) => center && region_of(scope) == Some(code.as_str()),
                    Assignee::Department(_) => false,
                }
        }),
    );
    add(
        Relation::DispatchingCenter,
        center && scope == incident.center_path,
    );
    add(
        Relation::HigherCenter,
        center && scope != incident.center_path && actor.scope.contains(incident.center_path),
    );
    add(
        Relation::SummonedDepartment,
        incident
            .tasks
            .iter()
            .any(|t| t.summoned && t.state == TaskState::Assigned && my_department(t.assignee)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::ScopePath;

    const TOWNSHIP: &str = "42/4202/420202/420202001/";

    fn actor(role: Role, scope: &str) -> Actor {
        Actor {
            user_id: format!("{}-user", role.as_str()),
            username: role.as_str().into(),
            role,
            scope: ScopePath::from_path(scope),
        }
    }

    fn relations(
        actor: &Actor,
        dept: Option<&str>,
        grids: &[&str],
        tasks: &[TaskFact],
    ) -> Vec<Relation> {
        let grid_ids: Vec<String> = grids.iter().map(|g| g.to_string()).collect();
        let caller = Caller {
            actor,
            department_id: dept,
            grid_ids: &grid_ids,
        };
        let incident = IncidentFacts {
            reporter_id: Some("grid_worker-user"),
            grid_id: Some("g7"),
            center_path: TOWNSHIP,
            tasks,
        };
        relations_of(&caller, &incident).iter().collect()
    }

    #[test]
    fn centers_dispatch_at_their_level_and_oversee_below() {
        let township = actor(Role::CenterOperator, TOWNSHIP);
        assert_eq!(
            relations(&township, None, &[], &[]),
            [Relation::DispatchingCenter]
        );
        let county = actor(Role::CenterOperator, "42/4202/420202/");
        assert_eq!(relations(&county, None, &[], &[]), [Relation::HigherCenter]);
        let village = actor(
            Role::CenterOperator,
            "42/4202/420202/420202001/420202001001/",
        );
        assert!(relations(&village, None, &[], &[]).is_empty());
        let elsewhere = actor(Role::CenterOperator, "42/4202/420203/");
        assert!(relations(&elsewhere, None, &[], &[]).is_empty());
        // A leader over the county sees it, but stands in no center relation: leaders read.
        let leader = actor(Role::Leader, "42/4202/420202/");
        assert!(relations(&leader, None, &[], &[]).is_empty());
    }

    #[test]
    fn grid_staff_reporters_and_territorial_tasks() {
        let worker = actor(Role::GridWorker, "42/4202/420202/420202001/420202001001/");
        assert_eq!(
            relations(&worker, None, &["g7"], &[]),
            [Relation::Reporter, Relation::GridStaff]
        );
        let grid = Assignee::Grid("g7".into());
        let live = TaskFact {
            kind: TaskKind::Territorial,
            state: TaskState::InProgress,
            assignee: &grid,
            summoned: false,
        };
        assert!(relations(&worker, None, &["g7"], &[live]).contains(&Relation::TerritorialTask));
        let done = TaskFact {
            state: TaskState::Handled,
            ..live
        };
        assert!(!relations(&worker, None, &["g7"], &[done]).contains(&Relation::TerritorialTask));
        // A territorial task given to the township is its center's.
        let region = Assignee::Region("420202001".into());
        let to_township = TaskFact {
            assignee: &region,
            ..live
        };
        let township = actor(Role::CenterOperator, TOWNSHIP);
        assert!(
            relations(&township, None, &[], &[to_township]).contains(&Relation::TerritorialTask)
        );
        assert!(
            !relations(&worker, None, &["g7"], &[to_township]).contains(&Relation::TerritorialTask)
        );
    }

    #[test]
    fn departments_are_assigned_while_their_task_lives_and_summoned_until_they_report_in() {
        let handler = actor(Role::DepartmentHandler, "42/4202/420202/");
        let housing = Assignee::Department("housing".into());
        let summons = TaskFact {
            kind: TaskKind::DepartmentAssist,
            state: TaskState::Assigned,
            assignee: &housing,
            summoned: true,
        };
        assert_eq!(
            relations(&handler, Some("housing"), &[], &[summons]),
            [Relation::AssignedDepartment, Relation::SummonedDepartment]
        );
        let reported_in = TaskFact {
            state: TaskState::Accepted,
            ..summons
        };
        assert_eq!(
            relations(&handler, Some("housing"), &[], &[reported_in]),
            [Relation::AssignedDepartment]
        );
        let returned = TaskFact {
            state: TaskState::Returned,
            summoned: false,
            ..summons
        };
        assert!(relations(&handler, Some("housing"), &[], &[returned]).is_empty());
        assert!(relations(&handler, Some("fire"), &[], &[summons]).is_empty());
        assert!(relations(&handler, None, &[], &[summons]).is_empty());
    }
}
