//! Writing import rows: the one place where the two databases are spoken to differently.
//!
//! Each import runs on its own connection in one transaction, taken for writing up front
//! (`BEGIN IMMEDIATE` on SQLite; on PostgreSQL a table lock that lets readers through but queues
//! a second import of the same table), so the decision "this table is empty" still holds when
//! the rows go in.
//!
//! - **First load** (the table is empty): the secondary indexes (and foreign keys) are dropped,
//!   the rows appended, and everything rebuilt from the definitions read back from the catalogue
//!   in the same transaction: one sort per index instead of a random B-tree insert per row and
//!   index. Uniqueness still holds: the rebuild of a unique index fails on a duplicate, and the
//!   checker has already dropped in-file duplicates.
//! - **Upsert** (the table has rows): SQLite takes multi-row `INSERT … ON CONFLICT DO UPDATE …
//!   WHERE changed`; PostgreSQL takes COPY into a temporary table and one `INSERT … SELECT` with
//!   the same clause.
//! - **Plain**: rows into a temporary staging table (links, joined to persons and houses later).
//!
//! SQLite binds positional `?` parameters: numbered ones (`$n`) are looked up by walking a list,
//! which makes binding a many-row statement quadratic. PostgreSQL gets COPY's text format.

use std::future::Future;
use std::task::Poll;
use std::time::{Duration, Instant};

use gridgov_core::scope::ScopePath;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Connection, Executor, PgConnection, Sqlite, SqliteConnection};
use tokio::sync::mpsc::Receiver;

use super::spec::{Row, Stamp, TableSpec, Value};
use crate::regions::bulk::push_escaped;
use crate::{Backend, Store, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    FirstLoad,
    Upsert,
    Plain,
}

pub(crate) enum Conn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Rows per SQLite statement: a few hundred amortise the statement's cost, and the count stays
/// under SQLite's limit of 32,766 parameters for any table here.
const SQLITE_ROWS: usize = 400;

/// The values of an import's stamp columns.
#[derive(Debug, Clone)]
pub(crate) struct Stamps {
    pub batch: String,
    pub now: i64,
}

impl Stamps {
    /// The stamp columns as SQL literals (the batch is a UUID, so it needs no escaping; checked
    /// anyway) and as COPY text, computed once per import.
    fn literals(&self, spec: &TableSpec) -> (String, String) {
        let batch: String = self
            .batch
            .chars()
            .filter(|c| c.is_ascii_hexdigit() || *c == '-')
            .collect();
        let mut sql = String::new();
        let mut copy = String::new();
        for s in spec.stamps {
            match s {
                Stamp::Batch => {
                    sql.push_str(&format!(", '{batch}'"));
                    copy.push_str(&format!("\t{batch}"));
                }
                Stamp::Now => {
                    sql.push_str(&format!(", {}", self.now));
                    copy.push_str(&format!("\t{}", self.now));
                }
            }
        }
        (sql, copy)
    }
}

pub(crate) struct BulkWriter {
    pub(crate) conn: Conn,
    spec: &'static TableSpec,
    /// The stamp columns as SQL literals (`, 'batch', 1795…`) and as COPY text.
    stamp_sql: String,
    stamp_copy: String,
    mode: Mode,
    /// The upsert clause, kept to rows inside the importer's scope.
    upsert: String,
    rebuild: Vec<String>,
    count_before: i64,
    /// Rows written by upsert statements (inserted or changed); SQLite only, PostgreSQL counts at
    /// the merge.
    affected: u64,
    pub(crate) written: u64,
}

/// Opens a dedicated connection with a write transaction begun.
pub(crate) async fn open_conn(store: &Store, lock: &[&str]) -> StoreResult<Conn> {
    Ok(match store.backend() {
        Backend::Sqlite => {
            let mut c = SqliteConnection::connect(store.url.as_str()).await?;
            // A large cache and two sorter threads for the indexes built after a first load.
            c.execute(
                "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                 PRAGMA cache_size = -262144; PRAGMA threads = 2; BEGIN IMMEDIATE",
            )
            .await?;
            Conn::Sqlite(c)
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect(store.url.as_str()).await?;
            c.execute("BEGIN; SET LOCAL maintenance_work_mem = '256MB'")
                .await?;
            for t in lock {
                c.execute(format!("LOCK TABLE {t} IN SHARE ROW EXCLUSIVE MODE").as_str())
                    .await?;
            }
            Conn::Pg(c)
        }
    })
}

impl Conn {
    pub(crate) async fn execute(&mut self, sql: &str) -> StoreResult<u64> {
        Ok(match self {
            Conn::Sqlite(c) => sqlx::query(sql).execute(&mut *c).await?.rows_affected(),
            Conn::Pg(c) => sqlx::query(sql).execute(&mut *c).await?.rows_affected(),
        })
    }

    pub(crate) async fn count(&mut self, sql: &str) -> StoreResult<i64> {
        Ok(match self {
            Conn::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await?,
            Conn::Pg(c) => sqlx::query_scalar(sql).fetch_one(&mut *c).await?,
        })
    }

    pub(crate) async fn commit(mut self, table: &str) -> StoreResult<()> {
        let started = Instant::now();
        self.execute("COMMIT").await?;
        tracing::info!(
            table,
            secs = started.elapsed().as_secs_f64(),
            "import committed"
        );
        if let Conn::Pg(c) = &mut self {
            // Fresh statistics, or the planner treats a table loaded a moment ago as empty.
            c.execute(format!("ANALYZE {table}").as_str()).await?;
        }
        Ok(())
    }

    /// Drops a table's secondary indexes (and on PostgreSQL its foreign keys); returns the
    /// statements that make them again, read back from the catalogue so the rebuild is exactly
    /// what the migrations made.
    pub(crate) async fn drop_secondary(&mut self, table: &str) -> StoreResult<Vec<String>> {
        match self {
            Conn::Sqlite(c) => {
                let idx: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master \
                     WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
                )
                .bind(table)
                .fetch_all(&mut *c)
                .await?;
                let mut rebuild = Vec::new();
                for (name, sql) in idx {
                    c.execute(format!("DROP INDEX \"{name}\"").as_str()).await?;
                    rebuild.push(sql);
                }
                Ok(rebuild)
            }
            Conn::Pg(c) => drop_secondary_pg(c, table).await,
        }
    }

    /// Runs the statements [`Conn::drop_secondary`] returned, timing each in the log.
    pub(crate) async fn rebuild(&mut self, table: &str, ddl: &[String]) -> StoreResult<()> {
        for d in ddl {
            let started = Instant::now();
            self.execute(d).await?;
            tracing::info!(
                table,
                secs = started.elapsed().as_secs_f64(),
                "index rebuilt: {d}"
            );
        }
        Ok(())
    }

    /// Ends the transaction without keeping anything (closing the connection would too).
    pub(crate) async fn rollback(mut self) -> StoreResult<()> {
        self.execute("ROLLBACK").await?;
        Ok(())
    }
}

impl BulkWriter {
    pub(crate) async fn start(
        mut conn: Conn,
        spec: &'static TableSpec,
        mode: Option<Mode>,
        stamps: &Stamps,
        within: &ScopePath,
    ) -> StoreResult<BulkWriter> {
        let (stamp_sql, stamp_copy) = stamps.literals(spec);
        let upsert = spec.upsert_clause(Some(within));
        let t = spec.table;
        let mode = match mode {
            Some(m) => m,
            None => {
                let any = conn
                    .count(&format!(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM {t} LIMIT 1) x"
                    ))
                    .await?;
                if any == 0 {
                    Mode::FirstLoad
                } else {
                    Mode::Upsert
                }
            }
        };
        let mut rebuild = Vec::new();
        match (mode, &mut conn) {
            (Mode::FirstLoad, _) => rebuild = conn.drop_secondary(t).await?,
            (Mode::Upsert, Conn::Pg(c)) => {
                c.execute(
                    format!(
                        "CREATE TEMP TABLE stage_{t} (LIKE {t} INCLUDING DEFAULTS) ON COMMIT DROP"
                    )
                    .as_str(),
                )
                .await?;
            }
            (Mode::Plain, _) => {
                let cols: Vec<String> = spec
                    .columns
                    .iter()
                    .map(|c| {
                        let ty = if *c == "row_no" { "BIGINT" } else { "TEXT" };
                        format!("{c} {ty}")
                    })
                    .collect();
                let on_commit = if matches!(conn, Conn::Pg(_)) {
                    " ON COMMIT DROP"
                } else {
                    ""
                };
                conn.execute(&format!(
                    "CREATE TEMP TABLE {t} ({}){on_commit}",
                    cols.join(", ")
                ))
                .await?;
            }
            (Mode::Upsert, Conn::Sqlite(_)) => {}
        }
        let count_before = if mode == Mode::Upsert {
            conn.count(&format!("SELECT COUNT(*) FROM {t}")).await?
        } else {
            0
        };
        Ok(BulkWriter {
            conn,
            spec,
            stamp_sql,
            stamp_copy,
            mode,
            upsert,
            rebuild,
            count_before,
            affected: 0,
            written: 0,
        })
    }

    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    /// Writes every batch of rows the checker sends, until it stops sending or a write fails.
    /// The receiver is dropped on return, so a checker still sending after a failure stops.
    pub(crate) async fn write_stream(
        &mut self,
        mut rx: Receiver<Vec<Row>>,
        on_written: &(dyn Fn(u64) + Send + Sync),
    ) -> StoreResult<()> {
        let started = Instant::now();
        let mut waiting = Duration::ZERO;
        let mut feed = Feed {
            rx: &mut rx,
            waiting: &mut waiting,
            written: &mut self.written,
            on_written,
        };
        let result = match &mut self.conn {
            Conn::Sqlite(c) => {
                let insert = SqliteInsert {
                    spec: self.spec,
                    stamp_sql: &self.stamp_sql,
                    upsert: (self.mode == Mode::Upsert).then_some(self.upsert.as_str()),
                };
                insert
                    .stream(c, &mut feed)
                    .await
                    .map(|n| self.affected += n)
            }
            Conn::Pg(c) => {
                let target = if self.mode == Mode::Upsert {
                    format!("stage_{}", self.spec.table)
                } else {
                    self.spec.table.to_owned()
                };
                let sql = format!("COPY {target} ({}) FROM STDIN", self.spec.column_list());
                copy_stream(c, &sql, &self.stamp_copy, &mut feed).await
            }
        };
        drop(rx);
        tracing::info!(
            table = self.spec.table,
            rows = self.written,
            secs = started.elapsed().as_secs_f64(),
            waiting_for_rows = waiting.as_secs_f64(),
            "import rows written"
        );
        result
    }

    /// Ends the rows: merges the staging table (PostgreSQL upserts), rebuilds dropped indexes.
    /// Returns (inserted, updated) and the connection, transaction still open.
    pub(crate) async fn finish(
        mut self,
        on_index: &(dyn Fn() + Send + Sync),
    ) -> StoreResult<(u64, u64, Conn)> {
        let t = self.spec.table;
        if self.mode == Mode::Upsert
            && let Conn::Pg(c) = &mut self.conn
        {
            let cols = self.spec.column_list();
            self.affected = sqlx::query(&format!(
                "INSERT INTO {t} ({cols}) SELECT {cols} FROM stage_{t} WHERE true {}",
                self.upsert
            ))
            .execute(&mut *c)
            .await?
            .rows_affected();
        }
        if !self.rebuild.is_empty() {
            on_index();
        }
        self.conn.rebuild(t, &self.rebuild).await?;
        let (inserted, updated) = match self.mode {
            Mode::FirstLoad | Mode::Plain => (self.written, 0),
            Mode::Upsert => {
                let after = self
                    .conn
                    .count(&format!("SELECT COUNT(*) FROM {t}"))
                    .await?;
                let inserted = (after - self.count_before).max(0) as u64;
                (inserted, self.affected.saturating_sub(inserted))
            }
        };
        Ok((inserted, updated, self.conn))
    }
}

/// The checker's batches as the writer takes them, counting the time spent waiting for rows
/// (which side of the pipe is slower) and the rows written.
struct Feed<'a> {
    rx: &'a mut Receiver<Vec<Row>>,
    waiting: &'a mut Duration,
    written: &'a mut u64,
    on_written: &'a (dyn Fn(u64) + Send + Sync),
}

impl Feed<'_> {
    async fn next(&mut self) -> Option<Vec<Row>> {
        let asked = Instant::now();
        let rows = self.rx.recv().await;
        *self.waiting += asked.elapsed();
        rows
    }

    fn done(&mut self, rows: usize) {
        *self.written += rows as u64;
        (self.on_written)(*self.written);
    }
}

/// One COPY for the whole import: the server parses and stores a batch while this side formats
/// the next, instead of the two taking turns statement by statement.
async fn copy_stream(
    c: &mut PgConnection,
    sql: &str,
    stamps: &str,
    feed: &mut Feed<'_>,
) -> StoreResult<()> {
    let mut copy = c.copy_in_raw(sql).await?;
    while let Some(rows) = feed.next().await {
        let mut buf = String::with_capacity(rows.len() * 256);
        for row in &rows {
            copy_row(&mut buf, row, stamps);
        }
        copy.send(buf.into_bytes()).await?;
        feed.done(rows.len());
    }
    copy.finish().await?;
    Ok(())
}

/// Multi-row INSERTs on SQLite.
struct SqliteInsert<'a> {
    spec: &'static TableSpec,
    stamp_sql: &'a str,
    /// The upsert clause, when the table had rows.
    upsert: Option<&'a str>,
}

impl SqliteInsert<'_> {
    fn sql(&self, rows: usize) -> String {
        let bound = self.spec.columns.len() - self.spec.stamps.len();
        let one = format!("({}{})", vec!["?"; bound].join(", "), self.stamp_sql);
        let upsert = self.upsert.unwrap_or_default();
        format!(
            "INSERT INTO {} ({}) VALUES {} {upsert}",
            self.spec.table,
            self.spec.column_list(),
            vec![one.as_str(); rows].join(", ")
        )
    }

    /// Writes every batch; returns the rows the statements affected. The connection's worker
    /// thread runs one statement while this thread binds the next chunk's values, so the two
    /// cores share the work instead of taking turns.
    async fn stream(&self, c: &mut SqliteConnection, feed: &mut Feed<'_>) -> StoreResult<u64> {
        let full = self.sql(SQLITE_ROWS);
        let mut affected = 0;
        while let Some(rows) = feed.next().await {
            let n = rows.len();
            // Only a batch's last chunk can be short; its statement is made when there is one.
            let tail = (n % SQLITE_ROWS != 0).then(|| self.sql(n % SQLITE_ROWS));
            let sql_for = |len: usize| match &tail {
                Some(t) if len != SQLITE_ROWS => t,
                _ => &full,
            };
            let mut rows = rows.into_iter();
            let mut chunks = std::iter::from_fn(|| {
                let chunk: Vec<Row> = rows.by_ref().take(SQLITE_ROWS).collect();
                (!chunk.is_empty()).then_some(chunk)
            });
            let mut next = chunks.next().map(|ch| bind(sql_for(ch.len()), ch));
            while let Some(q) = next.take() {
                let mut exec = std::pin::pin!(q.execute(&mut *c));
                // The first poll hands the statement to the worker thread.
                let first = std::future::poll_fn(|cx| Poll::Ready(exec.as_mut().poll(cx))).await;
                next = chunks.next().map(|ch| bind(sql_for(ch.len()), ch));
                let done = match first {
                    Poll::Ready(done) => done,
                    Poll::Pending => exec.await,
                };
                affected += done?.rows_affected();
            }
            feed.done(n);
        }
        Ok(affected)
    }
}

fn bind(sql: &str, chunk: Vec<Row>) -> Query<'_, Sqlite, SqliteArguments<'_>> {
    let mut q = sqlx::query(sql);
    for row in chunk {
        for v in row {
            q = match v {
                Value::Text(s) => q.bind(s),
                Value::OptText(s) => q.bind(s),
                Value::Int(i) => q.bind(i),
                Value::OptInt(i) => q.bind(i),
                Value::OptFloat(f) => q.bind(f),
            };
        }
    }
    q
}

async fn drop_secondary_pg(conn: &mut PgConnection, table: &str) -> StoreResult<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename = $1 \
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass)",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    let fks: Vec<(String, String)> = sqlx::query_as(
        "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE conrelid = $1::regclass AND contype = 'f'",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    let mut rebuild = Vec::new();
    for (name, def) in indexes {
        conn.execute(format!("DROP INDEX \"{name}\"").as_str())
            .await?;
        rebuild.push(def);
    }
    for (name, def) in fks {
        conn.execute(format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\"").as_str())
            .await?;
        rebuild.push(format!(
            "ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {def}"
        ));
    }
    Ok(rebuild)
}

/// One row in COPY's text format: tab-separated, `\N` for NULL.
pub(crate) fn copy_row(buf: &mut String, row: &Row, stamps: &str) {
    use std::fmt::Write;
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            buf.push('\t');
        }
        match v {
            Value::Text(s) | Value::OptText(Some(s)) => push_escaped(buf, s),
            Value::Int(n) | Value::OptInt(Some(n)) => {
                let _ = write!(buf, "{n}");
            }
            Value::OptFloat(Some(f)) => {
                let _ = write!(buf, "{f}");
            }
            Value::OptText(None) | Value::OptInt(None) | Value::OptFloat(None) => {
                buf.push_str("\\N")
            }
        }
    }
    buf.push_str(stamps);
    buf.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_escape_and_mark_nulls() {
        let mut buf = String::new();
        copy_row(
            &mut buf,
            &vec![
                Value::Text("a\tb".into()),
                Value::OptText(None),
                Value::Int(3),
                Value::OptFloat(Some(86.5)),
            ],
            "\tb1\t7",
        );
        assert_eq!(buf, "a\\tb\t\\N\t3\t86.5\tb1\t7\n");
    }
}
