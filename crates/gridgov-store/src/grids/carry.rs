//! What lives on a grid when the network changes under it. A split or merge carries the grid's
//! open incidents and its base records (buildings with their houses, persons, organizations,
//! places, cameras) to the grids that succeed it, in the same transaction; a grid retired with
//! no successor is refused while it still holds any, naming what it holds. Closed incidents
//! stay with the grid they were worked in: their history is the old network's.
//!
//! A split places what has a position (incidents reported with one, places, cameras) in the
//! part that holds it, and the rest in the first part listed (the records carry no position
//! to decide by); workers correct what landed in the wrong part.

use geo::{Contains, MultiPolygon, Point};
use gridgov_core::FieldError;
use gridgov_core::auth::Actor;
use gridgov_core::incidents::IncidentEvent;
use serde_json::json;
use sqlx::AnyConnection;

use super::Grid;
use crate::audit::{self, Change};
use crate::{StoreError, StoreResult};

use crate::incidents::states_sql::OPEN_STATES;

/// A grid that receives work: its id, its path, and its shape when it has one.
pub(crate) struct Destination<'a> {
    pub id: &'a str,
    pub path: &'a str,
    pub shape: Option<&'a MultiPolygon<f64>>,
}

/// How much moved, for the audit record of the change.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub(crate) struct Carried {
    pub incidents: u64,
    pub buildings: u64,
    pub houses: u64,
    pub persons: u64,
    pub organizations: u64,
    pub places: u64,
    pub cameras: u64,
}

/// A grid with no successor must hold nothing that would be orphaned.
pub(crate) async fn refuse_if_occupied(conn: &mut AnyConnection, grid: &Grid) -> StoreResult<()> {
    let numbers: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT number FROM incidents WHERE grid_id = $1 AND state IN {OPEN_STATES} \
         ORDER BY reported_at LIMIT 10"
    ))
    .bind(&grid.id)
    .fetch_all(&mut *conn)
    .await?;
    if !numbers.is_empty() {
        let list = numbers.join("、");
        return Err(FieldError::new(
            "grid",
            "open_incidents",
            format!("该网格还有未办结的事件（{list}）：请先办结，或拆分/合并网格以转移"),
            format!(
                "the grid still has open incidents ({list}): close them first, or split or \
                 merge the grid to carry them over"
            ),
        )
        .into());
    }
    let mut held = Vec::new();
    for (table, zh, en) in [
        ("buildings", "楼栋", "buildings"),
        ("persons", "人员", "persons"),
        ("organizations", "组织", "organizations"),
        ("places", "场所", "places"),
        ("cameras", "监控点", "cameras"),
    ] {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE path = $1"
        ))
        .bind(&grid.path)
        .fetch_one(&mut *conn)
        .await?;
        if n > 0 {
            held.push((n, zh, en));
        }
    }
    if !held.is_empty() {
        let zh: Vec<String> = held.iter().map(|(n, z, _)| format!("{z} {n}")).collect();
        let en: Vec<String> = held.iter().map(|(n, _, e)| format!("{n} {e}")).collect();
        return Err(FieldError::new(
            "grid",
            "holds_records",
            format!(
                "该网格仍登记有{}：请合并到相邻网格，或先迁出",
                zh.join("、")
            ),
            format!(
                "the grid still holds {}: merge it into a neighbour, or move them out first",
                en.join(", ")
            ),
        )
        .into());
    }
    Ok(())
}

/// Refuses a merge whose grids hold records with the same key (a building code, an
/// organization's or a place's name), which one grid cannot hold twice.
pub(crate) async fn refuse_clashes(conn: &mut AnyConnection, olds: &[Grid]) -> StoreResult<()> {
    let paths: Vec<&str> = olds.iter().map(|g| g.path.as_str()).collect();
    let list = crate::db::numbered_params(1, paths.len());
    for (table, column, zh, en) in [
        ("buildings", "code", "楼栋编码", "building code"),
        ("organizations", "name", "组织名称", "organization name"),
        ("places", "name", "场所名称", "place name"),
    ] {
        let sql = format!(
            "SELECT {column} FROM {table} WHERE path IN ({list}) GROUP BY {column} \
             HAVING COUNT(*) > 1 ORDER BY {column} LIMIT 5"
        );
        let mut q = sqlx::query_scalar::<_, String>(&sql);
        for p in &paths {
            q = q.bind(*p);
        }
        let clashes = q.fetch_all(&mut *conn).await?;
        if !clashes.is_empty() {
            let names = clashes.join("、");
            return Err(FieldError::new(
                "grids",
                "records_clash",
                format!("这些网格有相同的{zh}（{names}），合并前请先改名"),
                format!("these grids hold the same {en} ({names}); rename one before merging"),
            )
            .into());
        }
    }
    Ok(())
}

/// The destination holding a point, else the first.
fn destination_of<'a>(
    to: &'a [Destination<'a>],
    lng: Option<f64>,
    lat: Option<f64>,
) -> &'a Destination<'a> {
    if let (Some(x), Some(y)) = (lng, lat) {
        let p = Point::new(x, y);
        if let Some(d) = to.iter().find(|d| d.shape.is_some_and(|s| s.contains(&p))) {
            return d;
        }
    }
    &to[0]
}

/// Moves the work of `from` to its successors, recording each incident's move in its stream.
pub(crate) async fn carry_work(
    conn: &mut AnyConnection,
    actor: &Actor,
    from: &Grid,
    to: &[Destination<'_>],
    change: &str,
    now: i64,
) -> StoreResult<Carried> {
    let first = to
        .first()
        .ok_or_else(|| StoreError::Internal("a change with no successor grid".into()))?;
    let mut carried = Carried::default();
    // Open incidents, each to the part holding its position.
    let open: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(&format!(
        "SELECT county_code, id, CAST(lng AS TEXT), CAST(lat AS TEXT) FROM incidents \
         WHERE grid_id = $1 AND state IN {OPEN_STATES}"
    ))
    .bind(&from.id)
    .fetch_all(&mut *conn)
    .await?;
    for (county, id, lng, lat) in open {
        let parse = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<f64>().ok());
        let d = destination_of(to, parse(&lng), parse(&lat));
        sqlx::query(
            "UPDATE incidents SET grid_id = $3, path = $4, version = version + 1, updated_at = $5 \
             WHERE county_code = $1 AND id = $2",
        )
        .bind(&county)
        .bind(&id)
        .bind(d.id)
        .bind(d.path)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        // Its attachments are seen where it is.
        sqlx::query(
            "UPDATE attachments SET path = $2 WHERE owner_type = 'incident' AND owner_id = $1",
        )
        .bind(&id)
        .bind(d.path)
        .execute(&mut *conn)
        .await?;
        let event = IncidentEvent::GridChanged {
            from_grid: from.id.clone(),
            to_grid: d.id.to_owned(),
            change: change.to_owned(),
        };
        audit::append(
            conn,
            now,
            actor,
            Change {
                action: "incident.grid_changed",
                resource: format!("incident:{id}"),
                scope_path: d.path,
                summary: json!({"event": event, "from": null, "to": null,
                    "role": actor.role.as_str(), "department": null}),
            },
        )
        .await?;
        carried.incidents += 1;
    }
    // Places and cameras by their position.
    for (table, count) in [
        ("places", &mut carried.places),
        ("cameras", &mut carried.cameras),
    ] {
        let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(&format!(
            "SELECT county_code, id, CAST(lng AS TEXT), CAST(lat AS TEXT) FROM {table} \
             WHERE path = $1"
        ))
        .bind(&from.path)
        .fetch_all(&mut *conn)
        .await?;
        for (county, id, lng, lat) in rows {
            let parse = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<f64>().ok());
            let d = destination_of(to, parse(&lng), parse(&lat));
            sqlx::query(&format!(
                "UPDATE {table} SET grid_id = $3, path = $4, version = version + 1, \
                 updated_at = $5 WHERE county_code = $1 AND id = $2"
            ))
            .bind(&county)
            .bind(&id)
            .bind(d.id)
            .bind(d.path)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            *count += 1;
        }
    }
    // The rest, which has no position, to the first successor.
    for (table, count) in [
        ("buildings", &mut carried.buildings),
        ("houses", &mut carried.houses),
        ("persons", &mut carried.persons),
        ("organizations", &mut carried.organizations),
    ] {
        let n = sqlx::query(&format!(
            "UPDATE {table} SET grid_id = $1, path = $2, version = version + 1, updated_at = $3 \
             WHERE path = $4"
        ))
        .bind(first.id)
        .bind(first.path)
        .bind(now)
        .bind(&from.path)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        *count += n;
    }
    Ok(carried)
}
