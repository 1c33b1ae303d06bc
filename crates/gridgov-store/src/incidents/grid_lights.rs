//! The grid map's lights: each grid coloured by the worst light of its open incidents' clocks
//! (红黄绿灯 on the map), so a center sees where work is late before opening a list.

use std::collections::HashMap;

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::deadlines::Light;

use super::clock::light_of;
use super::states_sql::OPEN_STATES;
use crate::scope::{BindScope, IncidentDoors};
use crate::settings::LayerBook;
use crate::{Store, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct ClockRow {
    grid_id: String,
    path: String,
    clock_started_at: Option<i64>,
    due_at: Option<i64>,
    clock_left_ms: Option<i64>,
}

impl Store {
    /// The worst light of each grid under a path (inside the caller's scope, through the region
    /// door) over its open incidents with a clock; grids without one are absent. One read of
    /// the open clocks and one of the regions' local days.
    pub async fn grid_lights(
        &self,
        actor: &Actor,
        under_path: Option<&str>,
    ) -> StoreResult<HashMap<String, Light>> {
        if !actor.can(Permission::ViewGrids) {
            return Err(StoreError::Forbidden);
        }
        let Some(range) = IncidentDoors::region_door_under(actor, under_path)? else {
            return Ok(HashMap::new());
        };
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query_as::<_, ClockRow>(&format!(
            "SELECT grid_id, path, clock_started_at, due_at, clock_left_ms FROM incidents \
             WHERE {} AND state IN {OPEN_STATES} AND grid_id IS NOT NULL AND due_at IS NOT NULL",
            range.sql("path", 1)
        ))
        .bind_scope(&range)
        .fetch_all(&mut *conn)
        .await?;
        let mut book = LayerBook::calendars(&mut conn).await?;
        let now = self.now_ms();
        let mut lights: HashMap<String, Light> = HashMap::new();
        for r in rows {
            let cal = book.calendar(&r.path);
            let Some(light) = light_of(cal, r.clock_started_at, r.due_at, r.clock_left_ms, now)
            else {
                continue;
            };
            lights
                .entry(r.grid_id)
                .and_modify(|l| *l = l.worst(light))
                .or_insert(light);
        }
        Ok(lights)
    }
}
