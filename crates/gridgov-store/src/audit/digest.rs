//! Writing audit digests: what each covers is set out in [`gridgov_core::audit::digest`].
//!
//! The heads are computed on the read pool, outside the write transaction, so that on SQLite a
//! first digest over millions of records does not hold the one write connection for the whole
//! scan; the write transaction then only checks that no other writer came first and inserts.
//! Each digest is also recorded in the audit log (stream [`DIGEST_STREAM`]), which is what lets
//! verification notice the latest digest row deleted on its own.

use futures_util::TryStreamExt;
use gridgov_core::audit::GENESIS;
use gridgov_core::audit::digest::{
    DIGEST_DUE_MS, DIGEST_TRAIL_MS, DigestFields, Heads, HeadsHasher, digest_chain_hash,
};
use gridgov_core::auth::Actor;
use serde::Serialize;
use serde_json::json;

use super::Change;
use crate::{Backend, Store, StoreError, StoreResult};

/// The audit stream in which every digest is recorded when it is written.
pub const DIGEST_STREAM: &str = "audit:digests";

/// One stored digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditDigest {
    pub seq: i64,
    /// When it was written.
    pub at: i64,
    /// It covers records written after the previous digest's cutoff and up to this one.
    pub cutoff: i64,
    pub streams: i64,
    pub records: i64,
    pub digest: String,
    pub prev: String,
    pub hash: String,
}

impl AuditDigest {
    /// The hash this row should carry, from its fields and `prev`.
    pub(crate) fn expected_hash(&self) -> String {
        digest_chain_hash(
            &self.prev,
            &DigestFields {
                seq: self.seq,
                at_ms: self.at,
                cutoff_ms: self.cutoff,
                streams: self.streams,
                records: self.records,
                digest: &self.digest,
            },
        )
    }
}

/// What a request to write a digest did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestWrite {
    Written(AuditDigest),
    /// Nothing was written: the latest digest (given) is recent enough or already covers the
    /// new cutoff, or another writer stored one first.
    Skipped(AuditDigest),
}

const COLUMNS: &str = "seq, at, cutoff, streams, records, digest, prev, hash";

impl Store {
    /// Writes a digest now, unless the latest one already reaches the cutoff this one would
    /// have. Safe to call from several nodes at once: one of them writes.
    pub async fn write_audit_digest(&self) -> StoreResult<DigestWrite> {
        self.write_digest(0).await
    }

    /// Writes a digest if the latest one is at least [`DIGEST_DUE_MS`] old: the periodic job.
    pub async fn write_audit_digest_if_due(&self) -> StoreResult<DigestWrite> {
        self.write_digest(DIGEST_DUE_MS).await
    }

    pub async fn latest_audit_digest(&self) -> StoreResult<Option<AuditDigest>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM audit_digests ORDER BY seq DESC LIMIT 1"
        ))
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn write_digest(&self, min_age_ms: i64) -> StoreResult<DigestWrite> {
        let now = self.now_ms();
        let cutoff = now - DIGEST_TRAIL_MS;
        let latest = self.latest_audit_digest().await?;
        if let Some(l) = &latest
            && (l.cutoff >= cutoff || now - l.at < min_age_ms)
        {
            return Ok(DigestWrite::Skipped(l.clone()));
        }
        let from = latest.as_ref().map(|l| l.cutoff);
        let heads = self.heads_between(from, cutoff).await?;
        let mut row = AuditDigest {
            seq: latest.as_ref().map_or(1, |l| l.seq + 1),
            at: now,
            cutoff,
            streams: heads.streams as i64,
            records: heads.records as i64,
            digest: heads.digest,
            prev: latest
                .as_ref()
                .map_or(GENESIS.to_owned(), |l| l.hash.clone()),
            hash: String::new(),
        };
        row.hash = row.expected_hash();

        let mut tx = self.begin_write().await?;
        // The record goes first: bumping its stream's head row locks that row on PostgreSQL
        // (SQLite's writers are serialised already), so a concurrent writer waits here until
        // this one commits, and then the check below sees what it stored.
        super::append(
            &mut tx,
            now,
            &Actor::system(),
            Change {
                action: "audit.digest",
                resource: DIGEST_STREAM.to_owned(),
                scope_path: "",
                summary: json!({
                    "digest": row.seq,
                    "cutoff": row.cutoff,
                    "streams": row.streams,
                    "records": row.records,
                    "hash": row.hash,
                }),
            },
        )
        .await?;
        let current: Option<AuditDigest> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM audit_digests ORDER BY seq DESC LIMIT 1"
        ))
        .fetch_optional(&mut *tx)
        .await?;
        if current.as_ref().map(|c| c.seq) != latest.as_ref().map(|l| l.seq) {
            tx.rollback().await?;
            return match current {
                Some(c) => Ok(DigestWrite::Skipped(c)),
                None => Err(StoreError::Internal(
                    "the audit digests were removed while one was written".into(),
                )),
            };
        }
        sqlx::query(&format!(
            "INSERT INTO audit_digests ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(row.seq)
        .bind(row.at)
        .bind(row.cutoff)
        .bind(row.streams)
        .bind(row.records)
        .bind(&row.digest)
        .bind(&row.prev)
        .bind(&row.hash)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(DigestWrite::Written(row))
    }

    /// The heads of the streams with a record in `(from, cutoff]` (from the beginning when
    /// `from` is `None`), as of `cutoff`, hashed row by row as the database sends them.
    async fn heads_between(&self, from: Option<i64>, cutoff: i64) -> StoreResult<Heads> {
        // One pass groups by stream and takes the greatest sequence number up to the cutoff;
        // the join on the primary key fetches that record's hash. After the first digest only
        // streams written in the interval are grouped, found through the index on `at`. The
        // outer filter is written `+at`, which keeps that index out of it: on SQLite, reading
        // nearly every row through it and sorting them by stream again cost about twice the
        // walk of the primary key in our runs (docs/benchmarks.md, "Audit digests").
        let (interval, count) = match from {
            None => ("", "COUNT(*)"),
            Some(_) => (
                "AND stream IN (SELECT stream FROM audit_log WHERE at > $2 AND at <= $1)",
                "CAST(SUM(CASE WHEN at > $2 THEN 1 ELSE 0 END) AS BIGINT)",
            ),
        };
        let sql = format!(
            "SELECT h.stream, h.seq, l.hash, h.n FROM \
             (SELECT stream, MAX(seq) AS seq, {count} AS n FROM audit_log \
              WHERE +at <= $1 {interval} GROUP BY stream) h \
             JOIN audit_log l ON l.stream = h.stream AND l.seq = h.seq \
             ORDER BY {}",
            by_stream_bytes(self.backend(), "h.stream")
        );
        let mut query = sqlx::query_as::<_, (String, i64, String, i64)>(&sql).bind(cutoff);
        if let Some(from) = from {
            query = query.bind(from);
        }
        let mut rows = query.fetch(&self.pool);
        let mut hasher = HeadsHasher::new();
        while let Some((stream, seq, hash, n)) = rows.try_next().await? {
            hasher.add(&stream, seq, &hash, n as u64);
        }
        Ok(hasher.finish())
    }
}

/// Ordering by stream name byte by byte, as the digests are defined. SQLite compares text
/// bytewise already; PostgreSQL would use the database's collation, which a restore onto a
/// server with another locale would change, so it is told.
pub(crate) fn by_stream_bytes(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => column.to_owned(),
        Backend::Postgres => format!("{column} COLLATE \"C\""),
    }
}
