//! Places under watch in a grid (key places, schools and their surroundings, waters, markets):
//! create, correct, remove, read.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::{PlaceDraft, ValidPlace};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::delete_versioned;
use super::{grid_for_edit, grid_for_record, invalid, need, one_updated, written};
use crate::audit::{self, Change};
use crate::db::opt_double;
use crate::grids::grid_in;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlaceInput {
    /// On an edit, empty keeps the grid.
    #[serde(default)]
    pub grid_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub address: String,
    /// WGS84; both or neither.
    #[serde(default)]
    pub lng: String,
    #[serde(default)]
    pub lat: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PlaceView {
    pub id: String,
    pub county_code: String,
    pub grid_id: String,
    pub grid_code: String,
    pub path: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub lng: Option<f64>,
    pub lat: Option<f64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "s.id, s.county_code, s.grid_id, g.code AS grid_code, s.path, s.name, \
    s.kind, s.address, s.lng, s.lat, s.version, s.created_at, s.updated_at";

async fn place_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    county: &str,
    id: &str,
) -> StoreResult<PlaceView> {
    let scope = ScopeRange::of(actor);
    sqlx::query_as::<_, PlaceView>(&format!(
        "SELECT {COLUMNS} FROM places s JOIN grids g ON g.id = s.grid_id \
         WHERE s.county_code = $1 AND s.id = $2 AND {}",
        scope.sql("s.path", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

fn name_taken(name: &str) -> StoreError {
    StoreError::Conflict(FieldError::new(
        "name",
        "taken",
        format!("本网格已有名为 {name} 的场所"),
        format!("this grid already has a place named {name}"),
    ))
}

impl PlaceInput {
    fn check(&self) -> StoreResult<ValidPlace> {
        PlaceDraft {
            name: &self.name,
            kind: &self.kind,
            address: &self.address,
            lng: &self.lng,
            lat: &self.lat,
        }
        .check()
        .map_err(invalid)
    }
}

impl Store {
    pub async fn create_place(&self, actor: &Actor, input: &PlaceInput) -> StoreResult<PlaceView> {
        need(actor, Permission::EditBaseData)?;
        let s = input.check()?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let grid = grid_for_record(&mut tx, actor, &input.grid_id).await?;
        let r = sqlx::query(
            "INSERT INTO places (id, county_code, grid_id, path, name, kind, address, lng, lat, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             CAST($8 AS DOUBLE PRECISION), CAST($9 AS DOUBLE PRECISION), $10, $10)",
        )
        .bind(&id)
        .bind(&grid.county_code)
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&s.name)
        .bind(s.kind.as_str())
        .bind(&s.address)
        .bind(opt_double(s.location.map(|l| l.0)))
        .bind(opt_double(s.location.map(|l| l.1)))
        .bind(now)
        .execute(&mut *tx)
        .await;
        written(r, || name_taken(&s.name))?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "place.create",
                resource: format!("place:{id}"),
                scope_path: &grid.path,
                summary: json!({"grid": grid.code, "name": s.name, "kind": s.kind.as_str(),
                    "address": s.address, "location": s.location}),
            },
        )
        .await?;
        tx.commit().await?;
        self.place(actor, &grid.county_code, &id).await
    }

    pub async fn update_place(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &PlaceInput,
        version: i64,
    ) -> StoreResult<PlaceView> {
        need(actor, Permission::EditBaseData)?;
        let s = input.check()?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = place_in(&mut tx, actor, county, id).await?;
        let grid = grid_for_edit(&mut tx, actor, &input.grid_id, &before.grid_id).await?;
        let r = sqlx::query(
            "UPDATE places SET county_code = $1, grid_id = $2, path = $3, name = $4, kind = $5, \
             address = $6, lng = CAST($7 AS DOUBLE PRECISION), lat = CAST($8 AS DOUBLE PRECISION), \
             version = version + 1, updated_at = $9 \
             WHERE county_code = $10 AND id = $11 AND version = $12",
        )
        .bind(&grid.county_code)
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&s.name)
        .bind(s.kind.as_str())
        .bind(&s.address)
        .bind(opt_double(s.location.map(|l| l.0)))
        .bind(opt_double(s.location.map(|l| l.1)))
        .bind(now)
        .bind(county)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await;
        one_updated(written(r, || name_taken(&s.name))?)?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "place.update",
                resource: format!("place:{id}"),
                scope_path: &grid.path,
                summary: json!({
                    "before": {"grid_id": before.grid_id, "name": before.name, "kind": before.kind,
                        "address": before.address, "lng": before.lng, "lat": before.lat},
                    "after": {"grid_id": grid.id, "name": s.name, "kind": s.kind.as_str(),
                        "address": s.address, "location": s.location},
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.place(actor, &grid.county_code, id).await
    }

    pub async fn delete_place(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        version: i64,
    ) -> StoreResult<()> {
        need(actor, Permission::EditBaseData)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = place_in(&mut tx, actor, county, id).await?;
        delete_versioned(&mut tx, "places", county, id, version).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "place.delete",
                resource: format!("place:{id}"),
                scope_path: &before.path,
                summary: json!({"name": before.name, "kind": before.kind}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn place(&self, actor: &Actor, county: &str, id: &str) -> StoreResult<PlaceView> {
        need(actor, Permission::ViewBaseData)?;
        let mut conn = self.pool.acquire().await?;
        place_in(&mut conn, actor, county, id).await
    }

    /// The places of a grid, by name; `NotFound` for a grid outside the actor's scope.
    pub async fn grid_places(&self, actor: &Actor, grid_id: &str) -> StoreResult<Vec<PlaceView>> {
        need(actor, Permission::ViewBaseData)?;
        let mut conn = self.pool.acquire().await?;
        let grid = grid_in(&mut conn, actor, grid_id).await?;
        Ok(sqlx::query_as::<_, PlaceView>(&format!(
            "SELECT {COLUMNS} FROM places s JOIN grids g ON g.id = s.grid_id \
             WHERE s.path = $1 AND s.grid_id = $2 ORDER BY s.name LIMIT 2000"
        ))
        .bind(&grid.path)
        .bind(&grid.id)
        .fetch_all(&mut *conn)
        .await?)
    }
}
