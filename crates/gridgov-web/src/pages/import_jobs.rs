//! The base-data imports started from the desk on this node: each runs in a background task, and
//! its page polls the latest progress and then reads the report from here.
//!
//! Kept in memory on purpose: an import is one transaction, so a node that goes away takes its
//! import with it (rolled back) and there is nothing left to show elsewhere. A page asked for on
//! another node behind a load balancer says the import is unknown there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use gridgov_core::base_data::RecordKind;
use gridgov_store::base::{BaseImportProgress, BaseImportReport};

/// Finished imports kept for their pages and report downloads; the oldest go first beyond this.
const KEEP_FINISHED: usize = 100;
/// Imports running at once on one node. Each holds a checker thread, a writer connection and
/// its spooled file; on SQLite they would only wait for each other's write lock anyway.
pub const MAX_RUNNING: usize = 2;

#[derive(Clone)]
pub enum JobState {
    /// Under way; the latest progress once the importer reported any.
    Running(Option<BaseImportProgress>),
    Done(Arc<BaseImportReport>),
    /// The import could not run (not a row fault: those are in a report).
    Failed {
        zh: String,
        en: String,
    },
}

#[derive(Clone)]
pub struct Job {
    /// The user who started it: only they see it, since it shows their scope's rows.
    pub owner: String,
    pub kind: RecordKind,
    pub file: String,
    pub source: String,
    pub started_ms: i64,
    /// Order of starting, for dropping the oldest finished jobs.
    seq: u64,
    pub state: JobState,
}

impl Job {
    pub fn is_running(&self) -> bool {
        matches!(self.state, JobState::Running(_))
    }
}

#[derive(Default)]
pub struct ImportJobs {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    jobs: HashMap<String, Job>,
    next_seq: u64,
}

/// What a new job is about.
pub struct NewJob<'a> {
    pub owner: &'a str,
    pub kind: RecordKind,
    pub file: &'a str,
    pub source: &'a str,
    pub started_ms: i64,
}

impl ImportJobs {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind, still fit to read.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a running job and returns its id; `None` when [`MAX_RUNNING`] are running.
    pub fn start(&self, new: NewJob<'_>) -> Option<String> {
        let id = uuid::Uuid::now_v7().simple().to_string();
        let mut inner = self.lock();
        if inner.jobs.values().filter(|j| j.is_running()).count() >= MAX_RUNNING {
            return None;
        }
        inner.next_seq += 1;
        let seq = inner.next_seq;
        inner.jobs.insert(
            id.clone(),
            Job {
                owner: new.owner.to_owned(),
                kind: new.kind,
                file: new.file.to_owned(),
                source: new.source.to_owned(),
                started_ms: new.started_ms,
                seq,
                state: JobState::Running(None),
            },
        );
        prune(&mut inner.jobs);
        Some(id)
    }

    pub fn progress(&self, id: &str, p: BaseImportProgress) {
        if let Some(j) = self.lock().jobs.get_mut(id)
            && j.is_running()
        {
            j.state = JobState::Running(Some(p));
        }
    }

    pub fn finish(&self, id: &str, state: JobState) {
        if let Some(j) = self.lock().jobs.get_mut(id) {
            j.state = state;
        }
    }

    /// The job, if it exists and belongs to `owner`; someone else's is as good as unknown.
    pub fn get(&self, id: &str, owner: &str) -> Option<Job> {
        self.lock()
            .jobs
            .get(id)
            .filter(|j| j.owner == owner)
            .cloned()
    }
}

/// Drops the oldest finished jobs beyond [`KEEP_FINISHED`]; running ones always stay.
fn prune(jobs: &mut HashMap<String, Job>) {
    let mut finished: Vec<(u64, String)> = jobs
        .iter()
        .filter(|(_, j)| !j.is_running())
        .map(|(id, j)| (j.seq, id.clone()))
        .collect();
    if finished.len() <= KEEP_FINISHED {
        return;
    }
    finished.sort_unstable();
    let excess = finished.len() - KEEP_FINISHED;
    for (_, id) in finished.into_iter().take(excess) {
        jobs.remove(&id);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn new_job(owner: &str) -> NewJob<'_> {
        NewJob {
            owner,
            kind: RecordKind::Persons,
            file: "a.csv",
            source: "户籍",
            started_ms: 0,
        }
    }

    #[test]
    fn a_job_is_seen_by_its_owner_only_and_keeps_its_last_state() {
        let jobs = ImportJobs::default();
        let id = jobs.start(new_job("u1")).unwrap();
        assert!(jobs.get(&id, "u2").is_none());
        jobs.progress(&id, BaseImportProgress::Written { rows: 7 });
        assert!(matches!(
            jobs.get(&id, "u1").map(|j| j.state),
            Some(JobState::Running(Some(BaseImportProgress::Written {
                rows: 7
            })))
        ));
        jobs.finish(&id, JobState::Done(Arc::new(BaseImportReport::default())));
        // Progress reported late does not bring a finished job back to life.
        jobs.progress(&id, BaseImportProgress::Committing);
        assert!(matches!(
            jobs.get(&id, "u1").map(|j| j.state),
            Some(JobState::Done(_))
        ));
    }

    #[test]
    fn old_finished_jobs_go_and_running_ones_stay() {
        let jobs = ImportJobs::default();
        let running = jobs.start(new_job("u")).unwrap();
        let first = jobs.start(new_job("u")).unwrap();
        jobs.finish(&first, JobState::Done(Arc::default()));
        for _ in 0..KEEP_FINISHED {
            let id = jobs.start(new_job("u")).unwrap();
            jobs.finish(&id, JobState::Done(Arc::default()));
        }
        // The next start prunes: the oldest finished goes, the running one stays.
        jobs.start(new_job("u")).unwrap();
        assert!(jobs.get(&first, "u").is_none());
        assert!(jobs.get(&running, "u").is_some());
    }

    #[test]
    fn no_more_than_two_run_at_once() {
        let jobs = ImportJobs::default();
        let a = jobs.start(new_job("u")).unwrap();
        jobs.start(new_job("v")).unwrap();
        assert!(jobs.start(new_job("w")).is_none());
        jobs.finish(&a, JobState::Done(Arc::default()));
        assert!(jobs.start(new_job("w")).is_some());
    }
}
