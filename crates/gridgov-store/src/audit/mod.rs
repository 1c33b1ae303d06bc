//! The audit chain in the database: append inside the caller's transaction, verify, list.
//!
//! Each stream (one per resource) has a head row holding its last sequence number and hash.
//! Appending bumps the head with an UPDATE, which takes the row lock on PostgreSQL and the write
//! lock on SQLite, so two writers on one stream serialise and never fork the chain, while writers
//! on different streams do not touch each other's rows.

use futures_util::TryStreamExt;
use gridgov_core::audit::{AuditFields, GENESIS, chain_hash};
use gridgov_core::auth::{Actor, Permission};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::{Store, StoreError, StoreResult};

/// What changed, as recorded.
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub resource: String,
    pub scope_path: &'a str,
    pub summary: serde_json::Value,
}

/// The statements of an append, written once for any connection type: sqlx infers the database
/// from the connection, so the same text serves the `Any` pool and a typed PostgreSQL connection
/// (used by bulk loads that COPY and audit in one transaction).
macro_rules! append_on {
    ($conn:expr, $now_ms:expr, $actor:expr, $change:expr) => {{
        let conn = $conn;
        let change: Change<'_> = $change;
        let actor: &Actor = $actor;
        let now_ms: i64 = $now_ms;
        let stream = change.resource.as_str();
        sqlx::query(
            "INSERT INTO audit_heads (stream, seq, hash) VALUES ($1, 0, $2) \
             ON CONFLICT (stream) DO NOTHING",
        )
        .bind(stream)
        .bind(GENESIS)
        .execute(&mut *conn)
        .await?;
        let (seq, prev): (i64, String) = sqlx::query_as(
            "UPDATE audit_heads SET seq = seq + 1 WHERE stream = $1 RETURNING seq, hash",
        )
        .bind(stream)
        .fetch_one(&mut *conn)
        .await?;
        let summary = change.summary.to_string();
        let fields = AuditFields {
            stream,
            seq,
            at_ms: now_ms,
            actor_id: &actor.user_id,
            actor_name: &actor.username,
            action: change.action,
            resource: stream,
            scope_path: change.scope_path,
            summary: &summary,
        };
        let hash = chain_hash(&prev, &fields);
        sqlx::query("UPDATE audit_heads SET hash = $2 WHERE stream = $1")
            .bind(stream)
            .bind(&hash)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO audit_log (stream, seq, at, actor_id, actor_name, action, resource, \
             scope_path, summary, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(stream)
        .bind(seq)
        .bind(now_ms)
        .bind(&actor.user_id)
        .bind(&actor.username)
        .bind(change.action)
        .bind(stream)
        .bind(change.scope_path)
        .bind(&summary)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }};
}

/// Appends one record to the resource's stream, in the caller's transaction.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    now_ms: i64,
    actor: &Actor,
    change: Change<'_>,
) -> StoreResult<()> {
    append_on!(conn, now_ms, actor, change)
}

/// [`append`] on a typed PostgreSQL connection.
pub(crate) async fn append_pg(
    conn: &mut sqlx::PgConnection,
    now_ms: i64,
    actor: &Actor,
    change: Change<'_>,
) -> StoreResult<()> {
    append_on!(conn, now_ms, actor, change)
}

/// [`append`] on a typed SQLite connection (bulk loads on their own connection).
pub(crate) async fn append_sqlite(
    conn: &mut sqlx::SqliteConnection,
    now_ms: i64,
    actor: &Actor,
    change: Change<'_>,
) -> StoreResult<()> {
    append_on!(conn, now_ms, actor, change)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditRecord {
    pub stream: String,
    pub seq: i64,
    pub at: i64,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub resource: String,
    pub scope_path: String,
    pub summary: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The first record that does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    pub stream: String,
    pub seq: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub streams: u64,
    pub records: u64,
    pub first_broken: Option<Broken>,
}

impl Store {
    /// Walks every stream from its first record, recomputing each hash and checking each link,
    /// and compares the last record with the stream's head (which catches deleted tails).
    pub async fn verify_audit(&self) -> StoreResult<VerifyReport> {
        let mut heads: std::collections::HashMap<String, (i64, String)> =
            sqlx::query_as::<_, (String, i64, String)>("SELECT stream, seq, hash FROM audit_heads")
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|(s, seq, h)| (s, (seq, h)))
                .collect();
        let mut report = VerifyReport {
            streams: 0,
            records: 0,
            first_broken: None,
        };
        let mut rows = sqlx::query_as::<_, AuditRecord>(
            "SELECT stream, seq, at, actor_id, actor_name, action, resource, scope_path, summary, \
             prev_hash, hash FROM audit_log ORDER BY stream, seq",
        )
        .fetch(&self.pool);
        let mut cur: Option<(String, i64, String)> = None; // stream, last seq, last hash
        let broken = |stream: &str, seq: i64, reason: String| Broken {
            stream: stream.to_owned(),
            seq,
            reason,
        };
        while let Some(r) = rows.try_next().await? {
            report.records += 1;
            let (expect_seq, expect_prev) = match &cur {
                Some((s, seq, h)) if *s == r.stream => (seq + 1, h.clone()),
                _ => {
                    if let Some(b) = close_stream(&mut heads, cur.take()) {
                        report.first_broken = Some(b);
                        return Ok(report);
                    }
                    report.streams += 1;
                    (1, GENESIS.to_owned())
                }
            };
            if r.seq != expect_seq {
                report.first_broken = Some(broken(
                    &r.stream,
                    r.seq,
                    format!(
                        "expected record {expect_seq}, found {} (a record is missing)",
                        r.seq
                    ),
                ));
                return Ok(report);
            }
            if r.prev_hash != expect_prev {
                report.first_broken = Some(broken(
                    &r.stream,
                    r.seq,
                    "does not link to the record before it".into(),
                ));
                return Ok(report);
            }
            let fields = AuditFields {
                stream: &r.stream,
                seq: r.seq,
                at_ms: r.at,
                actor_id: &r.actor_id,
                actor_name: &r.actor_name,
                action: &r.action,
                resource: &r.resource,
                scope_path: &r.scope_path,
                summary: &r.summary,
            };
            if chain_hash(&r.prev_hash, &fields) != r.hash {
                report.first_broken = Some(broken(
                    &r.stream,
                    r.seq,
                    "content does not match its hash (the record was altered)".into(),
                ));
                return Ok(report);
            }
            cur = Some((r.stream, r.seq, r.hash));
        }
        if let Some(b) = close_stream(&mut heads, cur.take()) {
            report.first_broken = Some(b);
            return Ok(report);
        }
        // Heads left over have lost every record.
        if let Some((stream, (seq, _))) = heads.into_iter().find(|(_, (seq, _))| *seq > 0) {
            report.first_broken = Some(broken(
                &stream,
                1,
                format!("all {seq} records of the stream are missing"),
            ));
        }
        Ok(report)
    }

    /// The latest audit records inside the actor's scope, newest first.
    pub async fn list_audit(
        &self,
        actor: &Actor,
        limit: i64,
        before_ms: Option<i64>,
    ) -> StoreResult<Vec<AuditRecord>> {
        if !actor.can(Permission::ViewAudit) {
            return Err(StoreError::Forbidden);
        }
        let (lo, hi) = actor.scope.range();
        let rows = sqlx::query_as::<_, AuditRecord>(
            "SELECT stream, seq, at, actor_id, actor_name, action, resource, scope_path, summary, \
             prev_hash, hash FROM audit_log WHERE scope_path >= $1 AND scope_path < $2 AND at < $3 \
             ORDER BY at DESC, stream, seq DESC LIMIT $4",
        )
        .bind(lo)
        .bind(hi)
        .bind(before_ms.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }
}

/// Checks a finished stream against its head; removes the head from the map.
fn close_stream(
    heads: &mut std::collections::HashMap<String, (i64, String)>,
    done: Option<(String, i64, String)>,
) -> Option<Broken> {
    let (stream, seq, hash) = done?;
    match heads.remove(&stream) {
        Some((head_seq, head_hash)) if head_seq == seq && head_hash == hash => None,
        Some((head_seq, _)) if head_seq != seq => Some(Broken {
            stream,
            seq: seq + 1,
            reason: format!("the stream ends at record {seq} but its head says {head_seq}"),
        }),
        Some(_) => Some(Broken {
            stream,
            seq,
            reason: "the head's hash does not match".into(),
        }),
        None => Some(Broken {
            stream,
            seq,
            reason: "the stream has no head".into(),
        }),
    }
}
