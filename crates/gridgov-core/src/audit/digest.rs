//! Digests of the audit log: a second chain, one link per digest, that fixes which record every
//! stream had reached at a cutoff time, so that cutting the tail off a stream and rewinding its
//! head (which leaves a shorter chain that still verifies) no longer goes unnoticed.
//!
//! Digest `k` covers the records written in `(cutoff of k-1, cutoff of k]` (the first digest,
//! everything up to its cutoff): for every stream with a record in that interval, the stream's
//! head as of the cutoff, `(stream, seq, hash)` of its record with the greatest sequence number
//! whose time is at or before the cutoff, in byte order of the stream name. A stream quiet
//! during an interval is not in that digest; its head is fixed by the digest of the interval of
//! its last record. Digests chain like records: each row's hash is over the hash of the row
//! before it and every field, so together digests `1..=k` fix every head as of cutoff `k`, and
//! verifying all of them is one ordered pass over the log however many digests there are.

use sha2::{Digest, Sha256};

/// How far a digest's cutoff trails the time it is written. A record's time is taken before
/// its transaction commits, and records of one stream may commit in another order than their
/// times; a digest that covered times still open could later be recomputed over records that
/// were not yet visible when it was written. The margin must exceed the longest write
/// transaction (bulk imports: about a minute per million rows) plus the clock difference between
/// nodes; records younger than the margin are covered by the next digest.
pub const DIGEST_TRAIL_MS: i64 = 10 * 60_000;

/// A node's periodic job writes a digest when the latest one is at least this old, so several
/// nodes that check every few minutes write about one an hour between them.
pub const DIGEST_DUE_MS: i64 = 50 * 60_000;

/// The hashed list of stream heads of one digest, fed one stream at a time in byte order of the
/// stream name; also counts what it was given.
#[derive(Debug, Clone, Default)]
pub struct HeadsHasher {
    hasher: Sha256,
    streams: u64,
    records: u64,
}

/// What a [`HeadsHasher`] was given: the digest and its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heads {
    /// SHA-256 over every `(stream, seq, hash)`, each field length-prefixed, hex.
    pub digest: String,
    pub streams: u64,
    /// Records of the interval (not only heads): a record removed from the middle of an
    /// interval changes this count even where it was not a head.
    pub records: u64,
}

impl HeadsHasher {
    pub fn new() -> Self {
        Self::default()
    }

    /// One stream: its head as of the cutoff, and how many of its records the interval holds.
    pub fn add(&mut self, stream: &str, seq: i64, hash: &str, records: u64) {
        let seq = seq.to_string();
        for part in [stream, &seq, hash] {
            self.hasher.update((part.len() as u64).to_le_bytes());
            self.hasher.update(part.as_bytes());
        }
        self.streams += 1;
        self.records += records;
    }

    pub fn finish(self) -> Heads {
        Heads {
            digest: hex::encode(self.hasher.finalize()),
            streams: self.streams,
            records: self.records,
        }
    }
}

/// The fields of a digest row that its chain hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestFields<'a> {
    pub seq: i64,
    pub at_ms: i64,
    pub cutoff_ms: i64,
    pub streams: i64,
    pub records: i64,
    pub digest: &'a str,
}

/// SHA-256 over the previous digest's hash and every field, each length-prefixed, as for
/// records ([`super::chain_hash`]); the first digest links to [`super::GENESIS`].
pub fn digest_chain_hash(prev_hash: &str, f: &DigestFields<'_>) -> String {
    let mut h = Sha256::new();
    let numbers = [f.seq, f.at_ms, f.cutoff_ms, f.streams, f.records].map(|n| n.to_string());
    let mut parts: Vec<&str> = vec!["audit-digest", prev_hash];
    parts.extend(numbers.iter().map(String::as_str));
    parts.push(f.digest);
    for part in parts {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The index of the digest whose interval holds a record written at `at_ms`, given the digests'
/// cutoffs in increasing order; `None` when the record is younger than the last cutoff.
pub fn interval_of(at_ms: i64, cutoffs: &[i64]) -> Option<usize> {
    let i = cutoffs.partition_point(|&c| c < at_ms);
    (i < cutoffs.len()).then_some(i)
}

/// A time as China Standard Time (UTC+8, the zone of every deployment), to the second, for
/// messages that name a digest's interval: `2026-11-23 07:50:00`.
pub fn china_time(ms: i64) -> String {
    let local = ms.div_euclid(1000) + 8 * 3600;
    let (y, m, d) = crate::ids::civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::GENESIS;

    #[test]
    fn the_heads_digest_depends_on_every_field_and_on_order() {
        let digest = |heads: &[(&str, i64, &str)]| {
            let mut h = HeadsHasher::new();
            for (s, seq, hash) in heads {
                h.add(s, *seq, hash, 1);
            }
            h.finish()
        };
        let base = digest(&[("user:1", 3, "aa"), ("user:2", 1, "bb")]);
        assert_eq!((base.streams, base.records), (2, 2));
        for other in [
            digest(&[("user:1", 2, "aa"), ("user:2", 1, "bb")]),
            digest(&[("user:1", 3, "ab"), ("user:2", 1, "bb")]),
            digest(&[("user:2", 1, "bb"), ("user:1", 3, "aa")]),
            digest(&[("user:1", 3, "aa")]),
            // Field boundaries: the same bytes split otherwise.
            digest(&[("user:1", 3, "aab"), ("user:2", 1, "b")]),
        ] {
            assert_ne!(base.digest, other.digest);
        }
        assert_eq!(digest(&[]).digest.len(), 64);
    }

    #[test]
    fn the_chain_hash_covers_every_field() {
        let f = DigestFields {
            seq: 1,
            at_ms: 1_795_392_000_000,
            cutoff_ms: 1_795_391_400_000,
            streams: 2,
            records: 5,
            digest: "ab",
        };
        let h = digest_chain_hash(GENESIS, &f);
        let changed = [
            DigestFields {
                seq: 2,
                ..f.clone()
            },
            DigestFields {
                at_ms: f.at_ms + 1,
                ..f.clone()
            },
            DigestFields {
                cutoff_ms: f.cutoff_ms + 1,
                ..f.clone()
            },
            DigestFields {
                streams: 3,
                ..f.clone()
            },
            DigestFields {
                records: 4,
                ..f.clone()
            },
            DigestFields {
                digest: "ac",
                ..f.clone()
            },
        ];
        for c in &changed {
            assert_ne!(h, digest_chain_hash(GENESIS, c));
        }
        assert_ne!(h, digest_chain_hash(&h, &f));
    }

    #[test]
    fn a_record_falls_in_the_first_interval_whose_cutoff_is_not_before_it() {
        let cutoffs = [100, 200, 300];
        assert_eq!(interval_of(i64::MIN, &cutoffs), Some(0));
        assert_eq!(interval_of(100, &cutoffs), Some(0));
        assert_eq!(interval_of(101, &cutoffs), Some(1));
        assert_eq!(interval_of(300, &cutoffs), Some(2));
        assert_eq!(interval_of(301, &cutoffs), None);
        assert_eq!(interval_of(5, &[]), None);
    }

    #[test]
    fn times_are_shown_in_china() {
        // 2026-11-23 00:00 UTC is 08:00 in Beijing.
        assert_eq!(china_time(1_795_392_000_000), "2026-11-23 08:00:00");
        assert_eq!(
            china_time(1_795_392_000_000 - 601_000),
            "2026-11-23 07:49:59"
        );
    }
}
