//! One house (a dwelling or shop in a building): create, correct, remove (only when nobody lives
//! there any more), read. A house stands in its building's grid.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::{HouseDraft, ValidHouse};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::buildings::building_in;
use super::delete_versioned;
use super::{invalid, need, one_updated, written};
use crate::audit::{self, Change};
use crate::db::opt_double;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HouseInput {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub number: String,
    /// `own`, `rented`, `vacant`, `business` or the Chinese name.
    #[serde(default)]
    pub house_use: String,
    #[serde(default)]
    pub area_m2: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct HouseView {
    pub id: String,
    pub county_code: String,
    pub grid_id: String,
    pub grid_code: String,
    pub grid_name: String,
    pub path: String,
    pub building_id: String,
    pub building_code: String,
    pub building_address: String,
    pub unit: String,
    pub number: String,
    pub house_use: String,
    pub area_m2: Option<f64>,
    pub created_batch: Option<String>,
    pub updated_batch: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const HOUSE_COLUMNS: &str = "h.id, h.county_code, h.grid_id, g.code AS grid_code, \
    g.name AS grid_name, h.path, h.building_id, b.code AS building_code, \
    b.address AS building_address, h.unit, h.number, h.house_use, h.area_m2, h.created_batch, \
    h.updated_batch, h.version, h.created_at, h.updated_at";
pub(crate) const HOUSE_FROM: &str = "FROM houses h JOIN grids g ON g.id = h.grid_id \
    JOIN buildings b ON b.county_code = h.county_code AND b.id = h.building_id";

pub(crate) async fn house_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    county: &str,
    id: &str,
) -> StoreResult<HouseView> {
    let scope = ScopeRange::of(actor);
    sqlx::query_as::<_, HouseView>(&format!(
        "SELECT {HOUSE_COLUMNS} {HOUSE_FROM} WHERE h.county_code = $1 AND h.id = $2 AND {}",
        scope.sql("h.path", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

fn number_taken(h: &ValidHouse) -> StoreError {
    StoreError::Conflict(FieldError::new(
        "number",
        "taken",
        format!("本楼栋已有 {} 单元 {} 号房屋", h.unit, h.number),
        format!(
            "this building already has unit {} number {}",
            h.unit, h.number
        ),
    ))
}

impl HouseInput {
    /// Core's check, with the building already resolved (its code stands in for the file's
    /// building column).
    fn check(&self, building_code: &str) -> StoreResult<ValidHouse> {
        HouseDraft {
            building: building_code,
            unit: &self.unit,
            number: &self.number,
            house_use: &self.house_use,
            area_m2: &self.area_m2,
        }
        .check()
        .map_err(invalid)
    }
}

impl Store {
    /// A new house in a building inside the actor's scope.
    pub async fn create_house(
        &self,
        actor: &Actor,
        county: &str,
        building_id: &str,
        input: &HouseInput,
    ) -> StoreResult<HouseView> {
        need(actor, Permission::EditBaseData)?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let b = building_in(&mut tx, actor, county, building_id).await?;
        let h = input.check(&b.code)?;
        let r = sqlx::query(
            "INSERT INTO houses (id, county_code, grid_id, path, building_id, unit, number, \
             house_use, area_m2, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS DOUBLE PRECISION), $10, $10)",
        )
        .bind(&id)
        .bind(&b.county_code)
        .bind(&b.grid_id)
        .bind(&b.path)
        .bind(&b.id)
        .bind(&h.unit)
        .bind(&h.number)
        .bind(h.house_use.as_str())
        .bind(opt_double(h.area_m2))
        .bind(now)
        .execute(&mut *tx)
        .await;
        written(r, || number_taken(&h))?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "house.create",
                resource: format!("house:{id}"),
                scope_path: &b.path,
                summary: json!({"building": b.code, "unit": h.unit, "number": h.number,
                    "use": h.house_use.as_str(), "area_m2": h.area_m2}),
            },
        )
        .await?;
        tx.commit().await?;
        self.house(actor, county, &id).await
    }

    /// Corrects a house's unit, number, use and area; it stays in its building.
    pub async fn update_house(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &HouseInput,
        version: i64,
    ) -> StoreResult<HouseView> {
        need(actor, Permission::EditBaseData)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = house_in(&mut tx, actor, county, id).await?;
        let h = input.check(&before.building_code)?;
        let r = sqlx::query(
            "UPDATE houses SET unit = $1, number = $2, house_use = $3, \
             area_m2 = CAST($4 AS DOUBLE PRECISION), \
             version = version + 1, updated_at = $5 \
             WHERE county_code = $6 AND id = $7 AND version = $8",
        )
        .bind(&h.unit)
        .bind(&h.number)
        .bind(h.house_use.as_str())
        .bind(opt_double(h.area_m2))
        .bind(now)
        .bind(county)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await;
        one_updated(written(r, || number_taken(&h))?)?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "house.update",
                resource: format!("house:{id}"),
                scope_path: &before.path,
                summary: json!({
                    "before": {"unit": before.unit, "number": before.number,
                        "use": before.house_use, "area_m2": before.area_m2},
                    "after": {"unit": h.unit, "number": h.number, "use": h.house_use.as_str(),
                        "area_m2": h.area_m2},
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.house(actor, county, id).await
    }

    /// Removes a house nobody is recorded as living in.
    pub async fn delete_house(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        version: i64,
    ) -> StoreResult<()> {
        need(actor, Permission::EditBaseData)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = house_in(&mut tx, actor, county, id).await?;
        let (residents,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM person_houses \
             WHERE county_code = $1 AND house_id = $2",
        )
        .bind(county)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if residents > 0 {
            return Err(StoreError::Conflict(FieldError::new(
                "id",
                "has_residents",
                format!("该房屋还登记有 {residents} 名居住人员，请先解除"),
                format!("{residents} people are recorded as living here; unlink them first"),
            )));
        }
        delete_versioned(&mut tx, "houses", county, id, version).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "house.delete",
                resource: format!("house:{id}"),
                scope_path: &before.path,
                summary: json!({"building": before.building_code, "unit": before.unit,
                    "number": before.number}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn house(&self, actor: &Actor, county: &str, id: &str) -> StoreResult<HouseView> {
        need(actor, Permission::ViewBaseData)?;
        let mut conn = self.pool.acquire().await?;
        house_in(&mut conn, actor, county, id).await
    }
}
