//! Sending deliveries without sending any twice: a sender claims due deliveries under a lease
//! whose owner token is its own for this claim, sends them, and marks each sent or failed by a
//! write guarded by that token and the `sending` state. A sender that lost its lease (it
//! stalled past it and another took the delivery over) changes nothing.
//!
//! The one case left at least once: a gateway that took a message but answered too late (a
//! timeout after it sent), or a node that died between sending and marking. The delivery is
//! then tried again after its backoff or lease; nothing else is ever sent twice.
//!
//! Claiming is the statement where the dialects differ, as for jobs: PostgreSQL skips rows
//! another claimer holds (`FOR UPDATE SKIP LOCKED`); SQLite has one writer (`BEGIN IMMEDIATE`).

use gridgov_core::jobs::backoff_ms;
use gridgov_core::notify::{NoticeKind, render};

use crate::db::numbered_params;
use crate::{Backend, Store, StoreError, StoreResult};

/// What a sender asks for.
#[derive(Debug, Clone)]
pub struct DeliveryClaim<'a> {
    /// The lease's owner: unique to this claim (node and a fresh id), so the marks of this
    /// claim match only rows it still holds.
    pub token: &'a str,
    pub lease_ms: i64,
    pub limit: i64,
}

/// A claimed delivery with the words to send.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: String,
    /// sms, wecom or dingtalk.
    pub channel: String,
    /// The phone, or the group robot's name.
    pub target: String,
    /// Where the channel's settings are read.
    pub path: String,
    /// This attempt's number (1 for the first).
    pub attempts: i64,
    pub max_attempts: i64,
    pub kind: NoticeKind,
    pub text_zh: String,
    pub text_en: String,
}

/// How one send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Sent,
    /// Tried again after the backoff, or dead after the last attempt (or at once when
    /// `permanent`: a robot no longer configured, a phone the gateway refuses).
    Failed {
        error: String,
        permanent: bool,
    },
    /// Not sent and not an attempt: quiet hours, until this time.
    Deferred {
        until: i64,
    },
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: String,
    channel: String,
    target: String,
    path: String,
    attempts: i64,
    max_attempts: i64,
    kind: String,
    incident_number: String,
    title: String,
    params: String,
}

/// Error text kept on the row, bounded.
fn bounded(s: &str) -> String {
    s.chars().take(500).collect()
}

impl Store {
    /// Claims up to `limit` deliveries that are due (pending and past `next_at`) or whose lease
    /// ran out, counting an attempt for each. One whose lease ran out on its last attempt is
    /// dead instead of claimed again.
    pub async fn claim_deliveries(
        &self,
        claim: &DeliveryClaim<'_>,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE notice_deliveries SET state = 'dead', lease_until = NULL, updated_at = $1, \
             last_error = $2 WHERE state = 'sending' AND lease_until < $1 \
             AND attempts >= max_attempts",
        )
        .bind(now)
        .bind("lease expired on the last attempt / 最后一次尝试的租约已过期")
        .execute(&mut *tx)
        .await?;
        // A lease that ran out (its sender died or stalled) makes the delivery pending again,
        // due as it was; the claim below then reads one index range in due order and stops at
        // its limit, where an OR of the two cases would sort every due row on each claim.
        sqlx::query(
            "UPDATE notice_deliveries SET state = 'pending', updated_at = $1 \
             WHERE state = 'sending' AND lease_until < $1",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let claimed: Vec<(String,)> = sqlx::query_as(&format!(
            "UPDATE notice_deliveries SET state = 'sending', lease_owner = $1, lease_until = $2, \
             attempts = attempts + 1, updated_at = $3 WHERE id IN (SELECT id FROM \
             notice_deliveries WHERE state = 'pending' AND next_at <= $3 \
             ORDER BY next_at LIMIT $4 {lock}) RETURNING id"
        ))
        .bind(claim.token)
        .bind(now + claim.lease_ms)
        .bind(now)
        .bind(claim.limit.max(1))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        // What to say, read after the claim (outside the writer's lock on SQLite); the token
        // finds exactly this claim's rows.
        let rows = sqlx::query_as::<_, ClaimRow>(
            "SELECT d.id, d.channel, d.target, d.path, d.attempts, d.max_attempts, n.kind, \
             n.incident_number, n.title, n.params FROM notice_deliveries d \
             JOIN notices n ON n.id = d.notice_id WHERE d.lease_owner = $1 \
             AND d.state = 'sending' ORDER BY d.next_at, d.id",
        )
        .bind(claim.token)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let kind = NoticeKind::parse("kind", &r.kind)
                    .map_err(|e| StoreError::Internal(format!("stored notice kind: {e}")))?;
                let params = serde_json::from_str(&r.params).unwrap_or(serde_json::Value::Null);
                let (text_zh, text_en) = render(kind, &r.incident_number, &r.title, &params);
                Ok(ClaimedDelivery {
                    id: r.id,
                    channel: r.channel,
                    target: r.target,
                    path: r.path,
                    attempts: r.attempts,
                    max_attempts: r.max_attempts,
                    kind,
                    text_zh,
                    text_en,
                })
            })
            .collect()
    }

    /// Records how the sends of one claim ended, in one transaction: the sent ones by one
    /// statement, each guarded by the claim's token and the `sending` state. Answers how many
    /// rows were still held (fewer than given: the lease was lost meanwhile).
    pub async fn finish_deliveries(
        &self,
        token: &str,
        done: &[(&ClaimedDelivery, DeliveryOutcome)],
    ) -> StoreResult<u64> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let mut held = 0;
        let sent: Vec<&str> = done
            .iter()
            .filter(|(_, o)| *o == DeliveryOutcome::Sent)
            .map(|(d, _)| d.id.as_str())
            .collect();
        // Bounded statements: a claim is a few hundred rows.
        for chunk in sent.chunks(500) {
            let sql = format!(
                "UPDATE notice_deliveries SET state = 'sent', sent_at = $2, updated_at = $2, \
                 lease_until = NULL WHERE lease_owner = $1 AND state = 'sending' \
                 AND id IN ({})",
                numbered_params(3, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(token).bind(now);
            for id in chunk {
                q = q.bind(*id);
            }
            held += q.execute(&mut *tx).await?.rows_affected();
        }
        for (d, outcome) in done {
            let q = match outcome {
                DeliveryOutcome::Sent => continue,
                DeliveryOutcome::Failed { error, permanent } => sqlx::query(
                    "UPDATE notice_deliveries SET state = CASE WHEN $4 = 1 OR attempts >= \
                     max_attempts THEN 'dead' ELSE 'pending' END, next_at = $3, \
                     last_error = $5, lease_until = NULL, updated_at = $6 \
                     WHERE id = $1 AND lease_owner = $2 AND state = 'sending'",
                )
                .bind(&d.id)
                .bind(token)
                .bind(now + backoff_ms(d.attempts))
                .bind(i64::from(*permanent))
                .bind(bounded(error))
                .bind(now),
                // Quiet hours are not an attempt.
                DeliveryOutcome::Deferred { until } => sqlx::query(
                    "UPDATE notice_deliveries SET state = 'pending', next_at = $3, \
                     attempts = attempts - 1, lease_until = NULL, updated_at = $4 \
                     WHERE id = $1 AND lease_owner = $2 AND state = 'sending'",
                )
                .bind(&d.id)
                .bind(token)
                .bind(*until)
                .bind(now),
            };
            held += q.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(held)
    }

    /// The effective notification channels at a path (a delivery's), for the sender.
    pub async fn notify_channels_at(
        &self,
        path: &str,
    ) -> StoreResult<gridgov_core::notify::NotifyChannels> {
        let mut conn = self.pool.acquire().await?;
        Ok(crate::settings::layers_for_path(&mut conn, path)
            .await?
            .notify_channels())
    }
}
