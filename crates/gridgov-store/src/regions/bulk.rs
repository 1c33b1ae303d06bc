//! Writing many regions at once: the one place where the two databases are spoken to
//! differently. PostgreSQL gets COPY on a dedicated connection; SQLite gets each batch as one
//! JSON text that it unpacks itself (binding seven values per row cost more in the driver than
//! the insert cost in SQLite). Both write the rows and the audit record in one transaction.
//!
//! Rows arrive in code order, which is the order of the primary key (and, codes leading their
//! children's, of the paths too), so SQLite appends to its B-trees rather than splitting pages
//! all over them. On PostgreSQL, loading an empty table (the first load of a country), the
//! secondary indexes and the foreign key are dropped first and built again after the rows are in,
//! inside the same transaction: one sort per index and one pass to check every parent, instead of
//! a trigger per row (the foreign key is the costly part of `\copy`). The definitions are
//! read back from the catalogue, so what is rebuilt is exactly what the migrations made. The
//! table then gets fresh statistics, without which PostgreSQL plans the region browser's queries
//! as if it were empty.

use std::future::Future;

use gridgov_core::auth::Actor;
use sqlx::Connection;
use tokio::sync::mpsc::Receiver;

use super::ImportProgress;
use super::import::ImportReport;
use crate::audit::{self, Change};
use crate::{Backend, Store, StoreError, StoreResult};

/// A region ready to store, its path computed.
#[derive(Debug, Clone)]
pub struct NewRegion {
    pub code: String,
    pub name: String,
    pub level: i64,
    pub parent_code: Option<String>,
    pub path: String,
}

fn change(source: &str, r: &ImportReport) -> Change<'static> {
    Change {
        action: "regions.import",
        resource: format!("regions:{source}"),
        scope_path: "",
        summary: serde_json::json!({
            "source": r.source,
            "rows_read": r.rows_read,
            "inserted": r.inserted,
            "unchanged": r.unchanged,
        }),
    }
}

/// Writes the batches as they come; commits when `verdict` says every row was sound, and leaves
/// the database untouched otherwise. Nothing is opened when no batch comes.
pub(crate) async fn write_regions(
    store: &Store,
    actor: &Actor,
    source: &str,
    mut batches: Receiver<Vec<NewRegion>>,
    verdict: impl Future<Output = StoreResult<ImportReport>>,
    total: u64,
    progress: &(dyn Fn(ImportProgress) + Send + Sync),
) -> StoreResult<ImportReport> {
    let Some(first) = batches.recv().await else {
        return verdict.await;
    };
    let now = store.now_ms();
    let mut done = 0u64;
    match store.backend() {
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(store.url.as_str()).await?;
            let mut tx = conn.begin().await?;
            let rebuild = if table_is_empty_pg(&mut tx).await? {
                drop_secondary_pg(&mut tx).await?
            } else {
                Vec::new()
            };
            let mut copy = tx
                .copy_in_raw(
                    "COPY regions (code, name, level, parent_code, path, source, created_at) FROM STDIN",
                )
                .await?;
            let mut next = Some(first);
            while let Some(batch) = next {
                let mut buf = String::with_capacity(batch.len() * 96);
                for r in &batch {
                    copy_text(&mut buf, r, source, now);
                }
                copy.send(buf.into_bytes()).await?;
                done += batch.len() as u64;
                progress(ImportProgress::Written { done, total });
                next = batches.recv().await;
            }
            let report = match verdict.await {
                Ok(r) => r,
                Err(e) => {
                    // Dropping the transaction rolls the rows back.
                    let _ = copy.abort("import rejected").await;
                    return Err(e);
                }
            };
            copy.finish().await?;
            for ddl in &rebuild {
                sqlx::query(ddl).execute(&mut *tx).await?;
            }
            audit::append_pg(&mut tx, now, actor, change(source, &report)).await?;
            tx.commit().await?;
            sqlx::query("ANALYZE regions").execute(&mut conn).await?;
            Ok(report)
        }
        Backend::Sqlite => {
            let mut tx = store.begin_write().await?;
            let mut next = Some(first);
            while let Some(batch) = next {
                let rows: Vec<(&str, &str, i64, Option<&str>, &str)> = batch
                    .iter()
                    .map(|r| {
                        (
                            r.code.as_str(),
                            r.name.as_str(),
                            r.level,
                            r.parent_code.as_deref(),
                            r.path.as_str(),
                        )
                    })
                    .collect();
                let json = serde_json::to_string(&rows)
                    .map_err(|e| StoreError::Internal(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO regions (code, name, level, parent_code, path, source, created_at) \
                     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, $2, $3 \
                     FROM json_each($1)",
                )
                .bind(json)
                .bind(source)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                done += batch.len() as u64;
                progress(ImportProgress::Written { done, total });
                next = batches.recv().await;
            }
            // On a rejected file the transaction is dropped unfinished, which rolls it back.
            let report = verdict.await?;
            audit::append(&mut tx, now, actor, change(source, &report)).await?;
            tx.commit().await?;
            Ok(report)
        }
    }
}

async fn table_is_empty_pg(conn: &mut sqlx::PgConnection) -> StoreResult<bool> {
    Ok(sqlx::query("SELECT 1 FROM regions LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .is_none())
}

/// Drops the regions table's secondary indexes and foreign keys; returns the statements that
/// create them again.
async fn drop_secondary_pg(conn: &mut sqlx::PgConnection) -> StoreResult<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename = 'regions' \
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'regions'::regclass)",
    )
    .fetch_all(&mut *conn)
    .await?;
    let fks: Vec<(String, String)> = sqlx::query_as(
        "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE conrelid = 'regions'::regclass AND contype = 'f'",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rebuild = Vec::new();
    for (name, def) in indexes {
        sqlx::query(&format!("DROP INDEX \"{name}\""))
            .execute(&mut *conn)
            .await?;
        rebuild.push(def);
    }
    for (name, def) in fks {
        sqlx::query(&format!("ALTER TABLE regions DROP CONSTRAINT \"{name}\""))
            .execute(&mut *conn)
            .await?;
        rebuild.push(format!(
            "ALTER TABLE regions ADD CONSTRAINT \"{name}\" {def}"
        ));
    }
    Ok(rebuild)
}

/// One row in COPY's text format.
fn copy_text(buf: &mut String, r: &NewRegion, source: &str, now: i64) {
    use std::fmt::Write;
    push_escaped(buf, &r.code);
    buf.push('\t');
    push_escaped(buf, &r.name);
    let _ = write!(buf, "\t{}\t", r.level);
    match &r.parent_code {
        Some(p) => push_escaped(buf, p),
        None => buf.push_str("\\N"),
    }
    buf.push('\t');
    push_escaped(buf, &r.path);
    buf.push('\t');
    push_escaped(buf, source);
    let _ = writeln!(buf, "\t{now}");
}

pub(crate) fn push_escaped(buf: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_escape_and_mark_nulls() {
        let mut buf = String::new();
        let r = NewRegion {
            code: "42".into(),
            name: "a\tb\\c".into(),
            level: 1,
            parent_code: None,
            path: "42/".into(),
        };
        copy_text(&mut buf, &r, "t", 5);
        assert_eq!(buf, "42\ta\\tb\\\\c\t1\t\\N\t42/\tt\t5\n");
    }
}
