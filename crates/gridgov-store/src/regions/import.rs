//! `gridgov import regions`: check a whole source against itself and the database, then write
//! the new regions in one transaction with one audit record, or nothing at all.

use std::collections::HashMap;

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::regions::{RegionCode, RegionLevel};
use serde::Serialize;

use super::bulk::{self, NewRegion};
use super::source::{MAX_ERRORS, RegionSource, SourceRow, read_region_source};
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

/// Stages of a long import, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum ImportProgress {
    Read { rows: u64 },
    Checked { new: u64 },
    Written { done: u64, total: u64 },
}

impl Store {
    /// Imports a region source (see [`read_source`]). Idempotent: regions already present with
    /// the same name are left alone. Rejected whole, with every bad row, when any row is wrong.
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
        let (_, rows) = tokio::task::spawn_blocking(move || read_region_source(&source))
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))??;
        progress(ImportProgress::Read {
            rows: rows.len() as u64,
        });
        tracing::info!(
            rows = rows.len(),
            secs = started.elapsed().as_secs_f64(),
            "regions read"
        );

        let existing = self.existing_regions().await?;
        let mut report = ImportReport {
            source: source_label.to_owned(),
            rows_read: rows.len() as u64,
            ..Default::default()
        };
        let new = plan(rows, &existing, source_label, &mut report)?;
        progress(ImportProgress::Checked {
            new: new.len() as u64,
        });
        tracing::info!(
            new = new.len(),
            secs = started.elapsed().as_secs_f64(),
            "regions checked"
        );
        report.inserted = new.len() as u64;
        if !new.is_empty() {
            bulk::write_regions(self, actor, &new, &report, progress).await?;
            tracing::info!(secs = started.elapsed().as_secs_f64(), "regions written");
        }
        Ok(report)
    }

    /// Every stored region as code → (name, path, level).
    async fn existing_regions(&self) -> StoreResult<HashMap<String, Known>> {
        let rows: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT code, name, path, level FROM regions")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(code, name, path, level)| {
                (
                    code,
                    Known {
                        name,
                        path,
                        level,
                        line: None,
                    },
                )
            })
            .collect())
    }
}

/// A region known before or during the import.
struct Known {
    name: String,
    path: String,
    level: i64,
    /// Where it was read, for regions of this import.
    line: Option<(std::sync::Arc<str>, u64)>,
}

/// Checks every row and returns the regions to insert, sorted by code (parents first).
fn plan(
    mut rows: Vec<SourceRow>,
    existing: &HashMap<String, Known>,
    source_label: &str,
    report: &mut ImportReport,
) -> StoreResult<Vec<NewRegion>> {
    // Parents before children: a parent's level is lower, and within a level order by code.
    rows.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.code.cmp(&b.code)));
    let mut errors: Vec<RowError> = Vec::new();
    let mut seen: HashMap<String, Known> = HashMap::with_capacity(rows.len());
    let mut new = Vec::with_capacity(rows.len());
    for row in rows {
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let err = |field: &str, value: &str, zh: String, en: String| RowError {
            file: row.file.to_string(),
            line: row.line,
            field: field.to_owned(),
            value: value.to_owned(),
            zh,
            en,
        };
        if let Some(prev) = seen.get(&row.code) {
            if prev.name == row.name {
                report.repeated_in_source += 1;
            } else {
                let (f, l) = prev.line.clone().unwrap_or_else(|| ("".into(), 0));
                errors.push(err(
                    "name",
                    &row.name,
                    format!(
                        "代码 {} 已在 {f} 第{l}行以名称“{}”出现",
                        row.code, prev.name
                    ),
                    format!(
                        "code {} already appears at {f} line {l} named {}",
                        row.code, prev.name
                    ),
                ));
            }
            continue;
        }
        if let Some(old) = existing.get(&row.code) {
            if old.name == row.name {
                report.unchanged += 1;
                seen.insert(
                    row.code.clone(),
                    Known {
                        name: row.name,
                        path: old.path.clone(),
                        level: old.level,
                        line: Some((row.file, row.line)),
                    },
                );
            } else {
                errors.push(err(
                    "name",
                    &row.name,
                    format!("代码 {} 在库中已存在，名称为“{}”", row.code, old.name),
                    format!(
                        "code {} is already stored with the name {}",
                        row.code, old.name
                    ),
                ));
            }
            continue;
        }
        let (parent_code, path) = match resolve_parent(&row, &seen, existing) {
            Ok(p) => p,
            Err(e) => {
                errors.push(RowError::from_field(
                    &row.file,
                    row.line,
                    row.parent_raw.as_deref().unwrap_or(""),
                    e,
                ));
                continue;
            }
        };
        seen.insert(
            row.code.clone(),
            Known {
                name: row.name.clone(),
                path: path.clone(),
                level: row.level.number(),
                line: Some((row.file.clone(), row.line)),
            },
        );
        new.push(NewRegion {
            code: row.code,
            name: row.name,
            level: row.level.number(),
            parent_code,
            path,
            source: source_label.to_owned(),
        });
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
        return Err(StoreError::Rows(errors));
    }
    new.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(new)
}

/// Finds the parent a row names among the regions of this import and those stored, and builds
/// the row's path under it.
fn resolve_parent(
    row: &SourceRow,
    seen: &HashMap<String, Known>,
    existing: &HashMap<String, Known>,
) -> Result<(Option<String>, String), FieldError> {
    let Some(raw) = row.parent_raw.as_deref().filter(|p| !p.is_empty()) else {
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
    let code = RegionCode::parse("code", &row.code)?;
    for cand in RegionCode::candidates("parent_code", raw)? {
        let Some(p) = seen
            .get(cand.as_str())
            .or_else(|| existing.get(cand.as_str()))
        else {
            continue;
        };
        if p.level >= row.level.number() {
            continue;
        }
        if !code.is_under(&cand) {
            return Err(FieldError::new(
                "parent_code",
                "not_a_prefix",
                format!("上级代码 {cand} 不是代码 {code} 的前缀"),
                format!("the parent code {cand} does not lead the code {code}"),
            ));
        }
        return Ok((
            Some(cand.as_str().to_owned()),
            format!("{}{}/", p.path, row.code),
        ));
    }
    Err(FieldError::new(
        "parent_code",
        "unknown_parent",
        format!("上级代码 {raw} 不存在（文件和库中都没有）"),
        format!("the parent code {raw} is unknown (neither in the file nor stored)"),
    ))
}
