//! The one error of the sheet reader: where (row, column) and why, in Chinese and English, so
//! the desk can show it to the person who filled in the file.

use std::fmt;

/// A problem with an uploaded table, naming the row and column where known.
///
/// `row` is the row number as the user sees it (CSV: the line; XLSX: the sheet's row number);
/// `column` is the XLSX column in letters ("C"); both texts already name the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    pub row: Option<u64>,
    pub column: Option<String>,
    pub zh: String,
    pub en: String,
}

impl SheetError {
    /// A problem with the file as a whole.
    pub(super) fn file(zh: String, en: String) -> Self {
        SheetError {
            row: None,
            column: None,
            zh,
            en,
        }
    }

    /// A problem with one row (CSV line or sheet row).
    pub(super) fn row(row: u64, zh: String, en: String) -> Self {
        SheetError {
            row: Some(row),
            column: None,
            zh,
            en,
        }
    }

    /// A problem with one cell, given 1-based row and 0-based column; both texts are prefixed
    /// with the cell's A1 name.
    pub(super) fn cell(row: u64, col: u32, zh: &str, en: &str) -> Self {
        let letters = column_letters(col);
        SheetError {
            row: Some(row),
            zh: format!("单元格 {letters}{row}：{zh}"),
            en: format!("cell {letters}{row}: {en}"),
            column: Some(letters),
        }
    }

    pub(super) fn too_large(name: &str, size: u64, max_bytes: u64) -> Self {
        let (size, max) = (megabytes(size), megabytes(max_bytes));
        SheetError::file(
            format!("文件 {name} 大小为 {size}，超过上限 {max}，请拆分后分批导入"),
            format!(
                "file {name} is {size}, more than the {max} allowed: split it and import the parts"
            ),
        )
    }

    pub(super) fn unreadable(name: &str, e: &std::io::Error) -> Self {
        SheetError::file(
            format!("无法读取文件 {name}：{e}"),
            format!("cannot read file {name}: {e}"),
        )
    }

    pub(super) fn no_header(name: &str) -> Self {
        SheetError::file(
            format!("文件 {name} 没有表头行（第一行非空行应为列名）"),
            format!(
                "file {name} has no header row (the first non-empty row must name the columns)"
            ),
        )
    }
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.zh, self.en)
    }
}

impl std::error::Error for SheetError {}

/// Column letters as Excel shows them: 0 is "A", 25 is "Z", 26 is "AA".
pub(super) fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}
