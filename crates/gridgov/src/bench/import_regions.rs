//! `gridgov bench import-regions`: the whole country into a fresh database with gridgov's
//! checked import, beside the database's own bulk loader (`sqlite3 .import`, `psql \copy`)
//! loading the very same final rows into the same table, under the same constraints (keys,
//! indexes, the parent foreign key) and no other checks.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use gridgov_store::Store;
use gridgov_store::regions::{ImportProgress, RegionSource};

use super::temp_db::{TempDb, psql, sqlite3, temp_dir};
use crate::cli::BackendArgs;
use crate::commands::import::import_regions_observed;

const COLUMNS: &str = "code,name,level,parent_code,path,source,created_at";

struct Timing {
    rows: u64,
    secs: f64,
}

impl Timing {
    fn rate(&self) -> f64 {
        self.rows as f64 / self.secs
    }
}

pub async fn run(data: &Path, args: &BackendArgs) -> Result<()> {
    println!("machine: {}", super::machine());
    for pg in super::backends(args) {
        let (ours, tool_name, theirs, stages) = one_backend(data, pg).await?;
        let backend = if pg.is_some() { "PostgreSQL" } else { "SQLite" };
        println!();
        println!("{backend}: whole country, fresh migrated database, same table and indexes");
        println!(
            "{:<40} {:>9} {:>8} {:>10}",
            "loader", "rows", "seconds", "rows/s"
        );
        for (name, t) in [
            ("gridgov import regions (checked)", &ours),
            (tool_name, &theirs),
        ] {
            println!(
                "{:<40} {:>9} {:>8.2} {:>10.0}",
                name,
                t.rows,
                t.secs,
                t.rate()
            );
        }
        println!(
            "ratio: gridgov takes {:.2}× the time of {tool_name}",
            ours.secs / theirs.secs
        );
        println!("{stages}");
    }
    Ok(())
}

async fn one_backend(
    data: &Path,
    pg: Option<&str>,
) -> Result<(Timing, &'static str, Timing, String)> {
    let work = temp_dir("import-csv")?;
    let result = measure(data, pg, &work).await;
    let _ = std::fs::remove_dir_all(&work);
    result
}

async fn measure(
    data: &Path,
    pg: Option<&str>,
    work: &Path,
) -> Result<(Timing, &'static str, Timing, String)> {
    let csv = work.join("regions.csv");

    // gridgov, then the rows it wrote exported as the comparison's input.
    let db = super::temp_db(pg, "import-ours")?;
    let store = migrated(&db).await?;
    eprintln!(
        "{}: gridgov import regions {} …",
        db.label(),
        data.display()
    );
    let started = Instant::now();
    let stages = StageTimes::new(started);
    let report = import_regions_observed(
        &store,
        RegionSource::Path(data.to_path_buf()),
        "nbs2023",
        &|p| stages.record(p),
    )
    .await?;
    let ours = Timing {
        rows: report.inserted,
        secs: started.elapsed().as_secs_f64(),
    };
    let stages = stages.summary(ours.secs);
    store.close().await;
    let select = format!("SELECT {COLUMNS} FROM regions ORDER BY code");
    match &db {
        TempDb::Sqlite { file, .. } => {
            let out = std::fs::File::create(&csv)?;
            let status = Command::new("sqlite3")
                .args(["-bail", "-csv", "-header"])
                .arg(file)
                .arg(&select)
                .stdout(out)
                .status()
                .context("running sqlite3")?;
            if !status.success() {
                bail!("sqlite3 could not export the regions");
            }
        }
        TempDb::Postgres { url, .. } => {
            psql(
                url,
                &format!(
                    "\\copy ({select}) TO '{}' WITH (FORMAT csv, HEADER true)",
                    csv.display()
                ),
            )?;
        }
    }
    drop(db);

    // The tool, into another fresh database migrated by gridgov.
    let db = super::temp_db(pg, "import-tool")?;
    migrated(&db).await?.close().await;
    eprintln!("{}: the database's own loader …", db.label());
    let (tool, theirs) = match &db {
        TempDb::Sqlite { file, .. } => {
            let import = format!(".import --skip 1 {} regions", csv.display());
            let started = Instant::now();
            // Same durability as gridgov's connections (WAL + synchronous=NORMAL); the CSV has
            // no NULL, so the provinces' empty parent is made NULL again, inside the timing.
            sqlite3(
                file,
                // The shell leaves foreign keys off unless told; gridgov's table enforces its
                // parent key, so the tool's load does too. Deferred to the commit, so the
                // provinces' empty parents can be made NULL first.
                &[
                    "PRAGMA synchronous = NORMAL;",
                    "PRAGMA foreign_keys = ON;",
                    "BEGIN;",
                    "PRAGMA defer_foreign_keys = ON;",
                    ".mode csv",
                    &import,
                    "UPDATE regions SET parent_code = NULL WHERE parent_code = '';",
                    "COMMIT;",
                ],
            )?;
            let secs = started.elapsed().as_secs_f64();
            let rows: u64 = sqlite3(file, &["SELECT count(*) FROM regions;"])?.parse()?;
            ("sqlite3 .import (FK enforced)", Timing { rows, secs })
        }
        TempDb::Postgres { url, .. } => {
            let started = Instant::now();
            psql(
                url,
                &format!(
                    "\\copy regions ({COLUMNS}) FROM '{}' WITH (FORMAT csv, HEADER true)",
                    csv.display()
                ),
            )?;
            let secs = started.elapsed().as_secs_f64();
            let rows: u64 = psql(url, "SELECT count(*) FROM regions")?.parse()?;
            ("psql \\copy (FK enforced)", Timing { rows, secs })
        }
    };
    if theirs.rows != ours.rows {
        bail!(
            "the comparison loaded {} rows, gridgov {}: not the same work",
            theirs.rows,
            ours.rows
        );
    }
    Ok((ours, tool, theirs, stages))
}

async fn migrated(db: &TempDb) -> Result<Store> {
    let store = Store::connect(&db.url()?).await?;
    store.migrate().await?;
    Ok(store)
}

/// When each stage of gridgov's import ended, to show where the time goes.
struct StageTimes {
    started: Instant,
    /// Seconds at the end of reading, at the end, and at the first batch written.
    marks: std::sync::Mutex<[Option<f64>; 3]>,
}

impl StageTimes {
    fn new(started: Instant) -> Self {
        StageTimes {
            started,
            marks: std::sync::Mutex::new([None; 3]),
        }
    }

    fn record(&self, p: ImportProgress) {
        let i = match p {
            ImportProgress::Read { .. } => 0,
            ImportProgress::Finished { .. } => 1,
            ImportProgress::Written { .. } => 2,
        };
        if let Ok(mut m) = self.marks.lock() {
            m[i].get_or_insert(self.started.elapsed().as_secs_f64());
        }
    }

    fn summary(&self, total: f64) -> String {
        match self.marks.lock().map(|m| *m) {
            Ok([Some(read), Some(_), first]) => format!(
                "gridgov stages: read + parse {read:.2} s, then checking and writing side by side \
                 {:.2} s (first batch written at {:.2} s)",
                total - read,
                first.unwrap_or(total)
            ),
            _ => "gridgov stages: not reported".to_owned(),
        }
    }
}
