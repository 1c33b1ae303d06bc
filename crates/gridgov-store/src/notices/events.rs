//! The notices an incident action sends, decided from its typed event, in the action's own
//! transaction: assigned (a dispatched or reassigned task → its department's handlers, or for a
//! territorial task the grid's staff or the region's center operators), sent back (a task
//! returned → the dispatching center's operators; a result sent back for rework → the people of
//! the reworked tasks), summoned (a whistle → the summoned departments' handlers), evaluated (a
//! rating → the people of the incident's tasks). Other events notify no one.

use gridgov_core::incidents::{Assignee, IncidentEvent, TaskAssignment};
use gridgov_core::notify::NoticeKind;
use serde_json::json;
use sqlx::AnyConnection;

use super::enqueue::{NewNotice, enqueue_notices};
use crate::StoreResult;
use crate::incidents::{IncidentView, TaskView};

/// Who works on an assignee, and its name for the sentence.
pub(super) async fn people_of(
    conn: &mut AnyConnection,
    a: &Assignee,
) -> StoreResult<(String, Vec<String>)> {
    let (name_sql, people_sql, id) = match a {
        Assignee::Department(id) => (
            "SELECT name FROM departments WHERE id = $1",
            "SELECT m.user_id FROM department_members m JOIN users u ON u.id = m.user_id \
             WHERE m.department_id = $1 AND u.role = 'department_handler'",
            id,
        ),
        Assignee::Grid(id) => (
            "SELECT name FROM grids WHERE id = $1",
            "SELECT DISTINCT user_id FROM grid_staff WHERE grid_id = $1",
            id,
        ),
        Assignee::Region(code) => (
            "SELECT name FROM regions WHERE code = $1",
            "SELECT id FROM users WHERE role = 'center_operator' \
             AND scope_path = (SELECT path FROM regions WHERE code = $1)",
            code,
        ),
    };
    let name: Option<(String,)> = sqlx::query_as(name_sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let people: Vec<(String,)> = sqlx::query_as(people_sql)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    Ok((
        name.map_or_else(|| id.clone(), |(n,)| n),
        people.into_iter().map(|(u,)| u).collect(),
    ))
}

fn assignee_of(t: &TaskView) -> Option<Assignee> {
    let id = t.assignee_id.clone();
    match t.assignee_type.as_str() {
        "department" => Some(Assignee::Department(id)),
        "grid" => Some(Assignee::Grid(id)),
        "region" => Some(Assignee::Region(id)),
        _ => None,
    }
}

/// The center operators of the center holding the incident.
pub(super) async fn center_operators(
    conn: &mut AnyConnection,
    center_path: &str,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM users WHERE role = 'center_operator' AND scope_path = $1")
            .bind(center_path)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|(u,)| u).collect())
}

struct Sender<'a> {
    incident: &'a IncidentView,
    now: i64,
}

impl Sender<'_> {
    async fn send(
        &self,
        conn: &mut AnyConnection,
        kind: NoticeKind,
        params: serde_json::Value,
        key: &str,
        users: &[String],
    ) -> StoreResult<()> {
        let i = self.incident;
        let notice = NewNotice {
            kind,
            county_code: Some(i.county_code.clone()),
            incident_id: Some(i.id.clone()),
            incident_number: i.number.clone(),
            title: i.title.clone(),
            params,
            // The version the action wrote: one event, one notice per recipient and target.
            event_key: format!(
                "incident:{}:{}:{}:{}:{key}",
                i.county_code,
                i.id,
                i.version,
                kind.as_str()
            ),
            path: i.path.clone(),
        };
        enqueue_notices(conn, self.now, &notice, users).await?;
        Ok(())
    }

    /// One notice per assignee, to its people, naming it.
    async fn to_assignees(
        &self,
        conn: &mut AnyConnection,
        kind: NoticeKind,
        tasks: &[TaskAssignment],
    ) -> StoreResult<()> {
        for t in tasks {
            let (name, people) = people_of(conn, &t.assignee).await?;
            self.send(conn, kind, json!({"assignee": name}), &t.task_id, &people)
                .await?;
        }
        Ok(())
    }
}

/// The notices of one incident event. `incident` is the row as the action wrote it, `tasks`
/// the tasks as they were before it.
pub(crate) async fn for_event(
    conn: &mut AnyConnection,
    now: i64,
    incident: &IncidentView,
    tasks: &[TaskView],
    event: &IncidentEvent,
) -> StoreResult<()> {
    let s = Sender { incident, now };
    match event {
        IncidentEvent::Dispatched { tasks: given, .. }
        | IncidentEvent::Reassigned { tasks: given, .. } => {
            s.to_assignees(conn, NoticeKind::Assigned, given).await
        }
        IncidentEvent::Whistled { tasks: given, .. } => {
            s.to_assignees(conn, NoticeKind::Summoned, given).await
        }
        IncidentEvent::TaskReturned {
            task_id, reason, ..
        } => {
            let people = center_operators(conn, &incident.center_path).await?;
            s.send(
                conn,
                NoticeKind::SentBack,
                json!({"reason": reason}),
                task_id,
                &people,
            )
            .await
        }
        IncidentEvent::Reworked { task_ids, reason } => {
            for t in tasks.iter().filter(|t| task_ids.contains(&t.id)) {
                let Some(a) = assignee_of(t) else { continue };
                let (_, people) = people_of(conn, &a).await?;
                s.send(
                    conn,
                    NoticeKind::SentBack,
                    json!({"reason": reason}),
                    &t.id,
                    &people,
                )
                .await?;
            }
            Ok(())
        }
        IncidentEvent::Evaluated { evaluation, .. } => {
            let mut people = Vec::new();
            for t in tasks.iter().filter(|t| t.state != "cancelled") {
                if let Some(a) = assignee_of(t) {
                    people.extend(people_of(conn, &a).await?.1);
                }
            }
            s.send(
                conn,
                NoticeKind::Evaluated,
                json!({"evaluation": evaluation.as_str()}),
                "all",
                &people,
            )
            .await
        }
        _ => Ok(()),
    }
}
