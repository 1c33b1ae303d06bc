//! `gridgov bench worklists`: the desk's work lists over years of incidents on the demo city.
//! For a county center, a township center, a grid worker and a department handler, several
//! views (everything, in progress, a category, the last 30 days, my tasks): the first page and
//! the next pages by keyset, p50/p99/max, beside the target (p99 < 50 ms) and the floor, the
//! page's own SELECT alone on the caller's region range (no doors, no total).

use std::time::Instant;

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_store::Store;
use gridgov_store::incidents::{IncidentFilter, WorkList};
use sqlx::{AnyPool, Row};

use super::filled_city;
use super::stats::Summary;
use crate::cli::BackendArgs;

const TARGET_P99_MS: f64 = 50.0;
/// Pages walked after the first, each timed.
const DEPTH: usize = 5;
const DAY: i64 = 86_400_000;

/// A view of the desk: its name and its filter.
fn views(now: i64) -> Vec<(&'static str, IncidentFilter)> {
    vec![
        ("all", IncidentFilter::default()),
        (
            "in progress",
            IncidentFilter {
                list: WorkList::InProgress,
                ..Default::default()
            },
        ),
        (
            "category 06",
            IncidentFilter {
                category: "06".into(),
                ..Default::default()
            },
        ),
        (
            "last 30 days",
            IncidentFilter {
                from: Some(now - 30 * DAY),
                ..Default::default()
            },
        ),
        (
            "closed, 2 years ago",
            IncidentFilter {
                list: WorkList::Closed,
                from: Some(now - 730 * DAY),
                until: Some(now - 700 * DAY),
                ..Default::default()
            },
        ),
        (
            "mine",
            IncidentFilter {
                list: WorkList::Mine,
                ..Default::default()
            },
        ),
    ]
}

pub async fn run(
    args: &BackendArgs,
    filled: Option<&str>,
    incidents: u64,
    samples: usize,
) -> Result<()> {
    println!("machine: {}", super::machine());
    for target in filled_city::targets(args, filled) {
        let city = filled_city::open(&target, "lists", incidents).await?;
        let r = measure(&city.store, &city.pool, samples).await;
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

/// The department handler with the most live tasks.
async fn busiest_handler(pool: &AnyPool) -> Result<String> {
    let row = sqlx::query(
        "SELECT u.username FROM incident_tasks t JOIN department_members m \
         ON m.department_id = t.assignee_id JOIN users u ON u.id = m.user_id \
         WHERE t.assignee_type = 'department' AND t.state IN ('assigned', 'accepted', \
         'in_progress') GROUP BY u.username ORDER BY COUNT(*) DESC, u.username LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .context("no department handler has work")?;
    Ok(row.try_get(0)?)
}

async fn measure(store: &Store, pool: &AnyPool, samples: usize) -> Result<()> {
    let handler = busiest_handler(pool).await?;
    let people = [
        ("county center", actor(store, "county-op").await?),
        ("township center", actor(store, "town-op").await?),
        ("grid worker", actor(store, "grid-worker").await?),
        ("department handler", actor(store, &handler).await?),
    ];
    let now = store.now_ms();
    let mut worst: f64 = 0.0;
    println!(
        "  {:<20} {:<20} {:>8} {:>26} {:>26} {:>18}",
        "who",
        "view",
        "total",
        "first page p50/p99/max ms",
        "next pages p50/p99/max ms",
        "floor p50/p99 ms"
    );
    for (who, a) in &people {
        for (view, f) in views(now) {
            let mut first = Vec::new();
            let mut next = Vec::new();
            let mut total = 0;
            for _ in 0..samples {
                let t = Instant::now();
                let page = store.incidents(a, &f).await?;
                first.push(t.elapsed().as_secs_f64() * 1e3);
                total = page.total;
                let mut cursor = page.next;
                for _ in 0..DEPTH {
                    let Some(after) = cursor else { break };
                    let t = Instant::now();
                    let p = store
                        .incidents(a, &IncidentFilter { after, ..f.clone() })
                        .await?;
                    next.push(t.elapsed().as_secs_f64() * 1e3);
                    cursor = p.next;
                }
            }
            let floor = floor(pool, a, &f, samples).await?;
            let none = Summary {
                n: 0,
                p50: 0.0,
                p90: 0.0,
                p99: 0.0,
                max: 0.0,
            };
            let s1 = Summary::of(&first).unwrap_or(none);
            let s2 = Summary::of(&next).unwrap_or(none);
            worst = worst.max(s1.p99).max(s2.p99);
            println!(
                "  {who:<20} {view:<20} {total:>8} {:>26} {:>26} {:>18}",
                format!("{:.1}/{:.1}/{:.1}", s1.p50, s1.p99, s1.max),
                format!("{:.1}/{:.1}/{:.1}", s2.p50, s2.p99, s2.max),
                format!("{:.1}/{:.1}", floor.p50, floor.p99),
            );
        }
    }
    println!(
        "  worst p99 {worst:.1} ms (target < {TARGET_P99_MS:.0} ms): {}",
        if worst < TARGET_P99_MS {
            "met"
        } else {
            "MISSED"
        }
    );
    Ok(())
}

/// The page's own SELECT on the caller's region range and the view's filters, nothing else:
/// what the database needs at least to answer the page.
async fn floor(pool: &AnyPool, a: &Actor, f: &IncidentFilter, samples: usize) -> Result<Summary> {
    let lo = a.scope.as_str().to_owned();
    let hi = format!("{lo}~");
    let mut sql = String::from(
        "SELECT i.county_code, i.id, i.number, i.title, i.category_code, i.grade, i.source, \
         i.state, i.reporter_name, i.reported_at, i.grid_id, i.region_code, \
         i.resolution_level, i.shirking, i.version FROM incidents i WHERE i.path >= $1 AND i.path < $2",
    );
    let states = match f.list {
        WorkList::InProgress => "('dispatched', 'in_progress', 'suspended')",
        WorkList::Closed => "('closed', 'evaluated')",
        _ => "",
    };
    if !states.is_empty() {
        sql.push_str(&format!(" AND i.state IN {states}"));
    }
    if !f.category.is_empty() {
        sql.push_str(&format!(
            " AND i.category_code >= '{0}' AND i.category_code < '{0}~'",
            f.category
        ));
    }
    if let Some(t) = f.from {
        sql.push_str(&format!(" AND i.reported_at >= {t}"));
    }
    if let Some(t) = f.until {
        sql.push_str(&format!(" AND i.reported_at < {t}"));
    }
    if f.list == WorkList::Mine {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM incident_tasks mt WHERE mt.county_code = i.county_code \
             AND mt.incident_id = i.id AND mt.state IN ('assigned', 'accepted', 'in_progress'))",
        );
    }
    sql.push_str(" ORDER BY i.reported_at DESC, i.id DESC LIMIT 51");
    let mut times = Vec::new();
    for _ in 0..samples {
        let t = Instant::now();
        let _ = sqlx::query(&sql)
            .bind(&lo)
            .bind(&hi)
            .fetch_all(pool)
            .await?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Summary::of(&times).context("no samples")
}
