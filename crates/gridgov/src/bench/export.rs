//! `gridgov bench export`: a work list of up to a million incidents exported as CSV and as XLSX
//! (issue 11: CSV ≥ 200,000 rows/s, XLSX ≥ 50,000 rows/s, peak memory < 200 MiB), for the
//! county center and the city center of the demo city. Beside each figure: the floor (the same
//! rows read by one bare streamed SELECT and thrown away, no doors, no formatting) and the
//! growth of the process's peak resident memory during the export.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use futures_util::TryStreamExt;
use gridgov_core::auth::Actor;
use gridgov_store::Store;
use gridgov_store::incidents::{ExportFormat, IncidentFilter};
use sqlx::{AnyPool, Row};

use super::filled_city;
use crate::cli::BackendArgs;

const TARGET_CSV_ROWS_PER_S: f64 = 200_000.0;
const TARGET_XLSX_ROWS_PER_S: f64 = 50_000.0;
const TARGET_PEAK_MIB: f64 = 200.0;

pub async fn run(args: &BackendArgs, filled: Option<&str>, incidents: u64) -> Result<()> {
    println!("machine: {}", super::machine());
    for target in filled_city::targets(args, filled) {
        let city = filled_city::open(&target, "export", incidents).await?;
        let dir = super::temp_db::temp_dir("export-files")?;
        let r = measure(&city.store, &city.pool, &dir).await;
        // The files are large; they go whatever the outcome.
        let _ = std::fs::remove_dir_all(&dir);
        city.close().await;
        r?;
    }
    Ok(())
}

async fn actor(store: &Store, username: &str) -> Result<Actor> {
    Ok(store
        .user_by_username(&Actor::system(), username)
        .await
        .with_context(|| format!("demo user {username}"))?
        .actor())
}

/// One export's figures.
struct Outcome {
    rows: u64,
    secs: f64,
    bytes: u64,
    peak_mib: Option<f64>,
}

async fn measure(store: &Store, pool: &AnyPool, dir: &Path) -> Result<()> {
    let people = [
        ("county center", actor(store, "county-op").await?),
        ("city center", actor(store, "city-op").await?),
    ];
    println!(
        "  {:<14} {:<5} {:>8} {:>8} {:>10} {:>10} {:>12} {:>10} {:>12}",
        "who", "file", "rows", "s", "rows/s", "target", "floor rows/s", "MiB", "peak growth"
    );
    let mut missed = Vec::new();
    for (who, a) in &people {
        let (floor_rows, floor_secs) = floor(pool, a).await?;
        let floor_rate = floor_rows as f64 / floor_secs.max(1e-9);
        for (format, name, target) in [
            (ExportFormat::Csv, "csv", TARGET_CSV_ROWS_PER_S),
            (ExportFormat::Xlsx, "xlsx", TARGET_XLSX_ROWS_PER_S),
        ] {
            let o = export(
                store,
                a,
                format,
                &dir.join(format!("{who}.{name}")),
                floor_rows,
            )
            .await
            .with_context(|| format!("exporting {who}'s list as {name}"))?;
            let rate = o.rows as f64 / o.secs.max(1e-9);
            if o.rows != floor_rows {
                missed.push(format!(
                    "{who} {name}: {} rows exported, {floor_rows} in the list",
                    o.rows
                ));
            }
            if rate < target {
                missed.push(format!("{who} {name}: {rate:.0} rows/s < {target:.0}"));
            }
            let peak = match o.peak_mib {
                Some(m) => {
                    if m >= TARGET_PEAK_MIB {
                        missed.push(format!("{who} {name}: peak +{m:.0} MiB"));
                    }
                    format!("+{m:.1}")
                }
                None => "n/a".into(),
            };
            println!(
                "  {who:<14} {name:<5} {:>8} {:>8.2} {rate:>10.0} {:>10} {floor_rate:>12.0} {:>10.1} {:>12}",
                o.rows,
                o.secs,
                format!("≥ {}k", target / 1000.0),
                o.bytes as f64 / 1_048_576.0,
                format!("{peak} MiB"),
            );
        }
    }
    println!("  peak growth target < {TARGET_PEAK_MIB:.0} MiB");
    if missed.is_empty() {
        println!("  all targets met");
    } else {
        for m in missed {
            println!("  MISSED: {m}");
        }
    }
    Ok(())
}

/// One export of the actor's "all" list to `path`, with a progress bar, timed, its peak memory
/// growth measured.
async fn export(
    store: &Store,
    a: &Actor,
    format: ExportFormat,
    path: &Path,
    expected: u64,
) -> Result<Outcome> {
    let out =
        BufWriter::new(File::create(path).with_context(|| format!("creating {}", path.display()))?);
    let tempdir = path.with_extension("rows");
    std::fs::create_dir_all(&tempdir)?;
    let bar = crate::progress::counter(expected, "rows exported / 已导出");
    let before = reset_peak();
    let t = Instant::now();
    let rows = store
        .export_incidents(a, &IncidentFilter::default(), format, out, &tempdir, &|n| {
            bar.set_position(n)
        })
        .await?;
    let secs = t.elapsed().as_secs_f64();
    let peak_mib = before.and_then(|b| Some((peak_kib()?.saturating_sub(b)) as f64 / 1024.0));
    bar.finish_and_clear();
    let bytes = std::fs::metadata(path)?.len();
    let _ = std::fs::remove_dir_all(&tempdir);
    Ok(Outcome {
        rows,
        secs,
        bytes,
        peak_mib,
    })
}

/// Resets the kernel's peak resident memory of this process to its present one and returns
/// that (KiB), so the peak read after an export is its own. None where /proc does not allow it.
fn reset_peak() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    status_kib("VmRSS:")
}

/// The process's peak resident memory (KiB) since the last reset.
fn peak_kib() -> Option<u64> {
    status_kib("VmHWM:")
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The export's rows read by one bare SELECT on the caller's region range (the same columns and
/// grid join and order, no doors, no formatting), streamed and thrown away: what the database
/// needs at least to hand the rows over. Returns the rows and the seconds.
async fn floor(pool: &AnyPool, a: &Actor) -> Result<(u64, f64)> {
    let lo = a.scope.as_str().to_owned();
    let hi = format!("{lo}~");
    let select = "SELECT i.number, i.title, i.category_code, i.grade, i.source, i.state, \
         i.reporter_name, i.reported_at, i.occurred_at, i.address, g.name AS grid_name, \
         i.region_code, i.resolution_level, i.evaluation, i.closed_at, i.shirking, i.id \
         FROM incidents i LEFT JOIN grids g ON g.id = i.grid_id \
         WHERE i.path >= $1 AND i.path < $2 ORDER BY i.reported_at DESC, i.id DESC";
    let t = Instant::now();
    let mut rows = 0u64;
    let mut stream = sqlx::query(select).bind(&lo).bind(&hi).fetch(pool);
    while let Some(r) = stream.try_next().await? {
        // Touch a column, as a reader would.
        let _: i64 = r.try_get("reported_at")?;
        rows += 1;
    }
    Ok((rows, t.elapsed().as_secs_f64()))
}
