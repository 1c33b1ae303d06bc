//! Work lists: the incidents a caller sees, by list (my tasks, awaiting acceptance, …) and
//! filters, newest first, a page at a time by keyset (the last row's report time and id, so a
//! page costs the same however deep it is), with an exact total up to 10,000.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use serde::{Deserialize, Serialize};

use super::facts::{CallerFacts, caller_facts};
use super::list_sql;
use crate::records::need;
use crate::scope::{BindScope, IncidentDoors};
use crate::{Store, StoreResult};

/// Totals are counted exactly up to here; beyond, the list says "10,000+".
pub const TOTAL_CAP: i64 = 10_000;
/// Rows a page may have.
const PAGE_MAX: i64 = 200;

/// The work lists of the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkList {
    /// Everything the caller sees.
    #[default]
    All,
    /// Live tasks of the caller: their department's, their grids', their center's region's.
    Mine,
    AwaitingAcceptance,
    AwaitingDispatch,
    InProgress,
    AwaitingReview,
    /// Sent back at least once and waiting for dispatch again.
    Returned,
    /// Summons of the caller's department not yet reported in to.
    Whistles,
    Closed,
}

impl WorkList {
    pub const ALL: [WorkList; 9] = [
        WorkList::All,
        WorkList::Mine,
        WorkList::AwaitingAcceptance,
        WorkList::AwaitingDispatch,
        WorkList::InProgress,
        WorkList::AwaitingReview,
        WorkList::Returned,
        WorkList::Whistles,
        WorkList::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkList::All => "all",
            WorkList::Mine => "mine",
            WorkList::AwaitingAcceptance => "awaiting_acceptance",
            WorkList::AwaitingDispatch => "awaiting_dispatch",
            WorkList::InProgress => "in_progress",
            WorkList::AwaitingReview => "awaiting_review",
            WorkList::Returned => "returned",
            WorkList::Whistles => "whistles",
            WorkList::Closed => "closed",
        }
    }

    /// The states of the list, when it is a list of states.
    fn states(self) -> &'static [&'static str] {
        match self {
            WorkList::AwaitingAcceptance => &["reported"],
            WorkList::AwaitingDispatch | WorkList::Returned => &["accepted"],
            WorkList::InProgress => &["dispatched", "in_progress", "suspended"],
            WorkList::AwaitingReview => &["handled", "under_review"],
            WorkList::Closed => &["closed", "evaluated"],
            _ => &[],
        }
    }
}

/// Filters of a work list; empty fields filter nothing.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentFilter {
    #[serde(default)]
    pub list: WorkList,
    #[serde(default)]
    pub state: String,
    /// A category code; its subcategories are included.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub source: String,
    /// A department with a task on the incident.
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub grid: String,
    /// A region code inside the caller's scope.
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub resolution_level: String,
    /// Reported from / before (Unix ms).
    #[serde(default)]
    pub from: Option<i64>,
    #[serde(default)]
    pub until: Option<i64>,
    /// The cursor of the next page: `<reported_at>:<id>` of the last row seen.
    #[serde(default)]
    pub after: String,
    #[serde(default)]
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct IncidentListItem {
    pub county_code: String,
    pub id: String,
    pub number: String,
    pub title: String,
    pub category_code: String,
    pub grade: String,
    pub source: String,
    pub state: String,
    pub reporter_name: String,
    pub reported_at: i64,
    pub grid_id: Option<String>,
    /// The grid's name, for lists that show it (empty without a grid).
    pub grid_name: String,
    pub region_code: String,
    pub resolution_level: Option<String>,
    pub shirking: i64,
    pub version: i64,
    /// The incident's scope path, for the calendar of its place.
    #[serde(skip)]
    pub path: String,
    pub clock_started_at: Option<i64>,
    pub due_at: Option<i64>,
    pub clock_left_ms: Option<i64>,
    /// green, yellow, red or paused; none without a running step.
    #[sqlx(skip)]
    pub light: Option<gridgov_core::deadlines::Light>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentList {
    pub items: Vec<IncidentListItem>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// The exact number of incidents on the list, up to [`TOTAL_CAP`].
    pub total: i64,
    /// True when there are more than [`TOTAL_CAP`].
    pub total_capped: bool,
}

/// Values bound in the order the SQL numbers them.
pub(super) enum Bind {
    Text(String),
    Int(i64),
}

/// The WHERE clause of a list and its values, numbered as they are pushed.
pub(super) struct Conditions {
    pub sql: Vec<String>,
    pub binds: Vec<Bind>,
}

impl Conditions {
    fn next(&self) -> usize {
        self.binds.len() + 1
    }

    fn text(&mut self, condition: impl FnOnce(usize) -> String, value: &str) {
        let n = self.next();
        self.sql.push(condition(n));
        self.binds.push(Bind::Text(value.to_owned()));
    }

    fn int(&mut self, condition: impl FnOnce(usize) -> String, value: i64) {
        let n = self.next();
        self.sql.push(condition(n));
        self.binds.push(Bind::Int(value));
    }
}

fn bad_cursor() -> FieldError {
    FieldError::new(
        "after",
        "bad_cursor",
        "翻页位置无效",
        "the page cursor is not valid",
    )
}

impl Store {
    /// The conditions of a work list after the doors (which take the first parameters), with
    /// their values: shared by the list and its export.
    pub(super) async fn list_conditions(
        &self,
        conn: &mut sqlx::AnyConnection,
        actor: &Actor,
        caller: &CallerFacts,
        f: &IncidentFilter,
    ) -> StoreResult<Conditions> {
        // The doors take the first parameters (`list_sql` writes them, door by door); the
        // filters follow.
        let mut c = Conditions {
            sql: Vec::new(),
            binds: Vec::new(),
        };
        for _ in 0..IncidentDoors::PARAMS {
            c.binds.push(Bind::Int(0));
        }
        let states = f.list.states();
        if !states.is_empty() {
            let list = states
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ");
            c.sql.push(format!("i.state IN ({list})"));
        }
        if f.list == WorkList::Returned {
            c.sql.push("i.return_count > 0".into());
        }
        if f.list == WorkList::Mine {
            let region = actor
                .scope
                .as_str()
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            let dept = caller.department_id.clone().unwrap_or_default();
            let grids = caller.grid_ids.clone();
            let n = c.next();
            let mut mine = format!(
                "(mt.assignee_type = 'department' AND mt.assignee_id = ${n} AND ${n} <> '') \
                 OR (mt.assignee_type = 'region' AND mt.assignee_id = ${} AND ${} <> '')",
                n + 1,
                n + 1
            );
            c.binds.push(Bind::Text(dept));
            c.binds.push(Bind::Text(region));
            for g in grids {
                let k = c.next();
                mine.push_str(&format!(
                    " OR (mt.assignee_type = 'grid' AND mt.assignee_id = ${k})"
                ));
                c.binds.push(Bind::Text(g));
            }
            // From the live tasks (few) to their incidents, not the other way round.
            c.sql.push(format!(
                "(i.county_code, i.id) IN (SELECT mt.county_code, mt.incident_id \
                 FROM incident_tasks mt WHERE mt.state IN ('assigned', 'accepted', 'in_progress') \
                 AND ({mine}))"
            ));
        }
        if f.list == WorkList::Whistles {
            let dept = caller.department_id.clone().unwrap_or_default();
            c.text(
                |n| {
                    format!(
                        "(i.county_code, i.id) IN (SELECT wt.county_code, wt.incident_id \
                         FROM incident_tasks wt WHERE wt.summoned = 1 \
                         AND wt.state = 'assigned' AND wt.assignee_type = 'department' \
                         AND wt.assignee_id = ${n} AND ${n} <> '')"
                    )
                },
                &dept,
            );
        }
        let filters: [(&str, &str); 4] = [
            ("i.state", f.state.trim()),
            ("i.grade", f.grade.trim()),
            ("i.source", f.source.trim()),
            ("i.resolution_level", f.resolution_level.trim()),
        ];
        for (column, value) in filters {
            if !value.is_empty() {
                c.text(|n| format!("{column} = ${n}"), value);
            }
        }
        if !f.category.trim().is_empty() {
            // A code and its subcategories: the codes that begin with it, as a range.
            let code = f.category.trim();
            c.text(|n| format!("i.category_code >= ${n}"), code);
            c.text(|n| format!("i.category_code < ${n}"), &format!("{code}~"));
        }
        if !f.grid.trim().is_empty() {
            c.text(|n| format!("i.grid_id = ${n}"), f.grid.trim());
        }
        if !f.department.trim().is_empty() {
            c.text(
                |n| {
                    format!(
                        "(i.county_code, i.id) IN (SELECT ft.county_code, ft.incident_id \
                         FROM incident_tasks ft WHERE ft.assignee_type = 'department' \
                         AND ft.assignee_id = ${n})"
                    )
                },
                f.department.trim(),
            );
        }
        if !f.region.trim().is_empty() {
            let path: Option<String> =
                sqlx::query_scalar("SELECT path FROM regions WHERE code = $1")
                    .bind(f.region.trim())
                    .fetch_optional(&mut *conn)
                    .await?;
            // A region outside the scope narrows to nothing, as an unknown one does.
            let path = path.unwrap_or_else(|| "~".into());
            let range =
                crate::scope::ScopeRange::of_path(&gridgov_core::scope::ScopePath::from_path(path));
            let n = c.next();
            c.sql.push(range.sql("i.path", n));
            let (lo, hi) = range.bounds();
            c.binds.push(Bind::Text(lo.to_owned()));
            c.binds.push(Bind::Text(hi.to_owned()));
        }
        if let Some(t) = f.from {
            c.int(|n| format!("i.reported_at >= ${n}"), t);
        }
        if let Some(t) = f.until {
            c.int(|n| format!("i.reported_at < ${n}"), t);
        }
        Ok(c)
    }

    /// A work list of the incidents the caller sees.
    pub async fn incidents(&self, actor: &Actor, f: &IncidentFilter) -> StoreResult<IncidentList> {
        need(actor, Permission::ViewIncidents)?;
        let limit = f.limit.unwrap_or(50).clamp(1, PAGE_MAX);
        let mut conn = self.pool.acquire().await?;
        let caller = caller_facts(&mut conn, actor).await?;
        let doors = caller.doors(actor);
        let c = self.list_conditions(&mut conn, actor, &caller, f).await?;
        let counts = list_sql::door_counts(&mut conn, &doors, &c).await?;
        let total: i64 = counts.iter().sum();
        let mut page_binds = Vec::new();
        let keyset = if f.after.trim().is_empty() {
            None
        } else {
            let (at, id) = f.after.trim().split_once(':').ok_or_else(bad_cursor)?;
            let at: i64 = at.parse().map_err(|_| bad_cursor())?;
            page_binds.push(Bind::Int(at));
            page_binds.push(Bind::Text(id.to_owned()));
            Some(c.binds.len() + 1)
        };
        let list_sql = list_sql::page_sql(
            &doors,
            &c,
            list_sql::reads(self.backend(), counts),
            "i.county_code, i.id, i.number, i.title, i.category_code, i.grade, i.source, \
             i.state, i.reporter_name, i.reported_at, i.grid_id, \
             COALESCE(g.name, '') AS grid_name, i.region_code, i.resolution_level, i.shirking, \
             i.version, i.path, i.clock_started_at, i.due_at, i.clock_left_ms",
            "LEFT JOIN grids g ON g.id = i.grid_id",
            keyset,
            limit + 1,
        );
        let q = sqlx::query_as::<_, IncidentListItem>(&list_sql).bind_doors(&doors);
        let mut items = list_sql::bind_all(q, &c, &page_binds)
            .fetch_all(&mut *conn)
            .await?;
        // Lights from the columns already read: one query for every region's local days, a
        // calendar per distinct place set, no query per row.
        let mut book = crate::settings::LayerBook::calendars(&mut conn).await?;
        let now = self.now_ms();
        for i in &mut items {
            i.light = super::clock::light_of(
                book.calendar(&i.path),
                i.clock_started_at,
                i.due_at,
                i.clock_left_ms,
                now,
            );
        }
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|i| format!("{}:{}", i.reported_at, i.id))
        } else {
            None
        };
        Ok(IncidentList {
            items,
            next,
            total: total.min(TOTAL_CAP),
            total_capped: total > TOTAL_CAP,
        })
    }
}
