//! Linked departments (联动部门) and their handlers. A department serves one region and
//! everything below it (`departments.path` is the region's path), so:
//!
//! - centers manage the departments whose region lies inside their scope ([`ScopeRange`]); a
//!   move to another region checks the destination too;
//! - everyone sees the departments that serve their area: those inside their scope and those
//!   of the regions above it ([`ServingScope`]); a department of the county next door is not
//!   found;
//! - a handler belongs to one department, and their own scope must cover the department's
//!   region, so they can read every record of the matters their department is sent.
//!
//! Every change is audited in its transaction on the stream `department:<id>`.

mod list;
mod members;
mod write;

pub use list::DepartmentFilter;
pub use members::{DepartmentMember, DepartmentRef};
pub use write::DepartmentInput;

use gridgov_core::auth::Actor;
use gridgov_core::departments::Sector;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::scope::{BindScope, BindServing, ScopeRange, ServingScope};
use crate::{StoreError, StoreResult};

/// A department as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub sector: Sector,
    pub region_code: String,
    pub region_name: String,
    /// 1 province … 4 township.
    pub region_level: i64,
    pub path: String,
    /// The duty phone; empty when none was given.
    pub phone: String,
    pub active: bool,
    /// Handlers working for it.
    pub members: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Department {
    /// Whether the department lies inside the caller's scope (their center keeps it), as
    /// opposed to one above them that they see as serving their area.
    pub fn lies_in_scope_of(&self, actor: &gridgov_core::auth::Actor) -> bool {
        crate::scope::ScopeRange::of(actor).contains(&self.path)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct DepartmentRow {
    id: String,
    name: String,
    sector: String,
    region_code: String,
    region_name: String,
    region_level: i64,
    path: String,
    phone: String,
    active: i64,
    members: i64,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl DepartmentRow {
    pub(crate) fn into_department(self) -> StoreResult<Department> {
        let sector = Sector::parse("sector", &self.sector)
            .map_err(|e| StoreError::Internal(format!("stored department {}: {e}", self.id)))?;
        Ok(Department {
            id: self.id,
            name: self.name,
            sector,
            region_code: self.region_code,
            region_name: self.region_name,
            region_level: self.region_level,
            path: self.path,
            phone: self.phone,
            active: self.active != 0,
            members: self.members,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The columns of [`DepartmentRow`], from `departments d` joined with its region `r`.
pub(crate) const DEPARTMENT_SELECT: &str = "SELECT d.id, d.name, d.sector, d.region_code, \
    r.name AS region_name, r.level AS region_level, d.path, d.phone, d.active, \
    (SELECT CAST(COUNT(*) AS BIGINT) FROM department_members m WHERE m.department_id = d.id) \
    AS members, d.version, d.created_at, d.updated_at \
    FROM departments d JOIN regions r ON r.code = d.region_code";

/// One department the actor sees (inside the scope or serving it from above).
pub(crate) async fn visible(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
) -> StoreResult<DepartmentRow> {
    let scope = ServingScope::of(actor);
    sqlx::query_as::<_, DepartmentRow>(&format!(
        "{DEPARTMENT_SELECT} WHERE d.id = $1 AND {}",
        scope.sql("d.path", 2)
    ))
    .bind(id.trim())
    .bind_serving(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// One department the actor may change: its region lies inside the actor's scope. One the
/// actor sees from below (the city's, for a county's center) is `Forbidden`: its existence is
/// no secret to them, but it is the higher center's to keep. Anything else is `NotFound`.
pub(crate) async fn manageable(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
) -> StoreResult<DepartmentRow> {
    let scope = ScopeRange::of(actor);
    let row = sqlx::query_as::<_, DepartmentRow>(&format!(
        "{DEPARTMENT_SELECT} WHERE d.id = $1 AND {}",
        scope.sql("d.path", 2)
    ))
    .bind(id.trim())
    .bind_scope(&scope)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => Ok(r),
        None => match visible(conn, actor, id).await {
            Ok(_) => Err(StoreError::Forbidden),
            Err(e) => Err(e),
        },
    }
}
