//! SQLite's side: copying the live database into a file, reading a backup file without changing
//! it, and telling whether another process has the database open.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
use sqlx::{AnyConnection, Connection, SqliteConnection};

use super::inventory::{Inventory, read_inventory};
use crate::db::{install_drivers, sqlite_url_path};
use crate::error::is_contention;
use crate::{Backend, Store, StoreError, StoreResult};

impl Store {
    /// Writes a consistent copy of the live database into `path`, which must not exist or be
    /// empty. `VACUUM INTO` is one statement reading one snapshot, so writers (the server) go on
    /// meanwhile and the copy holds every transaction committed before it began and none after.
    /// The copy is compacted and in rollback-journal mode: one self-contained file.
    pub async fn vacuum_into(&self, path: &Path) -> StoreResult<()> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Config(
                "VACUUM INTO copies SQLite databases only".into(),
            ));
        }
        let target = path.to_str().ok_or_else(|| {
            StoreError::Config(format!(
                "the backup file's name is not valid UTF-8: {}",
                path.display()
            ))
        })?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Moves everything in the write-ahead log into the database file and empties the log, so
    /// the file alone holds the database (before it is renamed into place).
    pub async fn checkpoint(&self) -> StoreResult<()> {
        if self.backend() == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(self.writer())
                .await?;
        }
        Ok(())
    }
}

/// The inventory of a SQLite file opened read-only, so reading a backup never changes it.
pub async fn inventory_of_sqlite_file(path: &Path) -> StoreResult<Inventory> {
    install_drivers();
    let url = format!("sqlite://{}?mode=ro", sqlite_url_path(path));
    let mut conn = AnyConnection::connect(&url).await?;
    let inventory = read_inventory(&mut conn, Backend::Sqlite).await;
    conn.close().await?;
    inventory
}

/// True when another connection (a running server, an import) has the database open. In WAL
/// mode every open connection holds a shared lock on the file for as long as it is open, even
/// when idle; a connection in exclusive locking mode cannot begin an exclusive transaction while
/// any exists. A pool closed a moment ago may still be letting go of its connections, so a busy
/// answer is asked again for about a second before it counts.
pub async fn sqlite_file_in_use(path: &Path) -> StoreResult<bool> {
    for _ in 0..5 {
        if !locked_by_others(path).await? {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(true)
}

/// One try: busy means in use.
async fn locked_by_others(path: &Path) -> StoreResult<bool> {
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::ZERO)
        .locking_mode(SqliteLockingMode::Exclusive);
    let mut conn = match SqliteConnection::connect_with(&opts).await {
        Ok(c) => c,
        Err(e) if is_contention(&e) => return Ok(true),
        Err(e) => return Err(StoreError::Db(e)),
    };
    let tried = async {
        sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await?;
        sqlx::query("SELECT COUNT(*) FROM sqlite_master")
            .execute(&mut conn)
            .await?;
        sqlx::query("COMMIT").execute(&mut conn).await
    }
    .await;
    let _ = conn.close().await;
    match tried {
        Ok(_) => Ok(false),
        Err(e) if is_contention(&e) => Ok(true),
        Err(e) => Err(StoreError::Db(e)),
    }
}
