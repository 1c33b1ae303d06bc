//! How a caller stands to one incident. The store works these out from its rows (or with
//! [`relations_of`](super::relations_of)); the rules read them beside the caller's role.

use serde::{Serialize, Serializer};

use crate::vocab::vocabulary;

vocabulary!(
    /// One way a caller stands to an incident. A caller may stand in several at once.
    Relation, "unknown_relation", "与事件的关系", "relation", {
        /// The caller reported it.
        Reporter => ("reporter", "上报人", "reporter"),
        /// The caller serves the grid it lies in (any duty).
        GridStaff => ("grid_staff", "所在网格人员", "grid staff"),
        /// The caller belongs to a department with a live task on it (assigned, accepted or in
        /// progress).
        AssignedDepartment => ("assigned_department", "承办部门", "assigned department"),
        /// The incident has a live territorial task (属地) on a grid the caller serves, or on a
        /// region whose center the caller operates.
        TerritorialTask => ("territorial_task", "属地承办", "territorial assignee"),
        /// A center role whose scope is the center that holds it: the one it was reported to,
        /// accepted and dispatched by.
        DispatchingCenter => ("dispatching_center", "派遣中心", "dispatching center"),
        /// A center role whose scope strictly contains the dispatching center's.
        HigherCenter => ("higher_center", "上级中心", "higher center"),
        /// The caller's department was summoned by a whistle on it and has not yet reported in.
        SummonedDepartment => ("summoned_department", "被吹哨部门", "summoned department"),
    }
);

/// A set of relations, as a bit per relation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Relations(u8);

impl Relations {
    /// No relation: someone who merely sees the incident in their scope.
    pub const NONE: Relations = Relations(0);
    /// Every relation, for rules that ask only for some relation.
    pub const ANY: Relations = Relations((1 << Relation::ALL.len()) - 1);
    /// The dispatching or a higher center: the row of most center actions.
    pub const CENTERS: Relations = Relations::NONE
        .with(Relation::DispatchingCenter)
        .with(Relation::HigherCenter);

    const fn bit(r: Relation) -> u8 {
        1 << (r as u8)
    }

    pub const fn of(rs: &[Relation]) -> Relations {
        let mut out = Relations::NONE;
        let mut i = 0;
        while i < rs.len() {
            out = out.with(rs[i]);
            i += 1;
        }
        out
    }

    pub const fn with(self, r: Relation) -> Relations {
        Relations(self.0 | Self::bit(r))
    }

    pub const fn contains(self, r: Relation) -> bool {
        self.0 & Self::bit(r) != 0
    }

    pub const fn intersects(self, other: Relations) -> bool {
        self.0 & other.0 != 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The relations in the order of `Relation::ALL`.
    pub fn iter(self) -> impl Iterator<Item = Relation> {
        Relation::ALL
            .iter()
            .copied()
            .filter(move |r| self.contains(*r))
    }

    /// Every set of relations, from none to all: what the exhaustive tests walk.
    pub fn every_set() -> impl Iterator<Item = Relations> {
        (0..=Relations::ANY.0).map(Relations)
    }
}

impl FromIterator<Relation> for Relations {
    fn from_iter<I: IntoIterator<Item = Relation>>(iter: I) -> Relations {
        iter.into_iter().fold(Relations::NONE, Relations::with)
    }
}

impl Serialize for Relations {
    /// As the list of codes, which is what an API shows and a log reads.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Relation::as_str))
    }
}

impl std::fmt::Debug for Relations {
    /// By name, so a failing case reads `{grid_staff, reporter}` rather than a number.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Relation::as_str))
            .finish()
    }
}
