//! Writing many regions at once: the one place where the two databases are spoken to
//! differently. PostgreSQL gets COPY on a dedicated connection; SQLite gets multi-row INSERTs
//! prepared once and reused. Both write the rows and the audit record in one transaction.
//!
//! Into an empty table (the first load of a country), the secondary indexes and the foreign key
//! are dropped first and built again after the rows are in, inside the same transaction: one sort
//! per index instead of 665,000 scattered inserts, and one pass to check every parent. The
//! definitions are read back from the database's catalogue, so what is rebuilt is exactly what
//! the migrations made.

use gridgov_core::auth::Actor;
use sqlx::Connection;

use super::ImportProgress;
use super::import::ImportReport;
use crate::audit::{self, Change};
use crate::{Backend, Store, StoreResult};

/// A region ready to store, its path computed.
#[derive(Debug, Clone)]
pub struct NewRegion {
    pub code: String,
    pub name: String,
    pub level: i64,
    pub parent_code: Option<String>,
    pub path: String,
    pub source: String,
}

/// Rows per INSERT on SQLite.
const SQLITE_BATCH: usize = 20_000;

pub(crate) async fn write_regions(
    store: &Store,
    actor: &Actor,
    rows: &[NewRegion],
    report: &ImportReport,
    progress: &(dyn Fn(ImportProgress) + Send + Sync),
) -> StoreResult<()> {
    let now = store.now_ms();
    let change = Change {
        action: "regions.import",
        resource: format!("regions:{}", report.source),
        scope_path: "",
        summary: serde_json::json!({
            "source": report.source,
            "rows_read": report.rows_read,
            "inserted": rows.len(),
            "unchanged": report.unchanged,
        }),
    };
    let total = rows.len() as u64;
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
                    "COPY regions (code, name, level, parent_code, path, source, created_at) \
                     FROM STDIN",
                )
                .await?;
            let mut buf = String::with_capacity(1 << 20);
            for (i, r) in rows.iter().enumerate() {
                copy_text(&mut buf, r, now);
                if buf.len() >= (1 << 20) - 512 {
                    copy.send(std::mem::take(&mut buf).into_bytes()).await?;
                    progress(ImportProgress::Written {
                        done: i as u64 + 1,
                        total,
                    });
                }
            }
            if !buf.is_empty() {
                copy.send(buf.into_bytes()).await?;
            }
            copy.finish().await?;
            for ddl in &rebuild {
                sqlx::query(ddl).execute(&mut *tx).await?;
            }
            audit::append_pg(&mut tx, now, actor, change).await?;
            tx.commit().await?;
        }
        Backend::Sqlite => {
            let mut tx = store.pool.begin().await?;
            let empty = sqlx::query("SELECT 1 FROM regions LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?
                .is_none();
            let rebuild = if empty {
                drop_secondary_sqlite(&mut tx).await?
            } else {
                Vec::new()
            };
            // Each batch travels as one JSON text that SQLite unpacks itself: binding seven
            // values per row costs more in the driver than the insert costs in SQLite.
            for (n, chunk) in rows.chunks(SQLITE_BATCH).enumerate() {
                let batch: Vec<(&str, &str, i64, Option<&str>, &str)> = chunk
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
                let json = serde_json::to_string(&batch)
                    .map_err(|e| crate::StoreError::Internal(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO regions (code, name, level, parent_code, path, source, created_at) \
                     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, $2, $3 \
                     FROM json_each($1)",
                )
                .bind(json)
                .bind(&report.source)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                progress(ImportProgress::Written {
                    done: ((n + 1) * SQLITE_BATCH).min(rows.len()) as u64,
                    total,
                });
            }
            for ddl in &rebuild {
                sqlx::query(ddl).execute(&mut *tx).await?;
            }
            audit::append(&mut tx, now, actor, change).await?;
            tx.commit().await?;
        }
    }
    progress(ImportProgress::Written { done: total, total });
    Ok(())
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
        "SELECT indexname, indexdef FROM pg_indexes \
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

/// Drops the regions table's secondary indexes (SQLite keeps foreign keys in the table itself);
/// returns the statements that create them again.
async fn drop_secondary_sqlite(conn: &mut sqlx::AnyConnection) -> StoreResult<Vec<String>> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'regions' \
         AND sql IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rebuild = Vec::new();
    for (name, sql) in indexes {
        sqlx::query(&format!("DROP INDEX \"{name}\""))
            .execute(&mut *conn)
            .await?;
        rebuild.push(sql);
    }
    Ok(rebuild)
}

/// One row in COPY's text format.
fn copy_text(buf: &mut String, r: &NewRegion, now: i64) {
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
    push_escaped(buf, &r.source);
    let _ = writeln!(buf, "\t{now}");
}

fn push_escaped(buf: &mut String, s: &str) {
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
            source: "t".into(),
        };
        copy_text(&mut buf, &r, 5);
        assert_eq!(buf, "42\ta\\tb\\\\c\t1\t\\N\t42/\tt\t5\n");
    }
}
