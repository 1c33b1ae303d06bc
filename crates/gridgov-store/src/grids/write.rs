//! Creating, editing and retiring one grid.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::grids::{
    GridCode, GridKind, grid_path, parse_grid_name, parse_household_target, parse_text,
};
use gridgov_core::regions::RegionLevel;
use gridgov_core::{FieldError, error::Checker};
use serde::Deserialize;
use serde_json::json;

use super::{GridRow, bump_generation, current_grid_in};
use crate::audit::{self, Change};
use crate::error::is_unique_violation;
use crate::regions::Region;
use crate::{Store, StoreError, StoreResult};

/// A grid as typed in a form or sent to the API. On an edit, `region` and `code` are ignored:
/// they make the grid's path, which stays fixed for the grid's life (a different place is a
/// different grid, made by a split or merge).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GridInput {
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub code: String,
    pub name: String,
    /// `comprehensive`, `special`, or the special kind itself (`school`, 学校 …).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub special_kind: String,
    pub household_target: String,
    #[serde(default)]
    pub party_branch: String,
    #[serde(default)]
    pub station_address: String,
}

/// The checked fields common to creating and editing.
pub(crate) struct GridFields {
    pub name: String,
    pub kind: GridKind,
    pub household_target: i64,
    pub party_branch: String,
    pub station_address: String,
}

pub(crate) fn check_fields(input: &GridInput, c: &mut Checker) -> Option<GridFields> {
    let name = c.check(parse_grid_name("name", &input.name));
    let special = Some(input.special_kind.as_str());
    let kind = c.check(GridKind::parse("kind", &input.kind, special));
    let household_target = c.check(parse_household_target(
        "household_target",
        &input.household_target,
    ));
    let party_branch = c.check(parse_text("party_branch", &input.party_branch, 64, false));
    let station_address = c.check(parse_text(
        "station_address",
        &input.station_address,
        128,
        false,
    ));
    Some(GridFields {
        name: name?,
        kind: kind?,
        household_target: household_target?,
        party_branch: party_branch?,
        station_address: station_address?,
    })
}

/// The county segment of a region path (`42/4202/420202/…` → `420202`): the distribution column.
pub(crate) fn county_of(path: &str) -> String {
    path.split('/').nth(2).unwrap_or_default().to_owned()
}

pub(crate) fn not_a_village(field: &str, r: &Region) -> FieldError {
    FieldError::new(
        field,
        "not_a_village",
        format!(
            "网格只能设在村/社区之下，{} {} 是{}",
            r.code,
            r.name,
            RegionLevel::from_number(r.level).map_or("", |l| l.zh())
        ),
        format!(
            "grids belong under a village/community; {} {} is a {}",
            r.code,
            r.name,
            RegionLevel::from_number(r.level).map_or("region", |l| l.en())
        ),
    )
}

pub(crate) fn code_taken(field: &str, code: &str) -> FieldError {
    FieldError::new(
        field,
        "taken",
        format!("本村/社区已有编码为 {code} 的网格"),
        format!("this village/community already has a grid with code {code}"),
    )
}

impl Store {
    /// A village (level 5) inside the actor's scope, for a grid to live under.
    pub(crate) async fn village_for(
        &self,
        actor: &Actor,
        field: &str,
        input: &str,
    ) -> StoreResult<Region> {
        let r = match self.resolve_region(actor, field, input).await {
            Ok(r) => r,
            Err(StoreError::NotFound) => {
                return Err(FieldError::new(
                    field,
                    "unknown_region",
                    format!("找不到该区划或不在您的范围内: {input}"),
                    format!("no such region inside your scope: {input}"),
                )
                .into());
            }
            Err(e) => return Err(e),
        };
        if r.level != RegionLevel::Village.number() {
            return Err(not_a_village(field, &r).into());
        }
        Ok(r)
    }

    pub async fn create_grid(&self, actor: &Actor, input: &GridInput) -> StoreResult<GridRow> {
        if !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        let mut c = Checker::new();
        let code = c.check(GridCode::parse("code", &input.code));
        let fields = check_fields(input, &mut c);
        let village = match self.village_for(actor, "region", &input.region).await {
            Ok(v) => Some(v),
            Err(StoreError::Invalid(e)) => {
                e.0.into_iter().for_each(|e| c.push(e));
                None
            }
            Err(e) => return Err(e),
        };
        c.finish()?;
        let (Some(code), Some(f), Some(village)) = (code, fields, village) else {
            return Err(StoreError::Internal("checked input went missing".into()));
        };
        let id = uuid::Uuid::now_v7().to_string();
        let path = grid_path(&village.path, &code);
        let now = self.now_ms();
        let (kind, special) = f.kind.columns();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO grids (id, county_code, region_code, code, name, kind, special_kind, \
             household_target, party_branch, station_address, path, valid_from, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12)",
        )
        .bind(&id)
        .bind(county_of(&village.path))
        .bind(&village.code)
        .bind(code.as_str())
        .bind(&f.name)
        .bind(kind)
        .bind(special)
        .bind(f.household_target)
        .bind(&f.party_branch)
        .bind(&f.station_address)
        .bind(&path)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict(code_taken("code", code.as_str())));
            }
            Err(e) => return Err(e.into()),
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.create",
                resource: format!("grid:{id}"),
                scope_path: &path,
                summary: json!({
                    "region": village.code, "code": code.as_str(), "name": f.name,
                    "kind": kind, "special_kind": special, "household_target": f.household_target,
                }),
            },
        )
        .await?;
        bump_generation(&mut tx).await?;
        tx.commit().await?;
        self.locator.invalidate();
        self.grid(actor, &id).await
    }

    /// Changes a grid's name, kind, household target, party branch and service station.
    pub async fn update_grid(
        &self,
        actor: &Actor,
        id: &str,
        input: &GridInput,
        version: i64,
    ) -> StoreResult<GridRow> {
        if !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        let mut c = Checker::new();
        let fields = check_fields(input, &mut c);
        c.finish()?;
        let Some(f) = fields else {
            return Err(StoreError::Internal("checked input went missing".into()));
        };
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = current_grid_in(&mut tx, actor, id).await?;
        let (kind, special) = f.kind.columns();
        let n = sqlx::query(
            "UPDATE grids SET name = $1, kind = $2, special_kind = $3, household_target = $4, \
             party_branch = $5, station_address = $6, version = version + 1, updated_at = $7 \
             WHERE id = $8 AND version = $9 AND valid_to IS NULL",
        )
        .bind(&f.name)
        .bind(kind)
        .bind(special)
        .bind(f.household_target)
        .bind(&f.party_branch)
        .bind(&f.station_address)
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::VersionConflict);
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.update",
                resource: format!("grid:{id}"),
                scope_path: &before.path,
                summary: json!({
                    "before": {"name": before.name, "kind": before.kind,
                        "special_kind": before.special_kind,
                        "household_target": before.household_target,
                        "party_branch": before.party_branch,
                        "station_address": before.station_address},
                    "after": {"name": f.name, "kind": kind, "special_kind": special,
                        "household_target": f.household_target,
                        "party_branch": f.party_branch, "station_address": f.station_address},
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.grid(actor, id).await
    }

    /// Retires a grid: it leaves the current network (and the point-to-grid index) but stays
    /// readable, so work reported in it keeps its place.
    pub async fn retire_grid(
        &self,
        actor: &Actor,
        id: &str,
        reason: &str,
        version: i64,
    ) -> StoreResult<GridRow> {
        if !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        let reason = parse_text("reason", reason, 200, true)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = current_grid_in(&mut tx, actor, id).await?;
        // Nothing may be left on a grid that has no successor.
        super::carry::refuse_if_occupied(&mut tx, &before).await?;
        let n = sqlx::query(
            "UPDATE grids SET valid_to = $1, retired_reason = $2, version = version + 1, \
             updated_at = $1 WHERE id = $3 AND version = $4 AND valid_to IS NULL",
        )
        .bind(now)
        .bind(&reason)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::VersionConflict);
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.retire",
                resource: format!("grid:{id}"),
                scope_path: &before.path,
                summary: json!({"code": before.code, "name": before.name, "reason": reason}),
            },
        )
        .await?;
        bump_generation(&mut tx).await?;
        tx.commit().await?;
        self.locator.invalidate();
        self.grid(actor, id).await
    }
}
