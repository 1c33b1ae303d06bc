//! `bridge_push`: sends the bridges' due status pushes (see `crate::bridges`). Enqueued by the
//! incident actions that push (one job per second however many), and every minute for what
//! waits for its backoff.

use std::sync::OnceLock;
use std::time::Duration;

use gridgov_store::bridges::BRIDGE_PUSH;
use gridgov_store::jobs::NewJob;
use serde_json::{Value, json};

use crate::bridges::{PushSender, push_due};
use crate::jobs::{JobContext, JobError};

/// How long a bridge gets to answer.
const BRIDGE_TIMEOUT: Duration = Duration::from_secs(10);

fn sender() -> Result<&'static PushSender, JobError> {
    static SENDER: OnceLock<PushSender> = OnceLock::new();
    if let Some(s) = SENDER.get() {
        return Ok(s);
    }
    let s = PushSender::new(BRIDGE_TIMEOUT)
        .map_err(|e| JobError::retry(format!("HTTP client / HTTP 客户端: {e}")))?;
    Ok(SENDER.get_or_init(|| s))
}

pub async fn run(ctx: JobContext) -> Result<Value, JobError> {
    let owner = ctx.job.lease_owner.clone().unwrap_or_else(|| "node".into());
    let pass = push_due(&ctx.store, sender()?, &owner).await?;
    if pass.more {
        let now = ctx.store.now_ms();
        let job = NewJob::system(BRIDGE_PUSH, json!({})).keyed(format!("{BRIDGE_PUSH}:more:{now}"));
        ctx.store.enqueue_job(&job).await?;
    }
    Ok(serde_json::to_value(pass).unwrap_or(Value::Null))
}
