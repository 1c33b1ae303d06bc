//! `gridgov backup --out FILE`: one file holding the database as of one moment, written while
//! the server may go on serving, and beside it `FILE.blobs/` with the attachment files its rows
//! name (see `blobs.rs`). The folder is complete before the database file is renamed into
//! place, so a finished backup file always has its attachments.

use std::ffi::OsString;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use gridgov_store::backup::{Inventory, blob_ids_of_sqlite_file, inventory_of_sqlite_file};
use gridgov_store::{Backend, Store};
use indicatif::{ProgressBar, ProgressStyle};

use super::blobs;
use super::file::{Partial, check_new_output, human_size};
use super::pg_tools::{PgConnection, PgTool};
use super::report::{contents_line, print_keys_not_included};
use crate::cli::DbArgs;
use crate::config::Config;

pub async fn run(file: Option<&Path>, db: &DbArgs, out: &Path) -> Result<()> {
    let started = Instant::now();
    let config = crate::commands::load_config(file, db, None)?;
    check_new_output(out)?;
    check_new_output(&blobs::dir_beside(out))?;
    let (inventory, how, carried) = match config.database_url.backend() {
        Backend::Sqlite => sqlite(&config, out).await?,
        Backend::Postgres => postgres(&config, out).await?,
    };
    let size = std::fs::metadata(out)
        .with_context(|| format!("reading {}", out.display()))?
        .len();
    println!(
        "backup written / 备份已写入: {} ({}, {:.1} s; {how})",
        out.display(),
        human_size(size),
        started.elapsed().as_secs_f64()
    );
    println!("contents / 内容: {}", contents_line(&inventory));
    println!(
        "attachments / 附件: {} in {}",
        carried.line(),
        blobs::dir_beside(out).display()
    );
    print_keys_not_included(inventory.key_check.as_deref());
    Ok(())
}

/// Connects without migrating: a backup holds the schema as it is, so one taken by a newer
/// binary before `gridgov migrate` still restores into the old one.
async fn connect(config: &Config) -> Result<Store> {
    Store::connect(&config.database_url)
        .await
        .with_context(|| format!("connecting to {}", config.database_url.redacted()))
}

async fn sqlite(config: &Config, out: &Path) -> Result<(Inventory, String, blobs::Carried)> {
    let path = config
        .database_url
        .sqlite_path()
        .ok_or_else(|| anyhow!("an in-memory database cannot be backed up / 内存数据库无法备份"))?;
    if !path.is_file() {
        bail!(
            "there is no database at {}: nothing to back up / 该位置没有数据库，无需备份",
            path.display()
        );
    }
    let store = connect(config).await?;
    // VACUUM INTO fills the empty private file created here, so the copy is never readable by
    // others, not even while it is being written.
    let (partial, _) = Partial::beside(out, "partial")?;
    let watch = watch_size(partial.path(), "copying the database / 复制数据库");
    let copied = store.vacuum_into(partial.path()).await;
    watch.finish();
    store.close().await;
    copied.context("copying the database / 复制数据库")?;
    let inventory = inventory_of_sqlite_file(partial.path())
        .await
        .context("reading the copy back / 读取备份副本")?;
    let ids = blob_ids_of_sqlite_file(partial.path())
        .await
        .context("reading the copy back / 读取备份副本")?;
    let carried = blobs::carry_out(&ids, &config.data_dir.join("blobs"), out).await?;
    partial.finish(out, false)?;
    Ok((inventory, "SQLite, online copy".into(), carried))
}

async fn postgres(config: &Config, out: &Path) -> Result<(Inventory, String, blobs::Carried)> {
    let store = connect(config).await?;
    let server = store.server_major_version().await?;
    let pg_dump = PgTool::find("pg_dump")?;
    pg_dump.require_at_least(server)?;
    let conn = PgConnection::from_url(&config.database_url)?;
    let (partial, file) = Partial::beside(out, "partial")?;
    // pg_dump reads the snapshot exported here, so the counts printed match the archive.
    let mut snapshot = store.export_snapshot().await?;
    let args = vec![
        OsString::from("--format=custom"),
        OsString::from("--verbose"),
        OsString::from(format!("--snapshot={}", snapshot.id())),
        conn.dbname_arg(),
    ];
    let tool = pg_dump.clone();
    let dumped = tokio::task::spawn_blocking(move || {
        tool.run_with_progress(&args, &conn, Stdio::from(file), "pg_dump")
    })
    .await
    .map_err(|e| anyhow!("pg_dump's thread: {e}"))?;
    let read = match dumped {
        Ok(()) => match snapshot.inventory().await {
            Ok(inventory) => snapshot.blob_ids().await.map(|ids| (inventory, ids)),
            Err(e) => Err(e),
        },
        Err(e) => {
            let _ = snapshot.end().await;
            store.close().await;
            return Err(e.context("dumping the database / 导出数据库"));
        }
    };
    snapshot.end().await?;
    store.close().await;
    let (inventory, ids) = read?;
    let carried = blobs::carry_out(&ids, &config.data_dir.join("blobs"), out).await?;
    partial.finish(out, false)?;
    Ok((
        inventory,
        format!("PostgreSQL, pg_dump custom format, {}", pg_dump.version),
        carried,
    ))
}

/// A spinner showing how large a file being written has grown.
struct SizeWatch {
    bar: ProgressBar,
    task: tokio::task::JoinHandle<()>,
}

fn watch_size(path: &Path, doing: &str) -> SizeWatch {
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg} {bytes}") {
        bar.set_style(style);
    }
    bar.set_message(doing.to_owned());
    bar.enable_steady_tick(Duration::from_millis(120));
    let (b, p) = (bar.clone(), path.to_owned());
    let task = tokio::spawn(async move {
        loop {
            if let Ok(m) = std::fs::metadata(&p) {
                b.set_position(m.len());
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
    SizeWatch { bar, task }
}

impl SizeWatch {
    fn finish(self) {
        self.task.abort();
        self.bar.finish_and_clear();
    }
}
