//! The SQL of a work list's page and total, door by door. An OR of the three doors defeats
//! every index on both databases, so a list counts each door on its own (capped, by the door's
//! own index), then reads each door's share of the page the way its count says is fastest, and
//! takes the newest of the three shares. The doors are disjoint, so counts and rows add up.

use sqlx::AnyConnection;

use super::list::{Bind, Conditions, TOTAL_CAP};
use crate::StoreResult;
use crate::db::Backend;
use crate::scope::{BindScope, Door, DoorRead, IncidentDoors};

/// From this many rows a door is read newest first (testing each incident on the way) rather
/// than found through its own index and sorted: measured on a million incidents, walking is
/// cheaper once a door lets in a few thousand of them, sorting below that.
const NEWEST_FIRST_FROM: i64 = 4_000;

/// The rows each door lets in (after the filters), each counted up to the cap and one more.
pub(super) async fn door_counts(
    conn: &mut AnyConnection,
    doors: &IncidentDoors,
    c: &Conditions,
) -> StoreResult<[i64; 3]> {
    let filters = filters_sql(c);
    let cap = TOTAL_CAP + 1;
    let branch = |door: Door| {
        format!(
            "(SELECT COUNT(*) FROM (SELECT 1 FROM incidents i WHERE {} {filters} LIMIT {cap}) c)",
            doors.branch_sql(door, "i", 1, DoorRead::Planner)
        )
    };
    let sql = format!(
        "SELECT {}, {}, (SELECT COUNT(*) FROM (SELECT DISTINCT dt.county_code, dt.incident_id \
         FROM {} {filters} LIMIT {cap}) c)",
        branch(Door::Range),
        branch(Door::Reporter),
        doors.department_count_from("i", 1),
    );
    let q = sqlx::query_as::<_, (i64, i64, i64)>(&sql).bind_doors(doors);
    let (a, b, d) = bind_all(q, c, &[]).fetch_one(&mut *conn).await?;
    Ok([a, b, d])
}

/// How each door is read, from its count. A door that lets in few rows is read by its own
/// index on both databases: PostgreSQL's statistics do not see that a center operator's
/// reports all lie in their own range, and it would walk the newest-first index for seconds to
/// find the few outside. A door that lets in many is walked newest first: told so on SQLite,
/// which cannot know, left to the planner on PostgreSQL, which does.
pub(super) fn reads(backend: Backend, counts: [i64; 3]) -> [DoorRead; 3] {
    let read = |door: Door, n: i64| match (backend, door) {
        _ if n < NEWEST_FIRST_FROM => DoorRead::ByIndex,
        (Backend::Postgres, _) | (_, Door::Reporter) => DoorRead::Planner,
        (Backend::Sqlite, _) => DoorRead::NewestFirst,
    };
    [
        read(Door::Range, counts[0]),
        read(Door::Reporter, counts[1]),
        read(Door::Department, counts[2]),
    ]
}

/// A page: `select` (columns of `incidents i`, which must include `reported_at` and `id`, with
/// `joins` after the table) of the `limit` newest incidents the doors and filters let in, after
/// the keyset `(reported_at, id)` bound at parameter `keyset` when given.
pub(super) fn page_sql(
    doors: &IncidentDoors,
    c: &Conditions,
    reads: [DoorRead; 3],
    select: &str,
    joins: &str,
    keyset: Option<usize>,
    limit: i64,
) -> String {
    let mut filters = filters_sql(c);
    if let Some(n) = keyset {
        // A row value, which both databases turn into one range on the newest-first index.
        filters.push_str(&format!(" AND (i.reported_at, i.id) < (${n}, ${})", n + 1));
    }
    let branches: Vec<String> = Door::ALL
        .iter()
        .zip(reads)
        .enumerate()
        .map(|(k, (door, read))| {
            // `+ 0` keeps the newest-first index out of a door read by its own index (on
            // both databases an expression matches no index): its rows are found, then sorted.
            let newest = match read {
                DoorRead::ByIndex => "i.reported_at + 0",
                _ => "i.reported_at",
            };
            format!(
                "SELECT * FROM (SELECT {select} FROM incidents i {joins} WHERE {} {filters} \
                 ORDER BY {newest} DESC, i.id DESC LIMIT {limit}) b{k}",
                doors.branch_sql(*door, "i", 1, read)
            )
        })
        .collect();
    format!(
        "SELECT * FROM ({}) page ORDER BY reported_at DESC, id DESC LIMIT {limit}",
        branches.join(" UNION ALL ")
    )
}

/// The filters after a door's condition, each with its leading `AND`.
fn filters_sql(c: &Conditions) -> String {
    c.sql.iter().map(|s| format!(" AND {s}")).collect()
}

/// Binds the filters' values (after the doors', which the caller binds first) and `extra`.
///
/// The statement is not kept prepared: its text varies with the filters, and PostgreSQL plans a
/// kept statement once for any values after a few runs (a generic plan, which cannot see that
/// the department door of a caller without a department is empty, or how much of the table a
/// range holds). An unnamed statement is planned for the values it runs with.
pub(super) fn bind_all<'q, O>(
    mut q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    c: &'q Conditions,
    extra: &'q [Bind],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    for b in c.binds[IncidentDoors::PARAMS..].iter().chain(extra) {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(v) => q.bind(*v),
        };
    }
    q.persistent(false)
}
