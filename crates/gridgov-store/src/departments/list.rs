//! Finding departments: the list of those serving the caller's area, with filters, and one by
//! its id.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::departments::Sector;
use gridgov_core::scope::ScopePath;
use serde::Deserialize;

use super::{DEPARTMENT_SELECT, Department, DepartmentRow, visible};
use crate::db::escape_like;
use crate::records::{need, page};
use crate::scope::{BindScope, BindServing, ScopeRange, ServingScope};
use crate::{Store, StoreResult};

/// What to list. Empty fields filter nothing.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DepartmentFilter {
    /// Part of the name.
    #[serde(default)]
    pub q: String,
    /// A sector code or label.
    #[serde(default)]
    pub sector: String,
    /// Only departments of this region and below (a region inside the caller's scope).
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub include_inactive: bool,
    #[serde(default)]
    pub limit: i64,
    #[serde(default)]
    pub offset: i64,
}

impl Store {
    /// Departments serving the caller's area (inside the scope, or of a region above it), the
    /// higher regions first, then by name. A `region` outside the scope is `NotFound`.
    pub async fn departments(
        &self,
        actor: &Actor,
        f: &DepartmentFilter,
    ) -> StoreResult<Vec<Department>> {
        need(actor, Permission::ViewDepartments)?;
        let sector = match f.sector.trim() {
            "" => None,
            s => Some(Sector::parse("sector", s)?),
        };
        let under = match f.region.trim() {
            "" => None,
            r => Some(ScopeRange::of_path(&ScopePath::from_path(
                self.resolve_region(actor, "region", r).await?.path,
            ))),
        };
        let serving = ServingScope::of(actor);
        let mut sql = format!("{DEPARTMENT_SELECT} WHERE {}", serving.sql("d.path", 1));
        let mut next = 1 + ServingScope::PARAMS;
        if let Some(u) = &under {
            sql.push_str(&format!(" AND {}", u.sql("d.path", next)));
            next += 2;
        }
        if sector.is_some() {
            sql.push_str(&format!(" AND d.sector = ${next}"));
            next += 1;
        }
        let q = f.q.trim();
        if !q.is_empty() {
            sql.push_str(&format!(" AND d.name LIKE ${next} ESCAPE '\\'"));
        }
        if !f.include_inactive {
            sql.push_str(" AND d.active = 1");
        }
        let (limit, offset) = page(if f.limit == 0 { 200 } else { f.limit }, f.offset);
        sql.push_str(&format!(
            " ORDER BY d.path, d.name, d.id LIMIT {limit} OFFSET {offset}"
        ));
        let pattern = format!("%{}%", escape_like(&q.chars().take(50).collect::<String>()));
        let mut query = sqlx::query_as::<_, DepartmentRow>(&sql).bind_serving(&serving);
        if let Some(u) = &under {
            query = query.bind_scope(u);
        }
        if let Some(s) = sector {
            query = query.bind(s.as_str());
        }
        if !q.is_empty() {
            query = query.bind(pattern);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(DepartmentRow::into_department)
            .collect()
    }

    /// One department serving the caller's area; `NotFound` for any other.
    pub async fn department(&self, actor: &Actor, id: &str) -> StoreResult<Department> {
        need(actor, Permission::ViewDepartments)?;
        let mut conn = self.pool.acquire().await?;
        visible(&mut conn, actor, id).await?.into_department()
    }
}
