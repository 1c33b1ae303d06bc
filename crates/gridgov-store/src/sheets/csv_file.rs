//! CSV in UTF-8 (with or without BOM) or GB18030, the encoding Chinese Excel saves "CSV" in.

use std::io::{Cursor, Read};

use csv::StringRecord;

use super::SheetError;
use super::gb18030::Gb18030;
use super::stream::{Counted, NewlineAtEnd};

/// How much is read to tell UTF-8 from GB18030: GBK text of any length fails the UTF-8 test
/// within its first few characters, and a header plus a few rows fit easily.
const SNIFF: usize = 64 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

type Raw = Counted<std::io::Chain<Cursor<Vec<u8>>, Box<dyn Read + Send>>>;

enum Text {
    Utf8(csv::Reader<NewlineAtEnd<Raw>>),
    Gb18030(csv::Reader<NewlineAtEnd<Gb18030<Raw>>>),
}

pub(super) struct CsvSheet {
    text: Text,
    width: usize,
    total: u64,
    /// The reader's line count after the previous record, which ended with its `\n`.
    line: u64,
    /// Where trimmed fields are built when a row needs trimming, swapped with the caller's.
    scratch: StringRecord,
}

impl CsvSheet {
    /// Reads up to the header row; `total` is the file's size in bytes.
    pub(super) fn open(
        name: &str,
        mut src: Box<dyn Read + Send>,
        total: u64,
        max_bytes: u64,
    ) -> Result<(CsvSheet, StringRecord), SheetError> {
        let mut head = Vec::with_capacity(SNIFF);
        (&mut src)
            .take(SNIFF as u64)
            .read_to_end(&mut head)
            .map_err(|e| SheetError::unreadable(name, &e))?;
        let utf8 = is_utf8_start(&head, head.len() < SNIFF);
        let skip = if utf8 && head.starts_with(UTF8_BOM) {
            UTF8_BOM.len()
        } else {
            0
        };
        let mut cursor = Cursor::new(head);
        cursor.set_position(skip as u64);
        let raw = Counted::new(cursor.chain(src), skip as u64, max_bytes);
        let mut builder = csv::ReaderBuilder::new();
        // Only `\n` ends a record, so each record's `\n` is consumed with it and lines can be
        // counted back from the reader's position (csv's own record positions point before
        // skipped blank lines, and before the `\n` of a CRLF); the `\r` of CRLF stays at the
        // end of the last cell, where trimming removes it.
        builder
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(SNIFF);
        let text = if utf8 {
            Text::Utf8(builder.from_reader(NewlineAtEnd::new(raw)))
        } else {
            Text::Gb18030(builder.from_reader(NewlineAtEnd::new(Gb18030::new(raw))))
        };
        let mut sheet = CsvSheet {
            text,
            width: 0,
            total,
            line: 1,
            scratch: StringRecord::new(),
        };
        let mut headers = StringRecord::new();
        if sheet.next_non_empty(&mut headers)?.is_none() {
            return Err(SheetError::no_header(name));
        }
        if let Some(first) = headers.get(0).filter(|f| f.starts_with('\u{feff}')) {
            // A BOM inside the GB18030 branch, or one written twice by a careless exporter.
            let first = first.trim_start_matches('\u{feff}').trim().to_owned();
            let rest: Vec<String> = headers.iter().skip(1).map(str::to_owned).collect();
            headers = std::iter::once(first).chain(rest).collect();
        }
        sheet.width = headers.len();
        Ok((sheet, headers))
    }

    pub(super) fn read(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, SheetError> {
        let Some(line) = self.next_non_empty(rec)? else {
            return Ok(None);
        };
        if rec.len() != self.width {
            return Err(field_count(line, rec.len(), self.width));
        }
        Ok(Some(line))
    }

    /// Bytes of the file read so far and its size.
    pub(super) fn progress(&self) -> (u64, u64) {
        let done = match &self.text {
            Text::Utf8(r) => r.get_ref().get_ref().count(),
            Text::Gb18030(r) => r.get_ref().get_ref().get_ref().count(),
        };
        (done.min(self.total), self.total)
    }

    /// The next record with at least one non-blank cell, trimmed, and the line it starts on.
    fn next_non_empty(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, SheetError> {
        loop {
            let (more, (end_line, at_end)) = match &mut self.text {
                Text::Utf8(r) => (r.read_record(rec), ended(r)),
                Text::Gb18030(r) => (r.read_record(rec), ended(r)),
            };
            // Updated before an error returns too, so numbering goes on right after it.
            let previous = std::mem::replace(&mut self.line, end_line);
            if !more.map_err(|e| csv_error(&e))? {
                return Ok(None);
            }
            let start = if end_line == previous + 1 && !at_end {
                previous
            } else {
                // Blank lines before the record, or line breaks inside its quoted cells; a
                // record that ran to the end of the file has no `\n` of its own.
                let inside = rec.as_slice().bytes().filter(|&b| b == b'\n').count() as u64;
                end_line.saturating_sub(inside + u64::from(!at_end)).max(1)
            };
            if rec.iter().any(|f| f.len() != f.trim().len()) {
                self.scratch.clear();
                for field in rec.iter() {
                    self.scratch.push_field(field.trim());
                }
                std::mem::swap(rec, &mut self.scratch);
            }
            if rec.iter().any(|f| !f.is_empty()) {
                return Ok(Some(start));
            }
        }
    }
}

/// The reader's line count after a record, and whether the record ran to the end of the text.
fn ended<R: Read>(r: &csv::Reader<NewlineAtEnd<R>>) -> (u64, bool) {
    let pos = r.position();
    (pos.line(), r.get_ref().consumed_all(pos.byte()))
}

/// True if `head` is UTF-8; a character cut at the end of a partial read does not count
/// against it.
fn is_utf8_start(head: &[u8], whole_file: bool) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && !whole_file,
    }
}

fn field_count(line: u64, found: usize, expected: usize) -> SheetError {
    SheetError::row(
        line,
        format!(
            "第 {line} 行有 {found} 列，表头有 {expected} 列；可能是引号不成对\
             （一个未闭合的引号会把后面的行吞进同一个单元格），请检查该行及其后几行"
        ),
        format!(
            "line {line} has {found} fields but the header has {expected}; quoting may be \
             broken (an unclosed quote swallows the lines after it): check this line and those after it"
        ),
    )
}

fn csv_error(e: &csv::Error) -> SheetError {
    let line = e.position().map(csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            let (zh, en) = (
                "文本编码不一致：请整个文件统一另存为 UTF-8 或 GB18030（GBK）".to_owned(),
                "mixed text encodings: save the whole file as UTF-8 or GB18030 (GBK)".to_owned(),
            );
            match line {
                Some(line) => SheetError::row(
                    line,
                    format!("第 {line} 行{zh}"),
                    format!("line {line}: {en}"),
                ),
                None => SheetError::file(zh, en),
            }
        }
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge => {
            SheetError::file(
                "文件在读取时超过大小上限".into(),
                "the file grew past the size limit while being read".into(),
            )
        }
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => SheetError::file(
            "文件既不是 UTF-8 也不是 GB18030（GBK）文本，请另存为 UTF-8 的 CSV".into(),
            "the file is neither UTF-8 nor GB18030 (GBK) text: save it as CSV UTF-8".into(),
        ),
        _ => SheetError::file(
            format!("读取 CSV 出错：{e}"),
            format!("cannot read the CSV: {e}"),
        ),
    }
}
