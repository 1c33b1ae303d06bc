//! Rural "one village, one grid" (一村一格): one grid per village, made in bulk for every village
//! under a township or county that has no grid yet, on the village's boundary where it is known.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::grids::{GridCode, grid_path};
use gridgov_core::regions::RegionLevel;
use gridgov_core::scope::ScopePath;
use serde::Serialize;
use serde_json::json;

use super::boundaries::{BOUNDARY_COLUMNS, BoundaryColumns, common_path};
use super::bump_generation;
use super::rows::{Param, insert_rows};
use super::write::county_of;
use crate::audit::{self, Change};
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// The code each village's single grid gets.
pub const VILLAGE_GRID_CODE: &str = "01";

#[derive(Debug, Clone, Default, Serialize)]
pub struct VillageModeReport {
    pub villages: usize,
    pub created: usize,
    /// Villages that already had grids, left as they are.
    pub skipped: usize,
    pub with_boundary: usize,
}

impl Store {
    pub async fn one_grid_per_village(
        &self,
        actor: &Actor,
        region: &str,
        household_target: i64,
    ) -> StoreResult<VillageModeReport> {
        if !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        if !(1..=100_000).contains(&household_target) {
            return Err(FieldError::new(
                "household_target",
                "out_of_range",
                "户数须在 1 到 100000 之间",
                "households must be between 1 and 100,000",
            )
            .into());
        }
        let parent = match self.resolve_region(actor, "region", region).await {
            Err(StoreError::NotFound) => {
                return Err(FieldError::new(
                    "region",
                    "unknown_region",
                    format!("找不到该区划或不在您的范围内: {region}"),
                    format!("no such region inside your scope: {region}"),
                )
                .into());
            }
            r => r?,
        };
        if parent.level >= RegionLevel::Village.number() {
            return Err(FieldError::new(
                "region",
                "too_low",
                "请选择乡镇/街道或更高一级的区划",
                "choose a township or a higher region",
            )
            .into());
        }
        // The region was resolved inside the actor's scope, so its range lies inside it too.
        let under = ScopeRange::of_path(&ScopePath::from_path(parent.path.as_str()));
        let villages: Vec<(String, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT r.code, r.name, r.path, \
             (SELECT COUNT(*) FROM grids g WHERE g.region_code = r.code AND g.valid_to IS NULL) \
             FROM regions r WHERE r.level = 5 AND {} ORDER BY r.path",
            under.sql("r.path", 1)
        ))
        .bind_scope(&under)
        .fetch_all(&self.pool)
        .await?;
        let todo: Vec<&(String, String, String, i64)> =
            villages.iter().filter(|v| v.3 == 0).collect();
        let codes: Vec<&str> = todo.iter().map(|v| v.0.as_str()).collect();
        let shapes = self.region_shapes(&codes).await?;
        let code = GridCode::parse("code", VILLAGE_GRID_CODE)?;
        let now = self.now_ms();
        let mut rows = Vec::with_capacity(todo.len());
        let mut with_boundary = 0;
        for (vcode, vname, vpath, _) in &todo {
            let cols = shapes.get(vcode).and_then(BoundaryColumns::of);
            with_boundary += usize::from(cols.is_some());
            let mut row = vec![
                Param::Text(uuid::Uuid::now_v7().to_string()),
                Param::Text(county_of(vpath)),
                Param::Text(vcode.clone()),
                Param::Text(code.as_str().to_owned()),
                Param::Text(format!("{vname}网格")),
                Param::Text("comprehensive".into()),
                Param::Int(household_target),
                Param::Text(grid_path(vpath, &code)),
                Param::Int(now),
                Param::Int(now),
                Param::Int(now),
            ];
            match cols {
                Some(c) => row.extend(c.params()),
                None => row.extend([
                    Param::OptText(None),
                    Param::OptText(None),
                    Param::OptText(None),
                    Param::OptText(None),
                    Param::OptText(None),
                    Param::OptText(None),
                ]),
            }
            rows.push(row);
        }
        let mut columns = vec![
            ("id", "TEXT"),
            ("county_code", "TEXT"),
            ("region_code", "TEXT"),
            ("code", "TEXT"),
            ("name", "TEXT"),
            ("kind", "TEXT"),
            ("household_target", "BIGINT"),
            ("path", "TEXT"),
            ("valid_from", "BIGINT"),
            ("created_at", "BIGINT"),
            ("updated_at", "BIGINT"),
        ];
        columns.extend(BOUNDARY_COLUMNS);
        let report = VillageModeReport {
            villages: villages.len(),
            created: rows.len(),
            skipped: villages.len() - rows.len(),
            with_boundary,
        };
        if rows.is_empty() {
            return Ok(report);
        }
        let mut tx = self.begin_write().await?;
        match insert_rows(&mut tx, "grids", &columns, &rows).await {
            Err(StoreError::Db(e)) if crate::error::is_unique_violation(&e) => {
                return Err(StoreError::Conflict(FieldError::new(
                    "region",
                    "taken",
                    "期间有人在其中的村/社区新建了网格，请重试",
                    "someone created a grid in one of these villages meanwhile; try again",
                )));
            }
            r => r?,
        }
        let scope_path = common_path(todo.iter().map(|v| v.2.as_str()));
        let scope_path = if scope_path.is_empty() {
            parent.path.clone()
        } else {
            scope_path
        };
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.one_per_village",
                resource: format!("grid-network:{}", parent.path.trim_end_matches('/')),
                scope_path: &scope_path,
                summary: json!({"region": parent.code, "created": report.created,
                    "skipped": report.skipped, "household_target": household_target}),
            },
        )
        .await?;
        bump_generation(&mut tx).await?;
        tx.commit().await?;
        self.locator.invalidate();
        Ok(report)
    }
}
