//! The checker thread: reads the file, checks and prepares every row, drops in-file duplicates,
//! and hands batches of finished rows to the writer while keeping every fault.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use csv::StringRecord;
use gridgov_core::FieldError;
use gridgov_core::base_data::{RecordKind, templates};
use tokio::sync::mpsc::Sender;

use super::source::RowSource;
use super::spec::Row;
use super::{BaseImportProgress, MAX_FAULTS, RowFault};

/// Rows handed to the writer at a time.
pub(crate) const BATCH_ROWS: usize = 10_000;

/// A file's cells by template column, wherever the file put them.
pub(crate) struct Cells<'a> {
    rec: &'a StringRecord,
    at: &'a [Option<usize>],
}

impl Cells<'_> {
    /// The cell of the template's column `i` (see [`templates`]), empty when the file has no
    /// such column.
    pub(crate) fn get(&self, i: usize) -> &str {
        self.at
            .get(i)
            .copied()
            .flatten()
            .and_then(|p| self.rec.get(p))
            .unwrap_or("")
    }
}

/// A row made ready to write, with its natural key for in-file dedupe.
pub(crate) struct Planned {
    pub row: Row,
    pub key: String,
    pub warnings: Vec<FieldError>,
}

/// What turns one kind's cells into rows.
pub(crate) trait RowPlan: Send {
    fn plan(&mut self, row_no: u64, cells: &Cells<'_>) -> Result<Planned, Vec<FieldError>>;
}

#[derive(Debug, Default)]
pub(crate) struct CheckOutcome {
    pub rows_read: u64,
    pub rejected: u64,
    pub warnings: u64,
    pub faults: Vec<RowFault>,
    /// Rows sent to the writer.
    pub sent: u64,
}

impl CheckOutcome {
    fn keep(&mut self, f: RowFault) {
        if self.faults.len() < MAX_FAULTS {
            self.faults.push(f);
        }
    }
}

/// Template column keys whose values are personal data: masked in reports.
fn masked(column: &str, value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    match column {
        "id_card_no" if chars.len() >= 10 => {
            let head: String = chars[..6].iter().collect();
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{head}********{tail}")
        }
        "phone" if chars.len() >= 7 => {
            let head: String = chars[..3].iter().collect();
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{head}****{tail}")
        }
        "id_card_no" | "phone" => "*".repeat(chars.len()),
        _ => value.to_owned(),
    }
}

/// A 128-bit fingerprint of a natural key: two of the hasher's keys (fixed, so runs agree), so
/// millions of keys cost 16 bytes each and a false duplicate is as likely as a 128-bit collision.
pub(crate) fn fingerprint(key: &str) -> u128 {
    let h = |seed: u64| {
        let mut s =
            std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
                .build_hasher();
        s.write_u64(seed);
        s.write(key.as_bytes());
        s.finish()
    };
    (u128::from(h(0x9e37_79b9)) << 64) | u128::from(h(0x7f4a_7c15))
}

/// Runs on a blocking thread. Stops sending rows (but goes on checking, to report every fault)
/// once a fault has doomed an all-or-nothing import.
pub(crate) fn check_all(
    kind: RecordKind,
    source: &mut dyn RowSource,
    plan: &mut dyn RowPlan,
    accept_valid: bool,
    tx: Sender<Vec<Row>>,
    progress: &(dyn Fn(BaseImportProgress) + Send + Sync),
) -> CheckOutcome {
    let mut out = CheckOutcome::default();
    let header: Vec<String> = source.headers().iter().map(str::to_owned).collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let at = match templates::map_header(kind, &header_refs) {
        Ok(at) => at,
        Err(errs) => {
            for e in errs {
                out.keep(RowFault {
                    row: 1,
                    column: e.field.clone(),
                    value: String::new(),
                    code: e.code.to_owned(),
                    zh: e.zh,
                    en: e.en,
                    warning: false,
                });
            }
            out.rejected = 1;
            return out;
        }
    };
    let columns = kind.columns();
    let mut seen: HashMap<u128, u64> = HashMap::new();
    let mut rec = StringRecord::new();
    let mut batch: Vec<Row> = Vec::with_capacity(BATCH_ROWS);
    let mut sending = true;
    loop {
        let row_no = match source.read(&mut rec) {
            Ok(Some(n)) => n,
            Ok(None) => break,
            Err(f) => {
                out.rejected += 1;
                out.keep(RowFault {
                    row: f.row.unwrap_or(0),
                    column: f.column.unwrap_or_default(),
                    value: String::new(),
                    code: "unreadable".into(),
                    zh: f.zh,
                    en: f.en,
                    warning: false,
                });
                if source.row_faults_recoverable() {
                    out.rows_read += 1;
                    if !accept_valid {
                        sending = false;
                        batch = Vec::new();
                    }
                    continue;
                }
                // A broken file cannot be trusted past the break.
                break;
            }
        };
        out.rows_read += 1;
        let cells = Cells { rec: &rec, at: &at };
        let value_of = |field: &str| {
            columns
                .iter()
                .position(|c| c.key == field)
                .map(|i| masked(field, cells.get(i)))
                .unwrap_or_default()
        };
        match plan.plan(row_no, &cells) {
            Ok(p) => {
                let first = *seen.entry(fingerprint(&p.key)).or_insert(row_no);
                if first != row_no {
                    out.rejected += 1;
                    let col = columns.get(dedupe_column(kind)).map_or("", |c| c.key);
                    out.keep(RowFault {
                        row: row_no,
                        column: col.to_owned(),
                        value: value_of(col),
                        code: "duplicate_in_file".into(),
                        zh: format!("与第 {first} 行重复"),
                        en: format!("duplicates row {first}"),
                        warning: false,
                    });
                    continue;
                }
                for w in p.warnings {
                    out.warnings += 1;
                    out.keep(RowFault {
                        row: row_no,
                        value: value_of(&w.field),
                        column: w.field,
                        code: w.code.to_owned(),
                        zh: w.zh,
                        en: w.en,
                        warning: true,
                    });
                }
                if sending {
                    batch.push(p.row);
                    if batch.len() == BATCH_ROWS {
                        out.sent += batch.len() as u64;
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                        if tx.blocking_send(full).is_err() {
                            // The writer failed; its error is what the caller reports.
                            sending = false;
                        }
                    }
                }
            }
            Err(errs) => {
                out.rejected += 1;
                if !accept_valid {
                    sending = false;
                    batch = Vec::new();
                }
                for e in errs {
                    out.keep(RowFault {
                        row: row_no,
                        value: value_of(&e.field),
                        column: e.field,
                        code: e.code.to_owned(),
                        zh: e.zh,
                        en: e.en,
                        warning: false,
                    });
                }
            }
        }
        if out.rows_read % 50_000 == 0 {
            let (done, total) = source.progress();
            progress(BaseImportProgress::Reading { done, total });
        }
    }
    if sending && !batch.is_empty() {
        out.sent += batch.len() as u64;
        let _ = tx.blocking_send(batch);
    }
    let (done, total) = source.progress();
    progress(BaseImportProgress::Reading { done, total });
    out
}

/// The column a duplicate is reported on: the one that makes the key (the ID number for
/// persons, the door number for houses, the code or name otherwise).
fn dedupe_column(kind: RecordKind) -> usize {
    let key = match kind {
        RecordKind::Persons | RecordKind::Links => "id_card_no",
        RecordKind::Houses => "number",
        RecordKind::Buildings => "code",
        RecordKind::Organizations | RecordKind::Places => "name",
    };
    kind.columns()
        .iter()
        .position(|c| c.key == key)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_values_are_masked_in_reports() {
        assert_eq!(
            masked("id_card_no", "11010519491231002X"),
            "110105********002X"
        );
        assert_eq!(masked("phone", "13812345678"), "138****5678");
        assert_eq!(masked("phone", "1381"), "****");
        assert_eq!(masked("name", "张三"), "张三");
        assert_ne!(fingerprint("a"), fingerprint("b"));
    }
}
