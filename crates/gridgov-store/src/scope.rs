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

    /// `column >= $first AND column < $first+1`, for the values [`BindScope::bind_scope`] binds.
    pub(crate) fn sql(&self, column: &str, first: usize) -> String {
        format!("({column} >= ${first} AND {column} < ${})", first + 1)
    }
}

/// Binds a [`ScopeRange`]'s two values, in the order of [`ScopeRange::sql`]'s parameters.
pub(crate) trait BindScope<'q> {
    fn bind_scope(self, scope: &'q ScopeRange) -> Self;
}

impl<'q> BindScope<'q> for Query<'q, Any, AnyArguments<'q>> {
    fn bind_scope(self, scope: &'q ScopeRange) -> Self {
        self.bind(scope.lo.as_str()).bind(scope.hi.as_str())
    }
}

impl<'q, O> BindScope<'q> for QueryAs<'q, Any, O, AnyArguments<'q>> {
    fn bind_scope(self, scope: &'q ScopeRange) -> Self {
        self.bind(scope.lo.as_str()).bind(scope.hi.as_str())
    }
}

impl<'q, O> BindScope<'q> for QueryScalar<'q, Any, O, AnyArguments<'q>> {
    fn bind_scope(self, scope: &'q ScopeRange) -> Self {
        self.bind(scope.lo.as_str()).bind(scope.hi.as_str())
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

    #[test]
    fn the_clause_numbers_its_parameters_from_where_it_is_put() {
        let s = ScopeRange::of_path(&ScopePath::from_path("42/4202/"));
        assert_eq!(s.sql("g.path", 3), "(g.path >= $3 AND g.path < $4)");
        assert_eq!((s.lo.as_str(), s.hi.as_str()), ("42/4202/", "42/4202/~"));
        let root = ScopeRange::of_path(&ScopePath::root());
        assert_eq!((root.lo.as_str(), root.hi.as_str()), ("", "~"));
    }

    fn actor(path: &str) -> Actor {
        Actor {
            user_id: "u".into(),
            username: "u".into(),
            role: gridgov_core::auth::Role::GridWorker,
            scope: ScopePath::from_path(path),
        }
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
