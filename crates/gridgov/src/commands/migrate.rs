//! `gridgov migrate`: apply the pending migrations and stop.

use std::path::Path;

use anyhow::Result;

use crate::cli::DbArgs;

pub async fn run(file: Option<&Path>, db: &DbArgs) -> Result<()> {
    let config = super::load_config(file, db, None)?;
    let store = super::open_store(&config).await?;
    println!("database {} is up to date", config.database_url.redacted());
    store.close().await;
    Ok(())
}
