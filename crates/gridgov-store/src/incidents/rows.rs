//! Incidents and tasks as stored and as shown.

use serde::Serialize;

/// The incident columns every read selects, for the alias `i`.
pub(crate) const COLUMNS: &str = "i.county_code, i.id, i.number, i.title, i.description, \
     i.category_code, i.grade, i.source, i.state, i.reporter_id, i.reporter_name, i.occurred_at, \
     i.reported_at, CAST(i.lng AS TEXT) AS lng, CAST(i.lat AS TEXT) AS lat, i.address, i.grid_id, \
     i.region_code, i.path, i.center_path, i.merged_into_county, i.merged_into, \
     i.resolution_level, i.evaluation, \
     i.reopen_count, i.rework_count, i.return_count, i.shirking, i.closed_at, i.version, \
     i.created_at, i.updated_at, i.clock_started_at, i.due_at, i.clock_left_ms, \
     i.reminders, i.last_reminded_at, \
     i.warn_at, i.warned_at, i.overdue_at, i.escalate_at, i.ladder_level, i.ladder_attempt, \
     i.ladder_top_at, i.guarantor_id, i.guarantor_name";

/// One incident as shown to those who may see it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct IncidentView {
    pub county_code: String,
    pub id: String,
    pub number: String,
    pub title: String,
    pub description: String,
    pub category_code: String,
    pub grade: String,
    pub source: String,
    pub state: String,
    pub reporter_id: Option<String>,
    pub reporter_name: String,
    pub occurred_at: Option<i64>,
    pub reported_at: i64,
    /// WGS84 degrees as text, exactly as stored (read as text: see `db::opt_double`).
    pub lng: Option<String>,
    pub lat: Option<String>,
    pub address: String,
    pub grid_id: Option<String>,
    pub region_code: String,
    pub path: String,
    pub center_path: String,
    /// The incident that carries this one on (county and id), when it was merged.
    pub merged_into_county: Option<String>,
    pub merged_into: Option<String>,
    pub resolution_level: Option<String>,
    pub evaluation: Option<String>,
    pub reopen_count: i64,
    pub rework_count: i64,
    pub return_count: i64,
    pub shirking: i64,
    pub closed_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The clock of the step it is in (accept, dispatch, handle, review): when it started, when
    /// it is due, and while suspended the working milliseconds it had left.
    pub clock_started_at: Option<i64>,
    pub due_at: Option<i64>,
    pub clock_left_ms: Option<i64>,
    /// Reminders (催办) from higher centers, and when the last came.
    pub reminders: i64,
    pub last_reminded_at: Option<i64>,
    /// The escalation pass's view of the clock: when it turns yellow, when the pass marked it
    /// due soon and overdue (once per clock), and the next instant the pass looks at it.
    pub warn_at: Option<i64>,
    pub warned_at: Option<i64>,
    pub overdue_at: Option<i64>,
    pub escalate_at: Option<i64>,
    /// Where it stands on its region's escalation ladder (level from 0, attempt from 1); none
    /// before its first climb.
    pub ladder_level: Option<i64>,
    pub ladder_attempt: Option<i64>,
    /// Past the top of the ladder: when, and the leader in charge (包保; none found when the
    /// time is set without a leader).
    pub ladder_top_at: Option<i64>,
    pub guarantor_id: Option<String>,
    pub guarantor_name: Option<String>,
    /// green, yellow, red or paused; filled in by the reads that show it (the page, the lists).
    #[sqlx(skip)]
    pub light: Option<gridgov_core::deadlines::Light>,
    /// The rung it stands on, named by the ladder in force; filled in by the page.
    #[sqlx(skip)]
    pub ladder: Option<gridgov_core::escalation::Rung>,
}

/// [`COLUMNS`] without the alias, for `RETURNING` (SQLite takes no qualified names there).
pub(crate) static RETURNING_COLUMNS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| COLUMNS.replace("i.", ""));

/// The task columns, for the alias `t`.
pub(crate) const TASK_COLUMNS: &str = "t.id, t.incident_id, t.kind, t.assignee_type, \
     t.assignee_id, t.state, t.summoned, t.report_in_due, t.reported_in_at, t.handler_id, \
     t.result, t.handled_at, t.return_count, t.created_at, t.updated_at, \
     t.clock_started_at, t.due_at, t.clock_left_ms, \
     COALESCE(d.name, g.name, r.name, t.assignee_id) AS assignee_name";

/// The joins that name a task's assignee, for [`TASK_COLUMNS`].
pub(crate) const TASK_JOINS: &str = "LEFT JOIN departments d ON t.assignee_type = 'department' \
     AND d.id = t.assignee_id \
     LEFT JOIN grids g ON t.assignee_type = 'grid' AND g.id = t.assignee_id \
     LEFT JOIN regions r ON t.assignee_type = 'region' AND r.code = t.assignee_id";

/// [`TASK_COLUMNS`] named `task_…`, to read beside an incident's own columns (a LEFT JOIN: all
/// NULL when the incident has no task).
pub(crate) const TASK_ROW_COLUMNS: &str = "t.id AS task_id, t.kind AS task_kind, \
     t.assignee_type AS task_assignee_type, t.assignee_id AS task_assignee_id, \
     t.state AS task_state, t.summoned AS task_summoned, t.report_in_due AS task_report_in_due, \
     t.reported_in_at AS task_reported_in_at, t.handler_id AS task_handler_id, \
     t.result AS task_result, t.handled_at AS task_handled_at, \
     t.return_count AS task_return_count, t.created_at AS task_created_at, \
     t.updated_at AS task_updated_at, t.clock_started_at AS task_clock_started_at, \
     t.due_at AS task_due_at, t.clock_left_ms AS task_clock_left_ms, \
     COALESCE(d.name, g.name, r.name, t.assignee_id) AS task_assignee_name";

/// An incident with one of its tasks (or none), as [`TASK_ROW_COLUMNS`] reads them.
#[derive(sqlx::FromRow)]
pub(crate) struct IncidentTaskRow {
    #[sqlx(flatten)]
    pub incident: IncidentView,
    task_id: Option<String>,
    task_kind: Option<String>,
    task_assignee_type: Option<String>,
    task_assignee_id: Option<String>,
    task_assignee_name: Option<String>,
    task_state: Option<String>,
    task_summoned: Option<i64>,
    task_report_in_due: Option<i64>,
    task_reported_in_at: Option<i64>,
    task_handler_id: Option<String>,
    task_result: Option<String>,
    task_handled_at: Option<i64>,
    task_return_count: Option<i64>,
    task_created_at: Option<i64>,
    task_updated_at: Option<i64>,
    task_clock_started_at: Option<i64>,
    task_due_at: Option<i64>,
    task_clock_left_ms: Option<i64>,
}

impl IncidentTaskRow {
    /// The row's task; `None` on the one row of an incident without tasks.
    pub(crate) fn into_task(self) -> Option<TaskView> {
        Some(TaskView {
            id: self.task_id?,
            incident_id: self.incident.id,
            kind: self.task_kind.unwrap_or_default(),
            assignee_type: self.task_assignee_type.unwrap_or_default(),
            assignee_id: self.task_assignee_id.unwrap_or_default(),
            assignee_name: self.task_assignee_name.unwrap_or_default(),
            state: self.task_state.unwrap_or_default(),
            summoned: self.task_summoned.unwrap_or_default(),
            report_in_due: self.task_report_in_due,
            reported_in_at: self.task_reported_in_at,
            handler_id: self.task_handler_id,
            result: self.task_result,
            handled_at: self.task_handled_at,
            return_count: self.task_return_count.unwrap_or_default(),
            created_at: self.task_created_at.unwrap_or_default(),
            updated_at: self.task_updated_at.unwrap_or_default(),
            clock_started_at: self.task_clock_started_at,
            due_at: self.task_due_at,
            clock_left_ms: self.task_clock_left_ms,
            light: None,
        })
    }
}

/// One task of dual-line dispatch.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TaskView {
    pub id: String,
    pub incident_id: String,
    /// territorial, department_lead or department_assist.
    pub kind: String,
    /// department, grid or region.
    pub assignee_type: String,
    pub assignee_id: String,
    pub assignee_name: String,
    pub state: String,
    pub summoned: i64,
    pub report_in_due: Option<i64>,
    pub reported_in_at: Option<i64>,
    pub handler_id: Option<String>,
    pub result: Option<String>,
    pub handled_at: Option<i64>,
    pub return_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The task's own handle clock.
    pub clock_started_at: Option<i64>,
    pub due_at: Option<i64>,
    pub clock_left_ms: Option<i64>,
    #[sqlx(skip)]
    pub light: Option<gridgov_core::deadlines::Light>,
}

/// One party of an incident.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PartyView {
    pub seq: i64,
    /// The person record, when the party was found by ID number.
    pub person_county: Option<String>,
    pub person_id: Option<String>,
    pub name: String,
    pub side: String,
    pub note: String,
}
