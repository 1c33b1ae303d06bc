//! The loop of one node: schedule, claim, run, renew, record; and stop with the server.

use std::time::Duration;

use gridgov_store::Store;
use gridgov_store::jobs::{Claim, Ended, Job};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::handler::{JobContext, JobError, Registry};
use super::periodic;

/// How a node runs jobs.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// This node's name in leases: unique per process.
    pub node: String,
    /// How often it looks for due jobs when idle.
    pub poll: Duration,
    /// How long a claim holds without renewal; renewed every third of it while the job runs,
    /// so a node that dies hands its jobs over within one lease.
    pub lease: Duration,
    /// Jobs run at once on this node.
    pub concurrency: usize,
    /// How often it schedules the periodic jobs; `None`: never (a node, or a test, that only
    /// runs what others enqueue).
    pub schedule_every: Option<Duration>,
    /// How long running jobs may go on after the stop signal before they are handed back.
    pub grace: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            node: node_name(),
            poll: Duration::from_secs(1),
            lease: Duration::from_secs(60),
            concurrency: 4,
            schedule_every: Some(Duration::from_secs(60)),
            grace: crate::app::SHUTDOWN_GRACE,
        }
    }
}

/// The host (when the environment names it), the process and a random part: two processes
/// on one host, or a restarted one, never share a name.
fn node_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
    // A version-7 id's last part is random.
    let id = uuid::Uuid::now_v7().simple().to_string();
    format!("{host}:{}:{}", std::process::id(), &id[24..])
}

/// Starts the runner; it ends when `stop` turns true and its running jobs have finished or
/// been handed back.
pub fn spawn_runner(
    store: Store,
    registry: Registry,
    config: RunnerConfig,
    stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(store, registry, config, stop))
}

async fn run(
    store: Store,
    registry: Registry,
    config: RunnerConfig,
    mut stop: watch::Receiver<bool>,
) {
    let kinds = registry.kinds();
    tracing::info!(node = %config.node, kinds = ?kinds, "job runner started");
    let mut running: JoinSet<()> = JoinSet::new();
    let mut next_schedule = tokio::time::Instant::now();
    loop {
        if *stop.borrow() {
            break;
        }
        if let Some(every) = config.schedule_every
            && tokio::time::Instant::now() >= next_schedule
        {
            periodic::schedule(&store).await;
            next_schedule = tokio::time::Instant::now() + every;
        }
        let free = config.concurrency.saturating_sub(running.len());
        let mut claimed = 0;
        if free > 0 {
            let claim = Claim {
                owner: &config.node,
                kinds: &kinds,
                lease_ms: config.lease.as_millis() as i64,
                limit: free as i64,
            };
            match store.claim_jobs(&claim).await {
                Ok(jobs) => {
                    claimed = jobs.len();
                    for job in jobs {
                        running.spawn(run_one(
                            store.clone(),
                            registry.clone(),
                            job,
                            config.clone(),
                            stop.clone(),
                        ));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "claiming jobs failed"),
            }
        }
        // A full claim means more may be waiting: look again at once when a slot is free.
        let wait = if claimed > 0 && claimed == free {
            Duration::ZERO
        } else {
            config.poll
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            // A dropped sender means nobody can stop the runner any more: stop now.
            changed = stop.changed() => if changed.is_err() { break; },
            Some(_) = running.join_next(), if !running.is_empty() => {}
        }
    }
    // Each running job watches the stop signal itself and hands itself back after the grace.
    while running.join_next().await.is_some() {}
    tracing::info!(node = %config.node, "job runner stopped");
}

/// Runs one claimed job to its end, renewing the lease meanwhile.
async fn run_one(
    store: Store,
    registry: Registry,
    job: Job,
    config: RunnerConfig,
    mut stop: watch::Receiver<bool>,
) {
    let Some(handler) = registry.get(&job.kind) else {
        // Claims ask only for registered kinds; kept for a registry that changes.
        let _ = store.release_job(&job).await;
        return;
    };
    tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempts, "job started");
    let ctx = JobContext {
        store: store.clone(),
        job: job.clone(),
    };
    // Its own task, so a panic in a handler is a failed attempt, not a dead runner.
    let mut work = tokio::spawn(handler(ctx));
    let lease_ms = config.lease.as_millis() as i64;
    let mut renew = tokio::time::interval(config.lease / 3);
    renew.tick().await;
    let mut stopping: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
    let outcome = loop {
        tokio::select! {
            done = &mut work => break Some(done),
            _ = renew.tick() => match store.renew_job_lease(&job, lease_ms).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(job = %job.id, "job lease lost: another node has the job now");
                    work.abort();
                    return;
                }
                // A busy database: the lease has two more renewals before it runs out.
                Err(e) => tracing::warn!(job = %job.id, error = %e, "renewing a job lease failed"),
            },
            _ = stop.changed(), if stopping.is_none() => {
                stopping = Some(Box::pin(tokio::time::sleep(config.grace)));
            }
            _ = async { if let Some(s) = stopping.as_mut() { s.await } }, if stopping.is_some() => {
                break None;
            }
        }
    };
    let Some(joined) = outcome else {
        work.abort();
        match store.release_job(&job).await {
            Ok(_) => tracing::info!(job = %job.id, "job handed back at shutdown"),
            Err(e) => {
                tracing::warn!(job = %job.id, error = %e, "handing a job back failed; its lease will run out")
            }
        }
        return;
    };
    let result =
        joined.unwrap_or_else(|e| Err(JobError::retry(format!("the handler panicked: {e}"))));
    let ended = match &result {
        Ok(value) => store.complete_job(&job, &value.to_string()).await,
        Err(e) => store.fail_job(&job, &e.message, e.permanent).await,
    };
    match (ended, result) {
        (Ok(Ended::Done), _) => tracing::info!(job = %job.id, kind = %job.kind, "job done"),
        (Ok(Ended::Retry { at }), Err(e)) => {
            tracing::warn!(job = %job.id, kind = %job.kind, error = %e.message, retry_at_ms = at, "job failed; will retry")
        }
        (Ok(Ended::Failed), Err(e)) => {
            tracing::error!(job = %job.id, kind = %job.kind, error = %e.message, "job failed for good: on the failure list")
        }
        (Ok(Ended::Lost), _) => {
            tracing::warn!(job = %job.id, "job finished after its lease was lost; its answer is dropped")
        }
        (Ok(_), _) => {}
        (Err(e), _) => {
            tracing::warn!(job = %job.id, error = %e, "recording a job's end failed; its lease will run out")
        }
    }
}
