//! PostgreSQL's side: one snapshot shared by pg_dump and the counts printed beside the dump, the
//! server's version (pg_dump must not be older), and clearing a migrated but unused schema
//! before a restore.

use sqlx::{Any, Transaction};

use super::inventory::{Inventory, read_inventory};
use crate::{Backend, Store, StoreError, StoreResult};

/// An open repeatable-read transaction whose snapshot is exported: `pg_dump --snapshot=ID` reads
/// exactly what [`Snapshot::inventory`] counts. Keep it open until pg_dump has finished.
pub struct Snapshot {
    tx: Transaction<'static, Any>,
    id: String,
}

impl Snapshot {
    /// The name pg_dump takes with `--snapshot`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The inventory as of the snapshot.
    pub async fn inventory(&mut self) -> StoreResult<Inventory> {
        read_inventory(&mut self.tx, Backend::Postgres).await
    }

    /// The transaction's connection, for other reads of the same moment.
    pub(super) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Ends the transaction (it only read).
    pub async fn end(self) -> StoreResult<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl Store {
    /// Begins a read-only repeatable-read transaction and exports its snapshot.
    pub async fn export_snapshot(&self) -> StoreResult<Snapshot> {
        self.postgres_only("exporting a snapshot")?;
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut *tx)
            .await?;
        Ok(Snapshot { tx, id })
    }

    /// The server's major version (15 for 15.4), from `server_version_num`.
    pub async fn server_major_version(&self) -> StoreResult<u32> {
        self.postgres_only("asking the server's version")?;
        let num: String = sqlx::query_scalar("SELECT current_setting('server_version_num')")
            .fetch_one(&self.pool)
            .await?;
        num.trim()
            .parse::<u32>()
            .map(|n| n / 10_000)
            .map_err(|_| StoreError::Internal(format!("server_version_num is {num:?}")))
    }

    /// Drops every table of a schema gridgov migrated but never used, so a restore starts from
    /// nothing (an older backup lacks the newer tables, which its migrations then create again).
    /// Checks, with the tables locked, that no region, user or audit record exists, and refuses
    /// otherwise. Returns the tables dropped.
    pub async fn clear_unused_schema(&self) -> StoreResult<Vec<String>> {
        self.postgres_only("clearing a schema")?;
        let mut tx = self.begin_write().await?;
        let mut inventory = read_inventory(&mut tx, Backend::Postgres).await?;
        let present: Vec<&str> = ["regions", "users", "audit_log"]
            .into_iter()
            .filter(|t| inventory.tables.iter().any(|x| x == t))
            .collect();
        if !present.is_empty() {
            // Nobody may add the first row between the count and the drop.
            sqlx::query(&format!(
                "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
                present.join(", ")
            ))
            .execute(&mut *tx)
            .await?;
            inventory = read_inventory(&mut tx, Backend::Postgres).await?;
        }
        if inventory.contents().holds_data() {
            return Err(StoreError::Config(
                "the database holds data; it is not cleared".into(),
            ));
        }
        if !inventory.tables.is_empty() {
            let names: Vec<String> = inventory
                .tables
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect();
            sqlx::query(&format!(
                "DROP TABLE IF EXISTS {} CASCADE",
                names.join(", ")
            ))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(inventory.tables)
    }

    fn postgres_only(&self, what: &str) -> StoreResult<()> {
        if self.backend() == Backend::Postgres {
            Ok(())
        } else {
            Err(StoreError::Config(format!("{what} needs PostgreSQL")))
        }
    }
}
