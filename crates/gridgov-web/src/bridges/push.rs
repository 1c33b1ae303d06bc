//! The push pass: claim due pushes by lease, send each signed to its bridge, record how each
//! ended, and go on while a full batch came back, for a bounded time. The `bridge_push` job runs
//! it; the tests run the same function.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use gridgov_store::bridges::{ClaimedPush, PushClaim, PushOutcome};
use gridgov_store::{Store, StoreResult};
use serde::Serialize;

use super::signature::{BRIDGE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};

const BATCH: i64 = 128;
/// Sends in flight at once, per pass.
const CONCURRENCY: usize = 32;
/// How long a claim holds its pushes: a batch with the sender's timeout ends well inside it.
const LEASE_MS: i64 = 180_000;
const PASS_BUDGET: Duration = Duration::from_secs(40);

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PushPass {
    pub claimed: u64,
    pub sent: u64,
    pub failed: u64,
    /// Stopped on its time budget with pushes perhaps still due.
    pub more: bool,
}

/// The HTTP client the pushes share, with the time a bridge gets to answer.
#[derive(Clone)]
pub struct PushSender {
    client: reqwest::Client,
}

impl PushSender {
    pub fn new(timeout: Duration) -> Result<PushSender, reqwest::Error> {
        Ok(PushSender {
            client: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .build()?,
        })
    }

    /// Sends one push, signed, at `now_ms`. 2xx is taken; 5xx, 408 and 429 are tried again;
    /// other refusals will not pass by waiting and go to the dead letters at once.
    pub async fn send(&self, p: &ClaimedPush, now_ms: i64) -> PushOutcome {
        if p.url.trim().is_empty() {
            return PushOutcome::Failed {
                error:
                    "the bridge is switched off or has no push address / 对接已停用或未设回传地址"
                        .into(),
                code: None,
                permanent: true,
            };
        }
        let ts = now_ms.div_euclid(1000);
        let request = self
            .client
            .post(p.url.trim())
            .header("content-type", "application/json")
            .header(TIMESTAMP_HEADER, ts.to_string())
            .header(SIGNATURE_HEADER, sign(&p.secret, ts, p.body.as_bytes()))
            .header(BRIDGE_HEADER, &p.bridge_id)
            // The receiver's key for telling a repeat of the same push.
            .header("x-gridgov-push", &p.id)
            .body(p.body.clone());
        match request.send().await {
            Ok(resp) => {
                let status = resp.status();
                let code = i64::from(status.as_u16());
                if status.is_success() {
                    return PushOutcome::Sent { code };
                }
                let body = resp.text().await.unwrap_or_default();
                let short: String = body.chars().take(200).collect();
                PushOutcome::Failed {
                    error: format!("HTTP {code}: {short}"),
                    code: Some(code),
                    permanent: status.is_client_error() && code != 408 && code != 429,
                }
            }
            Err(e) => PushOutcome::Failed {
                error: if e.is_timeout() {
                    "the bridge did not answer in time / 对方响应超时".to_owned()
                } else {
                    format!("request failed / 请求失败: {e}")
                },
                code: None,
                permanent: e.is_builder(),
            },
        }
    }
}

/// Sends what is due, as node `owner`.
pub async fn push_due(store: &Store, sender: &PushSender, owner: &str) -> StoreResult<PushPass> {
    let started = Instant::now();
    let mut pass = PushPass::default();
    loop {
        let token = format!("{owner}:{}", uuid::Uuid::now_v7().simple());
        let batch = store
            .claim_pushes(&PushClaim {
                token: &token,
                lease_ms: LEASE_MS,
                limit: BATCH,
            })
            .await?;
        let claimed = batch.len() as i64;
        pass.claimed += batch.len() as u64;
        let now = store.now_ms();
        let outcomes: Vec<(ClaimedPush, PushOutcome)> =
            futures_util::stream::iter(batch.into_iter().map(|p| {
                let sender = sender.clone();
                async move {
                    let o = sender.send(&p, now).await;
                    (p, o)
                }
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for (p, o) in &outcomes {
            match o {
                PushOutcome::Sent { .. } => pass.sent += 1,
                PushOutcome::Failed { error, .. } => {
                    pass.failed += 1;
                    tracing::warn!(push = %p.id, bridge = %p.bridge_id, attempt = p.attempts,
                        error = %error, "bridge push failed");
                }
            }
        }
        if !outcomes.is_empty() {
            let done: Vec<(&ClaimedPush, PushOutcome)> =
                outcomes.iter().map(|(p, o)| (p, o.clone())).collect();
            let held = store.finish_pushes(&token, &done).await?;
            if held < outcomes.len() as u64 {
                tracing::warn!(
                    lost = outcomes.len() as u64 - held,
                    "pushes' lease lost before they were marked"
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
