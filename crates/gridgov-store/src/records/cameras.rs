//! Public video points (雪亮工程 cameras) of a grid: create, correct, remove, read. Core has no
//! camera draft (no import file carries cameras), so the fields go through core's field parsers.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::fields::{opt_float, req_text};
use gridgov_core::error::Checker;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::delete_versioned;
use super::{grid_for_edit, grid_for_record, need, one_updated, written};
use crate::audit::{self, Change};
use crate::grids::grid_in;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CameraInput {
    /// On an edit, empty keeps the grid.
    #[serde(default)]
    pub grid_id: String,
    /// The point's code in the video network, unique in the county.
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// WGS84, required: a camera is a point on the map.
    #[serde(default)]
    pub lng: String,
    #[serde(default)]
    pub lat: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct CameraView {
    pub id: String,
    pub county_code: String,
    pub grid_id: String,
    pub grid_code: String,
    pub path: String,
    pub code: String,
    pub name: String,
    pub lng: f64,
    pub lat: f64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "c.id, c.county_code, c.grid_id, g.code AS grid_code, c.path, c.code, \
    c.name, c.lng, c.lat, c.version, c.created_at, c.updated_at";

struct ValidCamera {
    code: String,
    name: String,
    lng: f64,
    lat: f64,
}

fn required_number(field: &str, v: Option<Option<f64>>, c: &mut Checker) -> Option<f64> {
    match v {
        Some(Some(x)) => Some(x),
        Some(None) => {
            c.push(FieldError::new(
                field,
                "required",
                "摄像头须填写经纬度",
                "a camera needs its longitude and latitude",
            ));
            None
        }
        None => None,
    }
}

impl CameraInput {
    fn check(&self) -> StoreResult<ValidCamera> {
        let mut c = Checker::new();
        let code = c.check(req_text("code", &self.code, 32));
        let name = c.check(req_text("name", &self.name, 100));
        let lng = c.check(opt_float("lng", &self.lng, -180.0, 180.0));
        let lng = required_number("lng", lng, &mut c);
        let lat = c.check(opt_float("lat", &self.lat, -90.0, 90.0));
        let lat = required_number("lat", lat, &mut c);
        c.finish()?;
        match (code, name, lng, lat) {
            (Some(code), Some(name), Some(lng), Some(lat)) => Ok(ValidCamera {
                code,
                name,
                lng,
                lat,
            }),
            _ => Err(StoreError::Internal("checked input went missing".into())),
        }
    }
}

async fn camera_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    county: &str,
    id: &str,
) -> StoreResult<CameraView> {
    let scope = ScopeRange::of(actor);
    sqlx::query_as::<_, CameraView>(&format!(
        "SELECT {COLUMNS} FROM cameras c JOIN grids g ON g.id = c.grid_id \
         WHERE c.county_code = $1 AND c.id = $2 AND {}",
        scope.sql("c.path", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

fn code_taken(code: &str) -> StoreError {
    StoreError::Conflict(FieldError::new(
        "code",
        "taken",
        format!("本县已有编号为 {code} 的视频点位"),
        format!("this county already has a camera numbered {code}"),
    ))
}

impl Store {
    pub async fn create_camera(
        &self,
        actor: &Actor,
        input: &CameraInput,
    ) -> StoreResult<CameraView> {
        need(actor, Permission::EditBaseData)?;
        let v = input.check()?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let grid = grid_for_record(&mut tx, actor, &input.grid_id).await?;
        let r = sqlx::query(
            "INSERT INTO cameras (id, county_code, grid_id, path, code, name, lng, lat, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(&id)
        .bind(&grid.county_code)
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&v.code)
        .bind(&v.name)
        .bind(v.lng)
        .bind(v.lat)
        .bind(now)
        .execute(&mut *tx)
        .await;
        written(r, || code_taken(&v.code))?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "camera.create",
                resource: format!("camera:{id}"),
                scope_path: &grid.path,
                summary: json!({"grid": grid.code, "code": v.code, "name": v.name,
                    "lng": v.lng, "lat": v.lat}),
            },
        )
        .await?;
        tx.commit().await?;
        self.camera(actor, &grid.county_code, &id).await
    }

    /// Corrects a camera; it may move to another grid of the same county (codes are per county).
    pub async fn update_camera(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &CameraInput,
        version: i64,
    ) -> StoreResult<CameraView> {
        need(actor, Permission::EditBaseData)?;
        let v = input.check()?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = camera_in(&mut tx, actor, county, id).await?;
        let grid = grid_for_edit(&mut tx, actor, &input.grid_id, &before.grid_id).await?;
        if grid.county_code != before.county_code {
            return Err(FieldError::new(
                "grid_id",
                "other_county",
                "视频点位不能移到另一个县（区）的网格",
                "a camera cannot move to a grid of another county",
            )
            .into());
        }
        let r = sqlx::query(
            "UPDATE cameras SET grid_id = $1, path = $2, code = $3, name = $4, lng = $5, lat = $6, \
             version = version + 1, updated_at = $7 \
             WHERE county_code = $8 AND id = $9 AND version = $10",
        )
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&v.code)
        .bind(&v.name)
        .bind(v.lng)
        .bind(v.lat)
        .bind(now)
        .bind(county)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await;
        one_updated(written(r, || code_taken(&v.code))?)?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "camera.update",
                resource: format!("camera:{id}"),
                scope_path: &grid.path,
                summary: json!({
                    "before": {"grid_id": before.grid_id, "code": before.code, "name": before.name,
                        "lng": before.lng, "lat": before.lat},
                    "after": {"grid_id": grid.id, "code": v.code, "name": v.name,
                        "lng": v.lng, "lat": v.lat},
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.camera(actor, county, id).await
    }

    pub async fn delete_camera(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        version: i64,
    ) -> StoreResult<()> {
        need(actor, Permission::EditBaseData)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = camera_in(&mut tx, actor, county, id).await?;
        delete_versioned(&mut tx, "cameras", county, id, version).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "camera.delete",
                resource: format!("camera:{id}"),
                scope_path: &before.path,
                summary: json!({"code": before.code, "name": before.name}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn camera(&self, actor: &Actor, county: &str, id: &str) -> StoreResult<CameraView> {
        need(actor, Permission::ViewBaseData)?;
        let mut conn = self.pool.acquire().await?;
        camera_in(&mut conn, actor, county, id).await
    }

    /// The cameras of a grid, by code; `NotFound` for a grid outside the actor's scope.
    pub async fn grid_cameras(&self, actor: &Actor, grid_id: &str) -> StoreResult<Vec<CameraView>> {
        need(actor, Permission::ViewBaseData)?;
        let mut conn = self.pool.acquire().await?;
        let grid = grid_in(&mut conn, actor, grid_id).await?;
        Ok(sqlx::query_as::<_, CameraView>(&format!(
            "SELECT {COLUMNS} FROM cameras c JOIN grids g ON g.id = c.grid_id \
             WHERE c.path = $1 AND c.grid_id = $2 ORDER BY c.code LIMIT 2000"
        ))
        .bind(&grid.path)
        .bind(&grid.id)
        .fetch_all(&mut *conn)
        .await?)
    }
}
