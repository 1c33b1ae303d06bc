//! `gridgov import regions`: check a whole source against itself and the database, and write
//! the new regions in one transaction with one audit record, or nothing at all.
//!
//! Checking and writing overlap: a planner thread checks rows in order (parents first) and hands
//! batches of new regions to the writer, which loads them into an open transaction. The writer
//! commits only when the planner has seen every row and found no fault; otherwise the
//! transaction is dropped and the database is left as it was.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::regions::RegionLevel;
use serde::Serialize;
use tokio::sync::mpsc;

use super::bulk::{self, NewRegion};
use super::source::{MAX_ERRORS, RegionSource, SourceRow, read_region_source_all};
use crate::{RowError, Store, StoreError, StoreResult};

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub source: String,
    pub rows_read: u64,
    pub inserted: u64,
    pub unchanged: u64,
    pub repeated_in_source: u64,
}

/// Stages of a long import, for a progress bar. Checking and writing overlap, so `Written`
/// counts new regions written so far against the rows read (an upper bound).
#[derive(Debug, Clone, Copy)]
pub enum ImportProgress {
    Read { rows: u64 },
    Written { done: u64, total: u64 },
    Finished { inserted: u64 },
}

/// New regions per batch handed from the planner to the writer.
const BATCH: usize = 20_000;

impl Store {
    /// Imports a region source (see [`read_region_source_all`]). Idempotent: regions already present
    /// with the same name are left alone. Rejected whole, with every bad row, when any row is
    /// wrong.
    pub async fn import_regions(
        &self,
        actor: &Actor,
        source: RegionSource,
        source_label: &str,
        progress: &(dyn Fn(ImportProgress) + Send + Sync),
    ) -> StoreResult<ImportReport> {
        if !actor.can(Permission::ManageRegions) {
            return Err(StoreError::Forbidden);
        }
        let started = std::time::Instant::now();
        let read = tokio::task::spawn_blocking(move || read_region_source_all(&source))
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))??;
        // Rows that did not even parse are kept as faults; the rest are still checked, so one
        // run reports every fault of the file (nothing is written once there is one).
        let (mut rows, read_errors) = (read.rows, read.errors);
        progress(ImportProgress::Read {
            rows: rows.len() as u64,
        });
        tracing::info!(
            rows = rows.len(),
            secs = started.elapsed().as_secs_f64(),
            "regions read"
        );

        let existing = self.existing_regions().await?;
        let total = (rows.len() + read_errors.len()) as u64;
        let label = source_label.to_owned();
        let (tx, rx) = mpsc::channel::<Vec<NewRegion>>(4);
        let planner = tokio::task::spawn_blocking(move || {
            // By code: a parent's code leads its children's, so parents come first, and the
            // rows reach the table in the order of its primary key.
            rows.sort_unstable_by(|a, b| a.code.cmp(&b.code));
            let mut p = Planner::new(existing, label, total, read_errors);
            let mut batch = Vec::with_capacity(BATCH);
            for i in 0..rows.len() {
                if let Some(n) = p.check(&rows, i) {
                    batch.push(n);
                    if batch.len() == BATCH && tx.blocking_send(std::mem::take(&mut batch)).is_err()
                    {
                        // The writer gave up; its error is the one to report.
                        return p.finish();
                    }
                }
                if p.errors.len() >= MAX_ERRORS {
                    break;
                }
            }
            if !batch.is_empty() && p.errors.is_empty() {
                let _ = tx.blocking_send(batch);
            }
            p.finish()
        });
        let verdict = async {
            planner
                .await
                .map_err(|e| StoreError::Internal(e.to_string()))?
        };
        let report =
            bulk::write_regions(self, actor, source_label, rx, verdict, total, progress).await?;
        progress(ImportProgress::Finished {
            inserted: report.inserted,
        });
        tracing::info!(
            inserted = report.inserted,
            secs = started.elapsed().as_secs_f64(),
            "regions imported"
        );
        Ok(report)
    }

    /// Every stored region as code → what the checks need of it.
    async fn existing_regions(&self) -> StoreResult<HashMap<String, Known>> {
        let rows: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT code, name, path, level FROM regions")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(code, name, path, level)| {
                let known = Known {
                    name_hash: hash(&name),
                    name: Some(name),
                    path,
                    level,
                    line: None,
                };
                (code, known)
            })
            .collect())
    }
}

fn hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// A region known before or during the import.
struct Known {
    /// Compared to find a code repeated under another name.
    name_hash: u64,
    /// Kept for stored regions only, to name them in errors.
    name: Option<String>,
    /// Empty for villages of this import: they are never parents.
    path: String,
    level: i64,
    /// Where it was read, for regions of this import.
    line: Option<(Arc<str>, u64)>,
}

fn not_a_prefix(parent: &str, code: &str) -> FieldError {
    FieldError::new(
        "parent_code",
        "not_a_prefix",
        format!("上级代码 {parent} 不是代码 {code} 的前缀"),
        format!("the parent code {parent} does not lead the code {code}"),
    )
}

/// Checks rows one by one, in parent-first order.
struct Planner {
    existing: HashMap<String, Known>,
    seen: HashMap<String, Known>,
    report: ImportReport,
    errors: Vec<RowError>,
}

impl Planner {
    fn new(
        existing: HashMap<String, Known>,
        source: String,
        rows: u64,
        errors: Vec<RowError>,
    ) -> Planner {
        Planner {
            existing,
            seen: HashMap::with_capacity(rows as usize),
            report: ImportReport {
                source,
                rows_read: rows,
                ..Default::default()
            },
            errors,
        }
    }

    fn known(&self, code: &str) -> Option<&Known> {
        self.seen.get(code).or_else(|| self.existing.get(code))
    }

    /// The region to insert for row `i`, if it is new and sound. `rows` is sorted by code.
    fn check(&mut self, rows: &[SourceRow], i: usize) -> Option<NewRegion> {
        let row = &rows[i];
        let name_hash = hash(&row.name);
        if let Some(prev) = self.seen.get(&row.code) {
            if prev.name_hash == name_hash {
                self.report.repeated_in_source += 1;
            } else {
                let (f, l) = prev.line.clone().unwrap_or_else(|| ("".into(), 0));
                self.push_error(
                    row,
                    "name",
                    &row.name,
                    format!("代码 {} 已在 {f} 第{l}行以另一名称出现", row.code),
                    format!(
                        "code {} already appears at {f} line {l} under another name",
                        row.code
                    ),
                );
            }
            return None;
        }
        if let Some(old) = self.existing.get(&row.code) {
            if old.name_hash == name_hash {
                self.report.unchanged += 1;
                let known = Known {
                    name_hash,
                    name: None,
                    path: old.path.clone(),
                    level: old.level,
                    line: Some((row.file.clone(), row.line)),
                };
                self.seen.insert(row.code.clone(), known);
            } else {
                let old_name = old.name.clone().unwrap_or_default();
                self.push_error(
                    row,
                    "name",
                    &row.name,
                    format!("代码 {} 在库中已存在，名称为“{old_name}”", row.code),
                    format!(
                        "code {} is already stored with the name {old_name}",
                        row.code
                    ),
                );
            }
            return None;
        }
        let (parent_code, path) = match self.resolve_parent(rows, row) {
            Ok(p) => p,
            Err(e) => {
                let value = row.parent_raw.clone().unwrap_or_default();
                self.errors
                    .push(RowError::from_field(&row.file, row.line, &value, e));
                return None;
            }
        };
        if !self.errors.is_empty() {
            // The import fails anyway; keep checking, stop building.
            let line = Some((row.file.clone(), row.line));
            let level = row.level.number();
            self.seen.insert(
                row.code.clone(),
                Known {
                    name_hash,
                    name: None,
                    path,
                    level,
                    line,
                },
            );
            return None;
        }
        let is_parent = row.level != RegionLevel::Village;
        self.seen.insert(
            row.code.clone(),
            Known {
                name_hash,
                name: None,
                path: if is_parent {
                    path.clone()
                } else {
                    String::new()
                },
                level: row.level.number(),
                line: Some((row.file.clone(), row.line)),
            },
        );
        self.report.inserted += 1;
        Some(NewRegion {
            code: row.code.clone(),
            name: row.name.clone(),
            level: row.level.number(),
            parent_code,
            path,
        })
    }

    fn push_error(&mut self, row: &SourceRow, field: &str, value: &str, zh: String, en: String) {
        self.errors.push(RowError {
            file: row.file.to_string(),
            line: row.line,
            field: field.to_owned(),
            value: value.to_owned(),
            zh,
            en,
        });
    }

    /// Finds the parent a row names among the regions of this import and those stored, and
    /// builds the row's path under it. The parent may be written zero-padded (`420000` for the
    /// province `42`), so shorter forms are tried while the cut-off digits are zeros.
    fn resolve_parent(
        &self,
        rows: &[SourceRow],
        row: &SourceRow,
    ) -> Result<(Option<String>, String), FieldError> {
        let Some(raw) = row
            .parent_raw
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        else {
            if row.level == RegionLevel::Province {
                return Ok((None, format!("{}/", row.code)));
            }
            return Err(FieldError::new(
                "parent_code",
                "required",
                "缺少上级代码",
                "the parent code is missing",
            ));
        };
        if !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                "parent_code",
                "not_digits",
                format!("上级代码只能包含数字: {raw}"),
                format!("a parent code has digits only: {raw}"),
            ));
        }
        let mut cands = vec![raw];
        for level in RegionLevel::ALL.iter().rev() {
            let len = level.code_len();
            if len < raw.len() && raw[len..].bytes().all(|b| b == b'0') {
                cands.push(&raw[..len]);
            }
        }
        for cand in cands {
            let Some(p) = self.known(cand) else { continue };
            if p.level >= row.level.number() {
                continue;
            }
            if !(row.code.len() > cand.len() && row.code.starts_with(cand)) {
                return Err(not_a_prefix(cand, &row.code));
            }
            return Ok((Some(cand.to_owned()), format!("{}{}/", p.path, row.code)));
        }
        // Not a region this row can hang under. Say whether the file has it at all.
        if let Ok(j) = rows.binary_search_by(|r| r.code.as_str().cmp(raw)) {
            let p = &rows[j];
            if p.level < row.level {
                return Err(not_a_prefix(raw, &row.code));
            }
            return Err(FieldError::new(
                "parent_code",
                "not_a_parent",
                format!(
                    "上级代码 {raw} 在第{}行，是{}级，不能作为{}级代码 {} 的上级",
                    p.line,
                    p.level.zh(),
                    row.level.zh(),
                    row.code
                ),
                format!(
                    "the parent {raw} (line {}) is a {} and cannot hold the {} {}",
                    p.line,
                    p.level.en(),
                    row.level.en(),
                    row.code
                ),
            ));
        }
        Err(FieldError::new(
            "parent_code",
            "unknown_parent",
            format!("上级代码 {raw} 不存在（文件和库中都没有）"),
            format!("the parent code {raw} is unknown (neither in the file nor stored)"),
        ))
    }

    fn finish(mut self) -> StoreResult<ImportReport> {
        if self.errors.is_empty() {
            Ok(self.report)
        } else {
            self.errors
                .sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
            Err(StoreError::Rows(self.errors))
        }
    }
}
