//! `gridgov audit verify`: recompute every hash chain and digest of the audit trail;
//! `gridgov audit digest`: write a digest of every stream's head now.

use std::path::Path;

use anyhow::{Result, bail};
use gridgov_core::audit::digest::china_time;
use gridgov_store::audit::{DIGEST_TABLE, DigestWrite};

use crate::cli::{AuditCommand, DbArgs};

pub async fn run(file: Option<&Path>, db: &DbArgs, action: AuditCommand) -> Result<()> {
    let config = super::load_config(file, db, None)?;
    let store = super::open_store(&config).await?;
    let result = match action {
        AuditCommand::Verify => verify(&store).await,
        AuditCommand::Digest => digest(&store).await,
    };
    store.close().await;
    result
}

async fn verify(store: &gridgov_store::Store) -> Result<()> {
    let report = store.verify_audit().await?;
    println!("streams: {}, records: {}", report.streams, report.records);
    if let Some(b) = report.first_broken {
        if b.stream == DIGEST_TABLE {
            println!("audit digest broken / 审计摘要不符: {}", b.reason);
            bail!("an audit digest does not hold / 审计摘要不符")
        }
        println!(
            "audit chain broken / 审计链已断开: stream {}, seq {}: {}",
            b.stream, b.seq, b.reason
        );
        bail!("the audit chain is broken / 审计链已断开")
    }
    match report.digest_cutoff {
        Some(cutoff) => println!(
            "audit digests / 审计摘要: {} checked / 已核对 {} 个, covering records up to / 覆盖记录截至 \
             {} (UTC+8)",
            report.digests,
            report.digests,
            china_time(cutoff)
        ),
        None => println!(
            "audit digests / 审计摘要: none yet; `gridgov audit digest` writes one / 尚无摘要"
        ),
    }
    println!("audit chain intact / 审计链完整");
    Ok(())
}

async fn digest(store: &gridgov_store::Store) -> Result<()> {
    let started = std::time::Instant::now();
    let (d, written) = match store.write_audit_digest().await? {
        DigestWrite::Written(d) => (d, true),
        DigestWrite::Skipped(d) => (d, false),
    };
    if written {
        println!("audit digest written / 已写入审计摘要: #{}", d.seq);
    } else {
        println!(
            "the latest audit digest already covers this time / 最新的审计摘要已覆盖此时: #{}",
            d.seq
        );
    }
    println!(
        "covers records up to / 覆盖记录截至: {} (UTC+8)",
        china_time(d.cutoff)
    );
    println!(
        "since the previous digest / 自上一摘要以来: {} streams / 条流, {} records / 条记录",
        d.streams, d.records
    );
    println!("hash / 哈希: {}", d.hash);
    println!("took / 用时: {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}
