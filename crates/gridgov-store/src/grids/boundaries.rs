//! Grid and region boundaries in and out as GeoJSON.
//!
//! An import is checked whole before anything is written: each feature (shape, properties,
//! region, code), then the network it would make in each village (overlaps between siblings,
//! parts outside the village's boundary and, where the village has one, gaps). One fault anywhere
//! rejects the file, and the report names every feature and fault.

use std::collections::{HashMap, HashSet};

use geo::MultiPolygon;
use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::error::Checker;
use gridgov_core::grids::{GridCode, grid_path};
use gridgov_core::regions::RegionLevel;
use gridgov_geo::Cancel;
use gridgov_geo::features::{self, Crs, Feature, ReadFailure};
use gridgov_geo::network::{self, NetworkFaultKind, Sibling};
use serde::Serialize;
use serde_json::{Value, json};

use super::bump_generation;
use super::rows::{Param, insert_rows, update_rows};
use super::write::{GridInput, check_fields, county_of, not_a_village};
use crate::audit::{self, Change};
use crate::error::RowError;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// A GeoJSON file to import.
pub struct BoundaryImport<'a> {
    /// The file's name, for the report.
    pub file: &'a str,
    pub text: &'a str,
    pub crs: Crs,
    /// Accept a network that leaves part of a village's boundary uncovered (reported, not
    /// refused): for a network still being drawn.
    pub allow_gaps: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BoundaryImportReport {
    pub features: usize,
    pub created: usize,
    pub updated: usize,
    pub villages: usize,
    /// Gaps accepted with `allow_gaps`, one line each.
    pub gaps: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RegionBoundaryReport {
    pub features: usize,
    pub stored: usize,
}

/// What is stored for one boundary: its GeoJSON text, box and area.
pub(crate) struct BoundaryColumns {
    pub text: String,
    pub bbox: [f64; 4],
    pub area_m2: f64,
}

impl BoundaryColumns {
    pub(crate) fn of(shape: &MultiPolygon<f64>) -> Option<BoundaryColumns> {
        Some(BoundaryColumns {
            text: gridgov_geo::geometry::to_geojson(shape),
            bbox: gridgov_geo::geometry::bbox(shape)?,
            area_m2: network::area_m2(shape),
        })
    }

    pub(crate) fn params(&self) -> [Param; 6] {
        [
            Param::OptText(Some(self.text.clone())),
            Param::Float(self.bbox[0]),
            Param::Float(self.bbox[1]),
            Param::Float(self.bbox[2]),
            Param::Float(self.bbox[3]),
            Param::Float(self.area_m2),
        ]
    }
}

pub(crate) const BOUNDARY_COLUMNS: [(&str, &str); 6] = [
    ("boundary", "TEXT"),
    ("min_lng", "DOUBLE PRECISION"),
    ("min_lat", "DOUBLE PRECISION"),
    ("max_lng", "DOUBLE PRECISION"),
    ("max_lat", "DOUBLE PRECISION"),
    ("area_m2", "DOUBLE PRECISION"),
];

/// A property as text, numbers included (`"household_target": 420`).
fn prop(f: &Feature, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match f.properties.get(*k)? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// One feature of a grid file, checked.
struct Planned {
    feature: usize,
    village: String,
    code: GridCode,
    shape: MultiPolygon<f64>,
    /// `Some` for a grid that does not exist yet.
    new: Option<GridInput>,
    existing_id: Option<String>,
}

fn read_faults(file: &str, faults: Vec<features::FeatureFault>) -> StoreError {
    StoreError::Rows(
        faults
            .into_iter()
            .map(|f| RowError {
                file: file.to_owned(),
                line: f.index.map_or(0, |i| i as u64 + 1),
                field: "geometry".into(),
                value: String::new(),
                zh: f.zh,
                en: f.en,
            })
            .collect(),
    )
}

fn row_error(file: &str, feature: usize, value: &str, e: FieldError) -> RowError {
    RowError::from_field(file, feature as u64 + 1, value, e)
}

struct VillageInfo {
    name: String,
    level: i64,
    path: String,
}

impl Store {
    /// Villages (any level, checked later) by code inside the actor's scope.
    async fn regions_by_code(
        &self,
        actor: &Actor,
        codes: &[&str],
    ) -> StoreResult<HashMap<String, VillageInfo>> {
        let scope = ScopeRange::of(actor);
        let mut out = HashMap::new();
        for chunk in codes.chunks(500) {
            let sql = format!(
                "SELECT code, name, level, path FROM regions WHERE {} AND code IN ({})",
                scope.sql("path", 1),
                crate::db::numbered_params(3, chunk.len())
            );
            let mut q = sqlx::query_as::<_, (String, String, i64, String)>(&sql).bind_scope(&scope);
            for c in chunk {
                q = q.bind(*c);
            }
            for (code, name, level, path) in q.fetch_all(&self.pool).await? {
                out.insert(code, VillageInfo { name, level, path });
            }
        }
        Ok(out)
    }

    /// Current grids of these villages: (village, code) → (id, boundary text).
    async fn current_grids_of(
        &self,
        villages: &[&str],
    ) -> StoreResult<HashMap<(String, String), (String, Option<String>)>> {
        let mut out = HashMap::new();
        for chunk in villages.chunks(500) {
            let sql = format!(
                "SELECT region_code, code, id, boundary FROM grids WHERE valid_to IS NULL \
                 AND region_code IN ({})",
                crate::db::numbered_params(1, chunk.len())
            );
            let mut q = sqlx::query_as::<_, (String, String, String, Option<String>)>(&sql);
            for c in chunk {
                q = q.bind(*c);
            }
            for (v, code, id, b) in q.fetch_all(&self.pool).await? {
                out.insert((v, code), (id, b));
            }
        }
        Ok(out)
    }

    /// Boundaries of these regions that lie inside the actor's scope, where known (outlines on
    /// the map).
    pub async fn region_boundaries(
        &self,
        actor: &Actor,
        codes: &[&str],
    ) -> StoreResult<HashMap<String, MultiPolygon<f64>>> {
        if !actor.can(Permission::ViewRegions) {
            return Err(StoreError::Forbidden);
        }
        let inside = self.regions_by_code(actor, codes).await?;
        let codes: Vec<&str> = inside.keys().map(String::as_str).collect();
        self.region_shapes(&codes).await
    }

    /// Boundaries of these regions, where known.
    pub(crate) async fn region_shapes(
        &self,
        codes: &[&str],
    ) -> StoreResult<HashMap<String, MultiPolygon<f64>>> {
        let mut out = HashMap::new();
        for chunk in codes.chunks(500) {
            let sql = format!(
                "SELECT code, boundary FROM region_boundaries WHERE code IN ({})",
                crate::db::numbered_params(1, chunk.len())
            );
            let mut q = sqlx::query_as::<_, (String, String)>(&sql);
            for c in chunk {
                q = q.bind(*c);
            }
            for (code, text) in q.fetch_all(&self.pool).await? {
                let shape = gridgov_geo::geometry::from_geojson(&text).map_err(|e| {
                    StoreError::Internal(format!("stored boundary of region {code}: {e}"))
                })?;
                out.insert(code, shape);
            }
        }
        Ok(out)
    }

    /// Imports grid boundaries: a feature for an existing grid (by `region` and `code`) replaces
    /// its boundary, a feature for a new code creates the grid (then `name` and
    /// `household_target` are required; `kind`, `special_kind`, `party_branch` and
    /// `station_address` are optional).
    pub async fn import_grid_boundaries(
        &self,
        actor: &Actor,
        input: &BoundaryImport<'_>,
    ) -> StoreResult<BoundaryImportReport> {
        if !actor.can(Permission::ManageGrids) {
            return Err(StoreError::Forbidden);
        }
        let file = input.file;
        let started = std::time::Instant::now();
        let feats = read_features(file, input.text, input.crs).await?;
        let read_secs = started.elapsed().as_secs_f64();
        let mut errors: Vec<RowError> = Vec::new();

        // Properties of each feature.
        let mut keyed: Vec<(usize, String, GridCode, Feature)> = Vec::with_capacity(feats.len());
        for f in feats {
            let region = prop(&f, &["region", "region_code"]).unwrap_or_default();
            let code = prop(&f, &["code"]).unwrap_or_default();
            let mut c = Checker::new();
            if region.is_empty() {
                c.push(FieldError::new(
                    "region",
                    "required",
                    "缺少 region（所属村/社区编码）",
                    "missing region (the code of its village/community)",
                ));
            }
            let code = c.check(GridCode::parse("code", &code));
            match (c.finish(), code) {
                (Ok(()), Some(code)) => keyed.push((f.index, region, code, f)),
                (Err(e), _) => {
                    errors.extend(e.0.into_iter().map(|e| row_error(file, f.index, "", e)))
                }
                (Ok(()), None) => {}
            }
        }

        // Regions: known, inside the scope, villages.
        let mut codes: Vec<&str> = keyed.iter().map(|k| k.1.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        let regions = self.regions_by_code(actor, &codes).await?;
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let mut good: Vec<(usize, String, GridCode, Feature)> = Vec::new();
        for (index, region, code, f) in keyed {
            match regions.get(&region) {
                None => errors.push(row_error(
                    file,
                    index,
                    &region,
                    FieldError::new(
                        "region",
                        "unknown_region",
                        format!("找不到该区划或不在您的范围内: {region}"),
                        format!("no such region inside your scope: {region}"),
                    ),
                )),
                Some(r) if r.level != RegionLevel::Village.number() => {
                    let reg = crate::regions::Region {
                        code: region.clone(),
                        name: r.name.clone(),
                        level: r.level,
                        parent_code: None,
                        path: r.path.clone(),
                        source: String::new(),
                    };
                    errors.push(row_error(
                        file,
                        index,
                        &region,
                        not_a_village("region", &reg),
                    ));
                }
                Some(_) => {
                    if !seen.insert((region.clone(), code.as_str().to_owned())) {
                        errors.push(row_error(
                            file,
                            index,
                            code.as_str(),
                            FieldError::new(
                                "code",
                                "duplicate_in_file",
                                format!("文件中 {region} 的网格 {code} 出现多次"),
                                format!("grid {code} of {region} appears more than once"),
                            ),
                        ));
                    } else {
                        good.push((index, region, code, f));
                    }
                }
            }
        }

        // New or existing; new grids need their attributes.
        let mut villages: Vec<&str> = good.iter().map(|g| g.1.as_str()).collect();
        villages.sort_unstable();
        villages.dedup();
        let villages: Vec<String> = villages.into_iter().map(str::to_owned).collect();
        let village_refs: Vec<&str> = villages.iter().map(String::as_str).collect();
        let existing = self.current_grids_of(&village_refs).await?;
        let mut planned: Vec<Planned> = Vec::with_capacity(good.len());
        for (index, region, code, f) in good {
            let key = (region.clone(), code.as_str().to_owned());
            let existing_id = existing.get(&key).map(|e| e.0.clone());
            let new = if existing_id.is_none() {
                let gi = GridInput {
                    region: region.clone(),
                    code: code.as_str().to_owned(),
                    name: prop(&f, &["name"]).unwrap_or_default(),
                    kind: prop(&f, &["kind"]).unwrap_or_default(),
                    special_kind: prop(&f, &["special_kind"]).unwrap_or_default(),
                    household_target: prop(&f, &["household_target", "households"])
                        .unwrap_or_default(),
                    party_branch: prop(&f, &["party_branch"]).unwrap_or_default(),
                    station_address: prop(&f, &["station_address"]).unwrap_or_default(),
                };
                let mut c = Checker::new();
                check_fields(&gi, &mut c);
                if let Err(e) = c.finish() {
                    errors.extend(
                        e.0.into_iter()
                            .map(|e| row_error(file, index, code.as_str(), e)),
                    );
                    continue;
                }
                Some(gi)
            } else {
                None
            };
            planned.push(Planned {
                feature: index,
                village: region,
                code,
                shape: f.shape,
                new,
                existing_id,
            });
        }

        // The network each village would have: geometry work, on a CPU slot.
        let parents = self.region_shapes(&village_refs).await?;
        let stored: Vec<((String, String), String)> = existing
            .iter()
            .filter_map(|(key, (_, text))| text.clone().map(|t| (key.clone(), t)))
            .collect();
        let (file_owned, allow_gaps) = (file.to_owned(), input.allow_gaps);
        let (planned, network_errors, gaps) = crate::cpu::run(move |cancel| {
            let checked =
                check_networks(&file_owned, &planned, &parents, &stored, allow_gaps, cancel);
            checked.map(|(errors, gaps)| (planned, errors, gaps))
        })
        .await??;
        errors.extend(network_errors);
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(StoreError::Rows(errors));
        }

        // Everything checked: write it in one transaction.
        let checked_secs = started.elapsed().as_secs_f64();
        let now = self.now_ms();
        let mut inserts = Vec::new();
        let mut updates = Vec::new();
        let mut created_paths = Vec::new();
        for p in &planned {
            let Some(cols) = BoundaryColumns::of(&p.shape) else {
                continue;
            };
            let info = &regions[&p.village];
            match (&p.new, &p.existing_id) {
                (Some(gi), _) => {
                    let mut c = Checker::new();
                    let Some(f) = check_fields(gi, &mut c) else {
                        continue;
                    };
                    let (kind, special) = f.kind.columns();
                    let path = grid_path(&info.path, &p.code);
                    let mut row = vec![
                        Param::Text(uuid::Uuid::now_v7().to_string()),
                        Param::Text(county_of(&info.path)),
                        Param::Text(p.village.clone()),
                        Param::Text(p.code.as_str().to_owned()),
                        Param::Text(f.name),
                        Param::Text(kind.to_owned()),
                        Param::OptText(special.map(str::to_owned)),
                        Param::Int(f.household_target),
                        Param::Text(f.party_branch),
                        Param::Text(f.station_address),
                        Param::Text(path.clone()),
                        Param::Int(now),
                        Param::Int(now),
                        Param::Int(now),
                    ];
                    row.extend(cols.params());
                    inserts.push(row);
                    created_paths.push(path);
                }
                (None, Some(id)) => {
                    let mut row = vec![Param::Text(id.clone())];
                    row.extend(cols.params());
                    updates.push(row);
                }
                (None, None) => {}
            }
        }
        let mut columns: Vec<(&str, &str)> = vec![
            ("id", "TEXT"),
            ("county_code", "TEXT"),
            ("region_code", "TEXT"),
            ("code", "TEXT"),
            ("name", "TEXT"),
            ("kind", "TEXT"),
            ("special_kind", "TEXT"),
            ("household_target", "BIGINT"),
            ("party_branch", "TEXT"),
            ("station_address", "TEXT"),
            ("path", "TEXT"),
            ("valid_from", "BIGINT"),
            ("created_at", "BIGINT"),
            ("updated_at", "BIGINT"),
        ];
        columns.extend(BOUNDARY_COLUMNS);
        let mut tx = self.begin_write().await?;
        match insert_rows(&mut tx, "grids", &columns, &inserts).await {
            Ok(()) => {}
            // Someone created one of these grids since the check.
            Err(StoreError::Db(e)) if crate::error::is_unique_violation(&e) => {
                return Err(StoreError::Conflict(gridgov_core::FieldError::new(
                    "code",
                    "taken",
                    "导入期间有人新建了同编码的网格，请重新导入",
                    "a grid with one of these codes was created meanwhile; import again",
                )));
            }
            Err(e) => return Err(e),
        }
        update_rows(
            &mut tx,
            "grids",
            "id",
            &BOUNDARY_COLUMNS,
            &format!("version = version + 1, updated_at = {now}"),
            &updates,
        )
        .await?;
        let scope_path = common_path(
            villages
                .iter()
                .filter_map(|v| regions.get(v).map(|r| r.path.as_str())),
        );
        let report = BoundaryImportReport {
            features: planned.len(),
            created: inserts.len(),
            updated: updates.len(),
            villages: villages.len(),
            gaps,
        };
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "grid.import_boundaries",
                resource: format!("grid-network:{}", scope_path.trim_end_matches('/')),
                scope_path: &scope_path,
                summary: json!({
                    "file": file, "features": report.features, "created": report.created,
                    "updated": report.updated, "villages": report.villages,
                    "gaps_accepted": report.gaps.len(),
                }),
            },
        )
        .await?;
        bump_generation(&mut tx).await?;
        tx.commit().await?;
        self.locator.invalidate();
        tracing::info!(
            file,
            features = report.features,
            read_secs,
            checked_secs,
            total_secs = started.elapsed().as_secs_f64(),
            "grid boundaries imported"
        );
        Ok(report)
    }

    /// Imports boundaries of regions (feature property `code`): the outlines grids are checked
    /// against for gaps and parts outside.
    pub async fn import_region_boundaries(
        &self,
        actor: &Actor,
        input: &BoundaryImport<'_>,
    ) -> StoreResult<RegionBoundaryReport> {
        if !actor.can(Permission::ManageRegions) {
            return Err(StoreError::Forbidden);
        }
        let file = input.file;
        let feats = read_features(file, input.text, input.crs).await?;
        let mut codes: Vec<String> = Vec::with_capacity(feats.len());
        let mut errors = Vec::new();
        for f in &feats {
            match prop(f, &["code", "region", "region_code"]) {
                Some(c) => codes.push(c),
                None => {
                    codes.push(String::new());
                    errors.push(row_error(
                        file,
                        f.index,
                        "",
                        FieldError::new("code", "required", "缺少区划编码 code", "missing code"),
                    ));
                }
            }
        }
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let known = self.regions_by_code(actor, &refs).await?;
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        let now = self.now_ms();
        for (f, code) in feats.iter().zip(&codes) {
            if code.is_empty() {
                continue;
            }
            if !known.contains_key(code) {
                errors.push(row_error(
                    file,
                    f.index,
                    code,
                    FieldError::new(
                        "code",
                        "unknown_region",
                        format!("找不到该区划或不在您的范围内: {code}"),
                        format!("no such region inside your scope: {code}"),
                    ),
                ));
                continue;
            }
            if !seen.insert(code.clone()) {
                errors.push(row_error(
                    file,
                    f.index,
                    code,
                    FieldError::new(
                        "code",
                        "duplicate_in_file",
                        format!("区划 {code} 出现多次"),
                        format!("region {code} appears more than once"),
                    ),
                ));
                continue;
            }
            if let Some(cols) = BoundaryColumns::of(&f.shape) {
                let mut row = vec![Param::Text(code.clone())];
                row.extend(cols.params());
                row.push(Param::Int(now));
                rows.push(row);
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Rows(errors));
        }
        let mut tx = self.begin_write().await?;
        for chunk in codes.chunks(500) {
            let sql = format!(
                "DELETE FROM region_boundaries WHERE code IN ({})",
                crate::db::numbered_params(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q.bind(c.as_str());
            }
            q.execute(&mut *tx).await?;
        }
        let mut columns = vec![("code", "TEXT")];
        columns.extend(BOUNDARY_COLUMNS);
        columns.push(("updated_at", "BIGINT"));
        insert_rows(&mut tx, "region_boundaries", &columns, &rows).await?;
        let scope_path = common_path(known.values().map(|r| r.path.as_str()));
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "region.import_boundaries",
                resource: format!("region-boundaries:{}", scope_path.trim_end_matches('/')),
                scope_path: &scope_path,
                summary: json!({"file": file, "regions": rows.len()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(RegionBoundaryReport {
            features: feats.len(),
            stored: rows.len(),
        })
    }

    /// The current grids under a region (inside the actor's scope) as a GeoJSON
    /// FeatureCollection, with the properties an import reads back.
    pub async fn export_grid_boundaries(
        &self,
        actor: &Actor,
        under_path: Option<&str>,
    ) -> StoreResult<String> {
        if !actor.can(Permission::ViewGrids) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::narrowed(actor, under_path)?;
        type Row = (
            String,
            String,
            String,
            String,
            Option<String>,
            i64,
            String,
            String,
            String,
        );
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT region_code, code, name, kind, special_kind, household_target, party_branch, \
             station_address, boundary FROM grids WHERE valid_to IS NULL \
             AND boundary IS NOT NULL AND {} ORDER BY path",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for (region, code, name, kind, special, households, party, station, text) in rows {
            let shape = gridgov_geo::geometry::from_geojson(&text).map_err(|e| {
                StoreError::Internal(format!("stored boundary of grid {region}/{code}: {e}"))
            })?;
            let mut props = serde_json::Map::new();
            props.insert("region".into(), json!(region));
            props.insert("code".into(), json!(code));
            props.insert("name".into(), json!(name));
            props.insert("kind".into(), json!(kind));
            if let Some(s) = special {
                props.insert("special_kind".into(), json!(s));
            }
            props.insert("household_target".into(), json!(households));
            props.insert("party_branch".into(), json!(party));
            props.insert("station_address".into(), json!(station));
            items.push((props, shape));
        }
        Ok(gridgov_geo::geometry::feature_collection(
            items.iter().map(|(p, s)| (p, s)),
        ))
    }
}

/// The longest common path (ending at a '/') of these paths: where an import's audit record is
/// filed, so everyone whose scope covers all its villages sees it.
/// The faults of the network each village of the file would have (overlaps, parts outside the
/// village, gaps), and the gaps accepted with `allow_gaps`.
fn check_networks(
    file: &str,
    planned: &[Planned],
    parents: &HashMap<String, MultiPolygon<f64>>,
    stored: &[((String, String), String)],
    allow_gaps: bool,
    cancel: &Cancel,
) -> StoreResult<(Vec<RowError>, Vec<String>)> {
    let mut stored_shapes: HashMap<(&str, &str), MultiPolygon<f64>> = HashMap::new();
    for ((v, code), text) in stored {
        cancel.check().map_err(cancelled)?;
        let shape = gridgov_geo::geometry::from_geojson(text).map_err(|e| {
            StoreError::Internal(format!("stored boundary of grid {v}/{code}: {e}"))
        })?;
        stored_shapes.insert((v.as_str(), code.as_str()), shape);
    }
    let mut errors = Vec::new();
    let mut gaps = Vec::new();
    let mut by_village: HashMap<&str, Vec<&Planned>> = HashMap::new();
    for p in planned {
        by_village.entry(p.village.as_str()).or_default().push(p);
    }
    for (village, items) in &by_village {
        let in_file: HashSet<&str> = items.iter().map(|p| p.code.as_str()).collect();
        let mut siblings: Vec<Sibling> = items
            .iter()
            .map(|p| Sibling {
                index: p.feature,
                code: p.code.as_str(),
                shape: &p.shape,
            })
            .collect();
        // Grids of the village that the file leaves as they are (index past the file's end,
        // so their faults are reported on the file's feature).
        for ((v, code), shape) in &stored_shapes {
            if v == village && !in_file.contains(code) {
                siblings.push(Sibling {
                    index: usize::MAX,
                    code,
                    shape,
                });
            }
        }
        let faults =
            network::check_siblings(parents.get(*village), &siblings, cancel).map_err(cancelled)?;
        for fault in faults {
            let (feature, field) = match fault.kind {
                // Two grids the file leaves alone: not this file's fault.
                NetworkFaultKind::Overlap { a, b } if a.min(b) == usize::MAX => continue,
                NetworkFaultKind::Overlap { a, b } => (a.min(b), "geometry"),
                // A grid the file leaves alone was checked when it was drawn.
                NetworkFaultKind::Outside { index } if index == usize::MAX => continue,
                NetworkFaultKind::Outside { index } => (index, "geometry"),
                NetworkFaultKind::Gap => (
                    items.iter().map(|p| p.feature).min().unwrap_or(0),
                    "coverage",
                ),
            };
            if matches!(fault.kind, NetworkFaultKind::Gap) && allow_gaps {
                gaps.push(format!("{village}: {}", fault.en));
                continue;
            }
            errors.push(RowError {
                file: file.to_owned(),
                line: feature as u64 + 1,
                field: field.into(),
                value: (*village).to_owned(),
                zh: fault.zh,
                en: fault.en,
            });
        }
    }
    Ok((errors, gaps))
}

/// Work stopped because nobody waits for it any more: whatever is said, nobody hears it.
fn cancelled(_: gridgov_geo::Cancelled) -> StoreError {
    StoreError::Internal("cancelled: the request went away".into())
}

/// Reads and checks a boundary file on a CPU slot.
pub(crate) async fn read_features(file: &str, text: &str, crs: Crs) -> StoreResult<Vec<Feature>> {
    let (file, text) = (file.to_owned(), text.to_owned());
    crate::cpu::run(move |cancel| match features::read(&text, crs, cancel) {
        Ok(f) => Ok(f),
        Err(ReadFailure::Faults(f)) => Err(read_faults(&file, f)),
        Err(ReadFailure::Cancelled) => Err(cancelled(gridgov_geo::Cancelled)),
    })
    .await?
}

pub(crate) fn common_path<'a>(mut paths: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = paths.next() else {
        return String::new();
    };
    let mut common = first.to_owned();
    for p in paths {
        let n = common
            .bytes()
            .zip(p.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(n);
    }
    match common.rfind('/') {
        Some(i) => common[..=i].to_owned(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::common_path;

    #[test]
    fn common_paths_end_at_a_segment() {
        assert_eq!(
            common_path(["42/4202/420202/", "42/4202/420203/"].into_iter()),
            "42/4202/"
        );
        assert_eq!(common_path(["42/4202/"].into_iter()), "42/4202/");
        assert_eq!(common_path(["42/", "11/"].into_iter()), "");
        assert_eq!(common_path([].into_iter()), "");
    }
}
