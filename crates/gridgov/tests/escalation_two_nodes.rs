#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Two `gridgov serve` processes on one PostgreSQL database escalate each overdue matter exactly
//! once: besides the minute's pass both nodes schedule, a burst of passes is queued for the same
//! instant, so both nodes' runners take passes at once over the same overdue matters.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use gridgov_core::auth::Actor;
use gridgov_store::incidents::ReportInput;
use gridgov_store::jobs::{JobFilter, NewJob};
use gridgov_store::testing::TestDb;
use gridgov_store::testing::town::town;
use gridgov_store::{Clock, SystemClock};
use support::Server;

const MATTERS: usize = 3_000;
const PASSES: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_escalate_each_matter_once() {
    let db = TestDb::postgres().await;
    // The servers read the wall clock; so must everything written here.
    let store = db.store.with_clock(Arc::new(SystemClock) as Arc<dyn Clock>);
    let t = town(&store).await;
    let first = store
        .report_incident(
            &t.worker,
            &ReportInput {
                title: "楼上漏水纠纷".into(),
                description: "多次协商未果。".into(),
                category: "01".into(),
                grid_id: t.g1.clone(),
                address: "桂花路 12 号".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    // Many more like it, copied in one statement, all overdue by a minute (a report each
    // would take most of the test's time).
    let now = store.now_ms();
    store
        .execute_raw_for_tests(&format!(
            "INSERT INTO incidents (county_code, id, number, title, description, category_code, \
             grade, source, state, reporter_id, reporter_name, reported_at, address, grid_id, \
             region_code, path, center_path, version, created_at, updated_at, \
             clock_started_at, due_at, escalate_at) \
             SELECT county_code, id || '-' || CAST(n AS TEXT), number || '-' || CAST(n AS TEXT), \
             title, description, category_code, grade, source, state, reporter_id, \
             reporter_name, reported_at, address, grid_id, region_code, path, center_path, 1, \
             created_at, updated_at, clock_started_at, due_at, escalate_at \
             FROM incidents, generate_series(1, {}) AS n WHERE id = '{}'",
            MATTERS - 1,
            first.id
        ))
        .await
        .unwrap();
    let overdue = now - 60_000;
    let n = store
        .execute_raw_for_tests(&format!(
            "UPDATE incidents SET due_at = {overdue}, escalate_at = {overdue}"
        ))
        .await
        .unwrap();
    assert_eq!(n as usize, MATTERS);

    let url = store.database_url().as_str().to_owned();
    let a = Server::start(Some(&url), &[]);
    let b = Server::start(Some(&url), &[]);
    // A burst of passes due together a few seconds from now, when both runners are polling.
    let due = store.now_ms() + 3_000;
    for i in 0..PASSES {
        let mut job = NewJob::system("escalation_pass", serde_json::json!({ "n": i }));
        job.run_at = Some(due);
        store.enqueue_job(&job).await.unwrap();
    }
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
            n
        }
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let c = store.job_counts(&Actor::system()).await.unwrap();
        let left = count("SELECT COUNT(*) FROM incidents WHERE ladder_level IS NULL").await;
        if c.queued == 0 && c.running == 0 && left == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still open: {c:?}, {left} not climbed"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every matter climbed once: the first rung, one `escalated` record on each stream.
    let first_rung =
        count("SELECT COUNT(*) FROM incidents WHERE ladder_level = 0 AND ladder_attempt = 1").await;
    assert_eq!(first_rung as usize, MATTERS);
    let records = count("SELECT COUNT(*) FROM audit_log WHERE action = 'incident.escalated'").await;
    let streams =
        count("SELECT COUNT(DISTINCT stream) FROM audit_log WHERE action = 'incident.escalated'")
            .await;
    assert_eq!((records as usize, streams as usize), (MATTERS, MATTERS));
    let v = store.verify_audit().await.unwrap();
    assert!(v.first_broken.is_none(), "{:?}", v.first_broken);
    // The passes' results add up to one climb per matter, and both nodes ran passes.
    let jobs = store
        .jobs(
            &Actor::system(),
            &JobFilter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let passes: Vec<_> = jobs
        .iter()
        .filter(|j| j.kind == "escalation_pass")
        .collect();
    assert!(passes.len() > PASSES, "the burst and the scheduled pass");
    let climbed: i64 = passes
        .iter()
        .map(|j| {
            let r: serde_json::Value = serde_json::from_str(j.result.as_deref().unwrap()).unwrap();
            r["escalated"].as_i64().unwrap()
        })
        .sum();
    assert_eq!(climbed as usize, MATTERS, "each matter climbed by one pass");
    // Which nodes ran them is up to their polling (a pass that finds nothing takes
    // milliseconds); shown, not asserted.
    let nodes: std::collections::HashSet<_> = passes
        .iter()
        .filter_map(|j| j.lease_owner.clone())
        .collect();
    eprintln!("{} passes on {} node(s)", passes.len(), nodes.len());
    pool.close().await;
    drop((a, b));
}
