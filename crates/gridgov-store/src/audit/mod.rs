//! The audit chain in the database: append inside the caller's transaction, list; verifying
//! ([`verify`]) and the digests of all streams' heads ([`digest`], [`digest_verify`]) live
//! beside it.
//!
//! Each stream (one per resource) has a head row holding its last sequence number and hash.
//! Appending makes or bumps the head with one upsert, which takes the row lock on PostgreSQL
//! and the write lock on SQLite, so two writers on one stream serialise and never fork the
//! chain, while writers on different streams do not touch each other's rows.

use gridgov_core::audit::{AuditFields, GENESIS, chain_hash};
use gridgov_core::auth::{Actor, Permission};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

mod digest;
mod digest_verify;
mod many;
mod verify;

pub use digest::{AuditDigest, DIGEST_STREAM, DigestWrite};
pub use digest_verify::{DIGEST_TABLE, DigestReport};
pub(crate) use many::append_many;
pub use verify::{Broken, VerifyReport};

/// What changed, as recorded.
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub resource: String,
    pub scope_path: &'a str,
    pub summary: serde_json::Value,
}

/// The head's new hash and the new record, as one statement on PostgreSQL.
const LINK_PG: &str = "WITH head AS (UPDATE audit_heads SET hash = $2 WHERE stream = $1) \
     INSERT INTO audit_log (stream, seq, at, actor_id, actor_name, action, resource, scope_path, \
     summary, prev_hash, hash) VALUES ($1, $3, $4, $5, $6, $7, $1, $8, $9, $10, $2)";

/// [`LINK_PG`] for SQLite, which has no data-modifying CTE: the same two writes, sent at once.
const LINK_SQLITE: &str = "UPDATE audit_heads SET hash = $2 WHERE stream = $1; \
     INSERT INTO audit_log (stream, seq, at, actor_id, actor_name, action, resource, scope_path, \
     summary, prev_hash, hash) VALUES ($1, $3, $4, $5, $6, $7, $1, $8, $9, $10, $2)";

/// The statements of an append, written once for any connection type: sqlx infers the database
/// from the connection, so the same text serves the `Any` pool and a typed PostgreSQL connection
/// (used by bulk loads that COPY and audit in one transaction).
macro_rules! append_on {
    ($conn:expr, $postgres:expr, $now_ms:expr, $actor:expr, $change:expr) => {{
        let conn = $conn;
        let change: Change<'_> = $change;
        let actor: &Actor = $actor;
        let now_ms: i64 = $now_ms;
        let stream = change.resource.as_str();
        // One statement makes the head or bumps it, and answers the new sequence number with
        // the previous hash (the genesis hash for a new stream): the bump takes the row lock
        // (PostgreSQL) or runs under the write lock (SQLite) before the hash is worked out.
        let (seq, prev): (i64, String) = sqlx::query_as(
            "INSERT INTO audit_heads (stream, seq, hash) VALUES ($1, 1, $2) \
             ON CONFLICT (stream) DO UPDATE SET seq = audit_heads.seq + 1 \
             RETURNING seq, hash",
        )
        .bind(stream)
        .bind(GENESIS)
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
        // The head's new hash and the record in one round trip: a data-modifying CTE on
        // PostgreSQL, two statements in one call on SQLite (which binds `$n` by number in each).
        let sql = if $postgres(&*conn) {
            LINK_PG
        } else {
            LINK_SQLITE
        };
        sqlx::query(sql)
            .bind(stream)
            .bind(&hash)
            .bind(seq)
            .bind(now_ms)
            .bind(&actor.user_id)
            .bind(&actor.username)
            .bind(change.action)
            .bind(change.scope_path)
            .bind(&summary)
            .bind(&prev)
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
    append_on!(
        conn,
        |c: &AnyConnection| c.backend_name() == "PostgreSQL",
        now_ms,
        actor,
        change
    )
}

/// [`append`] on a typed PostgreSQL connection.
pub(crate) async fn append_pg(
    conn: &mut sqlx::PgConnection,
    now_ms: i64,
    actor: &Actor,
    change: Change<'_>,
) -> StoreResult<()> {
    append_on!(conn, |_: &sqlx::PgConnection| true, now_ms, actor, change)
}

/// [`append`] on a typed SQLite connection (bulk loads on their own connection).
pub(crate) async fn append_sqlite(
    conn: &mut sqlx::SqliteConnection,
    now_ms: i64,
    actor: &Actor,
    change: Change<'_>,
) -> StoreResult<()> {
    append_on!(
        conn,
        |_: &sqlx::SqliteConnection| false,
        now_ms,
        actor,
        change
    )
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

impl Store {
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
        let scope = ScopeRange::of(actor);
        let rows = sqlx::query_as::<_, AuditRecord>(&format!(
            "SELECT stream, seq, at, actor_id, actor_name, action, resource, scope_path, summary, \
             prev_hash, hash FROM audit_log WHERE {} AND at < $3 \
             ORDER BY at DESC, stream, seq DESC LIMIT $4",
            scope.sql("scope_path", 1)
        ))
        .bind_scope(&scope)
        .bind(before_ms.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }
}
