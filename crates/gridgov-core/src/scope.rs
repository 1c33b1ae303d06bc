//! Data scope: the part of the hierarchy a user may see and change, as a materialized path.
//!
//! A scope is the path of a region (later also of a grid). The empty path is the whole country.
//! "Inside the scope" is a prefix test, which the store turns into the index-friendly range
//! `path >= scope AND path < scope || '~'` on both databases ('~' sorts after every character
//! a path can hold: digits, ASCII letters of grid codes and '/').

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScopePath(String);

impl ScopePath {
    /// The whole country.
    pub fn root() -> Self {
        ScopePath(String::new())
    }

    /// Wraps a stored path. Paths come from the store, which builds them, so no parsing is done.
    pub fn from_path(path: impl Into<String>) -> Self {
        ScopePath(path.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a row with this path lies inside the scope (the scope's own region included).
    pub fn contains(&self, path: &str) -> bool {
        path.starts_with(&self.0)
    }

    /// Whether another scope lies entirely inside this one.
    pub fn covers(&self, other: &ScopePath) -> bool {
        self.contains(&other.0)
    }

    /// Lower and upper bound of the half-open range of paths inside the scope.
    pub fn range(&self) -> (String, String) {
        (self.0.clone(), format!("{}~", self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_contains_everything() {
        let r = ScopePath::root();
        assert!(r.contains("42/4202/"));
        assert!(r.covers(&ScopePath::from_path("11/")));
    }

    #[test]
    fn a_city_contains_its_counties_not_its_neighbours() {
        let s = ScopePath::from_path("42/4202/");
        assert!(s.contains("42/4202/"));
        assert!(s.contains("42/4202/420202/420202001/"));
        assert!(!s.contains("42/4203/"));
        assert!(!s.contains("42/"));
        assert!(!s.covers(&ScopePath::root()));
    }

    #[test]
    fn range_matches_contains() {
        let s = ScopePath::from_path("42/4202/");
        let (lo, hi) = s.range();
        for p in [
            "42/4202/",
            "42/4202/420202/G0007/",
            "42/4203/",
            "42/",
            "43/",
        ] {
            let in_range = p >= lo.as_str() && p < hi.as_str();
            assert_eq!(in_range, s.contains(p), "{p}");
        }
    }
}
