#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Two `gridgov serve` processes on one PostgreSQL database share the background jobs: every
//! job runs exactly once (one claim, one "job done" in the two logs together), both nodes take
//! part, and the periodic jobs both nodes schedule exist once per period.

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gridgov_core::auth::Actor;
use gridgov_core::jobs::JobState;
use gridgov_store::jobs::{JobFilter, NewJob};
use gridgov_store::testing::TestDb;
use gridgov_store::{Clock, Store, SystemClock};
use support::Server;

const JOBS: usize = 200;

async fn all_jobs(store: &Store) -> Vec<gridgov_store::jobs::Job> {
    store
        .jobs(
            &Actor::system(),
            &JobFilter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_run_each_job_once() {
    let db = TestDb::postgres().await;
    // The servers read the wall clock; so must the jobs enqueued here.
    let store = db.store.with_clock(Arc::new(SystemClock) as Arc<dyn Clock>);
    let url = store.database_url().as_str().to_owned();
    let a = Server::start(Some(&url), &[]);
    let b = Server::start(Some(&url), &[]);

    // Due together a few seconds from now, when both runners are polling.
    let due = store.now_ms() + 3_000;
    let mut ids = HashSet::new();
    for i in 0..JOBS {
        let mut job = NewJob::system("session_sweep", serde_json::json!({ "n": i }));
        job.run_at = Some(due);
        ids.insert(store.enqueue_job(&job).await.unwrap().id);
    }

    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let c = store.job_counts(&Actor::system()).await.unwrap();
        if c.queued == 0 && c.running == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "jobs still open: {c:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let jobs = all_jobs(&store).await;
    let ours: Vec<_> = jobs.iter().filter(|j| ids.contains(&j.id)).collect();
    assert_eq!(ours.len(), JOBS);
    let mut by_node: HashMap<&str, usize> = HashMap::new();
    for j in &ours {
        assert_eq!((j.state, j.attempts), (JobState::Done, 1), "job {}", j.id);
        *by_node
            .entry(j.lease_owner.as_deref().unwrap())
            .or_default() += 1;
    }
    assert_eq!(by_node.len(), 2, "both nodes take part: {by_node:?}");

    // Each job's handler finished once, in one of the two processes.
    let done: Vec<String> = a
        .log_lines("job done")
        .into_iter()
        .chain(b.log_lines("job done"))
        .collect();
    for id in &ids {
        let runs = done.iter().filter(|l| l.contains(id.as_str())).count();
        assert_eq!(runs, 1, "job {id} finished {runs} times");
    }

    // Both nodes scheduled this period's periodic jobs; each exists once, keyed.
    let mut keys: HashMap<&str, usize> = HashMap::new();
    for j in jobs.iter().filter(|j| j.unique_key.is_some()) {
        *keys.entry(j.kind.as_str()).or_default() += 1;
        assert_eq!(j.attempts, 1, "{:?}", j.unique_key);
    }
    // One per kind, or two when the test ran across the end of a period.
    for kind in ["audit_digest", "claim_lapse", "jobs_purge", "session_sweep"] {
        let n = keys.get(kind).copied().unwrap_or(0);
        assert!((1..=2).contains(&n), "{kind}: {keys:?}");
    }
    drop((a, b));
}
