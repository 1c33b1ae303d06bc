//! Uploaded CSV and XLSX files as import rows: the sheet reader already numbers rows as the user
//! sees them and names row and column in its errors, so this only hands them on.

use csv::StringRecord;

use super::source::{RowSource, SourceFault};
use crate::sheets::{SheetError, SheetReader};

impl From<SheetError> for SourceFault {
    fn from(e: SheetError) -> Self {
        SourceFault {
            row: e.row,
            column: e.column,
            zh: e.zh,
            en: e.en,
        }
    }
}

impl RowSource for SheetReader {
    fn headers(&self) -> &StringRecord {
        SheetReader::headers(self)
    }

    fn read(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, SourceFault> {
        SheetReader::read(self, rec).map_err(SourceFault::from)
    }

    fn progress(&self) -> (u64, u64) {
        SheetReader::progress(self)
    }
}
