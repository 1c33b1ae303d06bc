//! Writing many grid rows in few statements: one multi-row INSERT or one `UPDATE … FROM
//! (VALUES …)` per batch, in the SQL both databases share. Importing 15,000 boundaries one
//! statement at a time would spend seconds on round trips to PostgreSQL.

use sqlx::AnyConnection;

use crate::StoreResult;

/// A value bound to one placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    Float(f64),
}

/// Placeholders per statement. SQLite binds numbered placeholders by looking each one up among
/// the statement's parameters, a cost that grows with the square of their number, so wide
/// batches are slower than several narrow ones. PostgreSQL does not care, and a few hundred
/// statements in one transaction cost it little.
const BATCH_PARAMS: usize = 1_000;

fn batch_rows(columns: usize) -> usize {
    (BATCH_PARAMS / columns.max(1)).max(1)
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    rows: &'q [Vec<Param>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for row in rows {
        for p in row {
            q = match p {
                Param::Text(s) => q.bind(s.as_str()),
                Param::OptText(s) => q.bind(s.as_deref()),
                Param::Int(i) => q.bind(*i),
                Param::Float(f) => q.bind(*f),
            };
        }
    }
    q
}

/// `(CAST($1 AS T1), …), (…)` for `rows` rows of these column types. The casts give PostgreSQL
/// the types of a bare VALUES list, which it cannot infer; SQLite reads them as affinities.
fn values_list(types: &[&str], rows: usize) -> String {
    let mut out = String::new();
    let mut n = 1;
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for (i, t) in types.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("CAST(${n} AS {t})"));
            n += 1;
        }
        out.push(')');
    }
    out
}

/// `INSERT INTO table (columns) VALUES …` for every row, in batches.
pub(crate) async fn insert_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[(&str, &str)],
    rows: &[Vec<Param>],
) -> StoreResult<()> {
    let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
    let types: Vec<&str> = columns.iter().map(|c| c.1).collect();
    for chunk in rows.chunks(batch_rows(columns.len())) {
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            names.join(", "),
            values_list(&types, chunk.len())
        );
        bind_all(sqlx::query(&sql), chunk)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `UPDATE table SET col = v.columnN … FROM (VALUES …) AS v WHERE table.key = v.column1`, in
/// batches. The first column of each row is the key. Both databases name the columns of a VALUES
/// list column1, column2, …
pub(crate) async fn update_rows(
    conn: &mut AnyConnection,
    table: &str,
    key: &str,
    columns: &[(&str, &str)],
    extra_set: &str,
    rows: &[Vec<Param>],
) -> StoreResult<()> {
    let types: Vec<&str> = std::iter::once("TEXT")
        .chain(columns.iter().map(|c| c.1))
        .collect();
    let mut sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = v.column{}", c.0, i + 2))
        .collect();
    if !extra_set.is_empty() {
        sets.push(extra_set.to_owned());
    }
    for chunk in rows.chunks(batch_rows(types.len())) {
        let sql = format!(
            "UPDATE {table} SET {} FROM (VALUES {}) AS v WHERE {table}.{key} = v.column1",
            sets.join(", "),
            values_list(&types, chunk.len())
        );
        bind_all(sqlx::query(&sql), chunk)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
