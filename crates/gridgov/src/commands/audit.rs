//! `gridgov audit verify`: recompute every hash chain of the audit trail.

use std::path::Path;

use anyhow::{Result, bail};

use crate::cli::{AuditCommand, DbArgs};

pub async fn run(file: Option<&Path>, db: &DbArgs, action: AuditCommand) -> Result<()> {
    let AuditCommand::Verify = action;
    let config = super::load_config(file, db, None)?;
    let store = super::open_store(&config).await?;
    let report = store.verify_audit().await?;
    store.close().await;
    println!("streams: {}, records: {}", report.streams, report.records);
    match report.first_broken {
        None => {
            println!("audit chain intact / 审计链完整");
            Ok(())
        }
        Some(b) => {
            println!(
                "audit chain broken / 审计链已断开: stream {}, seq {}: {}",
                b.stream, b.seq, b.reason
            );
            bail!("the audit chain is broken / 审计链已断开")
        }
    }
}
