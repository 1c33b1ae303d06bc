//! `gridgov bench recompute`: due times recomputed after the city's calendar changes, over
//! open work of the demo city: by default 500,000 open incidents in progress with two live
//! tasks each (territorial and lead department), so 1,000,000 open tasks and 1,500,000 clocks
//! in all. The target: 1,000,000 open tasks in under 10 s.
//!
//! The open work is inserted by SQL in bulk (a fill through the store's report and actions
//! would take hours and is not what is timed), with rough due times, so the pass finds every
//! clock to move: the worst case. The change is a local holiday set on the city through the
//! store, as the desk sets it. Printed beside it: the floor, what the database needs to rewrite
//! the same due times with bare UPDATEs and nothing computed; and a second pass, which finds
//! every clock right and writes nothing.

use std::time::Instant;

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_core::settings::{PhoneShown, SettingKind, parse_text};
use gridgov_core::workdays::{DAY_MS, HOUR_MS};
use gridgov_store::protect::{DataKey, Protector};
use gridgov_store::settings::SettingChange;
use gridgov_store::{Backend, Store};
use sqlx::AnyPool;

/// The target for a million open tasks.
const TARGET_S: f64 = 10.0;

/// When the open work was dispatched: from Monday 2026-10-12 09:00 in Asia/Shanghai, a minute
/// apart over forty days, so the due times fall on many days before and after the holiday and
/// inside the published calendar.
const START_MS: i64 = 1_791_766_800_000;
const SPREAD_MINUTES: u64 = 40 * 24 * 60;

pub async fn run(args: &crate::cli::BackendArgs, incidents: u64) -> Result<()> {
    println!("machine: {}", super::machine());
    for pg in super::backends(args) {
        let db = super::temp_db(pg, "recompute")?;
        let mut store = Store::connect(&db.url()?).await?;
        store.migrate().await?;
        store
            .confirm_data_key(&Protector::new(
                &DataKey::from_hex(&DataKey::generate_hex()).map_err(anyhow::Error::msg)?,
            ))
            .await?;
        println!(
            "\n{}: the demo city, then {incidents} open incidents",
            db.label()
        );
        crate::demo::prepare_city(&store).await?;
        let pool = AnyPool::connect(db.url()?.as_str()).await?;
        let t = Instant::now();
        fill(&pool, store.backend(), incidents).await?;
        let (tasks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM incident_tasks")
            .fetch_one(&pool)
            .await?;
        println!(
            "  open work inserted in {:.1} s: {incidents} incidents, {tasks} live tasks",
            t.elapsed().as_secs_f64()
        );
        let city: (String,) = sqlx::query_as("SELECT path FROM regions WHERE code = '4202'")
            .fetch_one(&pool)
            .await
            .context("the demo city")?;
        let r = measure(&store, &pool, &city.0, tasks).await;
        pool.close().await;
        store.close().await;
        r?;
    }
    Ok(())
}

async fn measure(store: &Store, pool: &AnyPool, city: &str, tasks: i64) -> Result<()> {
    // The floor: rewrite every due time below the city with bare UPDATEs, nothing computed.
    let t = Instant::now();
    sqlx::query(
        "UPDATE incidents SET due_at = due_at + 1 WHERE path >= $1 AND path < $2 \
         AND state = 'in_progress'",
    )
    .bind(city)
    .bind(format!("{city}~"))
    .execute(pool)
    .await?;
    sqlx::query(
        "UPDATE incident_tasks SET due_at = due_at + 1 \
         WHERE state IN ('assigned', 'accepted', 'in_progress')",
    )
    .execute(pool)
    .await?;
    let floor = t.elapsed().as_secs_f64();

    // The change, through the store as the desk makes it: a local holiday on the city.
    store
        .change_region_setting(
            &Actor::system(),
            "4202",
            &SettingChange {
                kind: SettingKind::LocalDays,
                value: Some(parse_text(SettingKind::LocalDays, "2026-11-20 放假 市庆")?),
                version: 0,
            },
            PhoneShown::Masked,
        )
        .await?;
    let t = Instant::now();
    let r = store.recompute_due_times(city, |_| {}).await?;
    let pass = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let again = store.recompute_due_times(city, |_| {}).await?;
    let second = t.elapsed().as_secs_f64();

    println!(
        "  recompute: {} incidents, {} clocks ({tasks} tasks), {} moved, {} beyond the calendar",
        r.incidents, r.clocks, r.changed, r.beyond_calendar
    );
    println!(
        "  gridgov:  {pass:>6.2} s   ({:.0} clocks/s)   target < {TARGET_S} s for 1,000,000 tasks",
        r.clocks as f64 / pass
    );
    println!("  floor:    {floor:>6.2} s   (bare UPDATE of the same due times, nothing computed)");
    println!(
        "  again:    {second:>6.2} s   ({} clocks read, {} moved)",
        again.clocks, again.changed
    );
    Ok(())
}

/// Inserts `n` incidents in progress over the city's grids, each with a territorial task and a
/// lead department's task, all with running clocks.
async fn fill(pool: &AnyPool, backend: Backend, n: u64) -> Result<()> {
    let numbers = match backend {
        Backend::Sqlite => format!(
            "WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < {})",
            n.saturating_sub(1)
        ),
        Backend::Postgres => format!(
            "WITH k(k) AS (SELECT CAST(generate_series(0, {}) AS BIGINT) AS k)",
            n.saturating_sub(1)
        ),
    };
    // Ids in the order the rows are written, as the store's time-ordered ids are.
    let text = match backend {
        Backend::Sqlite => "printf('%010d', k.k)",
        Backend::Postgres => "lpad(CAST(k.k AS TEXT), 10, '0')",
    };
    // Due seven calendar days after the start (rough on purpose: the pass computes the real
    // working-day due time of every clock).
    let started = format!("({START_MS} + (k.k % {SPREAD_MINUTES}) * 60000)");
    let due = format!("({started} + {})", 7 * DAY_MS + HOUR_MS);
    let sql = format!(
        "{numbers}, g AS (SELECT id, region_code, path, \
         ROW_NUMBER() OVER (ORDER BY id) - 1 AS j FROM grids WHERE valid_to IS NULL), \
         c AS (SELECT COUNT(*) AS n FROM g) \
         INSERT INTO incidents (county_code, id, number, title, description, category_code, \
         grade, source, state, reporter_name, reported_at, address, grid_id, region_code, \
         path, center_path, version, created_at, updated_at, clock_started_at, due_at) \
         SELECT substr(g.region_code, 1, 6), 'rc' || {text}, 'SJ-RC-' || {text}, \
         '楼道堆物', '楼道堆放杂物，影响通行。', '06', 'general', 'grid_patrol', \
         'in_progress', '网格员', {started}, '', g.id, g.region_code, g.path, \
         substr(g.path, 1, 15), 1, {started}, {started}, {started}, {due} \
         FROM k, c, g WHERE g.j = k.k % c.n"
    );
    sqlx::query(&sql).execute(pool).await?;
    for (kind, atype, assignee) in [
        ("territorial", "grid", "i.grid_id"),
        ("department_lead", "department", "'dep-bench'"),
    ] {
        sqlx::query(&format!(
            "INSERT INTO incident_tasks (county_code, id, incident_id, kind, assignee_type, \
             assignee_id, state, created_at, updated_at, clock_started_at, due_at) \
             SELECT i.county_code, i.id || '-{kind}', i.id, '{kind}', '{atype}', {assignee}, \
             'in_progress', i.reported_at, i.reported_at, i.clock_started_at, i.due_at \
             FROM incidents i WHERE i.id LIKE 'rc%'"
        ))
        .execute(pool)
        .await?;
    }
    if backend == Backend::Postgres {
        sqlx::query("ANALYZE incidents").execute(pool).await?;
        sqlx::query("ANALYZE incident_tasks").execute(pool).await?;
    }
    Ok(())
}
