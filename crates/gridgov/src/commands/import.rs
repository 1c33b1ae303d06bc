//! `gridgov import regions`: load administrative divisions, all or nothing, with progress.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_core::base_data::RecordKind;
use gridgov_store::regions::{ImportProgress, ImportReport, RegionSource};
use gridgov_store::{Store, StoreResult};

use crate::cli::ImportCommand;
use crate::progress::ImportBar;

pub async fn run(file: Option<&Path>, what: ImportCommand) -> Result<()> {
    let (path, source, db) = match what {
        ImportCommand::Regions { path, source, db } => (path, source, db),
        ImportCommand::Grids {
            path,
            crs,
            allow_gaps,
            db,
        } => return super::grids::import(file, &db, &path, crs, allow_gaps, false).await,
        ImportCommand::RegionBoundaries { path, crs, db } => {
            return super::grids::import(file, &db, &path, crs, false, true).await;
        }
        ImportCommand::Persons(a) => {
            return super::import_base::run(file, RecordKind::Persons, a).await;
        }
        ImportCommand::Buildings(a) => {
            return super::import_base::run(file, RecordKind::Buildings, a).await;
        }
        ImportCommand::Houses(a) => {
            return super::import_base::run(file, RecordKind::Houses, a).await;
        }
        ImportCommand::Links(a) => {
            return super::import_base::run(file, RecordKind::Links, a).await;
        }
        ImportCommand::Organizations(a) => {
            return super::import_base::run(file, RecordKind::Organizations, a).await;
        }
        ImportCommand::Places(a) => {
            return super::import_base::run(file, RecordKind::Places, a).await;
        }
    };
    let label = source.unwrap_or_else(|| default_label(&path));
    let config = super::load_config(file, &db, None)?;
    let store = super::open_store(&config).await?;
    let started = Instant::now();
    let report = import_regions(&store, RegionSource::Path(path.clone()), &label)
        .await
        .with_context(|| format!("importing {}", path.display()))?;
    store.close().await;
    print_report(&report, started.elapsed().as_secs_f64());
    Ok(())
}

/// Imports as the system with a progress display on stderr.
pub async fn import_regions(
    store: &Store,
    source: RegionSource,
    label: &str,
) -> StoreResult<ImportReport> {
    import_regions_observed(store, source, label, &|_| {}).await
}

/// The same, also telling `observe` of every stage (the benchmarks time them).
pub async fn import_regions_observed(
    store: &Store,
    source: RegionSource,
    label: &str,
    observe: &(dyn Fn(ImportProgress) + Send + Sync),
) -> StoreResult<ImportReport> {
    let bar = ImportBar::new();
    let result = store
        .import_regions(&Actor::system(), source, label, &|p| {
            bar.update(p);
            observe(p);
        })
        .await;
    bar.finish();
    result
}

pub fn print_report(r: &ImportReport, secs: f64) {
    println!(
        "source {}: read {} rows, inserted {}, unchanged {}, repeated in source {} ({secs:.2} s)",
        r.source, r.rows_read, r.inserted, r.unchanged, r.repeated_in_source
    );
    println!(
        "来源 {}：读取 {} 行，新增 {}，未变 {}，源内重复 {}（{secs:.2} 秒）",
        r.source, r.rows_read, r.inserted, r.unchanged, r.repeated_in_source
    );
}

/// The directory name, or the file name without `.csv`/`.gz`.
fn default_label(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "regions".to_owned());
    if path.is_dir() {
        return name;
    }
    let mut stem = name.as_str();
    for ext in [".gz", ".csv"] {
        stem = stem.strip_suffix(ext).unwrap_or(stem);
    }
    stem.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_the_file_name_without_extensions() {
        assert_eq!(default_label(Path::new("x/mca2025.csv")), "mca2025");
        assert_eq!(default_label(Path::new("x/villages.csv.gz")), "villages");
        assert_eq!(default_label(Path::new("x/plain")), "plain");
    }
}
