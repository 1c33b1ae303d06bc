//! Minimal XLSX workbooks written by the tests themselves: one sheet, shared strings, and two
//! date styles (cell style 1 is a date, 2 a date with time), as Excel would write them.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

/// One cell of a fixture row.
pub enum C<'a> {
    /// A string in the shared string table, as Excel stores typed text.
    S(&'a str),
    /// An inline string, as some exporters write.
    Inline(&'a str),
    /// A number, as written in the file.
    N(&'a str),
    Date(f64),
    DateTime(f64),
    B(bool),
    /// An error value such as `#N/A`.
    E(&'a str),
    /// A formula with its cached result.
    F(&'a str, &'a str),
}

#[derive(Default)]
pub struct Book {
    rows: String,
    strings: Vec<String>,
    merges: Vec<String>,
    /// A `uniqueCount` other than the true one, as a crafted file would claim.
    claimed: Option<u64>,
}

impl Book {
    pub fn new() -> Self {
        Book::default()
    }

    /// Adds sheet row `number` (1-based), cells given by column letters.
    pub fn row(mut self, number: u32, cells: &[(&str, C<'_>)]) -> Self {
        self.rows.push_str(&format!("<row r=\"{number}\">"));
        for (col, cell) in cells {
            let at = format!("{col}{number}");
            let xml = match cell {
                C::S(s) => {
                    self.strings.push(escape(s));
                    format!(
                        "<c r=\"{at}\" t=\"s\"><v>{}</v></c>",
                        self.strings.len() - 1
                    )
                }
                C::Inline(s) => {
                    format!(
                        "<c r=\"{at}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                        escape(s)
                    )
                }
                C::N(v) => format!("<c r=\"{at}\"><v>{v}</v></c>"),
                C::Date(v) => format!("<c r=\"{at}\" s=\"1\"><v>{v}</v></c>"),
                C::DateTime(v) => format!("<c r=\"{at}\" s=\"2\"><v>{v}</v></c>"),
                C::B(b) => format!("<c r=\"{at}\" t=\"b\"><v>{}</v></c>", u8::from(*b)),
                C::E(e) => format!("<c r=\"{at}\" t=\"e\"><v>{e}</v></c>"),
                C::F(f, v) => format!("<c r=\"{at}\"><f>{}</f><v>{v}</v></c>", escape(f)),
            };
            self.rows.push_str(&xml);
        }
        self.rows.push_str("</row>");
        self
    }

    /// Merges a range such as `"B3:B4"`.
    pub fn merge(mut self, range: &str) -> Self {
        self.merges.push(range.to_owned());
        self
    }

    /// Claims `n` shared strings whatever the table holds.
    pub fn claim_strings(mut self, n: u64) -> Self {
        self.claimed = Some(n);
        self
    }

    pub fn build(&self) -> Vec<u8> {
        let merges = if self.merges.is_empty() {
            String::new()
        } else {
            let refs: String = self
                .merges
                .iter()
                .map(|m| format!("<mergeCell ref=\"{m}\"/>"))
                .collect();
            format!(
                "<mergeCells count=\"{}\">{refs}</mergeCells>",
                self.merges.len()
            )
        };
        let sheet = format!(
            "<worksheet xmlns=\"{MAIN}\"><sheetData>{}</sheetData>{merges}</worksheet>",
            self.rows
        );
        let strings: String = self
            .strings
            .iter()
            .map(|s| format!("<si><t xml:space=\"preserve\">{s}</t></si>"))
            .collect();
        let shared = format!(
            "<sst xmlns=\"{MAIN}\" count=\"{n}\" uniqueCount=\"{u}\">{strings}</sst>",
            n = self.strings.len(),
            u = self.claimed.unwrap_or(self.strings.len() as u64)
        );
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (path, text) in [
            ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
            ("_rels/.rels", ROOT_RELS.to_owned()),
            ("xl/workbook.xml", WORKBOOK.to_owned()),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_owned()),
            ("xl/styles.xml", STYLES.to_owned()),
            ("xl/sharedStrings.xml", shared),
            ("xl/worksheets/sheet1.xml", sheet),
        ] {
            zip.start_file(path, stored).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// Built-in number formats 14 (`m/d/yyyy`) and 22 (`m/d/yyyy h:mm`).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#;
