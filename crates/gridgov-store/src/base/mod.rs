//! Bulk import of base data (人房楼 and the five elements): persons, buildings, houses, who
//! lives where, organizations and places, from CSV or XLSX files.
//!
//! One import is one pass over the file on a checker thread and one transaction on a dedicated
//! connection, side by side:
//! - the checker reads each row, resolves its grid inside the importer's scope, runs core's
//!   checks, seals ID numbers and phones, drops in-file duplicates (by blind index) and hands
//!   finished rows to the writer in batches, keeping every fault with its row and column;
//! - the writer ([`writer`], the one place where the two databases are spoken to differently)
//!   loads the batches; into an empty table it loads first and indexes after, otherwise it
//!   upserts by the natural key, so importing a file again changes nothing;
//! - at the end, a file with faults is rolled back whole unless the importer chose to accept the
//!   valid rows; otherwise the batch is recorded (the provenance of every row it wrote) and
//!   audited in the same transaction.

// Shared with the source comparison (`verify`), which loads a second source of persons the
// same way.
pub(crate) mod checker;
mod elsewhere;
pub(crate) mod grid_lookup;
mod links;
pub(crate) mod rows;
mod run;
mod sheet_source;
mod source;
pub(crate) mod spec;
mod template;
pub(crate) mod writer;

pub use run::import_report_csv;
pub use source::{RowSource, SourceFault};
pub use template::template_csv;

use gridgov_core::base_data::RecordKind;
use serde::Serialize;

/// How an import treats faults, and what it records as the rows' origin.
#[derive(Debug, Clone)]
pub struct BaseImportOptions {
    /// Keep the valid rows of a file with faults (`--accept-valid`); by default one fault
    /// rejects the whole file.
    pub accept_valid: bool,
    /// Where the data comes from (户籍 household registration, a community survey, a
    /// department): the provenance kept with every row.
    pub source: String,
    /// The file's name, for the batch record.
    pub file_name: String,
}

/// One fault of one row: the row as the user numbers it (the header is row 1), the column, the
/// value as given (ID numbers and phones masked), and the reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RowFault {
    pub row: u64,
    pub column: String,
    pub value: String,
    pub code: String,
    pub zh: String,
    pub en: String,
    /// Accepted rows may carry warnings (a former region code); they never reject the row.
    pub warning: bool,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct BaseImportReport {
    pub kind: String,
    pub batch_id: Option<String>,
    pub rows_read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows refused (faults, or in-file duplicates of an earlier row).
    pub rejected: u64,
    pub warnings: u64,
    /// Whether the rows were written: false for a file refused whole.
    pub committed: bool,
    /// The faults kept for the report (the first [`MAX_FAULTS`]); counts above are complete.
    pub faults: Vec<RowFault>,
    /// Loaded into an empty table, indexes built after the rows.
    pub first_load: bool,
    pub seconds: f64,
}

/// Faults kept in memory for the report; a file with millions of bad rows still reports its
/// counts, and the first faults say what is wrong with it.
pub const MAX_FAULTS: usize = 100_000;

/// Stages of a long import, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseImportProgress {
    /// Rows read and checked so far; `total` is in the source's own unit (bytes or rows).
    Reading {
        done: u64,
        total: u64,
    },
    /// Rows written so far.
    Written {
        rows: u64,
    },
    /// Building the indexes after a first load.
    Indexing,
    Committing,
}

pub(crate) fn kind_table(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Persons => "persons",
        RecordKind::Buildings => "buildings",
        RecordKind::Houses => "houses",
        RecordKind::Links => "person_houses",
        RecordKind::Organizations => "organizations",
        RecordKind::Places => "places",
    }
}
