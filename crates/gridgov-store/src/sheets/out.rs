//! The one way gridgov writes a spreadsheet someone will open: every CSV it hands out (person
//! exports, import fault reports, import templates) is written by [`SafeCsvWriter`], and an XLSX
//! writer, should one come, must write its text cells through [`safe_cell`] too.
//!
//! A cell that starts with `=`, `+`, `-` or `@` is read as a formula by Excel, LibreOffice and
//! Google Sheets (a person named `=HYPERLINK(…)` becomes a link, `+cmd|…` a DDE call), and a
//! leading tab or carriage return can hide such a start from a quick look. Such cells get a single
//! quote in front, as OWASP advises: spreadsheets show the text and do not evaluate it. This is
//! done to every cell, numbers too, so a value starting with `-` (a negative number, `-1` for a
//! basement) is exported as `'-1`: one rule with no exceptions is the one that stays safe when
//! a column changes meaning, and none of our exports has a column of negative numbers today.
//!
//! `clippy.toml` disallows `csv::Writer` everywhere else, so a new export cannot bypass this.

// The one place allowed to hold the raw writer (see clippy.toml).
#![allow(clippy::disallowed_types)]

use std::borrow::Cow;
use std::io;

/// What spreadsheet programs read as the start of a formula (or can hide one).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A byte-order mark: without it Excel reads a CSV file as the system's legacy code page.
pub const BOM: &str = "\u{feff}";

/// The text as it may go into a spreadsheet cell: unchanged, or with a `'` in front when it
/// would otherwise start a formula.
pub fn safe_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A CSV writer whose every cell has gone through [`safe_cell`]. It takes text only, so nothing
/// can be written around the check.
pub struct SafeCsvWriter<W: io::Write> {
    inner: csv::Writer<W>,
}

impl<W: io::Write> SafeCsvWriter<W> {
    pub fn from_writer(out: W) -> SafeCsvWriter<W> {
        SafeCsvWriter {
            inner: csv::Writer::from_writer(out),
        }
    }

    /// Writes one row.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.inner.write_record(
            record
                .into_iter()
                .map(|c| safe_cell(c.as_ref()).into_owned()),
        )
    }

    /// What has been written through to the output so far (the writer keeps a small buffer).
    pub fn get_ref(&self) -> &W {
        self.inner.get_ref()
    }

    /// Flushes and hands back the output.
    pub fn into_inner(self) -> io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

impl SafeCsvWriter<Vec<u8>> {
    /// A writer into memory for a file meant for Excel: it starts with a byte-order mark.
    pub fn for_excel() -> SafeCsvWriter<Vec<u8>> {
        SafeCsvWriter::from_writer(BOM.as_bytes().to_vec())
    }

    /// The file as text.
    pub fn into_string(self) -> io::Result<String> {
        let bytes = self.into_inner()?;
        String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_start_a_formula_get_a_quote() {
        for (given, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("-12", "'-12"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("'=already", "'=already"),
        ] {
            assert_eq!(safe_cell(given), written, "{given:?}");
        }
    }

    #[test]
    fn ordinary_cells_are_left_alone() {
        for plain in [
            "",
            "张三",
            "1+1",
            "a=b",
            "13812345678",
            " =x",
            "\n=x",
            "420202005001-G01",
        ] {
            assert!(
                matches!(safe_cell(plain), Cow::Borrowed(c) if c == plain),
                "{plain:?}"
            );
        }
    }

    #[test]
    fn the_writer_quotes_every_cell_of_every_row() {
        let mut w = SafeCsvWriter::for_excel();
        w.write_record(["姓名", "标签"]).unwrap();
        w.write_record(["=HYPERLINK(\"http://x\",\"y\")", "@x"])
            .unwrap();
        w.write_record([String::from("+1"), String::from("ok")])
            .unwrap();
        assert_eq!(
            w.into_string().unwrap(),
            "\u{feff}姓名,标签\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'@x\n'+1,ok\n"
        );
    }
}
