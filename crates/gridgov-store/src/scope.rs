//! The one place the store turns a caller's scope into SQL.
//!
//! Every read and list of a scoped resource filters through a [`ScopeRange`]: the clause comes
//! from [`ScopeRange::sql`] and its two values from [`BindScope::bind_scope`], in that order, so a
//! query that forgets one of them fails its tests (the parameter count is off) instead of leaking.
//! A grep for a hand-written `path >=` should find only this file.
//!
//! "Inside the scope" is the half-open range `path >= scope AND path < scope || '~'`, which both
//! databases answer from an index (on PostgreSQL the path columns use `COLLATE "C"`).

use gridgov_core::auth::Actor;
use gridgov_core::scope::ScopePath;
use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};

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

    /// The two values, for a query whose binds are collected before they are bound.
    pub(crate) fn bounds(&self) -> (&str, &str) {
        (&self.lo, &self.hi)
    }

    /// `column >= $first AND column < $first+1`, for the values [`BindScope::bind_scope`] binds.
    pub(crate) fn sql(&self, column: &str, first: usize) -> String {
        format!("({column} >= ${first} AND {column} < ${})", first + 1)
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
}

/// Binds a [`ScopeRange`]'s two values, in the order of [`ScopeRange::sql`]'s parameters.
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

impl<'q> BindScope<'q> for Query<'q, Any, AnyArguments<'q>> {
    fn bind_text(self, value: &'q str) -> Self {
        self.bind(value)
    }
}

impl<'q, O> BindScope<'q> for QueryAs<'q, Any, O, AnyArguments<'q>> {
    fn bind_text(self, value: &'q str) -> Self {
        self.bind(value)
    }
}

impl<'q, O> BindScope<'q> for QueryScalar<'q, Any, O, AnyArguments<'q>> {
    fn bind_text(self, value: &'q str) -> Self {
        self.bind(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clause_numbers_its_parameters_from_where_it_is_put() {
        let s = ScopeRange::of_path(&ScopePath::from_path("42/4202/"));
        assert_eq!(s.sql("g.path", 3), "(g.path >= $3 AND g.path < $4)");
        assert_eq!((s.lo.as_str(), s.hi.as_str()), ("42/4202/", "42/4202/~"));
        let root = ScopeRange::of_path(&ScopePath::root());
        assert_eq!((root.lo.as_str(), root.hi.as_str()), ("", "~"));
    }
}
