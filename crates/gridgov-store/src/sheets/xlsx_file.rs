//! The first worksheet of an XLSX workbook, converted at open into compact row text.
//!
//! The whole sheet is converted when the file is opened: calamine's streaming cell reader
//! borrows the workbook, so it cannot live inside the reader the importer keeps, and a sheet
//! has at most 1,048,576 rows, so its text fits in memory. Faulty cells are kept as small
//! records and turned into messages only when their row is read.

use std::io::{Read, Seek};

use calamine::{Reader, SheetType, Xlsx};
use csv::StringRecord;

use super::SheetError;
use super::error::column_letters;
use super::xlsx_rows::{Loader, Rows};

/// Stored text may grow to this many times the file's size. A zip bomb (a small workbook that
/// unpacks to gigabytes) must not exhaust memory; real sheets store a few times their size,
/// as the file shares repeated strings and we store each repeat.
const EXPANSION: u64 = 64;

pub(super) struct XlsxSheet {
    rows: Rows,
    next_row: usize,
    next_fault: usize,
}

impl XlsxSheet {
    /// Opens the first worksheet and converts its cells. A panic inside the workbook parser is
    /// this file's error, not the importer's end: calamine 0.38 subtracts unchecked in places
    /// (a merged range written backwards, `B4:B3`, overflows in its `get_dimension`), which
    /// panics wherever overflow checks are on. Everything calamine does happens here, in `open`.
    pub(super) fn open<RS: Read + Seek>(
        name: &str,
        rs: RS,
        size: u64,
    ) -> Result<(XlsxSheet, StringRecord), SheetError> {
        // Nothing of the workbook outlives a panic: the reader is consumed, the loader local.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            XlsxSheet::open_workbook(name, rs, size)
        }))
        .unwrap_or_else(|_| {
            Err(SheetError::file(
                format!("无法读取 XLSX 文件 {name}：文件结构异常"),
                format!("cannot read the XLSX file {name}: its structure is broken"),
            ))
        })
    }

    fn open_workbook<RS: Read + Seek>(
        name: &str,
        mut rs: RS,
        size: u64,
    ) -> Result<(XlsxSheet, StringRecord), SheetError> {
        let budget = size.saturating_mul(EXPANSION);
        super::xlsx_guard::check_shared_strings(name, &mut rs, budget)?;
        rs.seek(std::io::SeekFrom::Start(0))
            .map_err(|e| SheetError::unreadable(name, &e))?;
        let unreadable = |e: calamine::XlsxError| {
            SheetError::file(
                format!("无法读取 XLSX 文件 {name}：{e}"),
                format!("cannot read the XLSX file {name}: {e}"),
            )
        };
        let mut book: Xlsx<RS> = Xlsx::new(rs).map_err(unreadable)?;
        let sheet = book
            .sheets_metadata()
            .iter()
            .find(|s| s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .ok_or_else(|| {
                SheetError::file(
                    format!("文件 {name} 中没有工作表"),
                    format!("file {name} has no worksheet"),
                )
            })?;
        // Checked before any cell is converted, so a merged sheet fails fast.
        let merged = book.merge_cells_by_sheet_name(&sheet).map_err(unreadable)?;
        if let Some(first) = merged.iter().min_by_key(|d| d.start) {
            return Err(merged_error(first));
        }
        let mut cells = book.worksheet_cells_reader(&sheet).map_err(unreadable)?;
        let mut loader = Loader::new(budget);
        while let Some(cell) = cells
            .next_cell_with_formula_metadata()
            .map_err(unreadable)?
        {
            loader.cell(cell.pos, &cell.value, cell.formula.is_some())?;
        }
        let (rows, headers) = loader.finish()?;
        let headers = headers.ok_or_else(|| SheetError::no_header(name))?;
        Ok((
            XlsxSheet {
                rows,
                next_row: 0,
                next_fault: 0,
            },
            headers,
        ))
    }

    pub(super) fn read(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, SheetError> {
        let rows = &self.rows;
        let row = rows.starts.get(self.next_row);
        if let Some(f) = rows.faults.get(self.next_fault)
            && row.is_none_or(|r| f.row < r.number)
        {
            self.next_fault += 1;
            let (zh, en) = f.fault.texts();
            return Err(SheetError::cell(f.row, f.col, &zh, &en));
        }
        let Some(row) = row else {
            return Ok(None);
        };
        let first = self.next_row * rows.width;
        rec.clear();
        let mut from = row.start;
        for &end in &rows.ends[first..first + rows.width] {
            let to = row.start + end as usize;
            rec.push_field(&rows.text[from..to]);
            from = to;
        }
        self.next_row += 1;
        Ok(Some(row.number))
    }

    /// Rows (good and faulty) read so far and in all.
    pub(super) fn progress(&self) -> (u64, u64) {
        let done = self.next_row + self.next_fault;
        let total = self.rows.starts.len() + self.rows.faults.len();
        (done as u64, total as u64)
    }
}

fn merged_error(d: &calamine::Dimensions) -> SheetError {
    let (row, col) = d.start;
    let range = format!(
        "{}{}:{}{}",
        column_letters(col),
        u64::from(row) + 1,
        column_letters(d.end.1),
        u64::from(d.end.0) + 1
    );
    SheetError::cell(
        u64::from(row) + 1,
        col,
        &format!("不允许合并单元格（{range}）：请取消合并，并在每个单元格里填上内容"),
        &format!("merged cells are not allowed ({range}): unmerge and fill every cell"),
    )
}
