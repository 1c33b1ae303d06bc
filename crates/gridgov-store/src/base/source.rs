//! Where import rows come from: anything that yields a header and then records, numbering rows
//! as the user sees them. CSV and XLSX files both provide it.

use csv::StringRecord;

/// A fault of the file itself (not of one field): broken quoting, an unreadable cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFault {
    pub row: Option<u64>,
    pub column: Option<String>,
    pub zh: String,
    pub en: String,
}

pub trait RowSource: Send {
    /// The header row.
    fn headers(&self) -> &StringRecord;
    /// The next data row into `rec`, with its row number (header = 1); `None` at the end.
    fn read(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, SourceFault>;
    /// (done, total) in the source's own unit, for progress.
    fn progress(&self) -> (u64, u64);
    /// Whether reading may go on after a fault of one row (a formula in a cell) rather than
    /// the file being untrustworthy past it (broken quoting).
    fn row_faults_recoverable(&self) -> bool {
        false
    }
}
