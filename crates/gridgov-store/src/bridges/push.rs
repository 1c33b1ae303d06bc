//! Sending pushes without sending any twice, as notice deliveries are sent
//! (`crate::notices`): a sender claims due pushes under a lease whose owner token is its own,
//! sends them, and marks each sent or failed by a write guarded by that token and the
//! `sending` state. A push is left at least once only where a bridge took it and answered too
//! late, or a node died between sending and marking; the body carries the incident's version,
//! so the bridge can tell a repeat.

use gridgov_core::jobs::backoff_ms;

use crate::{Backend, Store, StoreResult};

/// What a sender asks for.
#[derive(Debug, Clone)]
pub struct PushClaim<'a> {
    /// Unique to this claim (node and a fresh id).
    pub token: &'a str,
    pub lease_ms: i64,
    pub limit: i64,
}

/// A claimed push with what sending it needs: the bridge's address and secret as they are now.
#[derive(Clone, sqlx::FromRow)]
pub struct ClaimedPush {
    pub id: String,
    pub bridge_id: String,
    pub url: String,
    #[sqlx(rename = "secret_sealed")]
    pub secret: String,
    pub body: String,
    /// This attempt's number (1 for the first).
    pub attempts: i64,
    pub max_attempts: i64,
}

impl std::fmt::Debug for ClaimedPush {
    // The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedPush")
            .field("id", &self.id)
            .field("bridge_id", &self.bridge_id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// How one send ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    Sent {
        code: i64,
    },
    /// Tried again after the backoff, or dead after the last attempt (or at once when
    /// `permanent`: a bridge switched off or without an address, a refusal that waiting
    /// will not change).
    Failed {
        error: String,
        code: Option<i64>,
        permanent: bool,
    },
}

fn bounded(s: &str) -> String {
    s.chars().take(500).collect()
}

impl Store {
    /// Claims up to `limit` due pushes (pending and past `next_at`, or sending with a lease
    /// that ran out), counting an attempt for each; one whose lease ran out on its last
    /// attempt is dead instead.
    pub async fn claim_pushes(&self, claim: &PushClaim<'_>) -> StoreResult<Vec<ClaimedPush>> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE bridge_pushes SET state = 'dead', lease_until = NULL, updated_at = $1, \
             last_error = $2 WHERE state = 'sending' AND lease_until < $1 \
             AND attempts >= max_attempts",
        )
        .bind(now)
        .bind("lease expired on the last attempt / 最后一次尝试的租约已过期")
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE bridge_pushes SET state = 'pending', updated_at = $1 \
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
            "UPDATE bridge_pushes SET state = 'sending', lease_owner = $1, lease_until = $2, \
             attempts = attempts + 1, updated_at = $3 WHERE id IN (SELECT id FROM \
             bridge_pushes WHERE state = 'pending' AND next_at <= $3 \
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
        // A switched-off bridge keeps its address: its pushes fail as permanent at send time
        // (an empty address), so they show on the desk to be replayed once it is back.
        let rows = sqlx::query_as::<_, ClaimedPush>(
            "SELECT p.id, p.bridge_id, CASE WHEN b.active = 1 THEN b.push_url ELSE '' END \
             AS url, b.secret_sealed, p.body, p.attempts, p.max_attempts \
             FROM bridge_pushes p JOIN bridges b ON b.id = p.bridge_id \
             WHERE p.lease_owner = $1 AND p.state = 'sending' ORDER BY p.next_at, p.id",
        )
        .bind(claim.token)
        .fetch_all(&self.pool)
        .await?;
        let prot = self.protector()?;
        rows.into_iter()
            .map(|mut r| {
                r.secret = prot.open_secret(&r.secret)?;
                Ok(r)
            })
            .collect()
    }

    /// Records how the sends of one claim ended, in one transaction, each write guarded by the
    /// claim's token and the `sending` state. Answers how many were still held.
    pub async fn finish_pushes(
        &self,
        token: &str,
        done: &[(&ClaimedPush, PushOutcome)],
    ) -> StoreResult<u64> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let mut held = 0;
        for (p, outcome) in done {
            let q = match outcome {
                PushOutcome::Sent { code } => sqlx::query(
                    "UPDATE bridge_pushes SET state = 'sent', sent_at = $3, updated_at = $3, \
                     lease_until = NULL, last_code = $4, last_error = NULL \
                     WHERE id = $1 AND lease_owner = $2 AND state = 'sending'",
                )
                .bind(&p.id)
                .bind(token)
                .bind(now)
                .bind(*code),
                PushOutcome::Failed {
                    error,
                    code,
                    permanent,
                } => sqlx::query(
                    "UPDATE bridge_pushes SET state = CASE WHEN $4 = 1 OR attempts >= \
                     max_attempts THEN 'dead' ELSE 'pending' END, next_at = $3, \
                     last_error = $5, last_code = $6, lease_until = NULL, updated_at = $7 \
                     WHERE id = $1 AND lease_owner = $2 AND state = 'sending'",
                )
                .bind(&p.id)
                .bind(token)
                .bind(now + backoff_ms(p.attempts))
                .bind(i64::from(*permanent))
                .bind(bounded(error))
                .bind(*code)
                .bind(now),
            };
            held += q.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(held)
    }
}
