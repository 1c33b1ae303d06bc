//! The store's error type. Error policy for the whole project:
//! - `gridgov-core` returns [`FieldError`]/[`Invalid`] for input it rejects;
//! - the store returns [`StoreError`]: input errors pass through, database constraint violations
//!   that users can cause become field errors, "outside your scope" is reported as `NotFound`
//!   (a user must not learn that a record exists outside their scope), and anything else stays
//!   `Db`, which the web layer logs and shows only as a request id;
//! - the web layer maps each variant to one HTTP status and a stable machine code.

use gridgov_core::{FieldError, Invalid};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Not there, or not inside the caller's scope.
    #[error("not found")]
    NotFound,
    /// The caller's role lacks the permission.
    #[error("not permitted")]
    Forbidden,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A unique value already taken, named by field.
    #[error("conflict: {0}")]
    Conflict(FieldError),
    /// Someone else changed the record since it was read.
    #[error("the record was changed by someone else")]
    VersionConflict,
    /// An action on a work order refused for its state, the caller's role or relation, or a
    /// stale version, with the state it is in now and what the caller may do instead.
    #[error("{}", .0.en)]
    Refused(Box<Refused>),
    /// Too many failed logins; try again after this many seconds.
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    Throttled { retry_after_secs: i64 },
    /// Wrong username or password, or a disabled account (one answer for all, on purpose).
    #[error("bad credentials")]
    BadCredentials,
    /// A file rejected as a whole, with the rows that were wrong.
    #[error("{} rows rejected", .0.len())]
    Rows(Vec<RowError>),
    #[error("configuration: {0}")]
    Config(String),
    /// The database is busy with other writers (a lock held too long, a deadlock broken, a queue
    /// for connections too long). Nothing was written; the same request may be sent again.
    #[error("the database is busy; retry in {retry_after_secs} s")]
    Busy { retry_after_secs: i64 },
    #[error(transparent)]
    Db(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for StoreError {
    /// Contention is told apart from faults here, once, so that no caller reports a busy
    /// database as an internal error.
    fn from(e: sqlx::Error) -> Self {
        if is_contention(&e) {
            tracing::warn!(error = %e, "database busy");
            StoreError::Busy {
                retry_after_secs: 1,
            }
        } else {
            StoreError::Db(e)
        }
    }
}

/// SQLite's busy and locked codes (with their extended forms, such as 517 BUSY_SNAPSHOT), and
/// PostgreSQL's serialization failure, deadlock and lock-timeout states, and a pool that had
/// no connection free in time: the errors that mean "others are writing", not "this is wrong".
pub(crate) fn is_contention(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(d) => {
            if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                matches!(pg.code(), "40001" | "40P01" | "55P03")
            } else if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // The primary code is the low byte of the extended one.
                d.code()
                    .and_then(|c| c.parse::<i64>().ok())
                    .is_some_and(|n| matches!(n & 0xff, 5 | 6))
            } else {
                false
            }
        }
        _ => false,
    }
}

/// What a refused action tells the caller: why (a stable code, both languages), and the work
/// order as it is now: its state, its version and the actions open to the caller.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refused {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
    pub state: String,
    pub version: i64,
    pub allowed: Vec<String>,
}

impl Refused {
    /// A conflict with the work order's current state (it moved on, or the version was stale),
    /// as opposed to an action the caller may not take at all.
    pub fn is_conflict(&self) -> bool {
        matches!(self.code, "action_not_from_state" | "version_conflict")
    }
}

impl From<FieldError> for StoreError {
    fn from(e: FieldError) -> Self {
        StoreError::Invalid(Invalid(vec![e]))
    }
}

/// One bad row of an imported file: where, which field, what value, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub value: String,
    pub zh: String,
    pub en: String,
}

impl RowError {
    pub fn from_field(file: &str, line: u64, value: &str, e: FieldError) -> Self {
        RowError {
            file: file.to_owned(),
            line,
            field: e.field,
            value: value.chars().take(80).collect(),
            zh: e.zh,
            en: e.en,
        }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} line {}, field {} = {:?}: {} / {}",
            self.file, self.line, self.field, self.value, self.zh, self.en
        )
    }
}

/// True when a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => d.is_unique_violation(),
        _ => false,
    }
}
