//! CPU-heavy work of a request (checking uploaded geometry, parsing big files, drawing maps)
//! runs here: off the async threads, which must keep answering everyone else (a health check
//! among them), on at most one blocking thread per core, and stopped when the request that
//! wanted it goes away (its timeout passed, its client disconnected, the server is stopping).

use std::sync::{Arc, LazyLock};

use gridgov_geo::Cancel;
use tokio::sync::Semaphore;

use crate::{StoreError, StoreResult};

static PERMITS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    Arc::new(Semaphore::new(cores))
});

/// Cancels the work when the future awaiting it is dropped before it finished.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Runs `work` on a blocking thread once one of the bounded slots is free. `work` should poll
/// the [`Cancel`] it is given in its loops; when the caller stops waiting, the flag is set.
/// Waiting for a slot is bounded by the caller's own timeout.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce(&Cancel) -> T + Send + 'static,
) -> StoreResult<T> {
    let permit = PERMITS
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| StoreError::Internal("the CPU work pool is closed".into()))?;
    let cancel = Cancel::new();
    let guard = CancelOnDrop(cancel.clone());
    let out = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work(&cancel)
    })
    .await
    .map_err(|e| StoreError::Internal(format!("CPU work failed: {e}")))?;
    drop(guard);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn work_stops_when_nobody_waits_for_it() {
        let stopped = Arc::new(AtomicBool::new(false));
        let seen = stopped.clone();
        let waiting = run(move |cancel| {
            while !cancel.is_cancelled() {
                std::thread::sleep(Duration::from_millis(5));
            }
            seen.store(true, Ordering::SeqCst);
        });
        // The request times out: its future is dropped.
        assert!(
            tokio::time::timeout(Duration::from_millis(50), waiting)
                .await
                .is_err()
        );
        for _ in 0..200 {
            if stopped.load(Ordering::SeqCst) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the work went on after its caller left");
    }

    #[tokio::test]
    async fn results_come_back() {
        assert_eq!(run(|_| 6 * 7).await.unwrap(), 42);
    }
}
