//! Verifying audit digests: their own chain, their records in the audit log, and every one of
//! them recomputed from the log in a single ordered pass.
//!
//! The pass reads each record up to the latest cutoff once, in stream order, and files it under
//! the digest whose interval holds its time; at the end of a stream, each such digest receives
//! the stream's head as of its cutoff. One hasher per digest (a few hundred bytes each) is all
//! the state besides the current stream, so the pass costs one read of the log however many
//! digests there are, and never holds more than one stream's records.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use gridgov_core::audit::GENESIS;
use gridgov_core::audit::digest::{HeadsHasher, china_time, interval_of};
use serde::Serialize;

use super::Broken;
use super::digest::{AuditDigest, DIGEST_STREAM, by_stream_bytes};
use crate::{Store, StoreResult};

/// How a failing digest is named in a [`Broken`]: the table as its stream, and the digest's
/// number as its sequence.
pub const DIGEST_TABLE: &str = "audit_digests";

#[derive(Debug, Clone, Serialize)]
pub struct DigestReport {
    pub digests: u64,
    /// The latest digest's cutoff.
    pub cutoff: Option<i64>,
    pub first_broken: Option<Broken>,
}

fn broken(seq: i64, reason: String) -> Option<Broken> {
    Some(Broken {
        stream: DIGEST_TABLE.to_owned(),
        seq,
        reason,
    })
}

impl Store {
    /// Checks the digests' chain, that each digest and its record in the audit log agree, and
    /// recomputes every digest from the log. Assumes the record chains were verified (a record
    /// altered in place is named better by [`Store::verify_audit`], which calls this after).
    pub async fn verify_audit_digests(&self) -> StoreResult<DigestReport> {
        let (digests, recorded) = self.digests_and_records().await?;
        let mut report = DigestReport {
            digests: digests.len() as u64,
            cutoff: digests.last().map(|d| d.cutoff),
            first_broken: check_chain(&digests),
        };
        if report.first_broken.is_none() {
            report.first_broken = check_records(&digests, recorded);
        }
        if report.first_broken.is_none() {
            report.first_broken = self.recompute(&digests).await?;
        }
        Ok(report)
    }

    /// Every digest, in order (one an hour: a year holds under 9,000), and the digests recorded
    /// in the log, by number: (record's sequence number, hash recorded). Read in one statement,
    /// so one snapshot on both databases: read apart, a digest written in between would show
    /// as a row without its record or a record without its row.
    async fn digests_and_records(
        &self,
    ) -> StoreResult<(Vec<AuditDigest>, BTreeMap<i64, (i64, String)>)> {
        type Row = (
            String,
            i64,
            i64,
            i64,
            i64,
            i64,
            String,
            String,
            String,
            String,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT 'digest' AS kind, seq, at, cutoff, streams, records, digest, prev, hash, \
             '' AS summary FROM audit_digests \
             UNION ALL \
             SELECT 'record', seq, 0, 0, 0, 0, '', '', '', summary FROM audit_log \
             WHERE stream = $1 AND action = 'audit.digest' \
             ORDER BY 1, 2",
        )
        .bind(DIGEST_STREAM)
        .fetch_all(&self.pool)
        .await?;
        let mut digests = Vec::new();
        let mut recorded = BTreeMap::new();
        for (kind, seq, at, cutoff, streams, records, digest, prev, hash, summary) in rows {
            if kind == "digest" {
                digests.push(AuditDigest {
                    seq,
                    at,
                    cutoff,
                    streams,
                    records,
                    digest,
                    prev,
                    hash,
                });
            } else {
                // A summary that does not parse names digest 0, which never exists.
                let s: serde_json::Value = serde_json::from_str(&summary).unwrap_or_default();
                let digest = s["digest"].as_i64().unwrap_or(0);
                let hash = s["hash"].as_str().unwrap_or_default().to_owned();
                recorded.insert(digest, (seq, hash));
            }
        }
        Ok((digests, recorded))
    }

    /// Recomputes every digest in one pass over the log (see the module's notes).
    async fn recompute(&self, digests: &[AuditDigest]) -> StoreResult<Option<Broken>> {
        let Some(last) = digests.last() else {
            return Ok(None);
        };
        let cutoffs: Vec<i64> = digests.iter().map(|d| d.cutoff).collect();
        let mut hashers = vec![HeadsHasher::new(); digests.len()];
        // `+at`: the walk of the primary key, not the index on `at` (see `heads_between`).
        let sql = format!(
            "SELECT stream, seq, at, hash FROM audit_log WHERE +at <= $1 ORDER BY {}, seq",
            by_stream_bytes(self.backend(), "stream")
        );
        let mut rows = sqlx::query_as::<_, (String, i64, i64, String)>(&sql)
            .bind(last.cutoff)
            .fetch(&self.pool);
        let mut stream = String::new();
        // Per digest index: the stream's last record in that interval, and how many it has.
        let mut filed: BTreeMap<usize, (i64, String, u64)> = BTreeMap::new();
        while let Some((s, seq, at, hash)) = rows.try_next().await? {
            if s != stream {
                close_stream(&stream, std::mem::take(&mut filed), &mut hashers);
                stream = s;
            }
            if let Some(k) = interval_of(at, &cutoffs) {
                let e = filed.entry(k).or_insert((seq, String::new(), 0));
                // Rows come in sequence order, so the last one filed is the greatest.
                (e.0, e.1) = (seq, hash);
                e.2 += 1;
            }
        }
        close_stream(&stream, filed, &mut hashers);

        for (i, (d, h)) in digests.iter().zip(hashers).enumerate() {
            let now = h.finish();
            if now.digest == d.digest
                && now.streams as i64 == d.streams
                && now.records as i64 == d.records
            {
                continue;
            }
            let from = match i {
                0 => "the beginning".to_owned(),
                _ => china_time(digests[i - 1].cutoff),
            };
            return Ok(broken(
                d.seq,
                format!(
                    "audit digest {} (records of {from} to {}) does not match the log: records \
                     of that time were removed, altered or added (it covered {} records in {} \
                     streams; the log now has {} in {})",
                    d.seq,
                    china_time(d.cutoff),
                    d.records,
                    d.streams,
                    now.records,
                    now.streams
                ),
            ));
        }
        Ok(None)
    }
}

/// Hands a finished stream to the digests of the intervals it was written in: each gets the
/// stream's head as of its cutoff, the greatest sequence number filed in it or before.
fn close_stream(
    stream: &str,
    filed: BTreeMap<usize, (i64, String, u64)>,
    hashers: &mut [HeadsHasher],
) {
    let mut head: Option<(i64, String)> = None;
    for (k, (seq, hash, n)) in filed {
        if head.as_ref().is_none_or(|(s, _)| seq > *s) {
            head = Some((seq, hash));
        }
        if let (Some((seq, hash)), Some(h)) = (&head, hashers.get_mut(k)) {
            h.add(stream, *seq, hash, n);
        }
    }
}

/// Each digest is recorded in [`DIGEST_STREAM`] in the transaction that stores it, so a digest
/// row deleted from the end of the table leaves its record behind. (The record can go too only
/// by cutting that stream's tail and rewinding its head; nothing inside the database sees that.)
fn check_records(
    digests: &[AuditDigest],
    mut recorded: BTreeMap<i64, (i64, String)>,
) -> Option<Broken> {
    for d in digests {
        match recorded.remove(&d.seq) {
            None => {
                return broken(
                    d.seq,
                    format!(
                        "audit digest {} has no record in the audit log ({DIGEST_STREAM}): the \
                         record was removed, or the digest was not written by gridgov",
                        d.seq
                    ),
                );
            }
            Some((record, hash)) if hash != d.hash => {
                return broken(
                    d.seq,
                    format!(
                        "audit digest {} differs from the one recorded when it was written \
                         ({DIGEST_STREAM} record {record})",
                        d.seq
                    ),
                );
            }
            Some(_) => {}
        }
    }
    // Records left over name digests that are gone.
    let (seq, (record, _)) = recorded.into_iter().next()?;
    broken(
        seq,
        format!(
            "audit digest {seq} is missing but was recorded when it was written ({DIGEST_STREAM} \
             record {record}): digests were deleted"
        ),
    )
}

/// The digests' own chain: numbered from 1 without gaps, each linked to the one before (the
/// first to the genesis value), each row's hash over its fields, cutoffs increasing.
fn check_chain(digests: &[AuditDigest]) -> Option<Broken> {
    let mut prev: Option<&AuditDigest> = None;
    for (i, d) in digests.iter().enumerate() {
        let expect = i as i64 + 1;
        if d.seq != expect {
            return broken(
                expect,
                format!(
                    "audit digest {expect} is missing (the next one is {})",
                    d.seq
                ),
            );
        }
        if d.prev != prev.map_or(GENESIS, |p| p.hash.as_str()) {
            return broken(
                d.seq,
                format!("audit digest {} does not link to the one before it", d.seq),
            );
        }
        if d.expected_hash() != d.hash {
            return broken(
                d.seq,
                format!(
                    "audit digest {} does not match its hash (the row was altered)",
                    d.seq
                ),
            );
        }
        if prev.is_some_and(|p| p.cutoff >= d.cutoff) {
            return broken(
                d.seq,
                format!(
                    "audit digest {}'s cutoff is not after the one before it",
                    d.seq
                ),
            );
        }
        prev = Some(d);
    }
    None
}
