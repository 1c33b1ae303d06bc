//! `gridgov bench import-base`: a synthetic city's base data (2.5 million persons and 1.5
//! million houses by default, from `bench gen`) imported with full checks, sealing, blind
//! indexes and dedupe into a fresh database with the demo's grids; then the very same final
//! rows, exported from gridgov's tables, loaded by the database's own bulk tool into another
//! fresh database with the same tables, keys and indexes; and once more with the tool
//! given gridgov's first-load order (secondary indexes dropped, rows loaded, indexes built, one
//! transaction), the floor of what the database itself needs for those rows. Prints all three
//! and gridgov's peak memory.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use gridgov_core::auth::Actor;
use gridgov_core::base_data::RecordKind;
use gridgov_store::Store;
use gridgov_store::protect::{DataKey, Protector};

use super::temp_db::{TempDb, psql, sqlite3, temp_dir};
use crate::cli::BackendArgs;
use crate::commands::import_base::import_file;

pub struct ImportBaseArgs<'a> {
    pub persons: usize,
    pub houses: usize,
    pub backend: &'a BackendArgs,
}

struct Row {
    kind: RecordKind,
    rows: u64,
    secs: f64,
    /// Peak resident memory during this import alone, KiB.
    peak_kib: u64,
}

pub async fn run(args: &ImportBaseArgs<'_>) -> Result<()> {
    println!("machine: {}", super::machine());
    let work = temp_dir("import-base")?;
    let result = run_in(args, &work).await;
    // GRIDGOV_BENCH_KEEP=1 keeps the generated and exported files, to try loaders by hand.
    if std::env::var_os("GRIDGOV_BENCH_KEEP").is_some() {
        eprintln!("kept {}", work.display());
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
    result
}

async fn run_in(args: &ImportBaseArgs<'_>, work: &Path) -> Result<()> {
    let data = work.join("gen");
    {
        let db = TempDb::sqlite("import-base-gen")?;
        city(&db).await?.close().await;
        // In a child process: the generator's memory, freed but kept by the allocator, would
        // otherwise count in this process's peak.
        let status = Command::new(std::env::current_exe()?)
            .args(["bench", "gen", "--seed", "2026", "--persons"])
            .arg(args.persons.to_string())
            .arg("--houses")
            .arg(args.houses.to_string())
            .arg("--out")
            .arg(&data)
            .arg("--database-url")
            .arg(db.url()?.as_str())
            .status()
            .context("running bench gen")?;
        if !status.success() {
            bail!("bench gen failed");
        }
    }
    for pg in super::backends(args.backend) {
        let backend = if pg.is_some() { "PostgreSQL" } else { "SQLite" };
        let (ours, (peak, baseline), exported) = ours(pg, &data, work).await?;
        let theirs = tool(pg, &exported, ToolOrder::IndexesBefore).await?;
        let floor = tool(pg, &exported, ToolOrder::IndexesAfter).await?;
        println!();
        println!(
            "{backend}: synthetic city on the demo's 1,565 grids; fresh database, same tables, keys and indexes"
        );
        println!(
            "{:<12} {:>9} {:>9} {:>10} {:>9} {:>12} {:>10} {:>7} {:>9} {:>7}",
            "kind",
            "rows",
            "gridgov s",
            "rows/s",
            "peak MiB",
            "tool s",
            "rows/s",
            "speed",
            "floor s",
            "speed"
        );
        let ratio = |t: &Option<Row>, o: &Row| match t {
            Some(t) => format!("{:.2}×", t.secs / o.secs),
            None => "—".into(),
        };
        for ((o, t), f) in ours.iter().zip(&theirs).zip(&floor) {
            println!(
                "{:<12} {:>9} {:>9.2} {:>10.0} {:>9} {:>12} {:>10} {:>7} {:>9} {:>7}",
                o.kind.as_str(),
                o.rows,
                o.secs,
                o.rows as f64 / o.secs,
                o.peak_kib / 1024,
                t.as_ref().map_or("—".into(), |t| format!("{:.2}", t.secs)),
                t.as_ref()
                    .map_or("—".into(), |t| format!("{:.0}", t.rows as f64 / t.secs)),
                ratio(t, o),
                f.as_ref().map_or("—".into(), |f| format!("{:.2}", f.secs)),
                ratio(f, o),
            );
        }
        let pick = |k: RecordKind| ours.iter().find(|r| r.kind == k);
        if let (Some(p), Some(h)) = (pick(RecordKind::Persons), pick(RecordKind::Houses)) {
            println!(
                "persons + houses: {} rows in {:.2} s = {:.0} rows/s end to end (target ≥ 250,000)",
                p.rows + h.rows,
                p.secs + h.secs,
                (p.rows + h.rows) as f64 / (p.secs + h.secs)
            );
        }
        // The floor against the targets: what any loader of these rows could reach at best.
        for k in [RecordKind::Houses, RecordKind::Persons] {
            if let (Some(t), Some(f)) = (row_of(&theirs, k), row_of(&floor, k)) {
                println!(
                    "{}: the floor is {:.2}× faster than the tool (target for gridgov ≥ 2×)",
                    k.as_str(),
                    t.secs / f.secs
                );
            }
        }
        if let (Some(p), Some(h)) = (
            row_of(&floor, RecordKind::Persons),
            row_of(&floor, RecordKind::Houses),
        ) {
            println!(
                "floor, persons + houses: {} rows in {:.2} s = {:.0} rows/s (target for gridgov ≥ 250,000)",
                p.rows + h.rows,
                p.secs + h.secs,
                (p.rows + h.rows) as f64 / (p.secs + h.secs)
            );
        }
        let tool_name = if pg.is_some() {
            "psql \\copy"
        } else {
            "sqlite3 .import"
        };
        println!(
            "speed = the tool's time ÷ gridgov's ({tool_name}; target ≥ 2×); floor = the same tool \
             on the same rows with the secondary indexes dropped first and built after, in one \
             transaction (the least this database needs for these rows, ready-made); gridgov peak memory \
             (VmHWM) during the imports: {} MiB (target < 1024), of which {} MiB were held before \
             the first import",
            peak / 1024,
            baseline / 1024
        );
    }
    Ok(())
}

/// A fresh migrated database with a data key and the demo city.
pub(crate) async fn city(db: &TempDb) -> Result<Store> {
    let mut store = Store::connect(&db.url()?).await?;
    store.migrate().await?;
    let key = DataKey::from_hex(&DataKey::generate_hex())?;
    store.confirm_data_key(&Protector::new(&key)).await?;
    crate::demo::prepare_city(&store).await?;
    Ok(store)
}

/// The peak resident set of this process since the last reset, in KiB.
fn peak_kib() -> u64 {
    status_kib("VmHWM:")
}

/// A memory figure of this process from /proc, in KiB (0 where there is no /proc).
fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Timings, (peak, baseline) memory in KiB, and the exported tables.
type Ours = (
    Vec<Row>,
    (u64, u64),
    Vec<(RecordKind, std::path::PathBuf, u64)>,
);

/// Imports the four files; returns their timings, the memory figures and the exported tables.
async fn ours(pg: Option<&str>, data: &Path, work: &Path) -> Result<Ours> {
    let db = super::temp_db(pg, "import-base-ours")?;
    let store = city(&db).await?;
    let mut rows = Vec::new();
    let mut peak = 0;
    // What the process holds before importing (runtime, pools, the demo city's setup), part of
    // every peak below.
    let baseline = status_kib("VmRSS:");
    for kind in [
        RecordKind::Buildings,
        RecordKind::Houses,
        RecordKind::Persons,
        RecordKind::Links,
    ] {
        eprintln!("{}: gridgov import {} …", db.label(), kind.as_str());
        let path = data.join(format!("{}.csv", kind.as_str()));
        // Linux: writing 5 to clear_refs resets the peak, so setting up (and generating) does
        // not count, and each import's own peak is seen.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let started = Instant::now();
        let r = import_file(&store, &Actor::system(), kind, &path, "bench", true).await?;
        let secs = started.elapsed().as_secs_f64();
        if !r.committed {
            bail!("the {} import was rejected", kind.as_str());
        }
        crate::commands::import_base::print_report(&r);
        let peak_kib = peak_kib();
        peak = peak.max(peak_kib);
        rows.push(Row {
            kind,
            rows: r.rows_read,
            secs,
            peak_kib,
        });
    }
    lookups(&store, data).await?;
    store.close().await;
    let mut exported = Vec::new();
    for kind in [RecordKind::Houses, RecordKind::Persons] {
        let table = kind.as_str();
        let csv = work.join(format!("{table}-{}.csv", db.label()));
        match &db {
            TempDb::Sqlite { file, .. } => {
                let out = std::fs::File::create(&csv)?;
                let status = Command::new("sqlite3")
                    .args(["-bail", "-csv", "-header"])
                    .arg(file)
                    .arg(format!("SELECT * FROM {table}"))
                    .stdout(out)
                    .status()
                    .context("running sqlite3")?;
                if !status.success() {
                    bail!("sqlite3 could not export {table}");
                }
            }
            TempDb::Postgres { url, .. } => {
                psql(
                    url,
                    &format!(
                        "\\copy {table} TO '{}' WITH (FORMAT csv, HEADER true)",
                        csv.display()
                    ),
                )?;
            }
        }
        let n = count(&db, table)?;
        exported.push((kind, csv, n));
    }
    Ok((rows, (peak, baseline), exported))
}

fn count(db: &TempDb, table: &str) -> Result<u64> {
    let sql = format!("SELECT count(*) FROM {table}");
    Ok(match db {
        TempDb::Sqlite { file, .. } => sqlite3(file, &[&format!("{sql};")])?.parse()?,
        TempDb::Postgres { url, .. } => psql(url, &sql)?.parse()?,
    })
}

/// The tool's load of the exported rows into a fresh migrated database (with the demo city, so
/// the tables are exactly gridgov's), timed per table; `None` for kinds the tool did not load.
async fn tool(
    pg: Option<&str>,
    exported: &[(RecordKind, std::path::PathBuf, u64)],
    order: ToolOrder,
) -> Result<Vec<Option<Row>>> {
    let db = super::temp_db(pg, "import-base-tool")?;
    city(&db).await?.close().await;
    let mut out = Vec::new();
    for kind in [
        RecordKind::Buildings,
        RecordKind::Houses,
        RecordKind::Persons,
        RecordKind::Links,
    ] {
        let Some((_, csv, n)) = exported.iter().find(|e| e.0 == kind) else {
            out.push(None);
            continue;
        };
        let table = kind.as_str();
        eprintln!(
            "{}: the database's own loader, {table}{} …",
            db.label(),
            if order == ToolOrder::IndexesAfter {
                ", indexes built after"
            } else {
                ""
            }
        );
        // (drop, create) of the secondary indexes, read back from the catalogue.
        let (drops, creates) = match order {
            ToolOrder::IndexesBefore => (Vec::new(), Vec::new()),
            ToolOrder::IndexesAfter => secondary_indexes(&db, table)?,
        };
        let started = Instant::now();
        match &db {
            TempDb::Sqlite { file, .. } => {
                // Same durability as gridgov's connections; the CSV writes NULL as an empty
                // field, made NULL again inside the timing.
                let nulls = if kind == RecordKind::Persons {
                    "UPDATE persons SET phone_sealed = NULL, phone_bidx = NULL WHERE phone_bidx = '';"
                } else {
                    "UPDATE houses SET area_m2 = NULL WHERE area_m2 = '';"
                };
                let import = format!(".import --skip 1 {} {table}", csv.display());
                let mut script = vec![
                    "PRAGMA journal_mode = WAL;",
                    "PRAGMA synchronous = NORMAL;",
                    "PRAGMA cache_size = -262144;",
                    // gridgov's import connection sorts with two threads too.
                    "PRAGMA threads = 2;",
                    "BEGIN;",
                ];
                script.extend(drops.iter().map(String::as_str));
                script.extend([".mode csv", import.as_str(), nulls]);
                script.extend(creates.iter().map(String::as_str));
                script.push("COMMIT;");
                sqlite3(file, &script)?;
            }
            TempDb::Postgres { url, .. } => {
                let copy = format!(
                    "\\copy {table} FROM '{}' WITH (FORMAT csv, HEADER true)",
                    csv.display()
                );
                let mut script = vec!["SET maintenance_work_mem = '256MB'"];
                script.extend(drops.iter().map(String::as_str));
                script.push(copy.as_str());
                script.extend(creates.iter().map(String::as_str));
                psql_transaction(url, &script)?;
            }
        }
        let secs = started.elapsed().as_secs_f64();
        let rows = count(&db, table)?;
        if rows != *n {
            bail!("the tool loaded {rows} {table}, gridgov wrote {n}: not the same work");
        }
        out.push(Some(Row {
            kind,
            rows,
            secs,
            peak_kib: 0,
        }));
    }
    Ok(out)
}

/// The tool's row of a kind, when it loaded that kind.
fn row_of(rows: &[Option<Row>], kind: RecordKind) -> Option<&Row> {
    rows.iter().flatten().find(|r| r.kind == kind)
}

/// How the tool meets the table's secondary indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ToolOrder {
    /// As a user would run it: into the migrated table, indexes in place.
    IndexesBefore,
    /// Dropped first and built after the load, in the same transaction: what gridgov's first
    /// load does, with ready rows, so the least the database itself needs for these rows.
    IndexesAfter,
}

/// The statements that drop a table's secondary indexes and create them again.
fn secondary_indexes(db: &TempDb, table: &str) -> Result<(Vec<String>, Vec<String>)> {
    let listed = match db {
        TempDb::Sqlite { file, .. } => sqlite3(
            file,
            &[&format!(
                "SELECT name || char(9) || replace(sql, char(10), ' ') FROM sqlite_master \
                 WHERE type = 'index' AND tbl_name = '{table}' AND sql IS NOT NULL;"
            )],
        )?,
        TempDb::Postgres { url, .. } => psql(
            url,
            &format!(
                "SELECT indexname || chr(9) || indexdef FROM pg_indexes \
                 WHERE schemaname = current_schema() AND tablename = '{table}' \
                 AND indexname NOT IN \
                 (SELECT conname FROM pg_constraint WHERE conrelid = '{table}'::regclass)"
            ),
        )?,
    };
    let (mut drops, mut creates) = (Vec::new(), Vec::new());
    for line in listed.lines().filter(|l| !l.trim().is_empty()) {
        let (name, sql) = line
            .split_once('\t')
            .with_context(|| format!("an index line without a tab: {line}"))?;
        drops.push(format!("DROP INDEX \"{name}\";"));
        creates.push(format!("{sql};"));
    }
    Ok((drops, creates))
}

/// Runs psql commands (a `\copy` among them) in one transaction.
fn psql_transaction(url: &str, commands: &[&str]) -> Result<()> {
    let mut cmd = Command::new("psql");
    cmd.args([
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        url,
    ]);
    for c in commands {
        cmd.args(["-c", c]);
    }
    let out = cmd
        .output()
        .context("running psql (is the PostgreSQL client installed?)")?;
    if !out.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// Exact search by ID number and by phone, and a grid's first page of residents, on the freshly
/// imported tables: the figures behind "p99 under 1 ms" and "under 20 ms".
async fn lookups(store: &Store, data: &Path) -> Result<()> {
    let actor = Actor::system();
    // Every 500th person of the file (some are the generator's faulty rows: they find nobody,
    // which costs the same index probe).
    let mut ids = Vec::new();
    let mut phones = Vec::new();
    // The generator's file quotes nothing, so a split on commas reads it.
    let text = std::fs::read_to_string(data.join("persons.csv"))?;
    for line in text.lines().skip(1).step_by(500) {
        let cells: Vec<&str> = line.split(',').collect();
        ids.push(cells.get(2).unwrap_or(&"").to_string());
        phones.push(cells.get(6).unwrap_or(&"").to_string());
    }
    drop(text);
    let grids: Vec<String> = store
        .grids(
            &actor,
            &gridgov_store::grids::GridFilter {
                limit: 2_000,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|g| g.grid.id)
        .collect();
    let mut found = 0usize;
    let time = |samples: &mut Vec<f64>, started: Instant| {
        samples.push(started.elapsed().as_secs_f64() * 1e3);
    };
    let mut by_id = Vec::new();
    for q in &ids {
        let started = Instant::now();
        if let Ok(r) = store.search_persons(&actor, q, 20, 0).await {
            found += r.persons.len();
        }
        time(&mut by_id, started);
    }
    let mut by_phone = Vec::new();
    for q in phones.iter().filter(|p| p.len() == 11) {
        let started = Instant::now();
        let _ = store.search_persons(&actor, q, 20, 0).await;
        time(&mut by_phone, started);
    }
    let mut residents = Vec::new();
    for g in grids.iter().cycle().take(1_000) {
        let started = Instant::now();
        store.grid_residents(&actor, g, 50, 0).await?;
        time(&mut residents, started);
    }
    println!(
        "lookups on the imported tables (ms, one request at a time, decrypting and masking included):"
    );
    println!(
        "{:<34} {:>6} {:>8} {:>8} {:>8} {:>8}",
        "query", "n", "p50", "p90", "p99", "max"
    );
    for (name, samples, target) in [
        ("exact by ID number (blind index)", &by_id, "p99 < 1 ms"),
        ("exact by phone (blind index)", &by_phone, "p99 < 1 ms"),
        ("grid resident list, first 50", &residents, "< 20 ms"),
    ] {
        if let Some(s) = super::stats::Summary::of(samples) {
            println!(
                "{name:<34} {:>6} {:>8.3} {:>8.3} {:>8.3} {:>8.3}  (target {target})",
                s.n, s.p50, s.p90, s.p99, s.max
            );
        }
    }
    println!("({found} persons found by {} ID numbers)", ids.len());
    Ok(())
}
