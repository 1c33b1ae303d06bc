//! One building: create, correct, remove (only when no house is left in it), read.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::{BuildingDraft, ValidBuilding};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::delete_versioned;
use super::{grid_for_edit, grid_for_record, invalid, need, one_updated, written};
use crate::audit::{self, Change};
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BuildingInput {
    /// On an edit, empty keeps the grid.
    #[serde(default)]
    pub grid_id: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub floors: String,
    #[serde(default)]
    pub units: String,
    /// The building head's username (楼栋长), empty for none.
    #[serde(default)]
    pub building_head: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct BuildingView {
    pub id: String,
    pub county_code: String,
    pub grid_id: String,
    pub grid_code: String,
    pub grid_name: String,
    pub path: String,
    pub code: String,
    pub address: String,
    pub floors: Option<i64>,
    pub units: Option<i64>,
    pub building_head_id: Option<String>,
    pub building_head_name: Option<String>,
    pub created_batch: Option<String>,
    pub updated_batch: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const BUILDING_COLUMNS: &str = "b.id, b.county_code, b.grid_id, g.code AS grid_code, \
    g.name AS grid_name, b.path, b.code, b.address, b.floors, b.units, b.building_head_id, \
    u.display_name AS building_head_name, b.created_batch, b.updated_batch, b.version, \
    b.created_at, b.updated_at";
pub(crate) const BUILDING_FROM: &str = "FROM buildings b JOIN grids g ON g.id = b.grid_id \
    LEFT JOIN users u ON u.id = b.building_head_id";

pub(crate) async fn building_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    county: &str,
    id: &str,
) -> StoreResult<BuildingView> {
    let scope = ScopeRange::of(actor);
    sqlx::query_as::<_, BuildingView>(&format!(
        "SELECT {BUILDING_COLUMNS} {BUILDING_FROM} WHERE b.county_code = $1 AND b.id = $2 AND {}",
        scope.sql("b.path", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The building head named by username: an enabled user whose scope lies inside the actor's.
async fn head_id(
    conn: &mut AnyConnection,
    actor: &Actor,
    b: &ValidBuilding,
) -> StoreResult<Option<String>> {
    let Some(name) = b.building_head.as_deref() else {
        return Ok(None);
    };
    let scope = ScopeRange::of(actor);
    let id: Option<(String,)> = sqlx::query_as(&format!(
        "SELECT id FROM users WHERE username = $1 AND disabled = 0 AND {}",
        scope.sql("scope_path", 2)
    ))
    .bind(name.to_ascii_lowercase())
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?;
    match id {
        Some((id,)) => Ok(Some(id)),
        None => Err(FieldError::new(
            "building_head",
            "unknown_user",
            format!("找不到该用户或不在您的范围内：{name}"),
            format!("no such user inside your scope: {name}"),
        )
        .into()),
    }
}

fn code_taken(code: &str) -> StoreError {
    StoreError::Conflict(FieldError::new(
        "code",
        "taken",
        format!("本网格已有编号为 {code} 的楼栋"),
        format!("this grid already has a building numbered {code}"),
    ))
}

impl BuildingInput {
    fn check(&self) -> StoreResult<ValidBuilding> {
        BuildingDraft {
            code: &self.code,
            address: &self.address,
            floors: &self.floors,
            units: &self.units,
            building_head: &self.building_head,
        }
        .check()
        .map_err(invalid)
    }
}

impl Store {
    pub async fn create_building(
        &self,
        actor: &Actor,
        input: &BuildingInput,
    ) -> StoreResult<BuildingView> {
        need(actor, Permission::EditBaseData)?;
        let b = input.check()?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let grid = grid_for_record(&mut tx, actor, &input.grid_id).await?;
        let head = head_id(&mut tx, actor, &b).await?;
        let r = sqlx::query(
            "INSERT INTO buildings (id, county_code, grid_id, path, code, address, floors, units, \
             building_head_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(&id)
        .bind(&grid.county_code)
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&b.code)
        .bind(&b.address)
        .bind(b.floors)
        .bind(b.units)
        .bind(&head)
        .bind(now)
        .execute(&mut *tx)
        .await;
        written(r, || code_taken(&b.code))?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "building.create",
                resource: format!("building:{id}"),
                scope_path: &grid.path,
                summary: json!({"grid": grid.code, "code": b.code, "address": b.address,
                    "floors": b.floors, "units": b.units, "building_head": b.building_head}),
            },
        )
        .await?;
        tx.commit().await?;
        self.building(actor, &grid.county_code, &id).await
    }

    /// Corrects a building. A new grid moves it and its houses with it (they stand in it).
    pub async fn update_building(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &BuildingInput,
        version: i64,
    ) -> StoreResult<BuildingView> {
        need(actor, Permission::EditBaseData)?;
        let b = input.check()?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = building_in(&mut tx, actor, county, id).await?;
        let grid = grid_for_edit(&mut tx, actor, &input.grid_id, &before.grid_id).await?;
        if grid.county_code != before.county_code {
            return Err(FieldError::new(
                "grid_id",
                "other_county",
                "楼栋不能移到另一个县（区）的网格",
                "a building cannot move to a grid of another county",
            )
            .into());
        }
        let head = head_id(&mut tx, actor, &b).await?;
        let r = sqlx::query(
            "UPDATE buildings SET grid_id = $1, path = $2, code = $3, address = $4, floors = $5, \
             units = $6, building_head_id = $7, version = version + 1, updated_at = $8 \
             WHERE county_code = $9 AND id = $10 AND version = $11",
        )
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&b.code)
        .bind(&b.address)
        .bind(b.floors)
        .bind(b.units)
        .bind(&head)
        .bind(now)
        .bind(county)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await;
        one_updated(written(r, || code_taken(&b.code))?)?;
        if grid.id != before.grid_id {
            sqlx::query(
                "UPDATE houses SET grid_id = $1, path = $2, updated_at = $3 \
                 WHERE county_code = $4 AND building_id = $5",
            )
            .bind(&grid.id)
            .bind(&grid.path)
            .bind(now)
            .bind(county)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "building.update",
                resource: format!("building:{id}"),
                scope_path: &grid.path,
                summary: json!({
                    "before": {"grid_id": before.grid_id, "code": before.code,
                        "address": before.address, "floors": before.floors, "units": before.units,
                        "building_head_id": before.building_head_id},
                    "after": {"grid_id": grid.id, "code": b.code, "address": b.address,
                        "floors": b.floors, "units": b.units, "building_head_id": head},
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.building(actor, county, id).await
    }

    /// Removes a building with no houses left in it.
    pub async fn delete_building(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        version: i64,
    ) -> StoreResult<()> {
        need(actor, Permission::EditBaseData)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = building_in(&mut tx, actor, county, id).await?;
        let (houses,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM houses WHERE county_code = $1 AND building_id = $2",
        )
        .bind(county)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if houses > 0 {
            return Err(StoreError::Conflict(FieldError::new(
                "id",
                "has_houses",
                format!("楼栋内还有 {houses} 套房屋，请先删除或移走"),
                format!("the building still has {houses} houses; remove them first"),
            )));
        }
        delete_versioned(&mut tx, "buildings", county, id, version).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "building.delete",
                resource: format!("building:{id}"),
                scope_path: &before.path,
                summary: json!({"code": before.code, "address": before.address}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn building(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
    ) -> StoreResult<BuildingView> {
        need(actor, Permission::ViewBaseData)?;
        let mut conn = self.pool.acquire().await?;
        building_in(&mut conn, actor, county, id).await
    }
}
