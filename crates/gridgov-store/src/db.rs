//! Connecting to SQLite or PostgreSQL, pool settings, and migrations.

use std::str::FromStr;
use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};

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
            url: format!("sqlite://{}?mode=rwc", sqlite_url_path(path)),
        }
    }

    /// The file of a SQLite database; `None` for PostgreSQL and for in-memory databases, which
    /// have no file to back up or restore into.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        if self.backend != Backend::Sqlite
            || self.url.contains(":memory:")
            || self.url.contains("mode=memory")
        {
            return None;
        }
        let opts = sqlx::sqlite::SqliteConnectOptions::from_str(&self.url).ok()?;
        Some(opts.get_filename().to_path_buf())
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

/// A path as it goes into a `sqlite://` URL: sqlx percent-decodes the path, so the characters that
/// would end it (`?`, `#`) or start an escape (`%`) are escaped.
pub(crate) fn sqlite_url_path(path: &std::path::Path) -> String {
    path.display()
        .to_string()
        .replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23")
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
    /// Reads, and on PostgreSQL writes too.
    pub(crate) pool: AnyPool,
    /// Writes. On SQLite a second pool of one connection: writers queue here, in order and
    /// without holding a thread, instead of waiting on SQLite's lock while holding connections
    /// that readers need. On PostgreSQL the same pool as `pool`.
    pub(crate) write_pool: AnyPool,
    pub(crate) url: DatabaseUrl,
    pub(crate) clock: Arc<dyn Clock>,
    /// This node's point-to-grid index, shared by every clone of the store.
    pub(crate) locator: Arc<crate::grids::locator::Locator>,
    /// Seals and indexes personal data; set by [`Store::confirm_data_key`]. Stores without one
    /// (tools that never touch persons) refuse every call that would need it.
    pub(crate) protector: Option<crate::protect::Protector>,
    /// Where attachment bytes go; set by [`Store::with_blobs`]. Stores without one (tools that
    /// never touch attachments) refuse every call that would need it.
    pub(crate) blobs: Option<Arc<dyn crate::attachments::BlobStore>>,
    pub(crate) attachment_limits: crate::attachments::AttachmentLimits,
    /// Incidents' words for duplicate suggestions, shared by every clone of the store.
    pub(crate) words: Arc<crate::incidents::words_cache::WordsCache>,
}

static DRIVERS: Once = Once::new();

/// How long SQLite waits for its write lock before a write gives up as busy (milliseconds).
const SQLITE_BUSY_MS: u64 = 10_000;
/// How long a writer waits for its turn at SQLite's one write connection. Longer than the busy
/// timeout, so the writer at the head of the queue gives up before those behind it.
const WRITE_QUEUE_SECS: u64 = 20;

/// A connection idle longer than this is pinged before it is handed out.
const PING_IDLE_AFTER: Duration = Duration::from_secs(30);

fn pool_options(sqlite: bool, connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings every connection it hands out, and again when it comes back: a round
        // trip to the server each way, twice per transaction. The ping on return stays (it
        // also flushes a cancelled transaction); on the way out only a connection that sat idle
        // long enough to have been dropped by the server or a firewall is pinged.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_IDLE_AFTER {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if sqlite {
                    conn.execute(
                        format!(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = {SQLITE_BUSY_MS}; PRAGMA foreign_keys = ON; \
                             PRAGMA cache_size = -65536;"
                        )
                        .as_str(),
                    )
                    .await?;
                }
                Ok(())
            })
        })
}

/// `$from, $from+1, …` for `n` values, for an `IN (…)` list bound one value per parameter
/// (the `Any` driver has no arrays).
pub(crate) fn numbered_params(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An optional `DOUBLE PRECISION` value, for a parameter written `CAST($n AS DOUBLE PRECISION)`.
///
/// sqlx 0.8's `Any` driver hands PostgreSQL a NULL `f64` typed as `real` (its NULL mapping swaps
/// `real` and `double precision`), and a statement once prepared with that NULL later refuses a
/// value ("incorrect binary data format"): a house with an area after houses without one failed.
/// As text the parameter has one type, NULL or not, on both databases, and Rust writes the
/// shortest form that reads back as the same `f64`, so the cast loses nothing.
pub(crate) fn opt_double(v: Option<f64>) -> Option<String> {
    v.map(|x| x.to_string())
}

/// Text matched literally by `LIKE … ESCAPE '\\'`: the wildcards people may type are escaped.
pub(crate) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Registers sqlx's drivers for `Any` connections, once per process.
pub(crate) fn install_drivers() {
    DRIVERS.call_once(install_default_drivers);
}

impl Store {
    pub async fn connect(url: &DatabaseUrl) -> StoreResult<Store> {
        Store::connect_with_clock(url, Arc::new(SystemClock)).await
    }

    pub async fn connect_with_clock(
        url: &DatabaseUrl,
        clock: Arc<dyn Clock>,
    ) -> StoreResult<Store> {
        install_drivers();
        let sqlite = url.backend == Backend::Sqlite;
        let pool = pool_options(sqlite, if sqlite { 8 } else { 16 })
            .connect(url.as_str())
            .await?;
        let write_pool = if sqlite {
            // Writers wait their turn here. The one connection may itself wait on SQLite's lock
            // (a bulk import holds it on a connection of its own) for the busy timeout.
            pool_options(true, 1)
                .acquire_timeout(Duration::from_secs(WRITE_QUEUE_SECS))
                .connect(url.as_str())
                .await?
        } else {
            pool.clone()
        };
        Ok(Store {
            pool,
            write_pool,
            url: url.clone(),
            clock,
            locator: Arc::default(),
            protector: None,
            blobs: None,
            attachment_limits: Default::default(),
            words: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.url.backend
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a transaction that began as a reader and then wrote would fail with
    /// SQLITE_BUSY_SNAPSHOT when another writer committed in between, where this one waits.
    /// Every transaction that may write begins here.
    pub(crate) async fn begin_write(&self) -> StoreResult<Transaction<'static, Any>> {
        Ok(match self.backend() {
            Backend::Sqlite => self.write_pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.write_pool.begin().await?,
        })
    }

    /// The pool for a write of one statement outside a transaction.
    pub(crate) fn writer(&self) -> &AnyPool {
        &self.write_pool
    }

    pub fn database_url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The same store (pools, grid index, keys) reading another clock: every write through it
    /// is recorded at that clock's time, with all the store's rules as usual.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Store {
        Store {
            clock,
            ..self.clone()
        }
    }

    /// Applies every migration of this backend that has not run yet.
    pub async fn migrate(&self) -> StoreResult<()> {
        migrator(self.backend()).run(&self.pool).await?;
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

    /// Closes every connection. sqlx's `close` can miss a connection that was on its way back
    /// to the pool at that moment (it finishes its on-release ping and turns idle after `close`
    /// has looked), and a SQLite file would stay open and locked after this returned; so close
    /// again until no connection is left.
    pub async fn close(&self) {
        for pool in [&self.write_pool, &self.pool] {
            for _ in 0..200 {
                pool.close().await;
                if pool.size() == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
}

/// The migrations this build of gridgov knows for a backend.
pub(crate) fn migrator(backend: Backend) -> sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
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

    #[test]
    fn sqlite_files_go_in_and_come_out_of_urls_whole() {
        let odd = std::path::Path::new("/var/lib/grid gov/50%?#.db");
        let url = DatabaseUrl::sqlite_file(odd);
        assert_eq!(url.sqlite_path().as_deref(), Some(odd));
        let pg = DatabaseUrl::from_str("postgres://u@h/db").unwrap();
        assert_eq!(pg.sqlite_path(), None);
        let mem = DatabaseUrl::from_str("sqlite::memory:").unwrap();
        assert_eq!(mem.sqlite_path(), None);
    }
}
