//! CSV and XLSX files (the [`sheets`](crate::sheets) reader) as import rows.

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
        Ok(SheetReader::read(self, rec)?)
    }

    fn progress(&self) -> (u64, u64) {
        SheetReader::progress(self)
    }

    fn row_faults_recoverable(&self) -> bool {
        true
    }
}
