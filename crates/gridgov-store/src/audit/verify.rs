//! Verifying the audit trail: every stream's chain against its head, then the digests (see
//! [`super::digest`]) against the log.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use gridgov_core::audit::{AuditFields, GENESIS, chain_hash};
use serde::Serialize;

use super::AuditRecord;
use crate::{Store, StoreResult};

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
    /// Digests checked (when every chain held; a broken chain is reported first).
    pub digests: u64,
    /// The latest digest's cutoff: no record up to then can have been removed or altered
    /// without the check failing.
    pub digest_cutoff: Option<i64>,
    pub first_broken: Option<Broken>,
}

impl Store {
    /// Verifies the whole trail: every stream's chain, then every digest (which catches what
    /// the chains cannot: a stream cut short with its head rewound to match). Reports the first
    /// thing that does not hold.
    pub async fn verify_audit(&self) -> StoreResult<VerifyReport> {
        let mut report = self.verify_chains().await?;
        if report.first_broken.is_none() {
            let digests = self.verify_audit_digests().await?;
            report.digests = digests.digests;
            report.digest_cutoff = digests.cutoff;
            report.first_broken = digests.first_broken;
        }
        Ok(report)
    }

    /// Walks every stream from its first record, recomputing each hash and checking each link,
    /// and compares the last record with the stream's head (which catches deleted tails unless
    /// the head was rewound too).
    async fn verify_chains(&self) -> StoreResult<VerifyReport> {
        let mut heads: HashMap<String, (i64, String)> =
            sqlx::query_as::<_, (String, i64, String)>("SELECT stream, seq, hash FROM audit_heads")
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(|(s, seq, h)| (s, (seq, h)))
                .collect();
        let mut report = VerifyReport {
            streams: 0,
            records: 0,
            digests: 0,
            digest_cutoff: None,
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
}

/// Checks a finished stream against its head; removes the head from the map.
fn close_stream(
    heads: &mut HashMap<String, (i64, String)>,
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
