//! `notify_deliver`: sends the notices' due deliveries (see `crate::notify`). Enqueued by the
//! events that make deliveries (one job per second however many), and every minute for what
//! waited (a backoff, quiet hours).

use std::sync::OnceLock;
use std::time::Duration;

use gridgov_store::jobs::NewJob;
use gridgov_store::notices::NOTIFY_DELIVER;
use serde_json::{Value, json};

use crate::jobs::{JobContext, JobError};
use crate::notify::{Sender, deliver_due};

/// How long a gateway gets to answer.
const GATEWAY_TIMEOUT: Duration = Duration::from_secs(10);

/// One client for the node: its connections are kept and reused across jobs.
fn sender() -> Result<&'static Sender, JobError> {
    static SENDER: OnceLock<Sender> = OnceLock::new();
    if let Some(s) = SENDER.get() {
        return Ok(s);
    }
    let s = Sender::new(GATEWAY_TIMEOUT)
        .map_err(|e| JobError::retry(format!("HTTP client / HTTP 客户端: {e}")))?;
    Ok(SENDER.get_or_init(|| s))
}

pub async fn run(ctx: JobContext) -> Result<Value, JobError> {
    let owner = ctx.job.lease_owner.clone().unwrap_or_else(|| "node".into());
    let pass = deliver_due(&ctx.store, sender()?, &owner).await?;
    if pass.more {
        // Stopped on its time budget: the next job goes on at once.
        let now = ctx.store.now_ms();
        let job =
            NewJob::system(NOTIFY_DELIVER, json!({})).keyed(format!("{NOTIFY_DELIVER}:more:{now}"));
        ctx.store.enqueue_job(&job).await?;
    }
    Ok(serde_json::to_value(pass).unwrap_or(Value::Null))
}
