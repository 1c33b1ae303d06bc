//! Reading the table of an uploaded base-data file, CSV or XLSX, row by row into a reused
//! [`csv::StringRecord`], with errors a grid worker can act on (row, column, Chinese and
//! English).
//!
//! The format is decided by content, not by the file name: desk uploads are often renamed.
//!
//! - CSV: UTF-8 with or without BOM, or GB18030/GBK when the first 64 KiB are not UTF-8.
//!   A row whose field count differs from the header's is an error (often a broken quote).
//! - XLSX: the first worksheet. Merged cells refuse the file; a formula, an error value (#N/A)
//!   or a number of more than 15 digits (an ID number Excel has already rounded) refuses its
//!   row. Date cells read as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`, numbers as Excel shows
//!   them (`3`, `86.5`), booleans as `TRUE`/`FALSE`.
//! - Both: cells trimmed, entirely empty rows skipped, the first non-empty row is the header.
//!
//! Writing goes the other way through [`out`]: every CSV gridgov hands out is written there, with
//! cells that would start a formula neutralised.

mod csv_file;
mod error;
mod gb18030;
pub mod out;
mod stream;
mod xlsx_cell;
mod xlsx_file;
mod xlsx_guard;
pub mod xlsx_out;
mod xlsx_rows;

#[cfg(test)]
mod tests;

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use csv::StringRecord;

use csv_file::CsvSheet;
pub use error::SheetError;
use xlsx_file::XlsxSheet;

/// XLSX is a zip archive, whose first local file header starts with these bytes.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// An OLE compound file: an old `.xls` workbook or an encrypted `.xlsx`.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// One table read from a CSV or XLSX file: its header and then its data rows.
pub struct SheetReader {
    headers: StringRecord,
    sheet: Sheet,
}

enum Sheet {
    // Boxed: the CSV reader's state is three times the size of the XLSX variant.
    Csv(Box<CsvSheet>),
    Xlsx(XlsxSheet),
}

impl SheetReader {
    /// Opens a CSV or XLSX file (decided by content: XLSX is a zip starting with
    /// `PK\x03\x04`; otherwise CSV). A file over `max_bytes` is refused before it is read.
    pub fn open(path: &Path, max_bytes: u64) -> Result<SheetReader, SheetError> {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let unreadable = |e: std::io::Error| SheetError::unreadable(&name, &e);
        let mut file = File::open(path).map_err(unreadable)?;
        let size = file.metadata().map_err(unreadable)?.len();
        if size > max_bytes {
            return Err(SheetError::too_large(&name, size, max_bytes));
        }
        let mut magic = Vec::with_capacity(OLE_MAGIC.len());
        (&mut file)
            .take(OLE_MAGIC.len() as u64)
            .read_to_end(&mut magic)
            .map_err(unreadable)?;
        file.seek(SeekFrom::Start(0)).map_err(unreadable)?;
        let (sheet, headers) = match kind(&name, &magic)? {
            Kind::Xlsx => {
                let (s, h) = XlsxSheet::open(&name, BufReader::new(file), size)?;
                (Sheet::Xlsx(s), h)
            }
            Kind::Csv => {
                let (s, h) = CsvSheet::open(&name, Box::new(file), size, max_bytes)?;
                (Sheet::Csv(Box::new(s)), h)
            }
        };
        Ok(SheetReader { headers, sheet })
    }

    /// Like [`SheetReader::open`] for a file already in memory (a desk upload); `name` is used
    /// in messages.
    pub fn from_bytes(
        name: &str,
        bytes: Vec<u8>,
        max_bytes: u64,
    ) -> Result<SheetReader, SheetError> {
        let size = bytes.len() as u64;
        if size > max_bytes {
            return Err(SheetError::too_large(name, size, max_bytes));
        }
        let (sheet, headers) = match kind(name, &bytes)? {
            Kind::Xlsx => {
                let (s, h) = XlsxSheet::open(name, Cursor::new(bytes), size)?;
                (Sheet::Xlsx(s), h)
            }
            Kind::Csv => {
                let (s, h) = CsvSheet::open(name, Box::new(Cursor::new(bytes)), size, max_bytes)?;
                (Sheet::Csv(Box::new(s)), h)
            }
        };
        Ok(SheetReader { headers, sheet })
    }

    /// The header row (the first non-empty row), cells trimmed, BOM removed.
    pub fn headers(&self) -> &StringRecord {
        &self.headers
    }

    /// Reads the next data row into `rec` and returns its number as the user sees it (CSV: the
    /// line the record starts on; XLSX: the sheet's row number), or `None` at the end. Empty
    /// rows are skipped. Every returned row has exactly as many fields as the header.
    ///
    /// An error concerns one row; reading on continues with the next one, so an importer can
    /// collect several errors before it gives up.
    pub fn read(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, SheetError> {
        match &mut self.sheet {
            Sheet::Csv(s) => s.read(rec),
            Sheet::Xlsx(s) => s.read(rec),
        }
    }

    /// Work done and in all, for a progress bar: bytes of the file for CSV; rows for XLSX,
    /// whose cells are all converted when it is opened.
    pub fn progress(&self) -> (u64, u64) {
        match &self.sheet {
            Sheet::Csv(s) => s.progress(),
            Sheet::Xlsx(s) => s.progress(),
        }
    }
}

enum Kind {
    Csv,
    Xlsx,
}

fn kind(name: &str, start: &[u8]) -> Result<Kind, SheetError> {
    if start.starts_with(ZIP_MAGIC) {
        Ok(Kind::Xlsx)
    } else if start.starts_with(OLE_MAGIC) {
        // Read as CSV it would give pages of nonsense errors.
        Err(SheetError::file(
            format!("文件 {name} 是旧版 .xls 或加了密码的工作簿：请去掉密码并另存为 .xlsx 或 CSV"),
            format!(
                "file {name} is an old .xls or a password-protected workbook: remove the password \
                 and save it as .xlsx or CSV"
            ),
        ))
    } else {
        Ok(Kind::Csv)
    }
}
