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
