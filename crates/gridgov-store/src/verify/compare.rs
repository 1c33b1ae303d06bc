//! The comparison itself: two set-based statements over the natural key both sides share
//! (county and the ID number's blind index), so millions of persons are compared by the
//! database's joins, not row by row here.
//!
//! 1. Every source row joined to its record, if any: no record anywhere is `missing_in_records`;
//!    a record inside the compared scope with any field different is `differs`, with the fields
//!    listed. A record outside the scope is left alone: its differences are not the caller's
//!    to see.
//! 2. Every record inside the scope without a source row is `missing_in_source`.

use gridgov_core::scope::ScopePath;

use super::TaskCounts;
use super::load::on_conn;
use crate::StoreResult;
use crate::base::writer::Conn;
use crate::scope::{BindScope, ScopeRange};

/// The fields compared, with how each is shown. Phones are compared by blind index and never
/// shown; the grid is shown as files name it.
const PLAIN_FIELDS: [&str; 6] = [
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "registered_address",
    "residence_type",
];

const GRID_KEY: &str =
    "(SELECT g.region_code || '-' || g.code FROM grids g WHERE g.id = {}.grid_id)";

/// A text expression as a JSON string literal, in each dialect's words.
fn json_text(conn: &Conn, expr: &str) -> String {
    match conn {
        Conn::Sqlite(_) => format!("json_quote({expr})"),
        Conn::Pg(_) => format!("to_json({expr})::text"),
    }
}

/// The condition "some field differs" and the JSON list of the fields that do, built in SQL
/// (the list is made only for the rows that differ).
fn differences(conn: &Conn) -> (String, String) {
    let mut cond = Vec::new();
    let mut parts = Vec::new();
    for f in PLAIN_FIELDS {
        cond.push(format!("s.{f} <> p.{f}"));
        parts.push(format!(
            "CASE WHEN s.{f} <> p.{f} THEN '{{\"field\":\"{f}\",\"record\":' || {} || \
             ',\"source\":' || {} || '}},' ELSE '' END",
            json_text(conn, &format!("p.{f}")),
            json_text(conn, &format!("s.{f}"))
        ));
    }
    cond.push("s.phone_bidx IS DISTINCT FROM p.phone_bidx".into());
    parts.push(
        "CASE WHEN s.phone_bidx IS DISTINCT FROM p.phone_bidx \
         THEN '{\"field\":\"phone\",\"differs\":true},' ELSE '' END"
            .into(),
    );
    cond.push("s.grid_id <> p.grid_id".into());
    parts.push(format!(
        "CASE WHEN s.grid_id <> p.grid_id THEN '{{\"field\":\"grid\",\"record\":' || {} || \
         ',\"source\":' || {} || '}},' ELSE '' END",
        json_text(conn, &GRID_KEY.replace("{}", "p")),
        json_text(conn, &GRID_KEY.replace("{}", "s"))
    ));
    (
        format!("({})", cond.join(" OR ")),
        format!("'[' || rtrim({}, ',') || ']'", parts.join(" || ")),
    )
}

const TASK_COLUMNS: &str = "id, comparison_id, county_code, grid_id, path, person_id, \
    source_row_id, source_row_no, name, kind, fields, status, created_at";

/// Raises the comparison's tasks inside `scope` and counts them by kind.
pub(super) async fn raise_tasks(
    conn: &mut Conn,
    comparison: &str,
    scope: &ScopePath,
    now: i64,
) -> StoreResult<TaskCounts> {
    let scope = ScopeRange::of_path(scope);
    let persons_in = scope.sql("p.path", 3);
    let (differ, fields) = differences(conn);
    // Task ids are the comparison's id and the row's, so they are unique without asking the
    // database for random values, which the two dialects spell differently.
    let from_source = format!(
        "INSERT INTO verification_tasks ({TASK_COLUMNS}) \
         SELECT $1 || '-' || s.id, $1, s.county_code, COALESCE(p.grid_id, s.grid_id), \
         COALESCE(p.path, s.path), p.id, s.id, s.row_no, COALESCE(p.name, s.name), \
         CASE WHEN p.id IS NULL THEN 'missing_in_records' ELSE 'differs' END, \
         CASE WHEN p.id IS NULL THEN '[]' ELSE {fields} END, 'open', $2 \
         FROM source_persons s LEFT JOIN persons p \
         ON p.id_card_bidx = s.id_card_bidx AND p.county_code = s.county_code \
         WHERE s.comparison_id = $1 \
         AND (p.id IS NULL OR ({persons_in} AND {differ}))"
    );
    let from_records = format!(
        "INSERT INTO verification_tasks ({TASK_COLUMNS}) \
         SELECT $1 || '-' || p.id, $1, p.county_code, p.grid_id, p.path, p.id, NULL, NULL, \
         p.name, 'missing_in_source', '[]', 'open', $2 \
         FROM persons p WHERE {persons_in} AND NOT EXISTS (\
         SELECT 1 FROM source_persons s WHERE s.comparison_id = $1 \
         AND s.county_code = p.county_code AND s.id_card_bidx = p.id_card_bidx)"
    );
    let counts_sql = "SELECT kind, CAST(COUNT(*) AS BIGINT) FROM verification_tasks \
                      WHERE comparison_id = $1 GROUP BY kind";
    let rows: Vec<(String, i64)> = on_conn!(conn, c => {
        for sql in [&from_source, &from_records] {
            sqlx::query(sql)
                .bind(comparison)
                .bind(now)
                .bind_scope(&scope)
                .execute(&mut *c)
                .await?;
        }
        sqlx::query_as(counts_sql)
            .bind(comparison)
            .fetch_all(&mut *c)
            .await?
    });
    let mut counts = TaskCounts::default();
    for (kind, n) in rows {
        let n = n.max(0) as u64;
        match kind.as_str() {
            "differs" => counts.differs = n,
            "missing_in_records" => counts.missing_in_records = n,
            _ => counts.missing_in_source = n,
        }
    }
    Ok(counts)
}
