//! What callers send: a report, and an action with the fields it needs. Text as typed, checked
//! here and in core; the same types serve the JSON API and the desk's forms.

use serde::Deserialize;

/// A new incident.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportInput {
    /// Missing is as empty: refused as a field by the report's checks, and no obstacle to a
    /// draft's duplicate suggestions.
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// A category code of the tree (`0101`).
    #[serde(default)]
    pub category: String,
    /// Empty: the category's default grade.
    #[serde(default)]
    pub grade: String,
    /// Empty: `grid_patrol` for grid staff, `department` for a department handler,
    /// `higher_center` for a center.
    #[serde(default)]
    pub source: String,
    /// When it happened (Unix ms); empty: when reported.
    #[serde(default)]
    pub occurred_at: Option<i64>,
    /// The position, in `crs` (`wgs84` by default, or `gcj02` from Chinese web maps); resolved
    /// to a grid inside the caller's scope.
    #[serde(default)]
    pub lng: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub crs: String,
    /// A grid chosen by hand, instead of (or besides) a position.
    #[serde(default)]
    pub grid_id: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub parties: Vec<PartyInput>,
    /// Attachments uploaded beforehand (ids).
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// A party: a person record found by ID number inside the reporter's scope, or a name as told.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartyInput {
    #[serde(default)]
    pub id_card_no: String,
    #[serde(default)]
    pub name: String,
    /// The party's side: `applicant`, `respondent`, `involved` (free text up to 20 characters
    /// for a dispute's sides).
    #[serde(default)]
    pub side: String,
    #[serde(default)]
    pub note: String,
}

/// Where a dispatch sends the work: the territorial line (a grid, or a region's center by code)
/// and departments (one lead, any assisting).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DispatchInput {
    #[serde(default)]
    pub territorial_grid: String,
    #[serde(default)]
    pub territorial_region: String,
    #[serde(default)]
    pub lead_department: String,
    #[serde(default)]
    pub assist_departments: Vec<String>,
}

/// One action on an incident, with the version it was read at. Each action reads the fields it
/// needs and ignores the rest.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionInput {
    /// An action code of `gridgov_core::incidents::IncidentAction` (`accept`, `dispatch` …).
    pub action: String,
    pub version: i64,
    /// A note for the record (every action may carry one).
    #[serde(default)]
    pub note: String,
    /// Why: required to reject, rework, reopen, suspend, return a task, reassign.
    #[serde(default)]
    pub reason: String,
    /// `accept`: the grade as the center judges it (empty: keep).
    #[serde(default)]
    pub grade: String,
    /// `merge`: the number (`SJ-…`) of the incident that carries on.
    #[serde(default)]
    pub into: String,
    /// `dispatch`, `reassign`: where the work goes.
    #[serde(default, flatten)]
    pub dispatch: DispatchInput,
    /// `start`, `handle`, `return_task`, `report_in`: the task acted on (empty: the caller's one
    /// live task, when there is exactly one).
    #[serde(default)]
    pub task_id: String,
    /// `rework`: the handled tasks sent back (empty: all of them).
    #[serde(default)]
    pub task_ids: Vec<String>,
    /// `handle`: the result.
    #[serde(default)]
    pub result: String,
    /// Evidence and photos of this action (attachment ids uploaded beforehand).
    #[serde(default)]
    pub attachments: Vec<String>,
    /// `evaluate`: satisfied, basically_satisfied or unsatisfied.
    #[serde(default)]
    pub evaluation: String,
    /// `whistle`: the departments summoned, and the hours they have to report in (default 24).
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub report_in_hours: Option<i64>,
}
