//! What a database holds, read the same way from a live database, a snapshot or a backup file.

use std::collections::BTreeSet;

use sqlx::AnyConnection;

use crate::db::migrator;
use crate::{Backend, Store, StoreResult};

/// The tables whose counts a backup or restore reports. The first three decide whether a
/// database holds data: every region, account and change leaves a row in one of them.
pub const MAIN_TABLES: [&str; 7] = [
    "regions",
    "users",
    "audit_log",
    "grids",
    "buildings",
    "houses",
    "persons",
];

/// The tables that make a database worth protecting from being overwritten.
const DATA_TABLES: [&str; 3] = ["regions", "users", "audit_log"];

/// Migrations' own table (sqlx's name), present once gridgov has migrated a database.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// A database as backup and restore see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inventory {
    /// Every table of the schema, sorted by name.
    pub tables: Vec<String>,
    /// Versions of the migrations applied, ascending; empty when none ever ran.
    pub migrations: Vec<i64>,
    /// The public check of the data key the personal data was sealed with; `None` when no key
    /// was ever confirmed (then nothing is sealed yet).
    pub key_check: Option<String>,
    /// Rows in each of [`MAIN_TABLES`] that exists, in that order.
    pub counts: Vec<(String, i64)>,
}

/// Whether a database may be restored into without `--force`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    /// No tables at all: a new database.
    Empty,
    /// gridgov's tables without regions, users or audit records: migrated, never used.
    Unused,
    /// gridgov's tables with regions, users or audit records.
    Data,
    /// Tables but no migration history: not a database gridgov made.
    Foreign,
}

impl Contents {
    /// True when restoring over it would lose something.
    pub fn holds_data(self) -> bool {
        matches!(self, Contents::Data | Contents::Foreign)
    }
}

impl Inventory {
    pub fn contents(&self) -> Contents {
        if self.tables.is_empty() {
            Contents::Empty
        } else if !self.tables.iter().any(|t| t == MIGRATIONS_TABLE) {
            Contents::Foreign
        } else if DATA_TABLES.iter().any(|t| self.count(t).unwrap_or(0) > 0) {
            Contents::Data
        } else {
            Contents::Unused
        }
    }

    /// Rows in one of [`MAIN_TABLES`]; `None` when the table does not exist.
    pub fn count(&self, table: &str) -> Option<i64> {
        self.counts
            .iter()
            .find(|(t, _)| t == table)
            .map(|(_, n)| *n)
    }

    /// Migrations applied to this database that this build of gridgov does not know: the
    /// database (or backup) was made by a newer version, which must be the one to open it.
    pub fn unknown_migrations(&self, backend: Backend) -> Vec<i64> {
        let known: BTreeSet<i64> = migrator(backend).iter().map(|m| m.version).collect();
        self.migrations
            .iter()
            .copied()
            .filter(|v| !known.contains(v))
            .collect()
    }
}

impl Store {
    /// The inventory of the live database. Counts of different tables may come from different
    /// moments while others write; [`Snapshot::inventory`](super::Snapshot::inventory) gives one
    /// moment.
    pub async fn inventory(&self) -> StoreResult<Inventory> {
        let mut conn = self.pool.acquire().await?;
        read_inventory(&mut conn, self.backend()).await
    }
}

/// Reads the inventory on one connection, so a transaction's snapshot covers all of it.
pub(crate) async fn read_inventory(
    conn: &mut AnyConnection,
    backend: Backend,
) -> StoreResult<Inventory> {
    let list = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        }
        Backend::Postgres => {
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
        }
    };
    let mut tables: Vec<String> = sqlx::query_scalar(list).fetch_all(&mut *conn).await?;
    tables.sort();
    let has = |t: &str| tables.iter().any(|x| x == t);

    let migrations: Vec<i64> = if has(MIGRATIONS_TABLE) {
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await?
    } else {
        Vec::new()
    };
    let key_check: Option<String> = if has("data_key_check") {
        sqlx::query_scalar("SELECT key_check FROM data_key_check WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?
    } else {
        None
    };
    let mut counts = Vec::new();
    for table in MAIN_TABLES.iter().filter(|t| has(t)) {
        // The name is one of MAIN_TABLES, never input.
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await?;
        counts.push(((*table).to_owned(), n));
    }
    Ok(Inventory {
        tables,
        migrations,
        key_check,
        counts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv(tables: &[&str], counts: &[(&str, i64)]) -> Inventory {
        Inventory {
            tables: tables.iter().map(|t| (*t).to_owned()).collect(),
            migrations: vec![1, 2],
            key_check: None,
            counts: counts.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect(),
        }
    }

    #[test]
    fn what_a_database_holds_decides_whether_it_may_be_overwritten() {
        assert_eq!(inv(&[], &[]).contents(), Contents::Empty);
        let ours = ["_sqlx_migrations", "regions", "users", "audit_log"];
        let none = [("regions", 0), ("users", 0), ("audit_log", 0)];
        assert_eq!(inv(&ours, &none).contents(), Contents::Unused);
        let one_user = [("regions", 0), ("users", 1), ("audit_log", 0)];
        assert_eq!(inv(&ours, &one_user).contents(), Contents::Data);
        assert_eq!(inv(&["orders"], &[]).contents(), Contents::Foreign);
        assert!(Contents::Foreign.holds_data() && !Contents::Unused.holds_data());
    }

    #[test]
    fn migrations_of_a_newer_gridgov_are_named() {
        let mut i = inv(&[], &[]);
        i.migrations = vec![1, 2, 9999];
        assert_eq!(i.unknown_migrations(Backend::Sqlite), vec![9999]);
        assert_eq!(i.unknown_migrations(Backend::Postgres), vec![9999]);
    }
}
