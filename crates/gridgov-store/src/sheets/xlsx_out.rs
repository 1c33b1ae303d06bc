//! The XLSX counterpart of [`super::out::SafeCsvWriter`]: every cell is written as text through
//! [`super::out::safe_cell`], so an export opened in Excel never starts a formula, and rows go to
//! a temporary file as they are written (constant memory), so a million rows take no more memory
//! than ten.

use std::io;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::out::safe_cell;

/// One worksheet, written row by row.
pub struct SafeXlsxWriter {
    workbook: Workbook,
    row: u32,
}

fn io_error(e: XlsxError) -> io::Error {
    io::Error::other(e.to_string())
}

/// Rows one worksheet holds (Excel's limit, header included).
pub const MAX_ROWS: u32 = 1_048_576;

impl SafeXlsxWriter {
    /// A workbook of one worksheet whose rows are kept in a temporary file in `tempdir`.
    pub fn new(tempdir: &std::path::Path) -> io::Result<SafeXlsxWriter> {
        let mut workbook = Workbook::new();
        workbook.set_tempdir(tempdir).map_err(io_error)?;
        workbook
            .add_worksheet_with_constant_memory()
            .map_err(io_error)?;
        Ok(SafeXlsxWriter { workbook, row: 0 })
    }

    /// Writes one row of text cells.
    pub fn write_record<I, T>(&mut self, record: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        if self.row >= MAX_ROWS {
            return Err(io::Error::other(
                "an XLSX worksheet holds at most 1,048,576 rows; export fewer (narrow the filters) or as CSV",
            ));
        }
        let sheet = self.workbook.worksheet_from_index(0).map_err(io_error)?;
        for (col, cell) in record.into_iter().enumerate() {
            let text = cell.as_ref();
            if !text.is_empty() {
                sheet
                    .write_string(self.row, col as u16, safe_cell(text).as_ref())
                    .map_err(io_error)?;
            }
        }
        self.row += 1;
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> u32 {
        self.row
    }

    /// Assembles the workbook into `out`.
    pub fn finish<W: io::Write + Send>(mut self, out: W) -> io::Result<()> {
        self.workbook.save_to_writer(out).map_err(io_error)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_start_a_formula_are_written_as_text() {
        let dir = std::env::temp_dir();
        let mut w = SafeXlsxWriter::new(&dir).unwrap();
        w.write_record(["编号", "标题"]).unwrap();
        w.write_record(["SJ-1", "=HYPERLINK(\"http://x\",\"y\")"])
            .unwrap();
        let mut out = std::io::Cursor::new(Vec::new());
        w.finish(&mut out).unwrap();
        let bytes = out.into_inner();
        // Read back with the reader the imports use.
        use calamine::{Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        let cell = range.get((1, 1)).unwrap().to_string();
        assert_eq!(cell, "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(range.get((0, 0)).unwrap().to_string(), "编号");
    }
}
