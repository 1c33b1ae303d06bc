//! Regions: reading the hierarchy inside the caller's scope, and importing it.

pub mod bulk;
mod id_prefixes;
mod import;
mod source;

pub use id_prefixes::IdPrefixes;
pub use import::{ImportProgress, ImportReport};
pub use source::{MAX_ERRORS, RegionSource, SourceRead, SourceRow, read_region_source_all};

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::regions::RegionCode;
use serde::Serialize;

use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: i64,
    pub parent_code: Option<String>,
    pub path: String,
    pub source: String,
}

/// A region with the number of its direct children, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RegionWithCount {
    pub code: String,
    pub name: String,
    pub level: i64,
    pub path: String,
    pub child_count: i64,
}

const COLUMNS: &str = "code, name, level, parent_code, path, source";

impl Store {
    /// One region, if it lies inside the actor's scope.
    pub async fn region(&self, actor: &Actor, code: &RegionCode) -> StoreResult<Region> {
        if !actor.can(Permission::ViewRegions) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        sqlx::query_as::<_, Region>(&format!(
            "SELECT {COLUMNS} FROM regions WHERE code = $1 AND {}",
            scope.sql("path", 2)
        ))
        .bind(code.as_str())
        .bind_scope(&scope)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }

    /// Finds the region that typed input stands for (`420200` means the city `4202` when no county
    /// has that code), inside the actor's scope.
    pub async fn resolve_region(
        &self,
        actor: &Actor,
        field: &str,
        input: &str,
    ) -> StoreResult<Region> {
        for code in RegionCode::candidates(field, input)? {
            match self.region(actor, &code).await {
                Ok(r) => return Ok(r),
                Err(StoreError::NotFound) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::NotFound)
    }

    /// The children of a region (or the provinces, for `None`) that lie inside the actor's scope,
    /// each with its own number of children.
    pub async fn region_children(
        &self,
        actor: &Actor,
        parent: Option<&RegionCode>,
    ) -> StoreResult<Vec<RegionWithCount>> {
        if !actor.can(Permission::ViewRegions) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        let parent_filter = if parent.is_some() {
            "r.parent_code = $3"
        } else {
            "r.parent_code IS NULL"
        };
        let sql = format!(
            "SELECT r.code, r.name, r.level, r.path, \
             (SELECT COUNT(*) FROM regions c WHERE c.parent_code = r.code) AS child_count \
             FROM regions r WHERE {parent_filter} AND {} ORDER BY r.code",
            scope.sql("r.path", 1)
        );
        let mut q = sqlx::query_as::<_, RegionWithCount>(&sql).bind_scope(&scope);
        if let Some(p) = parent {
            q = q.bind(p.as_str());
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// The regions on the way from the actor's scope down to this path (inclusive), top first.
    /// Regions above the scope are left out: they are not the actor's to browse.
    pub async fn region_trail(&self, actor: &Actor, path: &str) -> StoreResult<Vec<Region>> {
        let codes: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let scope = ScopeRange::of(actor);
        let sql = format!(
            "SELECT {COLUMNS} FROM regions WHERE {} AND code IN ({}) ORDER BY level",
            scope.sql("path", 1),
            crate::db::numbered_params(3, codes.len())
        );
        let mut q = sqlx::query_as::<_, Region>(&sql).bind_scope(&scope);
        for c in &codes {
            q = q.bind(*c);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// Names of the given regions that lie inside the actor's scope, by code.
    pub async fn region_names(
        &self,
        actor: &Actor,
        codes: &[&str],
    ) -> StoreResult<std::collections::HashMap<String, String>> {
        if codes.is_empty() {
            return Ok(Default::default());
        }
        let scope = ScopeRange::of(actor);
        let sql = format!(
            "SELECT code, name FROM regions WHERE {} AND code IN ({})",
            scope.sql("path", 1),
            crate::db::numbered_params(3, codes.len())
        );
        let mut q = sqlx::query_as::<_, (String, String)>(&sql).bind_scope(&scope);
        for c in codes {
            q = q.bind(*c);
        }
        Ok(q.fetch_all(&self.pool).await?.into_iter().collect())
    }

    /// Number of regions per level inside the actor's scope, for the overview.
    pub async fn region_counts(&self, actor: &Actor) -> StoreResult<Vec<(i64, i64)>> {
        if !actor.can(Permission::ViewRegions) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        Ok(sqlx::query_as::<_, (i64, i64)>(&format!(
            "SELECT level, COUNT(*) FROM regions WHERE {} GROUP BY level ORDER BY level",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?)
    }
}
