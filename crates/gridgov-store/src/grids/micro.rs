//! Micro-grids (微网格): a building or a few buildings inside a grid, each with its own code, for
//! the building heads who look after them.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::grids::{GridCode, parse_grid_name, parse_text};
use serde::Serialize;
use serde_json::json;

use super::current_grid_in;
use crate::audit::{self, Change};
use crate::error::is_unique_violation;
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MicroGrid {
    pub grid_id: String,
    pub code: String,
    pub name: String,
    /// The buildings it covers, as people name them (`3、4、5 栋`).
    pub buildings: String,
    pub created_at: i64,
}

impl Store {
    /// The micro-grids of a grid inside the actor's scope.
    pub async fn micro_grids(&self, actor: &Actor, grid_id: &str) -> StoreResult<Vec<MicroGrid>> {
        let g = self.grid(actor, grid_id).await?;
        Ok(sqlx::query_as::<_, MicroGrid>(
            "SELECT grid_id, code, name, buildings, created_at FROM micro_grids \
             WHERE grid_id = $1 ORDER BY code",
        )
        .bind(&g.grid.id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn add_micro_grid(
        &self,
        actor: &Actor,
        grid_id: &str,
        code: &str,
        name: &str,
        buildings: &str,
    ) -> StoreResult<MicroGrid> {
        if !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        let mut c = gridgov_core::error::Checker::new();
        let code = c.check(GridCode::parse("code", code));
        let name = c.check(parse_grid_name("name", name));
        let buildings = c.check(parse_text("buildings", buildings, 200, true));
        c.finish()?;
        let (Some(code), Some(name), Some(buildings)) = (code, name, buildings) else {
            return Err(StoreError::Internal("checked input went missing".into()));
        };
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let g = current_grid_in(&mut tx, actor, grid_id).await?;
        let r = sqlx::query(
            "INSERT INTO micro_grids (grid_id, code, name, buildings, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&g.id)
        .bind(code.as_str())
        .bind(&name)
        .bind(&buildings)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict(FieldError::new(
                    "code",
                    "taken",
                    format!("该网格已有编码为 {code} 的微网格"),
                    format!("this grid already has a micro-grid {code}"),
                )));
            }
            Err(e) => return Err(e.into()),
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.micro.add",
                resource: format!("grid:{}", g.id),
                scope_path: &g.path,
                summary: json!({"code": code.as_str(), "name": name, "buildings": buildings}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(MicroGrid {
            grid_id: g.id,
            code: code.as_str().to_owned(),
            name,
            buildings,
            created_at: now,
        })
    }

    pub async fn remove_micro_grid(
        &self,
        actor: &Actor,
        grid_id: &str,
        code: &str,
    ) -> StoreResult<()> {
        if !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let g = current_grid_in(&mut tx, actor, grid_id).await?;
        let n = sqlx::query("DELETE FROM micro_grids WHERE grid_id = $1 AND code = $2")
            .bind(&g.id)
            .bind(code.trim().to_ascii_uppercase())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.micro.remove",
                resource: format!("grid:{}", g.id),
                scope_path: &g.path,
                summary: json!({"code": code.trim().to_ascii_uppercase()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
