//! Restoring a pg_dump archive into the configured PostgreSQL database with pg_restore, in one
//! transaction: a failed restore leaves the database as it was.

use std::ffi::OsString;
use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, Result, anyhow, bail};
use gridgov_store::backup::Contents;
use gridgov_store::{Backend, Store};

use super::pg_archive;
use super::pg_tools::{PgConnection, PgTool};
use super::restore::{Restored, bring_up, check_backup, key_for, refuse_overwrite};
use crate::config::Config;

pub async fn run(config: &Config, from: &Path, force: bool) -> Result<Restored> {
    let pg_restore = PgTool::find("pg_restore")?;
    let conn = PgConnection::from_url(&config.database_url)?;
    let (tool, archive) = (pg_restore.clone(), from.to_owned());
    let held = tokio::task::spawn_blocking(move || pg_archive::inventory(&tool, &archive))
        .await
        .map_err(|e| anyhow!("pg_restore's thread: {e}"))?
        .with_context(|| format!("reading the backup {} / 读取备份", from.display()))?;
    check_backup(&held, Backend::Postgres)?;
    let protector = key_for(config, held.key_check.as_deref())?;

    let store = Store::connect(&config.database_url)
        .await
        .with_context(|| format!("connecting to {}", config.database_url.redacted()))?;
    let prepared = prepare(&store, config, &held.tables, force).await;
    store.close().await;
    prepared?;

    let args: Vec<OsString> = [
        "--clean",
        "--if-exists",
        // Owners and grants name roles of the server the backup came from, which need not exist
        // here; the restored objects belong to the configured user.
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--verbose",
    ]
    .into_iter()
    .map(OsString::from)
    .chain([conn.dbname_arg(), from.as_os_str().to_owned()])
    .collect();
    let tool = pg_restore.clone();
    tokio::task::spawn_blocking(move || {
        tool.run_with_progress(&args, &conn, Stdio::null(), "pg_restore")
    })
    .await
    .map_err(|e| anyhow!("pg_restore's thread: {e}"))?
    .context("restoring; the database was left as it was / 恢复失败，数据库保持原样")?;

    let mut store = Store::connect(&config.database_url).await?;
    let restored = bring_up(&mut store, &protector).await;
    store.close().await;
    restored
}

/// Makes the database ready for `pg_restore --clean`: refuses to overwrite data unasked; clears
/// a schema that was migrated but never used (it may be newer than the backup's, with tables
/// the backup lacks); refuses a database holding tables the backup does not have, which
/// `--clean` would leave behind to clash with the migrations.
async fn prepare(store: &Store, config: &Config, archived: &[String], force: bool) -> Result<()> {
    let live = store.inventory().await?;
    refuse_overwrite(&live, config, force)?;
    match live.contents() {
        Contents::Empty => Ok(()),
        Contents::Unused => {
            let dropped = store.clear_unused_schema().await?;
            println!(
                "the database had gridgov's tables but no data: {} tables cleared first / \
                 数据库只有空表，已先清除 {} 张表",
                dropped.len(),
                dropped.len()
            );
            Ok(())
        }
        Contents::Data | Contents::Foreign => {
            let extra: Vec<&str> = live
                .tables
                .iter()
                .filter(|t| !archived.contains(t))
                .map(String::as_str)
                .collect();
            if !extra.is_empty() {
                bail!(
                    "the database has tables the backup does not ({}): a newer schema, or another \
                     application's. Nothing was changed. Restore into an empty database instead \
                     (drop and create it again, then run this restore) / 数据库中有备份里没有的表\
                     （更新的结构或其他应用的表），未做任何更改。请删除并重建数据库后再恢复",
                    extra.join(", ")
                );
            }
            Ok(())
        }
    }
}
