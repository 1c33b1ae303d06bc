//! Creating, changing and (de)activating a department inside the caller's scope.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::departments::{DepartmentDraft, ValidDepartment};
use gridgov_core::scope::ScopePath;
use serde::Deserialize;
use serde_json::json;
use sqlx::AnyConnection;

use super::{Department, manageable};
use crate::audit::{self, Change};
use crate::records::{invalid, need, one_updated, written};
use crate::regions::Region;
use crate::{Store, StoreError, StoreResult};

/// A department as typed. On an edit, an empty `region_code` keeps the region.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DepartmentInput {
    #[serde(default)]
    pub name: String,
    /// A sector code or its Chinese label (`urban_management`, `城管`).
    #[serde(default)]
    pub sector: String,
    /// The region it serves (`420202`; `420200` for the city): a province, city, county or
    /// township inside the caller's scope.
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub phone: String,
}

impl DepartmentInput {
    fn check(&self) -> StoreResult<ValidDepartment> {
        DepartmentDraft {
            name: &self.name,
            sector: &self.sector,
            phone: &self.phone,
        }
        .check()
        .map_err(invalid)
    }
}

/// Where a department is put: its region's code, name and path.
struct Place {
    code: String,
    name: String,
    path: String,
}

impl From<Region> for Place {
    fn from(r: Region) -> Self {
        Place {
            code: r.code,
            name: r.name,
            path: r.path,
        }
    }
}

fn name_taken(region: &Place, name: &str) -> StoreError {
    StoreError::Conflict(FieldError::new(
        "name",
        "taken",
        format!("{} 已有名为 {name} 的部门", region.name),
        format!("{} already has a department named {name}", region.name),
    ))
}

/// Villages and communities are served by the departments above them, not by their own.
const LOWEST_LEVEL: i64 = 4;

impl Store {
    /// The region a department is put in: inside the actor's scope (the destination of a move
    /// is checked like a new one), township or above. Faults are on `region_code`.
    async fn department_region(&self, actor: &Actor, input: &str) -> StoreResult<Place> {
        if input.trim().is_empty() {
            return Err(FieldError::new(
                "region_code",
                "required",
                "请填写部门服务的区划代码",
                "give the code of the region the department serves",
            )
            .into());
        }
        let region = match self.resolve_region(actor, "region_code", input).await {
            Ok(r) => r,
            Err(StoreError::NotFound) => {
                return Err(FieldError::new(
                    "region_code",
                    "unknown_region",
                    format!("区划 {} 不存在或不在您的范围内", input.trim()),
                    format!(
                        "region {} does not exist or is outside your scope",
                        input.trim()
                    ),
                )
                .into());
            }
            Err(e) => return Err(e),
        };
        if region.level > LOWEST_LEVEL {
            return Err(FieldError::new(
                "region_code",
                "village_level",
                "联动部门设在乡镇（街道）及以上区划，村（社区）由其上级部门服务",
                "departments serve a township or above; villages are served by those above them",
            )
            .into());
        }
        Ok(region.into())
    }

    pub async fn create_department(
        &self,
        actor: &Actor,
        input: &DepartmentInput,
    ) -> StoreResult<Department> {
        need(actor, Permission::ManageDepartments)?;
        let d = input.check();
        let region = self.department_region(actor, &input.region_code).await;
        let (d, region) = both(d, region)?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let r = sqlx::query(
            "INSERT INTO departments (id, name, sector, region_code, path, phone, active, \
             version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, 1, $7, $7)",
        )
        .bind(&id)
        .bind(&d.name)
        .bind(d.sector.as_str())
        .bind(&region.code)
        .bind(&region.path)
        .bind(&d.phone)
        .bind(now)
        .execute(&mut *tx)
        .await;
        written(r, || name_taken(&region, &d.name))?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "department.create",
                resource: format!("department:{id}"),
                scope_path: &region.path,
                summary: json!({"name": d.name, "sector": d.sector.as_str(),
                    "region": region.code, "phone": d.phone}),
            },
        )
        .await?;
        tx.commit().await?;
        self.department(actor, &id).await
    }

    /// Changes name, sector, phone or region. A new region must lie inside the actor's scope,
    /// like the department itself, and inside every handler's scope (or they would no longer
    /// see where their department serves); `VersionConflict` when someone changed it since.
    pub async fn update_department(
        &self,
        actor: &Actor,
        id: &str,
        input: &DepartmentInput,
        version: i64,
    ) -> StoreResult<Department> {
        need(actor, Permission::ManageDepartments)?;
        // The destination is resolved before the write begins, so the transaction holds one
        // connection only.
        let d = input.check();
        let moved = if input.region_code.trim().is_empty() {
            Ok(None)
        } else {
            self.department_region(actor, &input.region_code)
                .await
                .map(Some)
        };
        let (d, moved) = both(d, moved)?;
        let mut tx = self.begin_write().await?;
        let before = manageable(&mut tx, actor, id).await?;
        let region = match moved {
            Some(p) if p.path != before.path => {
                handlers_still_cover(&mut tx, &before.id, &p).await?;
                p
            }
            Some(p) => p,
            None => Place {
                code: before.region_code.clone(),
                name: before.region_name.clone(),
                path: before.path.clone(),
            },
        };
        let now = self.now_ms();
        let r = sqlx::query(
            "UPDATE departments SET name = $1, sector = $2, region_code = $3, path = $4, \
             phone = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
        )
        .bind(&d.name)
        .bind(d.sector.as_str())
        .bind(&region.code)
        .bind(&region.path)
        .bind(&d.phone)
        .bind(now)
        .bind(&before.id)
        .bind(version)
        .execute(&mut *tx)
        .await;
        one_updated(written(r, || name_taken(&region, &d.name))?)?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "department.update",
                resource: format!("department:{}", before.id),
                scope_path: &region.path,
                summary: json!({
                    "before": {"name": before.name, "sector": before.sector,
                        "region": before.region_code, "phone": before.phone},
                    "after": {"name": d.name, "sector": d.sector.as_str(),
                        "region": region.code, "phone": d.phone},
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.department(actor, &before.id).await
    }

    /// Deactivates (or reactivates) a department. A deactivated one keeps its handlers and its
    /// history but is offered for no new work; setting what it already is changes nothing.
    pub async fn set_department_active(
        &self,
        actor: &Actor,
        id: &str,
        active: bool,
        version: i64,
    ) -> StoreResult<Department> {
        need(actor, Permission::ManageDepartments)?;
        let mut tx = self.begin_write().await?;
        let before = manageable(&mut tx, actor, id).await?;
        if before.version != version {
            return Err(StoreError::VersionConflict);
        }
        if (before.active != 0) != active {
            let now = self.now_ms();
            let n = sqlx::query(
                "UPDATE departments SET active = $1, version = version + 1, updated_at = $2 \
                 WHERE id = $3 AND version = $4",
            )
            .bind(i64::from(active))
            .bind(now)
            .bind(&before.id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            one_updated(n)?;
            audit::append(
                &mut tx,
                now,
                actor,
                Change {
                    action: if active {
                        "department.activate"
                    } else {
                        "department.deactivate"
                    },
                    resource: format!("department:{}", before.id),
                    scope_path: &before.path,
                    summary: json!({"name": before.name, "active": active}),
                },
            )
            .await?;
        }
        tx.commit().await?;
        self.department(actor, &before.id).await
    }
}

/// Both checks' faults reported together, as a form shows them.
fn both<A, B>(a: StoreResult<A>, b: StoreResult<B>) -> StoreResult<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(StoreError::Invalid(mut x)), Err(StoreError::Invalid(y))) => {
            x.0.extend(y.0);
            Err(StoreError::Invalid(x))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// A move is refused while a handler's scope would not cover the new region.
async fn handlers_still_cover(
    conn: &mut AnyConnection,
    department_id: &str,
    region: &Place,
) -> StoreResult<()> {
    let scopes: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.username, u.scope_path FROM department_members m \
         JOIN users u ON u.id = m.user_id WHERE m.department_id = $1 ORDER BY u.username",
    )
    .bind(department_id)
    .fetch_all(conn)
    .await?;
    let target = ScopePath::from_path(region.path.clone());
    let outside: Vec<String> = scopes
        .into_iter()
        .filter(|(_, scope)| !ScopePath::from_path(scope.clone()).covers(&target))
        .map(|(username, _)| username)
        .collect();
    if outside.is_empty() {
        return Ok(());
    }
    Err(FieldError::new(
        "region_code",
        "handlers_outside",
        format!(
            "办理人 {} 的数据范围不含 {}，请先将其移出本部门",
            outside.join("、"),
            region.name
        ),
        format!(
            "the scope of handler {} does not cover {}; remove them from the department first",
            outside.join(", "),
            region.name
        ),
    )
    .into())
}
