//! Restoring a SQLite backup: the backup is copied beside the database under a temporary name,
//! brought up to date and verified there, and renamed over the database only when all is well,
//! so a refused or failed restore leaves the database as it was.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use gridgov_store::backup::{inventory_of_sqlite_file, sqlite_file_in_use};
use gridgov_store::{Backend, DatabaseUrl, Store};

use super::file::{Partial, SQLITE_SIDE_FILES, copy_with_progress, side_file};
use super::restore::{Restored, bring_up, check_backup, key_for, refuse_overwrite};
use crate::config::Config;

pub async fn run(config: &Config, from: &Path, force: bool) -> Result<Restored> {
    let target = config.database_url.sqlite_path().ok_or_else(|| {
        anyhow!("cannot restore into an in-memory database / 无法恢复到内存数据库")
    })?;
    // Read-only: looking at the backup never changes it.
    let held = inventory_of_sqlite_file(from)
        .await
        .with_context(|| format!("reading the backup {} / 读取备份", from.display()))?;
    check_backup(&held, Backend::Sqlite)?;
    let protector = key_for(config, held.key_check.as_deref())?;

    if target.exists() {
        let store = Store::connect(&config.database_url)
            .await
            .with_context(|| format!("opening {}", target.display()))?;
        let live = store.inventory().await;
        store.close().await;
        refuse_overwrite(&live?, config, force)?;
        refuse_in_use(&target).await?;
    } else if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }

    let (partial, file) = Partial::beside(&target, "restore")?;
    let (src, copy) = (from.to_owned(), file);
    tokio::task::spawn_blocking(move || copy_with_progress(&src, copy))
        .await
        .map_err(|e| anyhow!("the copying thread: {e}"))??;
    let mut store = Store::connect(&DatabaseUrl::sqlite_file(partial.path()))
        .await
        .context("opening the restored copy / 打开恢复副本")?;
    let restored = bring_up(&mut store, &protector).await;
    // The copy must be one file before it is renamed: its log goes into it.
    let checkpointed = store.checkpoint().await;
    store.close().await;
    let restored = restored?;
    checkpointed.context("writing the restored copy's log into it")?;
    if let Some(b) = &restored.audit.first_broken {
        bail!(
            "the backup's audit chain is broken / 备份的审计链已断开: stream {}, seq {}: {}. The \
             backup was altered after these records were written; nothing was changed / 备份在写入\
             后被改动过，未做任何更改",
            b.stream,
            b.seq,
            b.reason
        );
    }

    // Asked again: a server may have started while the copy was made.
    if target.exists() {
        refuse_in_use(&target).await?;
    }
    // Logs left beside the old database belong to it; SQLite would apply them to the new one.
    for suffix in SQLITE_SIDE_FILES {
        let side = side_file(&target, suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing {}", side.display())),
        }
    }
    partial.finish(&target, true)?;
    Ok(restored)
}

async fn refuse_in_use(target: &Path) -> Result<()> {
    if sqlite_file_in_use(target).await? {
        bail!(
            "{} is in use (is gridgov serve, or another gridgov command, running?); stop every \
             gridgov process using it, then restore again. Nothing was changed / 数据库文件正被使用\
             （gridgov serve 或其他 gridgov 命令是否在运行？），请先停止它们再恢复。未做任何更改",
            target.display()
        );
    }
    Ok(())
}
