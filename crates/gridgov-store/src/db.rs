//! Connecting to SQLite or PostgreSQL, pool settings, and migrations.

use std::str::FromStr;
use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::clock::{Clock, SystemClock};
use crate::error::{StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL we know how to serve. Anything else is refused: a URL that silently fell back
/// to a local SQLite file would lose a deployment's data.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    url: String,
}

impl DatabaseUrl {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// A SQLite database in this file, created when missing.
    pub fn sqlite_file(path: &std::path::Path) -> Self {
        DatabaseUrl {
            backend: Backend::Sqlite,
            url: format!("sqlite://{}?mode=rwc", path.display()),
        }
    }

    /// The URL with any password replaced, for logs and messages.
    pub fn redacted(&self) -> String {
        match (self.url.find("://"), self.url.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &self.url[s + 3..at];
                match creds.find(':') {
                    Some(c) => format!(
                        "{}{}:***{}",
                        &self.url[..s + 3],
                        &creds[..c],
                        &self.url[at..]
                    ),
                    None => self.url.clone(),
                }
            }
            _ => self.url.clone(),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl FromStr for DatabaseUrl {
    type Err = StoreError;

    fn from_str(s: &str) -> StoreResult<Self> {
        let s = s.trim();
        let backend = if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Backend::Postgres
        } else if s.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Config(format!(
                "unrecognised database URL (expected sqlite:// or postgres://): {}",
                s.split("://").next().unwrap_or("")
            )));
        };
        Ok(DatabaseUrl {
            backend,
            url: s.to_owned(),
        })
    }
}

/// The store: a pool and the clock. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) url: DatabaseUrl,
    pub(crate) clock: Arc<dyn Clock>,
    /// This node's point-to-grid index, shared by every clone of the store.
    pub(crate) locator: Arc<crate::grids::locator::Locator>,
    /// Seals and indexes personal data; set by [`Store::confirm_data_key`]. Stores without one
    /// (tools that never touch persons) refuse every call that would need it.
    pub(crate) protector: Option<crate::protect::Protector>,
}

static DRIVERS: Once = Once::new();

/// `$from, $from+1, …` for `n` values, for an `IN (…)` list bound one value per parameter
/// (the `Any` driver has no arrays).
pub(crate) fn numbered_params(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text matched literally by `LIKE … ESCAPE '\\'`: the wildcards people may type are escaped.
pub(crate) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Store {
    pub async fn connect(url: &DatabaseUrl) -> StoreResult<Store> {
        Store::connect_with_clock(url, Arc::new(SystemClock)).await
    }

    pub async fn connect_with_clock(
        url: &DatabaseUrl,
        clock: Arc<dyn Clock>,
    ) -> StoreResult<Store> {
        DRIVERS.call_once(install_default_drivers);
        let sqlite = url.backend == Backend::Sqlite;
        let opts = AnyPoolOptions::new()
            // SQLite has one writer; more connections only queue on its lock.
            .max_connections(if sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                             PRAGMA cache_size = -65536;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = opts.connect(url.as_str()).await?;
        Ok(Store {
            pool,
            url: url.clone(),
            clock,
            locator: Arc::default(),
            protector: None,
        })
    }

    pub fn backend(&self) -> Backend {
        self.url.backend
    }

    pub fn database_url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Applies every migration of this backend that has not run yet.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self.backend() {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Pool gauges for /metrics: (open connections, idle connections).
    pub fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_urls_are_refused() {
        for bad in ["mysql://x", "/var/lib/gridgov.db", "", "file:x.db"] {
            assert!(
                matches!(DatabaseUrl::from_str(bad), Err(StoreError::Config(_))),
                "{bad}"
            );
        }
        assert_eq!(
            DatabaseUrl::from_str("sqlite://a.db").unwrap().backend(),
            Backend::Sqlite
        );
        assert_eq!(
            DatabaseUrl::from_str("postgresql://u@h/db")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
    }

    #[test]
    fn passwords_never_show() {
        let u = DatabaseUrl::from_str("postgres://gg:s3cret@db:5432/gridgov").unwrap();
        assert_eq!(u.redacted(), "postgres://gg:***@db:5432/gridgov");
        assert!(!format!("{u:?}").contains("s3cret"));
    }
}
