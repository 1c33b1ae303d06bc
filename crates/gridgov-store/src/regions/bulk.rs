//! Writing many regions at once: the one place where the two databases are spoken to
//! differently. PostgreSQL gets COPY on a dedicated connection; SQLite gets multi-row INSERTs
//! prepared once and reused. Both write the rows and the audit record in one transaction.

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

/// Rows per INSERT on SQLite: 7 parameters each, well under SQLite's 32,766-parameter limit.
const SQLITE_BATCH: usize = 1000;

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
            audit::append_pg(&mut tx, now, actor, change).await?;
            tx.commit().await?;
        }
        Backend::Sqlite => {
            let mut tx = store.pool.begin().await?;
            for (n, chunk) in rows.chunks(SQLITE_BATCH).enumerate() {
                let mut sql = String::from(
                    "INSERT INTO regions (code, name, level, parent_code, path, source, created_at) VALUES ",
                );
                for i in 0..chunk.len() {
                    let b = i * 7;
                    if i > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!(
                        "(${},${},${},${},${},${},${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7
                    ));
                }
                let mut q = sqlx::query(&sql);
                for r in chunk {
                    q = q
                        .bind(&r.code)
                        .bind(&r.name)
                        .bind(r.level)
                        .bind(r.parent_code.as_deref())
                        .bind(&r.path)
                        .bind(&r.source)
                        .bind(now);
                }
                q.execute(&mut *tx).await?;
                progress(ImportProgress::Written {
                    done: ((n + 1) * SQLITE_BATCH).min(rows.len()) as u64,
                    total,
                });
            }
            audit::append(&mut tx, now, actor, change).await?;
            tx.commit().await?;
        }
    }
    progress(ImportProgress::Written { done: total, total });
    Ok(())
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
