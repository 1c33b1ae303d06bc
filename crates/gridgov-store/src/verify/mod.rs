//! Source comparison and verification (人房比对, 认领核对): a second source of persons (household
//! registration, a community survey) is loaded beside the records, compared with them field by
//! field in the database, and every difference becomes a task for the grid it lies in. Grid
//! workers claim a task, check on the ground and decide which side is right, or correct the
//! record by hand; each decision changes the record, the task and the record's audit stream in
//! one transaction. Design: docs/verify.md.

mod compare;
mod correction;
mod decide;
mod lapse;
mod load;
mod step;
mod tasks;

pub use correction::Correction;
/// How long a claim holds without a decision; the core table's, named here for the store's users.
pub use gridgov_core::verify::CLAIM_EXPIRES_MS;
pub use lapse::LAPSE_STREAM;
pub use load::CompareOptions;

use gridgov_core::verify::VerifyState;
use serde::{Deserialize, Serialize};

/// What one comparison loaded and found, and how long each half took.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ComparisonReport {
    /// The comparison, and the import batch of its source rows; none when nothing was kept.
    pub comparison_id: Option<String>,
    pub rows_read: u64,
    pub rows_loaded: u64,
    pub rejected: u64,
    /// The first faults of the file, as an import reports them.
    pub faults: Vec<crate::base::RowFault>,
    pub counts: TaskCounts,
    pub committed: bool,
    pub load_seconds: f64,
    pub compare_seconds: f64,
}

/// Tasks raised, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TaskCounts {
    pub differs: u64,
    pub missing_in_records: u64,
    pub missing_in_source: u64,
}

/// A loaded source as listed.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Comparison {
    pub id: String,
    pub source: String,
    pub file_name: String,
    pub actor_name: String,
    pub scope_path: String,
    pub rows_read: i64,
    pub rows_loaded: i64,
    pub rejected: i64,
    pub differs: i64,
    pub missing_in_records: i64,
    pub missing_in_source: i64,
    pub load_ms: i64,
    pub compare_ms: i64,
    pub created_at: i64,
}

/// Which way a person's two sides disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Both sides have the person; some fields differ.
    Differs,
    /// The source lists a person the records do not have.
    MissingInRecords,
    /// The records have a person the source does not list.
    MissingInSource,
}

impl TaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Differs => "differs",
            TaskKind::MissingInRecords => "missing_in_records",
            TaskKind::MissingInSource => "missing_in_source",
        }
    }

    pub fn parse(s: &str) -> Option<TaskKind> {
        [
            TaskKind::Differs,
            TaskKind::MissingInRecords,
            TaskKind::MissingInSource,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Claimed,
    Resolved,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Claimed => "claimed",
            TaskStatus::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        [TaskStatus::Open, TaskStatus::Claimed, TaskStatus::Resolved]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The same state in the core table's words.
    pub fn state(self) -> VerifyState {
        match self {
            TaskStatus::Open => VerifyState::Open,
            TaskStatus::Claimed => VerifyState::Claimed,
            TaskStatus::Resolved => VerifyState::Resolved,
        }
    }
}

/// A worker's decision after checking on the ground. The same two sides serve every kind:
///
/// | kind               | `keep_record`                | `take_source`                       |
/// |--------------------|------------------------------|-------------------------------------|
/// | differs            | the record stays as it is    | the record takes the source's values|
/// | missing_in_records | the source is wrong: nothing | the person is added to the records  |
/// | missing_in_source  | the person still lives here  | moved out: the record is deleted    |
///
/// `correct` (differs only) writes the values the worker found, checked like any input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    KeepRecord,
    TakeSource,
    Correct(Correction),
}

impl Decision {
    pub fn as_str(&self) -> &'static str {
        match self {
            Decision::KeepRecord => "keep_record",
            Decision::TakeSource => "take_source",
            Decision::Correct(_) => "correct",
        }
    }
}

/// Which tasks to list (always inside the caller's scope).
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Default: open tasks.
    pub status: Option<TaskStatus>,
    pub kind: Option<TaskKind>,
    pub comparison_id: Option<String>,
    /// Only tasks held by this user: a worker's own claims, apart from a colleague's.
    pub claimed_by: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// One verification task as a worker sees it.
#[derive(Debug, Clone, Serialize)]
pub struct VerificationTask {
    pub id: String,
    pub comparison_id: String,
    /// The comparison's source (户籍, 社区摸排…).
    pub source: String,
    pub county_code: String,
    pub grid_id: String,
    /// The grid as files name it (`420202005001-G01`).
    pub grid: String,
    pub path: String,
    pub person_id: Option<String>,
    pub source_row_id: Option<String>,
    pub source_row_no: Option<i64>,
    pub name: String,
    pub kind: TaskKind,
    /// `[{"field": "name", "record": "张三", "source": "张叁"}, {"field": "phone", "differs": true}]`
    pub fields: serde_json::Value,
    pub status: TaskStatus,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<i64>,
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub note: Option<String>,
    pub created_at: i64,
}

/// Longest note kept with a decision.
pub const NOTE_MAX: usize = 500;
