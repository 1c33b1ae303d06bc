//! Due times recomputed after a region's time limits or local days changed: the settings write
//! enqueues the job with the change, and this handler runs the store's pass, reporting its
//! progress to the job's page every second (a province-wide change moves a million clocks).

use std::time::Duration;

use gridgov_store::incidents::RecomputeReport;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::jobs::{JobContext, JobError};

#[derive(Deserialize)]
struct Payload {
    /// The path of the region whose setting changed.
    path: String,
}

fn summary(r: &RecomputeReport) -> Value {
    json!({
        "incidents": r.incidents,
        "clocks": r.clocks,
        "changed": r.changed,
        "beyond_calendar": r.beyond_calendar,
    })
}

pub async fn due_recompute(ctx: JobContext) -> Result<Value, JobError> {
    let p: Payload = ctx.payload()?;
    // The pass hears of each batch synchronously; the job's page is written from here, at most
    // once a second, so progress costs the pass nothing.
    let (tx, mut rx) = watch::channel(RecomputeReport::default());
    let pass = ctx.store.recompute_due_times(&p.path, |r| {
        tx.send_replace(*r);
    });
    tokio::pin!(pass);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let report = loop {
        tokio::select! {
            r = &mut pass => break r?,
            _ = tick.tick() => {
                if rx.has_changed().unwrap_or(false) {
                    let r = *rx.borrow_and_update();
                    ctx.progress(&summary(&r)).await;
                }
            }
        }
    };
    Ok(summary(&report))
}
