//! Where import rows come from: anything that yields a header and then records, numbering rows
//! as the user sees them. CSV and XLSX files both provide it.

use std::io::Read;

use csv::StringRecord;

/// A fault of the file itself (not of one field): broken quoting, an unreadable cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFault {
    pub row: Option<u64>,
    pub column: Option<String>,
    pub zh: String,
    pub en: String,
}

pub trait RowSource: Send {
    /// The header row.
    fn headers(&self) -> &StringRecord;
    /// The next data row into `rec`, with its row number (header = 1); `None` at the end.
    fn read(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, SourceFault>;
    /// (done, total) in the source's own unit, for progress.
    fn progress(&self) -> (u64, u64);
}

/// A UTF-8 CSV file or stream with a header row.
pub struct CsvSource<R: Read> {
    reader: csv::Reader<CountingReader<R>>,
    headers: StringRecord,
    total: u64,
    done: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

struct CountingReader<R> {
    inner: R,
    done: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Read + Send> CsvSource<R> {
    /// `total` is the stream's length in bytes when known (0 otherwise).
    pub fn new(inner: R, total: u64) -> Result<Self, SourceFault> {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(CountingReader {
                inner,
                done: done.clone(),
            });
        let mut headers = reader
            .headers()
            .map_err(|e| fault(Some(1), &e.to_string()))?
            .clone();
        if let Some(first) = headers.get(0)
            && let Some(rest) = first.strip_prefix('\u{feff}')
        {
            let mut fixed = StringRecord::new();
            fixed.push_field(rest);
            for f in headers.iter().skip(1) {
                fixed.push_field(f);
            }
            headers = fixed;
        }
        Ok(CsvSource {
            reader,
            headers,
            total,
            done,
        })
    }
}

fn fault(row: Option<u64>, why: &str) -> SourceFault {
    SourceFault {
        row,
        column: None,
        zh: format!("文件无法读取：{why}"),
        en: format!("the file cannot be read: {why}"),
    }
}

impl<R: Read + Send> RowSource for CsvSource<R> {
    fn headers(&self) -> &StringRecord {
        &self.headers
    }

    fn read(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, SourceFault> {
        loop {
            match self.reader.read_record(rec) {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    if rec.iter().all(str::is_empty) {
                        continue;
                    }
                    return Ok(Some(rec.position().map_or(0, |p| p.line())));
                }
                Err(e) => {
                    let row = e.position().map(|p| p.line());
                    return Err(fault(row, &e.to_string()));
                }
            }
        }
    }

    fn progress(&self) -> (u64, u64) {
        (
            self.done.load(std::sync::atomic::Ordering::Relaxed),
            self.total,
        )
    }
}
