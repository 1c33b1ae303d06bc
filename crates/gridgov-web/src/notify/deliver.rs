//! The delivery pass: claim due deliveries by lease, send them at once up to a bound, record how
//! each ended, and go on while a full batch came back, for a bounded time. The `notify_deliver`
//! job runs it; the benchmark and the tests run the same function.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use gridgov_core::notify::NotifyChannels;
use gridgov_store::notices::{ClaimedDelivery, DeliveryClaim, DeliveryOutcome};
use gridgov_store::{Store, StoreResult};
use serde::Serialize;

use super::outbound::Sender;

/// Deliveries claimed at once. With [`CONCURRENCY`] sends in flight and the sender's timeout,
/// a batch ends well inside [`LEASE_MS`], so no other node takes a delivery still being sent.
const BATCH: i64 = 256;
/// Sends in flight at once, per pass.
pub const CONCURRENCY: usize = 64;
/// How long a claim holds its deliveries.
const LEASE_MS: i64 = 180_000;
/// A pass stops claiming after this long and leaves the rest to the next job.
const PASS_BUDGET: Duration = Duration::from_secs(40);

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryPass {
    pub claimed: u64,
    pub sent: u64,
    pub failed: u64,
    pub deferred: u64,
    /// Stopped on its time budget with deliveries perhaps still due.
    pub more: bool,
}

/// Sends what is due, as node `owner`.
pub async fn deliver_due(store: &Store, sender: &Sender, owner: &str) -> StoreResult<DeliveryPass> {
    let started = Instant::now();
    let mut pass = DeliveryPass::default();
    let mut channels: HashMap<String, Arc<NotifyChannels>> = HashMap::new();
    loop {
        let token = format!("{owner}:{}", uuid::Uuid::now_v7().simple());
        let batch = store
            .claim_deliveries(&DeliveryClaim {
                token: &token,
                lease_ms: LEASE_MS,
                limit: BATCH,
            })
            .await?;
        let claimed = batch.len() as i64;
        pass.claimed += batch.len() as u64;
        let mut work = Vec::with_capacity(batch.len());
        for d in batch {
            let c = match channels.get(&d.path) {
                Some(c) => c.clone(),
                None => {
                    let c = Arc::new(store.notify_channels_at(&d.path).await?);
                    channels.insert(d.path.clone(), c.clone());
                    c
                }
            };
            work.push((d, c));
        }
        let now = store.now_ms();
        // Owned items into the stream: each send holds its delivery, its region's channels and
        // a handle of the shared client.
        let outcomes: Vec<(ClaimedDelivery, DeliveryOutcome)> =
            futures_util::stream::iter(work.into_iter().map(|(d, c)| {
                let sender = sender.clone();
                async move {
                    let o = sender.send(&c, &d, now).await;
                    (d, o)
                }
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for (d, o) in &outcomes {
            match o {
                DeliveryOutcome::Sent => pass.sent += 1,
                DeliveryOutcome::Failed { error, .. } => {
                    pass.failed += 1;
                    tracing::warn!(delivery = %d.id, channel = %d.channel, attempt = d.attempts,
                        error = %error, "notice delivery failed");
                }
                DeliveryOutcome::Deferred { .. } => pass.deferred += 1,
            }
        }
        if !outcomes.is_empty() {
            let done: Vec<(&ClaimedDelivery, DeliveryOutcome)> =
                outcomes.iter().map(|(d, o)| (d, o.clone())).collect();
            let held = store.finish_deliveries(&token, &done).await?;
            if held < outcomes.len() as u64 {
                tracing::warn!(
                    lost = outcomes.len() as u64 - held,
                    "deliveries' lease lost before they were marked"
                );
            }
        }
        if claimed < BATCH {
            return Ok(pass);
        }
        if started.elapsed() > PASS_BUDGET {
            pass.more = true;
            return Ok(pass);
        }
    }
}
