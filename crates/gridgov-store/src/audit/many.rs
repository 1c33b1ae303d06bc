//! Appending many records to many streams in a few statements, for the background passes that
//! record one event on each of thousands of incidents (one append each costs two round trips
//! per record). The chain is the same as [`super::append`] builds: each record's hash links to
//! its stream's head as bumped under the head's row lock (PostgreSQL) or the write lock
//! (SQLite). The statements are upserts and inserts by key only (no join against a list of
//! values). SQLite takes fifty records a statement: its driver binds a statement's parameters
//! in time growing with the square of their count, which made rounds of a thousand slower than
//! one append per record.

use std::collections::HashMap;

use gridgov_core::audit::{AuditFields, GENESIS, chain_hash};
use gridgov_core::auth::Actor;
use sqlx::AnyConnection;

use super::Change;
use crate::StoreResult;

/// Records per round of statements (each round binds ten parameters a record) on PostgreSQL,
/// and on SQLite.
const CHUNK: usize = 1_000;
const SQLITE_CHUNK: usize = 50;

/// Appends the changes in order, in the caller's transaction: a stream's records keep their
/// order, one round of statements per record of the same stream (a head can be bumped once per
/// statement).
pub(crate) async fn append_many(
    conn: &mut AnyConnection,
    now_ms: i64,
    actor: &Actor,
    changes: Vec<Change<'_>>,
) -> StoreResult<()> {
    let chunk = if conn.backend_name() == "PostgreSQL" {
        CHUNK
    } else {
        SQLITE_CHUNK
    };
    // Round r holds each stream's r-th record.
    let mut rounds: Vec<Vec<Change<'_>>> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for c in changes {
        let n = seen.entry(c.resource.clone()).or_insert(0);
        if rounds.len() <= *n {
            rounds.push(Vec::new());
        }
        rounds[*n].push(c);
        *n += 1;
    }
    for round in rounds {
        let mut round = round;
        while !round.is_empty() {
            let rest = round.split_off(round.len().min(chunk));
            append_round(conn, now_ms, actor, &round).await?;
            round = rest;
        }
    }
    Ok(())
}

/// One record on each of distinct streams: bump the heads (one statement answering each new
/// sequence number and previous hash), set their new hashes, insert the records.
/// Each statement binds at most seven parameters a record: a thousand records stay well
/// inside both databases' limits.
async fn append_round(
    conn: &mut AnyConnection,
    now_ms: i64,
    actor: &Actor,
    changes: &[Change<'_>],
) -> StoreResult<()> {
    let n = changes.len();
    let heads = (0..n)
        .map(|i| format!("(${}, 1, $1)", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO audit_heads (stream, seq, hash) VALUES {heads} \
         ON CONFLICT (stream) DO UPDATE SET seq = audit_heads.seq + 1 \
         RETURNING stream, seq, hash"
    );
    let mut q = sqlx::query_as::<_, (String, i64, String)>(&sql).bind(GENESIS);
    for c in changes {
        q = q.bind(c.resource.as_str());
    }
    let bumped: HashMap<String, (i64, String)> = q
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(s, seq, prev)| (s, (seq, prev)))
        .collect();
    let mut links = Vec::with_capacity(n);
    for c in changes {
        let stream = c.resource.as_str();
        let (seq, prev) = bumped.get(stream).cloned().ok_or_else(|| {
            crate::StoreError::Internal(format!("audit head of {stream} not bumped"))
        })?;
        let summary = c.summary.to_string();
        let hash = chain_hash(
            &prev,
            &AuditFields {
                stream,
                seq,
                at_ms: now_ms,
                actor_id: &actor.user_id,
                actor_name: &actor.username,
                action: c.action,
                resource: stream,
                scope_path: c.scope_path,
                summary: &summary,
            },
        );
        links.push((c, seq, prev, summary, hash));
    }
    // The heads' new hashes: an upsert of rows that all exist now, by key.
    let heads = (0..n)
        .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO audit_heads (stream, seq, hash) VALUES {heads} \
         ON CONFLICT (stream) DO UPDATE SET hash = excluded.hash"
    );
    let mut q = sqlx::query(&sql);
    for (c, seq, _, _, hash) in &links {
        q = q.bind(c.resource.as_str()).bind(*seq).bind(hash.as_str());
    }
    q.execute(&mut *conn).await?;
    // at, actor id and actor name are the same for every record: $1–$3.
    let rows = (0..n)
        .map(|i| {
            let b = 4 + 7 * i;
            format!(
                "(${b}, ${}, $1, $2, $3, ${}, ${b}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO audit_log (stream, seq, at, actor_id, actor_name, action, resource, \
         scope_path, summary, prev_hash, hash) VALUES {rows}"
    );
    let mut q = sqlx::query(&sql)
        .bind(now_ms)
        .bind(actor.user_id.as_str())
        .bind(actor.username.as_str());
    for (c, seq, prev, summary, hash) in &links {
        q = q
            .bind(c.resource.as_str())
            .bind(*seq)
            .bind(c.action)
            .bind(c.scope_path)
            .bind(summary.as_str())
            .bind(prev.as_str())
            .bind(hash.as_str());
    }
    q.execute(&mut *conn).await?;
    Ok(())
}
