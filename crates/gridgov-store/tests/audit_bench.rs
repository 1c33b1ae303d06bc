#![allow(clippy::unwrap_used, clippy::expect_used)]
//! How long audit digests take over a large trail, on both databases. Timing, so ignored; run
//! by hand in release (docs/benchmarks.md, "Audit digests"):
//!
//! `cargo test --release -p gridgov-store --test audit_bench -- --ignored --nocapture --test-threads 1`
//!
//! `GRIDGOV_BENCH_AUDIT_RECORDS` sets the number of records (default 1,000,000) and
//! `GRIDGOV_BENCH_AUDIT_PER_STREAM` the records per stream (default 5); they are written in one
//! statement, spread over thirty days up to the first cutoff. Their hashes are not chained (only
//! the digests are timed and checked here).

use std::time::Instant;

use gridgov_store::Backend;
use gridgov_store::audit::DigestWrite;
use gridgov_store::testing::TestDb;

const MINUTE: i64 = 60_000;
const COLUMNS: &str = "stream, seq, at, actor_id, actor_name, action, resource, scope_path, \
                       summary, prev_hash, hash";

/// Records `0..n` as `INSERT … SELECT` over a generated series: record `i` goes to stream
/// `i % streams` as its record `i / streams + first_seq`, at `start + i * step_ms`.
fn generate(
    backend: Backend,
    n: i64,
    streams: i64,
    first_seq: i64,
    start: i64,
    step_ms: i64,
) -> String {
    let values = |hash: &str| {
        format!(
            "SELECT 'bench:' || (i % {streams}), i / {streams} + {first_seq}, {start} + i * {step_ms}, \
             'system', 'system', 'bench.write', 'bench:' || (i % {streams}), '', '{{}}', '', {hash}"
        )
    };
    match backend {
        Backend::Sqlite => format!(
            "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < {n} - 1) \
             INSERT INTO audit_log ({COLUMNS}) {} FROM g",
            values("lower(hex(randomblob(32)))")
        ),
        Backend::Postgres => format!(
            "INSERT INTO audit_log ({COLUMNS}) {} FROM generate_series(CAST(0 AS BIGINT), {n} - 1) AS i",
            values("md5(i::text) || md5((i + 1)::text)")
        ),
    }
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

async fn run(db: TestDb) {
    let env = |name: &str, default: i64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let n = env("GRIDGOV_BENCH_AUDIT_RECORDS", 1_000_000);
    let streams = (n / env("GRIDGOV_BENCH_AUDIT_PER_STREAM", 5)).max(1);
    let backend = db.store.backend();
    let now = db.store.now_ms();
    let month = 30 * 24 * 60 * MINUTE;

    let t = Instant::now();
    // Ending before the first cutoff, so the first digest covers them all.
    let sql = generate(backend, n, streams, 1, now - month - 11 * MINUTE, month / n);
    db.store.execute_raw_for_tests(&sql).await.unwrap();
    db.store.execute_raw_for_tests("ANALYZE").await.unwrap();
    let generated = secs(t);

    // Floors: what the database alone takes to group the records by stream up to the cutoff,
    // and to read every record's hash, without sending rows or hashing them.
    let cutoff = now - 10 * MINUTE;
    let t = Instant::now();
    let groups = db
        .store
        .scalar_for_tests(&format!(
            "SELECT COUNT(*) FROM (SELECT stream, MAX(seq) AS seq, COUNT(*) AS n FROM audit_log \
             WHERE +at <= {cutoff} GROUP BY stream) h"
        ))
        .await
        .unwrap();
    let group_floor = secs(t);
    assert_eq!(groups, streams);
    let t = Instant::now();
    db.store
        .scalar_for_tests(&format!(
            "SELECT CAST(SUM(LENGTH(hash)) AS BIGINT) FROM audit_log WHERE +at <= {cutoff}"
        ))
        .await
        .unwrap();
    let read_floor = secs(t);

    let t = Instant::now();
    let DigestWrite::Written(first) = db.store.write_audit_digest().await.unwrap() else {
        panic!("no digest written");
    };
    let first_s = secs(t);
    assert_eq!((first.records, first.streams), (n, streams));

    // An hour of work at the same rate, on streams that already exist.
    let hour = (n / 720).max(1);
    let sql = generate(backend, hour, streams, n / streams + 1, now - 5 * MINUTE, 1);
    db.store.execute_raw_for_tests(&sql).await.unwrap();
    db.clock.advance_ms(60 * MINUTE);
    let t = Instant::now();
    let DigestWrite::Written(next) = db.store.write_audit_digest().await.unwrap() else {
        panic!("no second digest written");
    };
    let next_s = secs(t);
    // The hour's records and the first digest's own record.
    assert_eq!(next.records, hour + 1);

    let t = Instant::now();
    let report = db.store.verify_audit_digests().await.unwrap();
    let verify_s = secs(t);
    assert_eq!(report.first_broken, None);
    assert_eq!(report.digests, 2);

    let per_million = |s: f64| s * 1_000_000.0 / n as f64;
    println!(
        "{backend:?}: {n} records in {streams} streams (generated in {generated:.2} s)\n  \
         first digest: {first_s:.2} s, {:.2} s per million records (floor, the database \
         grouping alone: {group_floor:.2} s)\n  \
         the next hour's ({hour} records): {next_s:.3} s\n  \
         verifying both digests: {verify_s:.2} s, {:.2} s per million (floor, the database \
         reading every hash alone: {read_floor:.2} s)",
        per_million(first_s),
        per_million(verify_s),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing; run by hand in release"]
async fn digest_throughput_sqlite() {
    run(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing; run by hand in release"]
async fn digest_throughput_postgres() {
    run(TestDb::postgres().await).await;
}
