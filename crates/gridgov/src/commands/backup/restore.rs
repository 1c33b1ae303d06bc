//! `gridgov restore --from FILE [--force]`: the checks both databases share, and the report.
//!
//! Before anything changes: the file is a backup of the configured kind of database, made by a
//! gridgov no newer than this one, its sealed values open with the configured data key, and the
//! database holds no data (or `--force`). A wrong or missing key refuses the restore outright:
//! restored with it, every ID number and phone would be unreadable and the server would refuse
//! to start. After restoring: pending migrations, the key confirmed against the restored
//! database, the audit chain verified.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use gridgov_store::audit::VerifyReport;
use gridgov_store::backup::{Contents, Inventory};
use gridgov_store::protect::Protector;
use gridgov_store::{Backend, Store};

use super::file::BackupKind;
use super::report::contents_line;
use crate::cli::DbArgs;
use crate::config::Config;

/// A restored database, checked.
pub struct Restored {
    pub inventory: Inventory,
    pub audit: VerifyReport,
    pub migrations_applied: usize,
}

pub async fn run(file: Option<&Path>, db: &DbArgs, from: &Path, force: bool) -> Result<()> {
    let started = Instant::now();
    let config = crate::commands::load_config(file, db, None)?;
    let kind = BackupKind::sniff(from)?;
    let backend = config.database_url.backend();
    let (expected, database) = match backend {
        Backend::Sqlite => (BackupKind::Sqlite, "SQLite"),
        Backend::Postgres => (BackupKind::PgArchive, "PostgreSQL"),
    };
    if kind != expected {
        bail!(
            "{} is {}, but the configured database is {database}; a backup restores into the \
             kind of database it came from / 备份与所配置的数据库类型不同，无法恢复",
            from.display(),
            kind.describe()
        );
    }
    println!(
        "restoring / 正在恢复 {} → {}",
        from.display(),
        config.database_url.redacted()
    );
    let restored = match backend {
        Backend::Sqlite => super::restore_sqlite::run(&config, from, force).await?,
        Backend::Postgres => super::restore_postgres::run(&config, from, force).await?,
    };
    println!(
        "migrations / 迁移: {} applied / 已应用 {} 个",
        restored.migrations_applied, restored.migrations_applied
    );
    if let Some(b) = &restored.audit.first_broken {
        bail!(
            "restored, but the audit chain is broken / 已恢复，但审计链已断开: stream {}, seq {}: \
             {}. The backup was altered after these records were written; find out why before \
             serving it / 备份在写入后被改动过，请查明原因后再启用",
            b.stream,
            b.seq,
            b.reason
        );
    }
    println!(
        "audit chain intact / 审计链完整: {} streams, {} records",
        restored.audit.streams, restored.audit.records
    );
    // The attachment files, after the database: a refused restore leaves no trace, and a
    // file damaged in the backup is named with the database already in place.
    let data_blobs = config.data_dir.join("blobs");
    match super::blobs::carry_in(from, &data_blobs).await? {
        Some(c) => println!("attachments / 附件: {} restored / 已恢复", c.line()),
        None => println!(
            "attachments / 附件: no folder {} beside the backup / 备份旁没有附件目录",
            super::blobs::dir_beside(from).display()
        ),
    }
    let store = Store::connect(&config.database_url)
        .await
        .context("opening the restored database / 打开恢复后的数据库")?;
    let named = store.blob_ids().await;
    store.close().await;
    let missing = super::blobs::missing(&named?, &data_blobs).await?;
    if let Some(first) = missing.first() {
        println!(
            "warning / 警告: {} attachment files the records name are not in {} (first: {first}); \
             their photos and documents will not open / 有 {} 个附件文件缺失，相应照片和文件无法打开",
            missing.len(),
            data_blobs.display(),
            missing.len()
        );
    }
    println!(
        "restored / 已恢复 in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        contents_line(&restored.inventory)
    );
    Ok(())
}

/// The data key the backup's sealed values need, checked before anything changes. A backup that
/// never recorded a key holds nothing sealed; the configured key (or a new `data.key`) will do.
pub fn key_for(config: &Config, held: Option<&str>) -> Result<Protector> {
    let Some(needed) = held else {
        println!(
            "the backup records no data key (nothing sealed yet); the configured one will be \
             recorded / 备份未记录数据密钥（尚无加密数据），将记录所配置的密钥"
        );
        return config.protector();
    };
    let Some(protector) = config.existing_protector()? else {
        bail!(
            "this backup's ID numbers and phones are sealed (data key check {needed}), but no data \
             key is configured and {} does not exist; put the data key kept with the backup there \
             or in data_key / GRIDGOV_DATA_KEY. Nothing was changed / 本备份中的身份证号和电话已加密\
             （数据密钥校验值 {needed}），但未配置数据密钥，也没有 data.key 文件：请配置与备份一同保管的\
             数据密钥。未做任何更改",
            config.data_key_file().display()
        );
    };
    let mine = protector.key_check();
    if mine != needed {
        bail!(
            "the configured data key (check {mine}) is not the key this backup's ID numbers and \
             phones were sealed with (check {needed}): restored with it, they could not be read. \
             Nothing was changed. Configure the data key kept with this backup (data_key / \
             GRIDGOV_DATA_KEY, or data.key in the data directory) / 所配置的数据密钥（校验值 \
             {mine}）不是本备份加密身份证号和电话时所用的密钥（校验值 {needed}）：用它恢复，这些数据\
             将无法读取。未做任何更改。请配置与本备份一同保管的数据密钥"
        );
    }
    println!("data key matches the backup / 数据密钥与备份一致 (check {mine})");
    Ok(protector)
}

/// Refuses a file that is a database but not gridgov's (no migration history), and a backup
/// made by a newer gridgov: this one could not open what it restored.
pub fn check_backup(held: &Inventory, backend: Backend) -> Result<()> {
    if !held.tables.iter().any(|t| t == "_sqlx_migrations") {
        bail!(
            "the file is a database but not a gridgov backup: it has no migration history. \
             Nothing was changed / 该文件是数据库，但不是 gridgov 备份（没有迁移记录）。未做任何更改"
        );
    }
    let unknown = held.unknown_migrations(backend);
    if !unknown.is_empty() {
        bail!(
            "the backup was made by a newer gridgov: its schema has migrations this version does \
             not know ({unknown:?}); restore it with that version or a later one. Nothing was \
             changed / 备份由更新版本的 gridgov 生成（含本版本未知的迁移），请用该版本或更新版本恢复。\
             未做任何更改"
        );
    }
    Ok(())
}

/// Refuses to replace a database holding data unless `--force`.
pub fn refuse_overwrite(live: &Inventory, config: &Config, force: bool) -> Result<()> {
    let url = config.database_url.redacted();
    match live.contents() {
        Contents::Data if !force => bail!(
            "the database {url} already holds data ({}); restoring would replace it. Nothing was \
             changed; add --force to replace it / 数据库中已有数据，恢复将覆盖这些数据。未做任何\
             更改；确需覆盖请加 --force",
            contents_line(live)
        ),
        Contents::Foreign if !force => bail!(
            "the database {url} holds tables gridgov did not make ({}); nothing was changed. \
             Restore into an empty database / 数据库中有不是 gridgov 创建的表，未做任何更改。\
             请恢复到空数据库",
            live.tables.join(", ")
        ),
        _ => Ok(()),
    }
}

/// After the data is in place: pending migrations (an older backup in a newer gridgov), the key
/// recorded or confirmed, the audit chain verified, the contents counted.
pub async fn bring_up(store: &mut Store, protector: &Protector) -> Result<Restored> {
    let before = store.inventory().await?.migrations.len();
    store
        .migrate()
        .await
        .context("applying pending migrations / 应用迁移")?;
    store
        .confirm_data_key(protector)
        .await
        .context("checking the data key against the restored database / 核对数据密钥")?;
    let audit = store
        .verify_audit()
        .await
        .context("verifying the audit chain / 校验审计链")?;
    let inventory = store.inventory().await?;
    Ok(Restored {
        migrations_applied: inventory.migrations.len().saturating_sub(before),
        inventory,
        audit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(tables: &[&str], migrations: Vec<i64>) -> Inventory {
        Inventory {
            tables: tables.iter().map(|t| (*t).to_owned()).collect(),
            migrations,
            key_check: None,
            counts: Vec::new(),
        }
    }

    #[test]
    fn only_backups_of_this_gridgov_or_an_older_one_are_restored() {
        let ours = ["_sqlx_migrations", "regions"];
        assert!(check_backup(&held(&ours, vec![1, 2]), Backend::Sqlite).is_ok());
        let e = check_backup(&held(&["orders"], vec![]), Backend::Postgres).unwrap_err();
        assert!(e.to_string().contains("not a gridgov backup"), "{e}");
        let e = check_backup(&held(&ours, vec![1, 9999]), Backend::Sqlite).unwrap_err();
        assert!(e.to_string().contains("newer gridgov"), "{e}");
    }
}
