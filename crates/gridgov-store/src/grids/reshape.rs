//! Splitting one grid into several and merging several into one. Both retire the old grids and
//! create new ones (never edit a grid into another place), record the lineage, and carry staff
//! and police over, so nothing reported in the old grids loses its place.

use std::collections::HashSet;

use geo::{BooleanOps, MultiPolygon};
use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::error::Checker;
use gridgov_core::grids::{GridCode, grid_path, parse_grid_name, parse_household_target};
use gridgov_geo::features::Crs;
use gridgov_geo::network::{self, Sibling};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::boundaries::BoundaryColumns;
use super::write::code_taken;
use super::{Grid, bump_generation, current_grid_in};
use crate::audit::{self, Change};
use crate::db::opt_double;
use crate::error::{RowError, is_unique_violation};
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Serialize)]
pub struct SplitReport {
    pub retired: String,
    pub created: Vec<String>,
}

/// Grids to merge and the grid they become.
#[derive(Debug, Clone, Deserialize)]
pub struct MergeInput {
    pub ids: Vec<String>,
    pub code: String,
    pub name: String,
}

/// A new grid made from old ones.
struct Part {
    code: GridCode,
    name: String,
    household_target: i64,
    shape: Option<MultiPolygon<f64>>,
}

impl Store {
    /// Splits a grid into the parts drawn in a GeoJSON file (properties `code`, `name` and
    /// optionally `household_target`; otherwise the old target is shared by area). The parts
    /// must cover the old boundary exactly: no overlaps, no gaps, nothing outside.
    pub async fn split_grid(
        &self,
        actor: &Actor,
        id: &str,
        file: &str,
        geojson: &str,
        crs: Crs,
    ) -> StoreResult<SplitReport> {
        if !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        let old = {
            let mut conn = self.pool.acquire().await?;
            current_grid_in(&mut conn, actor, id).await?
        };
        let old_shape = self.stored_shape(&old.id).await?.ok_or_else(|| {
            FieldError::new(
                "grid",
                "no_boundary",
                "该网格没有边界，无法按图拆分",
                "this grid has no boundary to split",
            )
        })?;
        let feats = super::boundaries::read_features(file, geojson, crs).await?;
        let mut errors = Vec::new();
        if feats.len() < 2 {
            errors.push(RowError::from_field(
                file,
                0,
                "",
                FieldError::new(
                    "features",
                    "too_few",
                    "拆分至少需要两个部分",
                    "a split needs at least two parts",
                ),
            ));
        }
        let old_area = network::area_m2(&old_shape).max(1.0);
        let mut parts = Vec::new();
        let mut codes = HashSet::new();
        for f in &feats {
            let mut c = Checker::new();
            let code = c.check(GridCode::parse("code", f.text("code").unwrap_or("")));
            let name = c.check(parse_grid_name("name", f.text("name").unwrap_or("")));
            let households = match f.properties.get("household_target") {
                Some(v) => {
                    let s = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    c.check(parse_household_target("household_target", &s))
                }
                None => Some(
                    ((old.household_target as f64) * network::area_m2(&f.shape) / old_area)
                        .round()
                        .max(1.0) as i64,
                ),
            };
            if let Some(code) = &code
                && !codes.insert(code.clone())
            {
                c.push(FieldError::new(
                    "code",
                    "duplicate_in_file",
                    format!("编码 {code} 出现多次"),
                    format!("code {code} appears more than once"),
                ));
            }
            match (c.finish(), code, name, households) {
                (Ok(()), Some(code), Some(name), Some(household_target)) => parts.push(Part {
                    code,
                    name,
                    household_target,
                    shape: Some(f.shape.clone()),
                }),
                (Err(e), ..) => errors.extend(
                    e.0.into_iter()
                        .map(|e| RowError::from_field(file, f.index as u64 + 1, "", e)),
                ),
                _ => {}
            }
        }
        if errors.is_empty() {
            // The parts must tile the old grid: geometry work, on a CPU slot.
            let pieces: Vec<(usize, String, MultiPolygon<f64>)> = feats
                .iter()
                .zip(&parts)
                .map(|(f, p)| (f.index, p.code.as_str().to_owned(), f.shape.clone()))
                .collect();
            let outline = old_shape.clone();
            let faults = crate::cpu::run(move |cancel| {
                let siblings: Vec<Sibling> = pieces
                    .iter()
                    .map(|(index, code, shape)| Sibling {
                        index: *index,
                        code,
                        shape,
                    })
                    .collect();
                network::check_siblings(Some(&outline), &siblings, cancel)
            })
            .await?
            .map_err(|_| StoreError::Internal("cancelled: the request went away".into()))?;
            for fault in faults {
                let line = match fault.kind {
                    network::NetworkFaultKind::Overlap { a, .. } => a as u64 + 1,
                    network::NetworkFaultKind::Outside { index } => index as u64 + 1,
                    network::NetworkFaultKind::Gap => 0,
                };
                errors.push(RowError {
                    file: file.to_owned(),
                    line,
                    field: "geometry".into(),
                    value: old.code.clone(),
                    zh: fault.zh,
                    en: fault.en,
                });
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Rows(errors));
        }
        let created = self
            .replace_grids(actor, std::slice::from_ref(&old), parts, "split")
            .await?;
        Ok(SplitReport {
            retired: old.id,
            created,
        })
    }

    /// Merges grids of one village into a new grid whose boundary is their union.
    pub async fn merge_grids(&self, actor: &Actor, input: &MergeInput) -> StoreResult<String> {
        if !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        let mut c = Checker::new();
        let code = c.check(GridCode::parse("code", &input.code));
        let name = c.check(parse_grid_name("name", &input.name));
        let mut ids: Vec<&str> = input.ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() < 2 {
            c.push(FieldError::new(
                "ids",
                "too_few",
                "合并至少需要两个网格",
                "a merge needs at least two grids",
            ));
        }
        c.finish()?;
        let (Some(code), Some(name)) = (code, name) else {
            return Err(StoreError::Internal("checked input went missing".into()));
        };
        let mut olds = Vec::new();
        {
            let mut conn = self.pool.acquire().await?;
            for id in &ids {
                olds.push(current_grid_in(&mut conn, actor, id).await?);
            }
        }
        if olds.iter().any(|g| g.region_code != olds[0].region_code) {
            return Err(FieldError::new(
                "ids",
                "different_villages",
                "只能合并同一村/社区的网格",
                "only grids of one village/community can be merged",
            )
            .into());
        }
        let mut shapes = Vec::new();
        for g in &olds {
            shapes.push((g.code.clone(), self.stored_shape(&g.id).await?));
        }
        let with: Vec<&MultiPolygon<f64>> = shapes.iter().filter_map(|s| s.1.as_ref()).collect();
        let shape = if with.is_empty() {
            None
        } else if with.len() < shapes.len() {
            let missing: Vec<&str> = shapes
                .iter()
                .filter(|s| s.1.is_none())
                .map(|s| s.0.as_str())
                .collect();
            return Err(FieldError::new(
                "ids",
                "no_boundary",
                format!("网格 {} 没有边界，请先补齐边界再合并", missing.join("、")),
                format!(
                    "grids {} have no boundary; draw them before merging",
                    missing.join(", ")
                ),
            )
            .into());
        } else {
            let mut u = with[0].clone();
            for s in &with[1..] {
                u = u.union(*s);
            }
            Some(u)
        };
        let part = Part {
            code,
            name,
            household_target: olds.iter().map(|g| g.household_target).sum(),
            shape,
        };
        let created = self
            .replace_grids(actor, &olds, vec![part], "merge")
            .await?;
        created
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Internal("merge created nothing".into()))
    }

    pub(crate) async fn stored_shape(&self, id: &str) -> StoreResult<Option<MultiPolygon<f64>>> {
        let text: Option<(Option<String>,)> =
            sqlx::query_as("SELECT boundary FROM grids WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        match text.and_then(|t| t.0) {
            None => Ok(None),
            Some(t) => gridgov_geo::geometry::from_geojson(&t)
                .map(Some)
                .map_err(|e| StoreError::Internal(format!("stored boundary of grid {id}: {e}"))),
        }
    }

    /// Retires `olds` and creates `parts` in their village, in one transaction.
    async fn replace_grids(
        &self,
        actor: &Actor,
        olds: &[Grid],
        parts: Vec<Part>,
        change: &str,
    ) -> StoreResult<Vec<String>> {
        let first = olds
            .first()
            .ok_or_else(|| StoreError::Internal("nothing to replace".into()))?;
        let village_path = first
            .path
            .strip_suffix(&format!("{}/", first.code))
            .unwrap_or(&first.path)
            .to_owned();
        // The new grids are made in the old grids' village, which must lie inside the scope as
        // a created grid's must: an actor who sees only a grid (a scope below the village)
        // would otherwise make siblings they cannot see.
        if !actor.scope.contains(&village_path) {
            return Err(FieldError::new(
                "region",
                "unknown_region",
                "该网格所在的村/社区不在您的管辖范围内：请由上级处理",
                "the grid's village/community is outside your scope: ask a wider center",
            )
            .into());
        }
        let now = self.now_ms();
        let new_codes: Vec<&str> = parts.iter().map(|p| p.code.as_str()).collect();
        let mut tx = self.begin_write().await?;
        if olds.len() > 1 {
            super::carry::refuse_clashes(&mut tx, olds).await?;
        }
        for old in olds {
            // Re-read inside the transaction: a concurrent change must not be overwritten.
            let fresh = current_grid_in(&mut tx, actor, &old.id).await?;
            if fresh.version != old.version {
                return Err(StoreError::VersionConflict);
            }
            sqlx::query(
                "UPDATE grids SET valid_to = $1, retired_reason = $2, version = version + 1, \
                 updated_at = $1 WHERE id = $3",
            )
            .bind(now)
            .bind(format!("{change}: {}", new_codes.join(", ")))
            .bind(&old.id)
            .execute(&mut *tx)
            .await?;
        }
        // Kind and station carry over when the old grids agree; a merge of different kinds
        // becomes comprehensive.
        let same_kind = olds
            .iter()
            .all(|g| g.kind == first.kind && g.special_kind == first.special_kind);
        let (kind, special) = if same_kind {
            (first.kind.clone(), first.special_kind.clone())
        } else {
            ("comprehensive".to_owned(), None)
        };
        let officers: HashSet<&str> = olds
            .iter()
            .filter_map(|g| g.police_user_id.as_deref())
            .collect();
        let officer = if officers.len() == 1 {
            officers.into_iter().next()
        } else {
            None
        };
        let mut created = Vec::new();
        let mut paths = Vec::new();
        for p in &parts {
            let id = uuid::Uuid::now_v7().to_string();
            let path = grid_path(&village_path, &p.code);
            paths.push(path.clone());
            let cols = p.shape.as_ref().and_then(BoundaryColumns::of);
            let r = sqlx::query(
                "INSERT INTO grids (id, county_code, region_code, code, name, kind, \
                 special_kind, household_target, party_branch, station_address, police_user_id, \
                 path, boundary, min_lng, min_lat, max_lng, max_lat, area_m2, valid_from, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
                 $12, $13, CAST($14 AS DOUBLE PRECISION), CAST($15 AS DOUBLE PRECISION), \
                 CAST($16 AS DOUBLE PRECISION), CAST($17 AS DOUBLE PRECISION), \
                 CAST($18 AS DOUBLE PRECISION), $19, $19, $19)",
            )
            .bind(&id)
            .bind(&first.county_code)
            .bind(&first.region_code)
            .bind(p.code.as_str())
            .bind(&p.name)
            .bind(&kind)
            .bind(special.as_deref())
            .bind(p.household_target)
            .bind(&first.party_branch)
            .bind(&first.station_address)
            .bind(officer)
            .bind(&path)
            .bind(cols.as_ref().map(|c| c.text.as_str()))
            .bind(opt_double(cols.as_ref().map(|c| c.bbox[0])))
            .bind(opt_double(cols.as_ref().map(|c| c.bbox[1])))
            .bind(opt_double(cols.as_ref().map(|c| c.bbox[2])))
            .bind(opt_double(cols.as_ref().map(|c| c.bbox[3])))
            .bind(opt_double(cols.as_ref().map(|c| c.area_m2)))
            .bind(now)
            .execute(&mut *tx)
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Conflict(code_taken("code", p.code.as_str())));
                }
                Err(e) => return Err(e.into()),
            }
            for old in olds {
                sqlx::query(
                    "INSERT INTO grid_lineage (from_id, to_id, change, at) VALUES ($1, $2, $3, $4)",
                )
                .bind(&old.id)
                .bind(&id)
                .bind(change)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                carry_staff(&mut tx, &old.id, &id, now).await?;
            }
            audit::append(
                &mut tx,
                now,
                actor,
                Change {
                    action: "grid.create",
                    resource: format!("grid:{id}"),
                    scope_path: &path,
                    summary: json!({"code": p.code.as_str(), "name": p.name, "change": change,
                        "from": olds.iter().map(|g| g.code.as_str()).collect::<Vec<_>>()}),
                },
            )
            .await?;
            created.push(id);
        }
        // The open work and the records of the old grids go with the network.
        let destinations: Vec<super::carry::Destination> = created
            .iter()
            .zip(&paths)
            .zip(&parts)
            .map(|((id, path), p)| super::carry::Destination {
                id,
                path,
                shape: p.shape.as_ref(),
            })
            .collect();
        for old in olds {
            let carried =
                super::carry::carry_work(&mut tx, actor, old, &destinations, change, now).await?;
            audit::append(
                &mut tx,
                now,
                actor,
                Change {
                    action: "grid.retire",
                    resource: format!("grid:{}", old.id),
                    scope_path: &old.path,
                    summary: json!({"code": old.code, "change": change, "into": new_codes,
                        "carried": carried}),
                },
            )
            .await?;
        }
        bump_generation(&mut tx).await?;
        tx.commit().await?;
        self.locator.invalidate();
        Ok(created)
    }
}

/// Gives the new grid the old grid's staff (a person on two merged grids keeps one row a duty).
async fn carry_staff(conn: &mut AnyConnection, from: &str, to: &str, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO grid_staff (grid_id, user_id, duty, since) \
         SELECT $1, user_id, duty, $2 FROM grid_staff WHERE grid_id = $3 \
         ON CONFLICT (grid_id, user_id, duty) DO NOTHING",
    )
    .bind(to)
    .bind(now)
    .bind(from)
    .execute(conn)
    .await?;
    Ok(())
}
