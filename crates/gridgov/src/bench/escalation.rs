//! `gridgov bench escalation`: the escalation pass over a million open incidents of which 5 %
//! are overdue (issue 12: one full pass under 5 s on each database; a pass with nothing due
//! under 50 ms). The incidents are written straight into a fresh database by one SQL statement
//! per 100,000 rows (the loop's filler would take an hour on SQLite), with running clocks: the
//! overdue ones past their due time, the others due in three days. Beside each figure its
//! floor: the bare UPDATE of the same rows in one statement (rolled back), and the bare probe
//! of the partial index.

use std::time::Instant;

use anyhow::{Result, bail};
use gridgov_core::escalation::Mark;
use gridgov_store::Store;
use gridgov_store::escalation::PassReport;
use sqlx::AnyPool;

use crate::cli::BackendArgs;

const TARGET_FULL_S: f64 = 5.0;
const TARGET_EMPTY_MS: f64 = 50.0;
const CHUNK: i64 = 100_000;
const HOUR_MS: i64 = 3_600_000;

/// One chunk of incidents `$1..=$2`: every twentieth overdue by an hour (marked due soon
/// already), the rest due in three days and yellow in two. States, grades and categories
/// vary as in a county's work; 200 grids of one district.
const FILL: &str = "INSERT INTO incidents (county_code, id, number, title, description, \
     category_code, grade, source, state, reporter_name, reported_at, address, region_code, \
     path, center_path, version, created_at, updated_at, clock_started_at, due_at, warn_at, \
     warned_at, escalate_at) \
     WITH RECURSIVE n(i) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < $2) \
     SELECT '420202', 'bench-' || CAST(i AS TEXT), 'SJ-420202-20261201-' || CAST(i AS TEXT), \
     '占道经营', '早市摊贩占用人行道。', \
     CASE WHEN i % 3 = 0 THEN '01' ELSE '06' END, \
     CASE WHEN i % 7 = 0 THEN 'serious' ELSE 'general' END, 'grid_worker', \
     CASE i % 4 WHEN 0 THEN 'reported' WHEN 1 THEN 'accepted' WHEN 2 THEN 'dispatched' \
       ELSE 'in_progress' END, \
     '网格员', $3, '桂花路', '420202001001', \
     '42/4202/420202/420202001/420202001001/G' || CAST(i % 200 AS TEXT) || '/', \
     '42/4202/420202/', 1, $3, $3, $3, \
     CASE WHEN i % 20 = 0 THEN $4 ELSE $5 END, \
     CASE WHEN i % 20 = 0 THEN $3 ELSE $6 END, \
     CASE WHEN i % 20 = 0 THEN $3 ELSE NULL END, \
     CASE WHEN i % 20 = 0 THEN $4 ELSE $6 END \
     FROM n";

/// The floor of a full pass: what the pass writes to the incidents, as one bare statement.
const BARE_UPDATE: &str = "UPDATE incidents SET clock_started_at = $1, due_at = $2, \
     warn_at = $3, warned_at = NULL, overdue_at = NULL, ladder_level = 0, ladder_attempt = 1, \
     escalate_at = $3, version = version + 1, updated_at = $1 \
     WHERE escalate_at IS NOT NULL AND escalate_at <= $1";

/// The floor of an empty pass: the probe that finds nothing.
const BARE_PROBE: &str = "SELECT county_code, id FROM incidents \
     WHERE escalate_at IS NOT NULL AND escalate_at <= $1 ORDER BY escalate_at LIMIT 1000";

pub async fn run(args: &BackendArgs, incidents: i64) -> Result<()> {
    println!("machine: {}", super::machine());
    for pg in super::backends(args) {
        let db = super::temp_db(pg, "escalation")?;
        let store = Store::connect(&db.url()?).await?;
        store.migrate().await?;
        let pool = AnyPool::connect(db.url()?.as_str()).await?;
        println!("\n{}: {incidents} open incidents, 5 % overdue", db.label());
        let r = measure(&store, &pool, incidents, pg.is_some()).await;
        pool.close().await;
        store.close().await;
        r?;
    }
    Ok(())
}

async fn measure(store: &Store, pool: &AnyPool, incidents: i64, postgres: bool) -> Result<()> {
    let now = store.now_ms();
    let t = Instant::now();
    let mut from = 1;
    while from <= incidents {
        let to = (from + CHUNK - 1).min(incidents);
        sqlx::query(FILL)
            .bind(from)
            .bind(to)
            .bind(now - 48 * HOUR_MS)
            .bind(now - HOUR_MS)
            .bind(now + 72 * HOUR_MS)
            .bind(now + 48 * HOUR_MS)
            .execute(pool)
            .await?;
        from = to + 1;
    }
    // Statistics as autovacuum (PostgreSQL) or a kept database (SQLite) would have them.
    sqlx::query("ANALYZE").execute(pool).await?;
    let setup = t.elapsed().as_secs_f64();
    let (due,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM incidents WHERE escalate_at <= $1")
        .bind(now)
        .fetch_one(pool)
        .await?;
    println!("  setup: {incidents} rows ({due} due) in {setup:.1} s");

    let floor_full = bare_update(pool, now, postgres).await?;
    let t = Instant::now();
    let report = store.escalation_pass().await?;
    let full = t.elapsed().as_secs_f64();
    check(&report, due)?;

    let mut floor_empty = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        sqlx::query(BARE_PROBE).bind(now).fetch_all(pool).await?;
        floor_empty = floor_empty.min(t.elapsed().as_secs_f64() * 1e3);
    }
    let mut empty = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let r = store.escalation_pass().await?;
        empty.push(t.elapsed().as_secs_f64() * 1e3);
        if !r.incidents.is_empty() {
            bail!("a second pass changed {} incidents", r.incidents.len());
        }
    }
    empty.sort_by(f64::total_cmp);
    let empty_median = empty[empty.len() / 2];

    println!(
        "  {:<22} {:>10} {:>10} {:>10}",
        "pass", "measured", "target", "floor"
    );
    println!(
        "  {:<22} {:>8.2} s {:>8} s {:>8.2} s   ({} batches; floor: the bare UPDATE of the same rows)",
        format!("full ({due} due)"),
        full,
        format!("< {TARGET_FULL_S}"),
        floor_full,
        report.batches,
    );
    println!(
        "  {:<22} {:>7.2} ms {:>7} ms {:>7.2} ms   (median of 5; floor: the bare index probe)",
        "nothing due",
        empty_median,
        format!("< {TARGET_EMPTY_MS}"),
        floor_empty,
    );
    let mut missed = Vec::new();
    if full >= TARGET_FULL_S {
        missed.push(format!("full pass {full:.2} s"));
    }
    if empty_median >= TARGET_EMPTY_MS {
        missed.push(format!("empty pass {empty_median:.2} ms"));
    }
    if missed.is_empty() {
        println!("  all targets met");
    } else {
        for m in missed {
            println!("  MISSED: {m}");
        }
    }
    Ok(())
}

/// The bare UPDATE of the due rows, timed and rolled back so the pass finds them still due.
async fn bare_update(pool: &AnyPool, now: i64, postgres: bool) -> Result<f64> {
    let mut tx = if postgres {
        pool.begin().await?
    } else {
        pool.begin_with("BEGIN IMMEDIATE").await?
    };
    let t = Instant::now();
    sqlx::query(BARE_UPDATE)
        .bind(now)
        .bind(now + 4 * HOUR_MS)
        .bind(now + 3 * HOUR_MS)
        .execute(&mut *tx)
        .await?;
    let secs = t.elapsed().as_secs_f64();
    tx.rollback().await?;
    Ok(secs)
}

/// Every due incident was marked overdue and climbed once.
fn check(report: &PassReport, due: i64) -> Result<()> {
    let (overdue, climbed) = (
        report.count(Mark::Overdue) as i64,
        report.count(Mark::Escalated) as i64,
    );
    if overdue != due || climbed != due {
        bail!("{due} due, but {overdue} marked overdue and {climbed} climbed");
    }
    Ok(())
}
