//! Collecting a sheet's cells, which come in sheet order, into the header, compact data rows
//! and faults. A cell that is not past the one before it (rows ascending, cells left to right,
//! as Excel writes them) refuses the file: collecting goes row by row, so such a cell would split
//! a row in two or hide the rest of it.

use calamine::DataRef;
use csv::StringRecord;

use super::SheetError;
use super::xlsx_cell::{Fault, write_cell};

/// Excel's last column is XFD; a sheet with more was not written by a spreadsheet program, and
/// bounding the columns bounds what one row can hold here.
const MAX_COLUMNS: u32 = 16_384;

/// The data rows of a sheet, stored without a string per cell.
pub(super) struct Rows {
    /// The cells of every good data row, one after the other.
    pub(super) text: String,
    /// Where each cell ends, relative to its row's start; `width` entries per row.
    pub(super) ends: Vec<u32>,
    pub(super) starts: Vec<RowStart>,
    /// Rows refused for one of their cells, in sheet order.
    pub(super) faults: Vec<CellFault>,
    pub(super) width: usize,
}

pub(super) struct RowStart {
    /// 1-based, as the sheet numbers it.
    pub(super) number: u64,
    pub(super) start: usize,
}

pub(super) struct CellFault {
    pub(super) row: u64,
    pub(super) col: u32,
    pub(super) fault: Fault,
}

/// Collects one sheet row at a time and files it as the header, a data row or a fault.
pub(super) struct Loader {
    rows: Rows,
    headers: Option<StringRecord>,
    /// The row being collected (0-based, as calamine counts).
    row: Option<u32>,
    row_text: String,
    /// Non-empty cells of the row: column, start and end in `row_text`.
    row_cells: Vec<(u32, usize, usize)>,
    row_fault: Option<(u32, Fault)>,
    /// Position of the previous cell, which the next must come after.
    last: Option<(u32, u32)>,
    scratch: String,
    budget: u64,
}

impl Loader {
    /// `budget` caps the bytes stored for data rows.
    pub(super) fn new(budget: u64) -> Self {
        Loader {
            rows: Rows {
                text: String::new(),
                ends: Vec::new(),
                starts: Vec::new(),
                faults: Vec::new(),
                width: 0,
            },
            headers: None,
            row: None,
            row_text: String::new(),
            row_cells: Vec::new(),
            row_fault: None,
            last: None,
            scratch: String::new(),
            budget,
        }
    }

    /// Takes the next cell in sheet order, with whether it holds a formula.
    pub(super) fn cell(
        &mut self,
        pos: (u32, u32),
        value: &DataRef<'_>,
        formula: bool,
    ) -> Result<(), SheetError> {
        if self.last.is_some_and(|last| pos <= last) {
            return Err(out_of_order(pos));
        }
        self.last = Some(pos);
        if self.row != Some(pos.0) {
            self.finish_row()?;
            self.row = Some(pos.0);
        }
        if pos.1 >= MAX_COLUMNS || self.row_cells.len() >= MAX_COLUMNS as usize {
            return Err(too_much());
        }
        if self.row_fault.is_some() {
            // The first fault of a row is the one reported.
            return Ok(());
        }
        if formula {
            self.row_fault = Some((pos.1, Fault::Formula));
            return Ok(());
        }
        let start = self.row_text.len();
        match write_cell(value, &mut self.row_text, &mut self.scratch) {
            Err(fault) => self.row_fault = Some((pos.1, fault)),
            Ok(()) if self.row_text.len() > start => {
                self.row_cells.push((pos.1, start, self.row_text.len()));
            }
            Ok(()) => {}
        }
        Ok(())
    }

    /// The rows, and the header unless the sheet had no filled row.
    pub(super) fn finish(mut self) -> Result<(Rows, Option<StringRecord>), SheetError> {
        self.finish_row()?;
        Ok((self.rows, self.headers))
    }

    fn finish_row(&mut self) -> Result<(), SheetError> {
        let Some(row) = self.row.take() else {
            return Ok(());
        };
        let number = u64::from(row) + 1;
        let fault = self.row_fault.take().or_else(|| self.outside_header());
        let result = match fault {
            Some((col, fault)) if self.headers.is_none() => {
                let (zh, en) = fault.texts();
                Err(SheetError::cell(number, col, &zh, &en))
            }
            Some((col, fault)) => {
                self.rows.faults.push(CellFault {
                    row: number,
                    col,
                    fault,
                });
                self.within_budget()
            }
            None if self.row_cells.is_empty() => Ok(()),
            None if self.headers.is_none() => {
                self.headers = Some(self.header_record());
                Ok(())
            }
            None => self.store_row(number),
        };
        self.row_text.clear();
        self.row_cells.clear();
        result
    }

    /// The first non-empty cell right of the header's last column, once there is a header.
    fn outside_header(&self) -> Option<(u32, Fault)> {
        self.headers.as_ref()?;
        let width = self.rows.width;
        let col = self
            .row_cells
            .iter()
            .map(|c| c.0)
            .find(|&c| c as usize >= width)?;
        Some((col, Fault::OutsideHeader))
    }

    /// The header row from column A to its last named column.
    fn header_record(&mut self) -> StringRecord {
        self.row_cells.sort_by_key(|c| c.0);
        let width = self.row_cells.last().map_or(0, |c| c.0 as usize + 1);
        self.rows.width = width;
        let mut cells = self.row_cells.iter().peekable();
        let mut record = StringRecord::with_capacity(self.row_text.len(), width);
        for col in 0..width {
            match cells.next_if(|c| c.0 as usize == col) {
                Some(&(_, start, end)) => {
                    record.push_field(self.row_text[start..end].trim_start_matches('\u{feff}'));
                }
                None => record.push_field(""),
            }
        }
        record
    }

    fn store_row(&mut self, number: u64) -> Result<(), SheetError> {
        self.row_cells.sort_by_key(|c| c.0);
        let rows = &mut self.rows;
        let start = rows.text.len();
        let mut cells = self.row_cells.iter().peekable();
        for col in 0..rows.width {
            if let Some(&(_, from, to)) = cells.next_if(|c| c.0 as usize == col) {
                rows.text.push_str(&self.row_text[from..to]);
            }
            let end = u32::try_from(rows.text.len() - start).map_err(|_| too_much())?;
            rows.ends.push(end);
        }
        rows.starts.push(RowStart { number, start });
        self.within_budget()
    }

    fn within_budget(&self) -> Result<(), SheetError> {
        let rows = &self.rows;
        let stored = rows.text.len()
            + rows.ends.len() * size_of::<u32>()
            + rows.starts.len() * size_of::<RowStart>()
            + rows.faults.len() * size_of::<CellFault>();
        if stored as u64 > self.budget {
            return Err(too_much());
        }
        Ok(())
    }
}

fn out_of_order((row, col): (u32, u32)) -> SheetError {
    SheetError::cell(
        u64::from(row) + 1,
        col,
        "单元格顺序错乱（重复或排在前面的单元格之后），疑似异常文件，已拒绝；请用 Excel 或 WPS 另存后再导入",
        "out of order (given twice, or after a cell that comes later); refused: save the file again \
         from Excel or WPS and import that",
    )
}

fn too_much() -> SheetError {
    SheetError::file(
        "工作簿解压后的内容远大于文件本身，疑似异常文件，已拒绝".into(),
        "the workbook unpacks to far more data than its size suggests; refused".into(),
    )
}
