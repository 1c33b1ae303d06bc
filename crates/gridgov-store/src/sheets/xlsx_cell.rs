//! One XLSX cell as the text a person saw in Excel, or the reason it cannot be imported.

use std::fmt::Write;

use calamine::{CellErrorType, DataRef, ExcelDateTime};

/// Why a cell is refused.
#[derive(Debug, Clone)]
pub(super) enum Fault {
    Formula,
    ErrorValue(CellErrorType),
    /// More than 15 digits: Excel has already replaced the rest with zeros.
    LongNumber,
    /// A value right of the header's last column, which no column name covers.
    OutsideHeader,
}

impl Fault {
    /// Chinese and English reasons, without the cell's name.
    pub(super) fn texts(&self) -> (String, String) {
        match self {
            Fault::Formula => (
                "不允许使用公式：请复制后“选择性粘贴→数值”".into(),
                "formulas are not allowed: paste values".into(),
            ),
            Fault::ErrorValue(e) => (
                format!("单元格是错误值 {e}，请改正后再导入"),
                format!("the cell holds the error {e}: correct it and import again"),
            ),
            Fault::LongNumber => (
                "数字超过 15 位，Excel 已把末几位变成 0（身份证号等）：\
                 请把该列设置为“文本”格式后重新输入这些号码"
                    .into(),
                "a number with more than 15 digits has lost its last digits in Excel (ID \
                 numbers): format the column as text and re-enter the numbers"
                    .into(),
            ),
            Fault::OutsideHeader => (
                "该单元格在表头最后一列的右边，没有列名：请删除或补上列名".into(),
                "the cell lies right of the header's last column: delete it or name its column"
                    .into(),
            ),
        }
    }
}

/// Excel stores at most 15 significant digits; from 10^15 up, digits past the 15th are gone.
const EXACT_LIMIT: f64 = 1e15;

/// Writes a cell's text to `out`. `scratch` is reused for number rounding so a sheet of
/// numbers does not allocate per cell.
pub(super) fn write_cell(
    value: &DataRef<'_>,
    out: &mut String,
    scratch: &mut String,
) -> Result<(), Fault> {
    match value {
        DataRef::Empty => {}
        DataRef::String(s) => out.push_str(s.trim()),
        DataRef::SharedString(s) => out.push_str(s.trim()),
        DataRef::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        DataRef::Int(i) => {
            if i.unsigned_abs() >= EXACT_LIMIT as u64 {
                return Err(Fault::LongNumber);
            }
            push(out, format_args!("{i}"));
        }
        DataRef::Float(f) => write_number(*f, out, scratch)?,
        DataRef::DateTime(dt) => write_date_time(dt, out),
        DataRef::DateTimeIso(s) => write_iso(s, out),
        DataRef::DurationIso(s) => out.push_str(s),
        DataRef::Error(e) => return Err(Fault::ErrorValue(e.clone())),
    }
    Ok(())
}

fn write_number(f: f64, out: &mut String, scratch: &mut String) -> Result<(), Fault> {
    if f.abs() >= EXACT_LIMIT {
        return Err(Fault::LongNumber);
    }
    if f.fract() == 0.0 {
        // Also turns -0 into 0.
        push(out, format_args!("{}", f as i64));
        return Ok(());
    }
    // The file often holds the binary tail of a decimal (0.1 + 0.2 = 0.30000000000000004) that
    // Excel never showed: round to Excel's 15 significant digits, then print the shortest form.
    scratch.clear();
    push(scratch, format_args!("{f:.14e}"));
    let shown = scratch.parse::<f64>().unwrap_or(f);
    push(out, format_args!("{shown}"));
    Ok(())
}

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` when there is a time of day, and `HH:MM:SS` for a time
/// alone (a serial below 1, which Excel shows without a date) or a duration.
fn write_date_time(dt: &ExcelDateTime, out: &mut String) {
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    let serial = dt.as_f64();
    if dt.is_duration() {
        let total = (serial * 86_400.0).round() as i64;
        push(
            out,
            format_args!(
                "{:02}:{:02}:{:02}",
                total / 3600,
                total / 60 % 60,
                total % 60
            ),
        );
    } else if (0.0..1.0).contains(&serial) {
        push(out, format_args!("{h:02}:{mi:02}:{s:02}"));
    } else if (h, mi, s) == (0, 0, 0) {
        push(out, format_args!("{y:04}-{mo:02}-{d:02}"));
    } else {
        push(
            out,
            format_args!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
        );
    }
}

/// An ISO cell (`t="d"`, written by some tools) in the same shape as an Excel date cell.
fn write_iso(s: &str, out: &mut String) {
    let (date, time) = s.split_once('T').unwrap_or((s, ""));
    let time = time.trim_end_matches('Z');
    let time = time.split_once('.').map_or(time, |(whole, _)| whole);
    out.push_str(date);
    if !time.trim_start_matches(['0', ':']).is_empty() {
        out.push(' ');
        out.push_str(time);
    }
}

fn push(out: &mut String, args: std::fmt::Arguments<'_>) {
    // Writing to a String cannot fail.
    let _ = out.write_fmt(args);
}
