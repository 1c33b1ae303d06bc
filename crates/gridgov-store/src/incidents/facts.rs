//! The facts core's rules decide from: the caller's department and grids, the incident as seen
//! through the caller's doors, its tasks; and the caller's relations to it worked out from them.

use gridgov_core::auth::Actor;
use gridgov_core::incidents::{
    Assignee, Caller, Evaluation, IncidentAction, IncidentFacts, IncidentState, Relations,
    TaskFact, TaskKind, TaskState, allowed, check_reopen, relations_of,
};
use sqlx::AnyConnection;

use super::rows::{
    COLUMNS, IncidentTaskRow, IncidentView, TASK_COLUMNS, TASK_JOINS, TASK_ROW_COLUMNS, TaskView,
};
use crate::scope::{BindScope, IncidentDoors};
use crate::{StoreError, StoreResult};

/// What the store knows of the caller beyond the actor.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallerFacts {
    pub department_id: Option<String>,
    pub grid_ids: Vec<String>,
}

impl CallerFacts {
    pub(crate) fn doors(&self, actor: &Actor) -> IncidentDoors {
        IncidentDoors::of(actor, self.department_id.as_deref())
    }
}

/// The caller's department (as a handler) and the grids they serve (any duty).
pub(crate) async fn caller_facts(
    conn: &mut AnyConnection,
    actor: &Actor,
) -> StoreResult<CallerFacts> {
    // One round trip for both: every action and page asks this first.
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT 'department', m.department_id FROM department_members m JOIN departments d \
         ON d.id = m.department_id WHERE m.user_id = $1 AND d.active = 1 \
         UNION SELECT 'grid', grid_id FROM grid_staff WHERE user_id = $1",
    )
    .bind(&actor.user_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut department_id = None;
    let mut grid_ids = Vec::new();
    for (kind, id) in rows {
        if kind == "department" {
            department_id = Some(id);
        } else {
            grid_ids.push(id);
        }
    }
    Ok(CallerFacts {
        department_id,
        grid_ids,
    })
}

/// The incident if the caller sees it through one of their doors; `NotFound` otherwise (an
/// incident elsewhere is as good as none).
pub(crate) async fn incident_in_doors(
    conn: &mut AnyConnection,
    doors: &IncidentDoors,
    county: &str,
    id: &str,
) -> StoreResult<IncidentView> {
    sqlx::query_as::<_, IncidentView>(&format!(
        "SELECT {COLUMNS} FROM incidents i WHERE i.county_code = $1 AND i.id = $2 AND {}",
        doors.sql("i", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_doors(doors)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The incident seen through the caller's doors, with its tasks oldest first, in one round trip
/// (every action reads both before it decides): the incident's columns repeat on each task's
/// row, or come once with no task. `NotFound` as [`incident_in_doors`].
pub(crate) async fn incident_with_tasks(
    conn: &mut AnyConnection,
    doors: &IncidentDoors,
    county: &str,
    id: &str,
) -> StoreResult<(IncidentView, Vec<TaskView>)> {
    let rows = sqlx::query_as::<_, IncidentTaskRow>(&format!(
        "SELECT {COLUMNS}, {TASK_ROW_COLUMNS} FROM incidents i \
         LEFT JOIN incident_tasks t ON t.county_code = i.county_code AND t.incident_id = i.id \
         {TASK_JOINS} WHERE i.county_code = $1 AND i.id = $2 AND {} \
         ORDER BY t.created_at, t.id",
        doors.sql("i", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_doors(doors)
    .fetch_all(&mut *conn)
    .await?;
    let mut rows = rows.into_iter();
    let first = rows.next().ok_or(StoreError::NotFound)?;
    let incident = first.incident.clone();
    let tasks = std::iter::once(first)
        .chain(rows)
        .filter_map(IncidentTaskRow::into_task)
        .collect();
    Ok((incident, tasks))
}

/// The tasks of an incident, oldest first.
pub(crate) async fn tasks_of(
    conn: &mut AnyConnection,
    county: &str,
    incident_id: &str,
) -> StoreResult<Vec<TaskView>> {
    Ok(sqlx::query_as::<_, TaskView>(&format!(
        "SELECT {TASK_COLUMNS} FROM incident_tasks t {TASK_JOINS} \
         WHERE t.county_code = $1 AND t.incident_id = $2 ORDER BY t.created_at, t.id"
    ))
    .bind(county)
    .bind(incident_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A stored task's assignee as core names it.
pub(crate) fn assignee_of(t: &TaskView) -> Assignee {
    match t.assignee_type.as_str() {
        "department" => Assignee::Department(t.assignee_id.clone()),
        "grid" => Assignee::Grid(t.assignee_id.clone()),
        _ => Assignee::Region(t.assignee_id.clone()),
    }
}

/// Reads a stored code back into its vocabulary; a code the store wrote is always known.
pub(crate) fn stored<T>(r: Result<T, gridgov_core::FieldError>) -> StoreResult<T> {
    r.map_err(|e| StoreError::Internal(format!("stored code not understood: {}", e.en)))
}

/// The incident's state as core's type.
pub(crate) fn state_of(i: &IncidentView) -> StoreResult<IncidentState> {
    stored(IncidentState::parse("state", &i.state))
}

/// The caller's relations to the incident.
pub(crate) fn relations(
    actor: &Actor,
    caller: &CallerFacts,
    incident: &IncidentView,
    tasks: &[TaskView],
) -> StoreResult<Relations> {
    let assignees: Vec<Assignee> = tasks.iter().map(assignee_of).collect();
    let facts: Vec<TaskFact<'_>> = tasks
        .iter()
        .zip(&assignees)
        .map(|(t, assignee)| {
            Ok(TaskFact {
                kind: stored(TaskKind::parse("kind", &t.kind))?,
                state: stored(TaskState::parse("state", &t.state))?,
                assignee,
                summoned: t.summoned != 0,
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok(relations_of(
        &Caller {
            actor,
            department_id: caller.department_id.as_deref(),
            grid_ids: &caller.grid_ids,
        },
        &IncidentFacts {
            reporter_id: incident.reporter_id.as_deref(),
            grid_id: incident.grid_id.as_deref(),
            center_path: &incident.center_path,
            tasks: &facts,
        },
    ))
}

/// The actions open to the caller now: core's list for the role, relations and state, less a
/// reopening that the last rating does not allow.
pub(crate) fn open_actions(
    actor: &Actor,
    rel: Relations,
    incident: &IncidentView,
) -> StoreResult<Vec<IncidentAction>> {
    let last = incident
        .evaluation
        .as_deref()
        .map(|e| stored(Evaluation::parse("evaluation", e)))
        .transpose()?;
    let mut open = allowed(actor.role, rel, state_of(incident)?);
    if check_reopen(last).is_err() {
        open.retain(|a| *a != IncidentAction::Reopen);
    }
    Ok(open)
}
