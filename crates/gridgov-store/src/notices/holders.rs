//! Who holds an incident, for the notices that press on it (due soon, overdue, escalated,
//! reminded, supervised): the people of its live tasks (a department's handlers, a grid's
//! staff, a region's center operators) and the operators of the nearest center holding it. The pass
//! asks for a thousand incidents at once, so everything is read in a few statements per batch
//! rather than a few per incident.

use std::collections::{BTreeSet, HashMap};

use sqlx::AnyConnection;

use crate::StoreResult;
use crate::db::numbered_params;
use crate::incidents::states_sql::LIVE_TASK_STATES;
use crate::settings::prefixes;

/// Values per `IN (…)` list.
const CHUNK: usize = 500;

/// (first column, second column) rows of `sql`, which takes one `IN ({list})` of `keys`.
async fn pairs(
    conn: &mut AnyConnection,
    sql: &str,
    first: &[&str],
    keys: &[&str],
) -> StoreResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        let text = sql.replace("{list}", &numbered_params(first.len() + 1, chunk.len()));
        let mut q = sqlx::query_as::<_, (String, String)>(&text);
        for f in first {
            q = q.bind(*f);
        }
        for k in chunk {
            q = q.bind(*k);
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// The people of each assignee of the live tasks of some incidents, and of their centers.
#[derive(Default)]
pub(crate) struct Holders {
    /// (county, incident id) → the people of its live tasks.
    tasks: HashMap<(String, String), BTreeSet<String>>,
    /// Center path → the operators of the nearest center at or above it.
    centers: HashMap<String, Vec<String>>,
}

/// An incident whose holders are wanted.
pub(crate) struct Held<'a> {
    pub county: &'a str,
    pub id: &'a str,
    pub center_path: &'a str,
}

impl Holders {
    /// Reads the holders of `incidents`: their live tasks in one statement per county and
    /// chunk, the people of every distinct assignee in one per kind, the operators of every
    /// distinct center in one.
    pub(crate) async fn load(
        conn: &mut AnyConnection,
        incidents: &[Held<'_>],
    ) -> StoreResult<Holders> {
        let mut by_county: HashMap<&str, Vec<&str>> = HashMap::new();
        for i in incidents {
            by_county.entry(i.county).or_default().push(i.id);
        }
        // (county, incident, assignee type, assignee id)
        let mut tasks: Vec<(String, String, String, String)> = Vec::new();
        for (county, ids) in &by_county {
            for chunk in ids.chunks(CHUNK) {
                let sql = format!(
                    "SELECT incident_id, assignee_type, assignee_id FROM incident_tasks \
                     WHERE county_code = $1 AND incident_id IN ({}) AND state IN {LIVE_TASK_STATES}",
                    numbered_params(2, chunk.len())
                );
                let mut q = sqlx::query_as::<_, (String, String, String)>(&sql).bind(*county);
                for id in chunk {
                    q = q.bind(*id);
                }
                for (incident, kind, assignee) in q.fetch_all(&mut *conn).await? {
                    tasks.push(((*county).to_owned(), incident, kind, assignee));
                }
            }
        }
        let of_kind = |k: &str| -> Vec<&str> {
            let set: BTreeSet<&str> = tasks
                .iter()
                .filter(|t| t.2 == k)
                .map(|t| t.3.as_str())
                .collect();
            set.into_iter().collect()
        };
        let mut people: HashMap<(String, String), Vec<String>> = HashMap::new();
        let lookups = [
            (
                "department",
                "SELECT m.department_id, m.user_id FROM department_members m \
                 JOIN users u ON u.id = m.user_id \
                 WHERE u.role = 'department_handler' AND m.department_id IN ({list})",
            ),
            (
                "grid",
                "SELECT grid_id, user_id FROM grid_staff WHERE grid_id IN ({list})",
            ),
            (
                "region",
                "SELECT r.code, u.id FROM users u JOIN regions r ON u.scope_path = r.path \
                 WHERE u.role = 'center_operator' AND r.code IN ({list})",
            ),
        ];
        for (kind, sql) in lookups {
            let keys = of_kind(kind);
            if keys.is_empty() {
                continue;
            }
            for (key, user) in pairs(conn, sql, &[], &keys).await? {
                people.entry((kind.to_owned(), key)).or_default().push(user);
            }
        }
        let mut holders = Holders::default();
        for (county, incident, kind, assignee) in tasks {
            let found = people.get(&(kind, assignee)).cloned().unwrap_or_default();
            holders
                .tasks
                .entry((county, incident))
                .or_default()
                .extend(found);
        }
        // The center holding a matter is the nearest region at or above its center path that
        // has operators: a community without a desk of its own is worked from the township's
        // or the district's.
        let mut wanted: BTreeSet<&str> = BTreeSet::new();
        for i in incidents {
            wanted.extend(prefixes(i.center_path));
        }
        let wanted: Vec<&str> = wanted.into_iter().collect();
        let mut operators: HashMap<String, Vec<String>> = HashMap::new();
        if !wanted.is_empty() {
            let sql = "SELECT scope_path, id FROM users WHERE role = 'center_operator' \
                       AND disabled = 0 AND scope_path IN ({list})";
            for (path, user) in pairs(conn, sql, &[], &wanted).await? {
                operators.entry(path).or_default().push(user);
            }
        }
        for i in incidents {
            let nearest = prefixes(i.center_path)
                .into_iter()
                .rev()
                .find_map(|p| operators.get(p));
            if let Some(people) = nearest {
                holders
                    .centers
                    .insert(i.center_path.to_owned(), people.clone());
            }
        }
        Ok(holders)
    }

    /// The people working on the incident's live tasks.
    pub(crate) fn of_tasks(&self, county: &str, id: &str) -> Vec<String> {
        self.tasks
            .get(&(county.to_owned(), id.to_owned()))
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The operators of the nearest center at or above `path`.
    pub(crate) fn of_center(&self, path: &str) -> Vec<String> {
        self.centers.get(path).cloned().unwrap_or_default()
    }

    /// Whoever must act now: the people of its live tasks, or, while no task is live (not yet
    /// dispatched, or waiting for review), the center holding it.
    pub(crate) fn acting(&self, held: &Held<'_>) -> Vec<String> {
        let people = self.of_tasks(held.county, held.id);
        if people.is_empty() {
            self.of_center(held.center_path)
        } else {
            people
        }
    }
}

/// The people a supervision card is addressed to: a department's handlers, or the operators
/// of a center (by its path), as the incident actions' notices find them.
pub(crate) async fn addressed(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
    path: &str,
) -> StoreResult<Vec<String>> {
    if kind == "department" {
        let department = gridgov_core::incidents::Assignee::Department(id.to_owned());
        Ok(super::events::people_of(conn, &department).await?.1)
    } else {
        super::events::center_operators(conn, path).await
    }
}
