//! Reading a pg_dump archive without a database, before a restore changes anything: its tables
//! (`pg_restore --list`), and the rows of two small tables (`pg_restore --data-only --table`,
//! which prints them as COPY text): the migrations applied and the data key's check.

use std::ffi::OsString;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use gridgov_store::backup::Inventory;

use super::pg_tools::PgTool;

/// What an archive holds, in the form of a database's inventory (no counts: counting would
/// mean reading every row).
pub fn inventory(pg_restore: &PgTool, archive: &Path) -> Result<Inventory> {
    let listing = pg_restore
        .run_captured(&[OsString::from("--list"), archive.into()], None)
        .context("listing the archive / 读取归档目录")?;
    let tables = tables_of_listing(&listing);
    let has = |t: &str| tables.iter().any(|x| x == t);
    let migrations = if has("_sqlx_migrations") {
        let text = table_data(pg_restore, archive, "_sqlx_migrations")?;
        column_values(&text, "_sqlx_migrations", "version")
            .into_iter()
            .flatten()
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| anyhow!("the archive's migration version {v:?} is not a number"))
            })
            .collect::<Result<Vec<i64>>>()?
    } else {
        Vec::new()
    };
    let key_check = if has("data_key_check") {
        let text = table_data(pg_restore, archive, "data_key_check")?;
        // One row at most (id = 1).
        column_values(&text, "data_key_check", "key_check")
            .into_iter()
            .flatten()
            .next()
    } else {
        None
    };
    Ok(Inventory {
        tables,
        migrations,
        key_check,
        counts: Vec::new(),
    })
}

fn table_data(pg_restore: &PgTool, archive: &Path, table: &str) -> Result<String> {
    pg_restore
        .run_captured(
            &[
                OsString::from("--data-only"),
                OsString::from(format!("--table={table}")),
                OsString::from("--file=-"),
                archive.into(),
            ],
            None,
        )
        .with_context(|| format!("reading table {table} from the archive / 从归档读取表 {table}"))
}

/// The tables of a `pg_restore --list` listing: lines such as
/// `215; 1259 16386 TABLE public regions postgres` (not `TABLE DATA`), sorted.
fn tables_of_listing(listing: &str) -> Vec<String> {
    let mut tables: Vec<String> = listing
        .lines()
        .filter(|l| !l.starts_with(';'))
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            match words.as_slice() {
                [_, _, _, "TABLE", schema, name, ..] if *schema != "DATA" => {
                    Some((*name).to_owned())
                }
                _ => None,
            }
        })
        .collect();
    tables.sort();
    tables.dedup();
    tables
}

/// The values of one column in the COPY block of `table` (`\N` is `None`). The two tables read
/// here hold numbers and base64url text, which COPY writes without escapes.
fn column_values(text: &str, table: &str, column: &str) -> Vec<Option<String>> {
    let mut lines = text.lines();
    let Some(header) = lines.find(|l| {
        l.starts_with("COPY ")
            && l.split_whitespace()
                .nth(1)
                .is_some_and(|t| t == table || t.ends_with(&format!(".{table}")))
    }) else {
        return Vec::new();
    };
    let Some(at) = header.find('(').zip(header.find(')')).and_then(|(a, b)| {
        header[a + 1..b]
            .split(',')
            .map(|c| c.trim().trim_matches('"'))
            .position(|c| c == column)
    }) else {
        return Vec::new();
    };
    lines
        .take_while(|l| *l != "\\.")
        .map(|row| {
            row.split('\t')
                .nth(at)
                .filter(|v| *v != "\\N")
                .map(str::to_owned)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = ";\n; Archive created at 2026-05-01\n;\n\
        214; 1259 43110 TABLE public data_key_check postgres\n\
        215; 1259 43117 TABLE public regions postgres\n\
        3345; 0 43110 TABLE DATA public data_key_check postgres\n\
        3202; 1259 43122 INDEX public regions_path postgres\n";

    #[test]
    fn tables_are_read_from_the_listing() {
        assert_eq!(
            tables_of_listing(LISTING),
            vec!["data_key_check", "regions"]
        );
    }

    #[test]
    fn a_column_is_read_from_copy_text() {
        let text = "SET client_encoding = 'UTF8';\n\
            COPY public.data_key_check (id, key_check, created_at) FROM stdin;\n\
            1\tq3Zk-_0aBc9\t1795392000000\n\\.\n";
        assert_eq!(
            column_values(text, "data_key_check", "key_check"),
            vec![Some("q3Zk-_0aBc9".to_owned())]
        );
        let migrations = "COPY public._sqlx_migrations (version, description, installed_on, \
            success, checksum, execution_time) FROM stdin;\n\
            1\tfoundation\t2026-01-01\tt\t\\\\x00\t5\n2\tgrids\t\\N\tt\t\\\\x00\t7\n\\.\n";
        assert_eq!(
            column_values(migrations, "_sqlx_migrations", "version"),
            vec![Some("1".to_owned()), Some("2".to_owned())]
        );
        assert_eq!(
            column_values(migrations, "_sqlx_migrations", "installed_on"),
            vec![Some("2026-01-01".to_owned()), None]
        );
        assert!(column_values(text, "regions", "code").is_empty());
    }
}
