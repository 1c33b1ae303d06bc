mod csv_files;
mod fixture;
mod limits;
mod speed;
mod xlsx_files;

use std::path::PathBuf;

use super::{SheetError, SheetReader};

const MB: u64 = 1 << 20;

/// Every row the reader gives: its number and cells, or the error.
fn rows(reader: &mut SheetReader) -> Vec<Result<(u64, Vec<String>), SheetError>> {
    let mut rec = csv::StringRecord::new();
    let mut out = Vec::new();
    loop {
        match reader.read(&mut rec) {
            Ok(Some(n)) => out.push(Ok((n, rec.iter().map(str::to_owned).collect()))),
            Ok(None) => return out,
            Err(e) => out.push(Err(e)),
        }
    }
}

fn row(n: u64, cells: &[&str]) -> Result<(u64, Vec<String>), SheetError> {
    Ok((n, cells.iter().map(|c| (*c).to_owned()).collect()))
}

fn headers(reader: &SheetReader) -> Vec<&str> {
    reader.headers().iter().collect()
}

/// A file in the system's temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(tag: &str) -> Self {
        TempFile(std::env::temp_dir().join(format!("gridgov-sheets-{}-{tag}", std::process::id())))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
