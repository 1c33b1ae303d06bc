//! Who lives where: staged link rows joined to persons (by ID number's blind index) and houses
//! (by building, unit and number) in the database, where both already are. Rows whose person
//! or house is missing are faults like any other.

use gridgov_core::scope::ScopePath;

use super::writer::Conn;
use super::{MAX_FAULTS, RowFault};
use crate::StoreResult;
use crate::scope::{BindScope, ScopeRange};

/// Every staged row with its person's and house's ids, NULL where missing: the join runs once,
/// and both the faults and the merge read its result. Persons are matched inside the importer's
/// scope only (houses already are: their buildings were looked up in scope), so an import can
/// neither link nor learn of a person it may not see.
pub(crate) async fn resolve(conn: &mut Conn, scope: &ScopePath) -> StoreResult<()> {
    let pg = matches!(conn, Conn::Pg(_));
    if pg {
        // Temporary tables get no automatic statistics; without them the planner takes the
        // stage for empty and joins millions of rows in a nested loop.
        conn.execute("ANALYZE link_stage").await?;
    }
    let on_commit = if pg { " ON COMMIT DROP" } else { "" };
    let scope = ScopeRange::of_path(scope);
    let sql = format!(
        "CREATE TEMP TABLE link_resolved{on_commit} AS \
         SELECT s.row_no, s.county_code, p.id AS person_id, h.id AS house_id, s.relation, s.since \
         FROM link_stage s \
         LEFT JOIN persons p ON p.id_card_bidx = s.id_card_bidx AND p.county_code = s.county_code \
         AND {} \
         LEFT JOIN houses h ON h.county_code = s.county_code AND h.building_id = s.building_id \
         AND h.unit = s.unit AND h.number = s.number",
        scope.sql("p.path", 1)
    );
    match conn {
        Conn::Sqlite(c) => {
            sqlx::query(&sql)
                .bind_scope(&scope)
                .execute(&mut *c)
                .await?;
        }
        Conn::Pg(c) => {
            sqlx::query(&sql)
                .bind_scope(&scope)
                .execute(&mut *c)
                .await?;
        }
    }
    if pg {
        conn.execute("ANALYZE link_resolved").await?;
    }
    Ok(())
}

/// Rows whose person or house is not recorded, and how many there are in all.
pub(crate) async fn missing(conn: &mut Conn) -> StoreResult<(Vec<RowFault>, u64)> {
    let sql = "SELECT row_no, CASE WHEN person_id IS NULL THEN 1 ELSE 0 END, \
         CASE WHEN house_id IS NULL THEN 1 ELSE 0 END FROM link_resolved \
         WHERE person_id IS NULL OR house_id IS NULL ORDER BY row_no";
    let rows: Vec<(i64, i32, i32)> = match conn {
        Conn::Sqlite(c) => sqlx::query_as(sql).fetch_all(&mut *c).await?,
        Conn::Pg(c) => sqlx::query_as(sql).fetch_all(&mut *c).await?,
    };
    let total = rows.len() as u64;
    let faults = rows
        .into_iter()
        .take(MAX_FAULTS)
        .map(|(row, no_person, _)| {
            let (column, code, zh, en) = if no_person == 1 {
                (
                    "id_card_no",
                    "unknown_person",
                    "您范围内的该县（市、区）没有此身份证号的人员：请先导入人口",
                    "no person with this ID number in the county inside your scope: import the persons first",
                )
            } else {
                (
                    "number",
                    "unknown_house",
                    "没有这个房屋：请先导入房屋",
                    "no such house: import the houses first",
                )
            };
            RowFault {
                row: row as u64,
                column: column.into(),
                value: String::new(),
                code: code.into(),
                zh: zh.into(),
                en: en.into(),
                warning: false,
            }
        })
        .collect();
    Ok((faults, total))
}

/// Writes the links whose person and house exist; returns how many rows were written
/// (inserted or changed). On PostgreSQL, into an empty table (a first load), the secondary index
/// is dropped and rebuilt, and rows go in key order so the primary key grows at its end.
pub(crate) async fn merge(conn: &mut Conn, batch: &str, now: i64) -> StoreResult<u64> {
    let pg = matches!(conn, Conn::Pg(_));
    // On SQLite the rebuild's sorter held more memory than it saved time.
    let empty = pg
        && conn
            .count("SELECT COUNT(*) FROM (SELECT 1 FROM person_houses LIMIT 1) x")
            .await?
            == 0;
    let rebuild = if empty {
        conn.drop_secondary("person_houses").await?
    } else {
        Vec::new()
    };
    // PostgreSQL sorts within its work_mem; SQLite's sorter would hold a large share of the
    // connection's cache per sorting thread, in this process, and the rows arrive nearly in key
    // order anyway (persons are imported in file order with time-ordered ids).
    let order = if pg {
        " ORDER BY county_code, person_id, house_id"
    } else {
        ""
    };
    let sql = format!(
        "INSERT INTO person_houses (county_code, person_id, house_id, relation, since, \
         created_batch, created_at, updated_at) \
         SELECT county_code, person_id, house_id, relation, since, $1, $2, $2 \
         FROM link_resolved WHERE person_id IS NOT NULL AND house_id IS NOT NULL{order} {}",
        super::spec::PERSON_HOUSES.upsert_clause(None)
    );
    let written = match conn {
        Conn::Sqlite(c) => sqlx::query(&sql)
            .bind(batch)
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected(),
        Conn::Pg(c) => sqlx::query(&sql)
            .bind(batch)
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected(),
    };
    conn.rebuild("person_houses", &rebuild).await?;
    Ok(written)
}
