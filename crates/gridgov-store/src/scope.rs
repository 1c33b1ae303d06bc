//! The one place the store turns a caller's scope into SQL.
//!
//! Every read and list of a scoped resource filters through a [`ScopeRange`]: the clause comes
//! from [`ScopeRange::sql`] and its two values from [`BindScope::bind_scope`], in that order, so a
//! query that forgets one of them fails its tests (the parameter count is off) instead of leaking.
//! A grep for a hand-written `path >=` should find only this file, and a test below keeps it so.
//!
//! "Inside the scope" is the half-open range `path >= scope AND path < scope || '~'`, which both
//! databases answer from an index (on PostgreSQL the path columns use `COLLATE "C"`).

use gridgov_core::auth::Actor;
use gridgov_core::scope::ScopePath;
use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, Database, Encode, Type};

use crate::{StoreError, StoreResult};

/// The range of paths inside one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScopeRange {
    lo: String,
    hi: String,
}

impl ScopeRange {
    /// The caller's scope.
    pub(crate) fn of(actor: &Actor) -> Self {
        ScopeRange::of_path(&actor.scope)
    }

    /// Any scope, e.g. the region a caller chose inside their own (which the caller has checked).
    pub(crate) fn of_path(scope: &ScopePath) -> Self {
        let (lo, hi) = scope.range();
        ScopeRange { lo, hi }
    }

    /// The caller's scope narrowed to a path under it, for lists "under this region"; `None` or
    /// the empty path is the whole scope. A path outside the scope is `NotFound`, the answer for
    /// anything there.
    pub(crate) fn narrowed(actor: &Actor, under: Option<&str>) -> StoreResult<Self> {
        match under {
            Some(p) if !p.is_empty() => {
                if !actor.scope.contains(p) {
                    return Err(StoreError::NotFound);
                }
                Ok(ScopeRange::of_path(&ScopePath::from_path(p)))
            }
            _ => Ok(ScopeRange::of(actor)),
        }
    }

    /// The paths of `outer` that lie outside this range, as the two ranges before and after it
    /// (this range must lie inside `outer`): "the rest of the county" around an importer's scope.
    pub(crate) fn rest_of(&self, outer: &ScopeRange) -> (ScopeRange, ScopeRange) {
        (
            ScopeRange {
                lo: outer.lo.clone(),
                hi: self.lo.clone(),
            },
            ScopeRange {
                lo: self.hi.clone(),
                hi: outer.hi.clone(),
            },
        )
    }

    /// The scope's own path (the lower bound), e.g. to file an audit record where the range is.
    pub(crate) fn path(&self) -> &str {
        &self.lo
    }

    /// Whether a path lies inside the range: the same test as the SQL, for rows already read.
    pub(crate) fn contains(&self, path: &str) -> bool {
        path >= self.lo.as_str() && path < self.hi.as_str()
    }

    /// The two values, for a query whose binds are collected before they are bound.
    pub(crate) fn bounds(&self) -> (&str, &str) {
        (&self.lo, &self.hi)
    }

    /// `column >= $first AND column < $first+1`, for the values [`BindScope::bind_scope`] binds.
    pub(crate) fn sql(&self, column: &str, first: usize) -> String {
        format!("({column} >= ${first} AND {column} < ${})", first + 1)
    }

    /// The same clause with the values written in, for SQL text that cannot take parameters (an
    /// upsert clause shared by bulk statements). Paths hold digits, letters and '/'; quotes are
    /// doubled all the same.
    pub(crate) fn sql_literal(&self, column: &str) -> String {
        let (lo, hi) = (self.lo.replace('\'', "''"), self.hi.replace('\'', "''"));
        format!("({column} >= '{lo}' AND {column} < '{hi}')")
    }
}

/// The three doors through which an incident is seen: its place inside the caller's region
/// range (closed for department handlers, who work on what is assigned to their department and
/// not on a whole region), a task of the caller's department on it, and the caller's own report.
#[derive(Debug, Clone)]
pub(crate) struct IncidentDoors {
    range: ScopeRange,
    user_id: String,
    department_id: String,
}

/// A department id no department has: the department door of a caller without one.
const NO_DEPARTMENT: &str = "";

impl IncidentDoors {
    /// The doors of this caller; `department_id` is the department they work for, if any.
    pub(crate) fn of(actor: &Actor, department_id: Option<&str>) -> Self {
        let range = if actor.role == gridgov_core::auth::Role::DepartmentHandler {
            // An empty range: '~' sorts after every path.
            ScopeRange {
                lo: "~".into(),
                hi: "~".into(),
            }
        } else {
            ScopeRange::of(actor)
        };
        IncidentDoors {
            range,
            user_id: actor.user_id.clone(),
            department_id: department_id.unwrap_or(NO_DEPARTMENT).to_owned(),
        }
    }

    /// The region door alone, narrowed to a path inside the caller's scope (`NotFound`
    /// outside), for views of a place rather than of incidents one by one (the grid map's
    /// lights); `None` for a department handler, whose region door is closed.
    pub(crate) fn region_door_under(
        actor: &Actor,
        under: Option<&str>,
    ) -> StoreResult<Option<ScopeRange>> {
        let range = ScopeRange::narrowed(actor, under)?;
        Ok((actor.role != gridgov_core::auth::Role::DepartmentHandler).then_some(range))
    }

    /// The condition on the incident aliased `alias` (columns `path`, `reporter_id`,
    /// `county_code`, `id`), with its four parameters numbered from `first`.
    pub(crate) fn sql(&self, alias: &str, first: usize) -> String {
        let (u, d) = (first + 2, first + 3);
        format!(
            "({range} OR {alias}.reporter_id = ${u} OR EXISTS (SELECT 1 FROM incident_tasks dt \
             WHERE dt.county_code = {alias}.county_code AND dt.incident_id = {alias}.id \
             AND dt.assignee_type = 'department' AND dt.assignee_id = ${d} AND ${d} <> ''))",
            range = self.range.sql(&format!("{alias}.path"), first),
        )
    }

    /// How many parameters [`IncidentDoors::sql`] takes.
    pub(crate) const PARAMS: usize = 4;

    /// One door as a condition of its own, with the same four parameters as
    /// [`IncidentDoors::sql`]. Lists read the doors as separate branches because an OR of the
    /// three defeats every index on both databases (each door has its own: the path range, the
    /// reporter, the department's tasks). The branches are disjoint (a later door leaves out what
    /// an earlier one lets in), so their rows and their counts add up.
    pub(crate) fn branch_sql(
        &self,
        door: Door,
        alias: &str,
        first: usize,
        read: DoorRead,
    ) -> String {
        let (lo, hi, u, d) = (first, first + 1, first + 2, first + 3);
        let range = self.range.sql(&format!("{alias}.path"), first);
        match door {
            Door::Range => match read {
                // SQLite's unary `+` keeps the path index out of the plan, so the newest-first
                // index drives the page and the range is tested row by row: the faster way when
                // the range holds much of the table.
                DoorRead::NewestFirst => {
                    format!("(+{alias}.path >= ${lo} AND +{alias}.path < ${hi})")
                }
                _ => range,
            },
            // The caller's reports outside the range, as two ranges of the reporter's
            // (reporter_id, path) index: a center operator reports thousands inside their
            // range, and `NOT range` would test each of them to find the few outside.
            Door::Reporter => format!(
                "(({alias}.reporter_id = ${u} AND {alias}.path < ${lo}) \
                 OR ({alias}.reporter_id = ${u} AND {alias}.path >= ${hi}))"
            ),
            Door::Department => {
                let tasks = match read {
                    // From the department's tasks: the faster way when it has few.
                    DoorRead::ByIndex => format!(
                        "({alias}.county_code, {alias}.id) IN (SELECT dt.county_code, \
                         dt.incident_id FROM incident_tasks dt WHERE dt.assignee_type = \
                         'department' AND dt.assignee_id = ${d})"
                    ),
                    _ => format!(
                        "EXISTS (SELECT 1 FROM incident_tasks dt WHERE dt.county_code = \
                         {alias}.county_code AND dt.incident_id = {alias}.id \
                         AND dt.assignee_type = 'department' AND dt.assignee_id = ${d})"
                    ),
                };
                format!(
                    "(${d} <> '' AND NOT {range} AND ({alias}.reporter_id IS NULL \
                     OR {alias}.reporter_id <> ${u}) AND {tasks})"
                )
            }
        }
    }

    /// The rows to count the department door by: its tasks joined to their incidents
    /// (aliases `dt` and `alias`), so counting stops after the cap instead of testing every
    /// incident. Select `DISTINCT dt.county_code, dt.incident_id` from it: an incident may hold
    /// several tasks of one department.
    pub(crate) fn department_count_from(&self, alias: &str, first: usize) -> String {
        let (u, d) = (first + 2, first + 3);
        format!(
            "incident_tasks dt JOIN incidents {alias} ON {alias}.county_code = dt.county_code \
             AND {alias}.id = dt.incident_id WHERE dt.assignee_type = 'department' \
             AND dt.assignee_id = ${d} AND ${d} <> '' AND NOT {range} \
             AND ({alias}.reporter_id IS NULL OR {alias}.reporter_id <> ${u})",
            range = self.range.sql(&format!("{alias}.path"), first),
        )
    }
}

/// The three doors of [`IncidentDoors`], for lists that read them one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Door {
    Range,
    Reporter,
    Department,
}

impl Door {
    pub(crate) const ALL: [Door; 3] = [Door::Range, Door::Reporter, Door::Department];
}

/// How a list reads one door, chosen from how many rows it lets in. PostgreSQL's planner
/// chooses well from its statistics and is always given `Planner`; SQLite's does not know how
/// many rows a range holds, so the store tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DoorRead {
    /// As the planner sees fit.
    Planner,
    /// Walk the incidents newest first and test the door on each (a door that lets in many).
    NewestFirst,
    /// Find the door's rows by their own index and sort them (a door that lets in few).
    ByIndex,
}

/// Binds a [`ScopeRange`]'s two values, in the order of [`ScopeRange::sql`]'s parameters, and
/// [`IncidentDoors`]' four. For queries on the pool (`Any`) and on a bulk load's typed
/// connection alike.
pub(crate) trait BindScope<'q>: Sized {
    fn bind_text(self, value: &'q str) -> Self;

    fn bind_scope(self, scope: &'q ScopeRange) -> Self {
        self.bind_text(&scope.lo).bind_text(&scope.hi)
    }

    /// Binds [`IncidentDoors`]' four values, in the order of [`IncidentDoors::sql`].
    fn bind_doors(self, doors: &'q IncidentDoors) -> Self {
        self.bind_scope(&doors.range)
            .bind_text(&doors.user_id)
            .bind_text(&doors.department_id)
    }
}

impl<'q, DB: Database> BindScope<'q> for Query<'q, DB, <DB as Database>::Arguments<'q>>
where
    &'q str: Encode<'q, DB> + Type<DB>,
{
    fn bind_text(self, value: &'q str) -> Self {
        self.bind(value)
    }
}

impl<'q, DB: Database, O> BindScope<'q> for QueryAs<'q, DB, O, <DB as Database>::Arguments<'q>>
where
    &'q str: Encode<'q, DB> + Type<DB>,
{
    fn bind_text(self, value: &'q str) -> Self {
        self.bind(value)
    }
}

impl<'q, DB: Database, O> BindScope<'q> for QueryScalar<'q, DB, O, <DB as Database>::Arguments<'q>>
where
    &'q str: Encode<'q, DB> + Type<DB>,
{
    fn bind_text(self, value: &'q str) -> Self {
        self.bind(value)
    }
}

/// How many regions can lie above a scope: province, city, county, township, village (a grid's
/// scope, below its village). Always this many slots are bound, so the clause's parameter count
/// does not depend on the caller.
const ABOVE_SLOTS: usize = 5;

/// A value no path equals ('~' is not a path character), filling the slots a shallow scope
/// does not use.
const NO_PATH: &str = "~";

/// The caller's scope and the regions above it: what serves the caller's area. A department of
/// the county serves every village in it, so a village's grid worker sees it, while one of the
/// county next door stays out of sight. The regions above are the scope's own prefixes, so
/// nothing the caller could not already name is let in. For reads only: writes stay inside
/// [`ScopeRange`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServingScope {
    range: ScopeRange,
    above: [String; ABOVE_SLOTS],
}

impl ServingScope {
    pub(crate) fn of(actor: &Actor) -> Self {
        let path = actor.scope.as_str();
        let mut above: [String; ABOVE_SLOTS] = std::array::from_fn(|_| NO_PATH.to_owned());
        // "42/4202/420202/" is above by "42/" and "42/4202/": every proper prefix ending in '/'.
        let ends = path
            .char_indices()
            .filter(|(i, c)| *c == '/' && i + 1 < path.len())
            .map(|(i, _)| i + 1);
        for (slot, end) in above.iter_mut().zip(ends) {
            *slot = path[..end].to_owned();
        }
        ServingScope {
            range: ScopeRange::of(actor),
            above,
        }
    }

    /// `(inside the range OR column IN (the regions above))`, numbered from `first`; takes
    /// [`ServingScope::PARAMS`] parameters.
    pub(crate) fn sql(&self, column: &str, first: usize) -> String {
        let slots: Vec<String> = (0..ABOVE_SLOTS)
            .map(|i| format!("${}", first + 2 + i))
            .collect();
        format!(
            "({} OR {column} IN ({}))",
            self.range.sql(column, first),
            slots.join(", ")
        )
    }

    pub(crate) const PARAMS: usize = 2 + ABOVE_SLOTS;
}

/// Binds a [`ServingScope`]'s values, in the order of [`ServingScope::sql`]'s parameters.
pub(crate) trait BindServing<'q> {
    fn bind_serving(self, scope: &'q ServingScope) -> Self;
}

macro_rules! bind_serving {
    ($q:expr, $scope:expr) => {{
        let mut q = $q.bind_scope(&$scope.range);
        for p in &$scope.above {
            q = q.bind(p.as_str());
        }
        q
    }};
}

impl<'q> BindServing<'q> for Query<'q, Any, AnyArguments<'q>> {
    fn bind_serving(self, scope: &'q ServingScope) -> Self {
        bind_serving!(self, scope)
    }
}

impl<'q, O> BindServing<'q> for QueryAs<'q, Any, O, AnyArguments<'q>> {
    fn bind_serving(self, scope: &'q ServingScope) -> Self {
        bind_serving!(self, scope)
    }
}

impl<'q, O> BindServing<'q> for QueryScalar<'q, Any, O, AnyArguments<'q>> {
    fn bind_serving(self, scope: &'q ServingScope) -> Self {
        bind_serving!(self, scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(scope: &str) -> Actor {
        Actor {
            scope: ScopePath::from_path(scope),
            ..Actor::system()
        }
    }

    #[test]
    fn the_clause_numbers_its_parameters_from_where_it_is_put() {
        let s = ScopeRange::of_path(&ScopePath::from_path("42/4202/"));
        assert_eq!(s.sql("g.path", 3), "(g.path >= $3 AND g.path < $4)");
        assert_eq!((s.lo.as_str(), s.hi.as_str()), ("42/4202/", "42/4202/~"));
        let root = ScopeRange::of_path(&ScopePath::root());
        assert_eq!((root.lo.as_str(), root.hi.as_str()), ("", "~"));
    }

    #[test]
    fn a_narrowed_range_stays_inside_the_scope() {
        let city = actor("42/4202/");
        let county = ScopeRange::narrowed(&city, Some("42/4202/420202/")).unwrap();
        assert_eq!(
            county,
            ScopeRange::of_path(&ScopePath::from_path("42/4202/420202/"))
        );
        assert_eq!(county.path(), "42/4202/420202/");
        assert_eq!(
            ScopeRange::narrowed(&city, None).unwrap(),
            ScopeRange::of(&city)
        );
        assert_eq!(
            ScopeRange::narrowed(&city, Some("")).unwrap(),
            ScopeRange::of(&city)
        );
        for outside in ["42/", "42/4203/", "11/"] {
            assert!(matches!(
                ScopeRange::narrowed(&city, Some(outside)),
                Err(StoreError::NotFound)
            ));
        }
    }

    #[test]
    fn the_rest_of_a_county_is_everything_in_it_but_the_scope() {
        let county = ScopeRange::of_path(&ScopePath::from_path("42/4202/420202/"));
        let town = ScopeRange::of_path(&ScopePath::from_path("42/4202/420202/420202001/"));
        let (before, after) = town.rest_of(&county);
        for (p, inside_town, in_county) in [
            ("42/4202/420202/", false, true),
            ("42/4202/420202/420202001/", true, true),
            ("42/4202/420202/420202001/420202001001/G01/", true, true),
            ("42/4202/420202/420202002/", false, true),
            ("42/4202/420203/", false, false),
            ("42/4201/", false, false),
        ] {
            assert_eq!(town.contains(p), inside_town, "{p}");
            assert_eq!(county.contains(p), in_county, "{p}");
            let rest = before.contains(p) || after.contains(p);
            assert_eq!(rest, in_county && !inside_town, "{p}");
        }
    }

    #[test]
    fn literal_clauses_carry_the_same_range() {
        let village = ScopeRange::of_path(&ScopePath::from_path("42/4202/420202/420202001/"));
        assert_eq!(
            village.sql_literal("persons.path"),
            "(persons.path >= '42/4202/420202/420202001/' \
             AND persons.path < '42/4202/420202/420202001/~')"
        );
        let odd = ScopeRange::of_path(&ScopePath::from_path("a'b/"));
        assert_eq!(odd.sql_literal("p"), "(p >= 'a''b/' AND p < 'a''b/~')");
    }

    /// What a hand-written scope range looks like, whitespace removed: a comparison on a path
    /// column, a `LIKE` on one, or a `ScopePath`'s bounds taken out to bind by hand.
    const HAND_WRITTEN: [&str; 3] = ["path>=", "pathLIKE", ".range()"];

    fn hand_written(source: &str) -> Vec<&'static str> {
        let compact: String = source.chars().filter(|c| !c.is_whitespace()).collect();
        HAND_WRITTEN
            .into_iter()
            .filter(|n| compact.contains(n))
            .collect()
    }

    #[test]
    fn the_guard_knows_a_hand_written_range() {
        assert_eq!(
            hand_written("let (lo, hi) = actor.scope.range();\n WHERE g.path >= $2 AND"),
            vec!["path>=", ".range()"]
        );
        assert_eq!(hand_written("WHERE scope_path\n   >= $1"), vec!["path>="]);
        assert_eq!(hand_written("AND p.path LIKE $1"), vec!["pathLIKE"]);
        assert!(hand_written("WHERE {}\", scope.sql(\"g.path\", 2)").is_empty());
    }

    /// Scope is structural: a store source other than this one that writes its own range fails
    /// the suite, so a new read cannot filter by habit instead of through [`ScopeRange`].
    #[test]
    fn no_store_source_but_this_one_writes_a_scope_range() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let this = src.join("scope.rs");
        let (mut dirs, mut files, mut found) = (vec![src.clone()], 0, Vec::new());
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("the store's sources are readable") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && path != this {
                    files += 1;
                    let text = std::fs::read_to_string(&path).expect("a readable source");
                    for n in hand_written(&text) {
                        found.push(format!(
                            "{}: {n}",
                            path.strip_prefix(&src).unwrap_or(&path).display()
                        ));
                    }
                }
            }
        }
        assert!(
            files > 20,
            "the walk found only {files} sources under {}",
            src.display()
        );
        assert!(
            found.is_empty(),
            "scope ranges written by hand (use ScopeRange::sql and bind_scope): {found:#?}"
        );
    }

    #[test]
    fn the_regions_above_a_scope_are_its_prefixes() {
        let s = ServingScope::of(&actor("42/4202/420202/420202001/420202001001/"));
        assert_eq!(
            s.above,
            [
                "42/",
                "42/4202/",
                "42/4202/420202/",
                "42/4202/420202/420202001/",
                "~"
            ]
        );
        assert_eq!(
            s.sql("d.path", 2),
            "((d.path >= $2 AND d.path < $3) OR d.path IN ($4, $5, $6, $7, $8))"
        );
        assert_eq!(ServingScope::PARAMS, 7);
        let province = ServingScope::of(&actor("42/"));
        assert!(province.above.iter().all(|p| p == "~"));
        let country = ServingScope::of(&actor(""));
        assert!(country.above.iter().all(|p| p == "~"));
    }
}
