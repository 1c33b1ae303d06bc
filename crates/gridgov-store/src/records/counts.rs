//! Population, households and the floating share per grid, village, township and county.
//!
//! Each figure is counted per grid path in SQL (one `GROUP BY path` per table over the scope's
//! range) and rolled up here, since a grid's path names its village, township and county.

use std::collections::BTreeMap;

use gridgov_core::auth::{Actor, Permission};
use serde::Serialize;

use super::need;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreResult};

/// Which level a row of counts is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountLevel {
    /// The whole of what was asked for.
    Scope,
    County,
    Township,
    Village,
    Grid,
}

/// The counts of one area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaCount {
    pub level: CountLevel,
    /// Region code, or for a grid its code.
    pub code: String,
    pub name: String,
    pub path: String,
    /// Grid id, for grid rows.
    pub grid_id: Option<String>,
    pub population: i64,
    pub floating: i64,
    /// Houses recorded.
    pub houses: i64,
    /// Houses lived in: with a resident recorded, or used by their owner or a tenant.
    pub households: i64,
    /// The households the grids were sized for (their targets), for comparison.
    pub household_target: i64,
    /// For a grid, the household band of its region (the default band for other rows).
    pub band: gridgov_core::settings::HouseholdBand,
}

impl AreaCount {
    /// Floating residents as a share of the population (0 when nobody is recorded).
    pub fn floating_share(&self) -> f64 {
        if self.population == 0 {
            0.0
        } else {
            self.floating as f64 / self.population as f64
        }
    }
}

/// Counts inside a scope: the whole, then every county, township, village and grid by path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationCounts {
    pub total: AreaCount,
    pub areas: Vec<AreaCount>,
}

/// What the grouped queries give per grid path.
#[derive(Default, Clone, Copy)]
struct Figures {
    population: i64,
    floating: i64,
    houses: i64,
    households: i64,
    target: i64,
}

impl AreaCount {
    fn add(&mut self, f: Figures) {
        self.population += f.population;
        self.floating += f.floating;
        self.houses += f.houses;
        self.households += f.households;
        self.household_target += f.target;
    }
}

/// Houses that make a household: lived in by someone recorded, or used by owner or tenant. A
/// macro so the grid queries can splice it into their constant SQL; `h` is the house.
macro_rules! household_condition {
    () => {
        "(h.house_use IN ('own', 'rented') OR EXISTS (SELECT 1 FROM person_houses ph \
         WHERE ph.county_code = h.county_code AND ph.house_id = h.id))"
    };
}
pub(crate) use household_condition;

pub(crate) const HOUSEHOLD_CONDITION: &str = household_condition!();

impl Store {
    /// Counts per grid, village, township and county inside the actor's scope, optionally
    /// under one region's path.
    pub async fn population_counts(
        &self,
        actor: &Actor,
        under_path: Option<&str>,
    ) -> StoreResult<PopulationCounts> {
        need(actor, Permission::ViewBaseData)?;
        let scope = ScopeRange::narrowed(actor, under_path)?;
        let mut per_path: BTreeMap<String, Figures> = BTreeMap::new();
        let grids: Vec<(String, String, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT path, id, code, name, household_target FROM grids \
             WHERE valid_to IS NULL AND {}",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        for (path, _, _, _, target) in &grids {
            per_path.entry(path.clone()).or_default().target += target;
        }
        let persons: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT path, CAST(COUNT(*) AS BIGINT), \
             CAST(SUM(CASE WHEN residence_type = 'floating' THEN 1 ELSE 0 END) AS BIGINT) \
             FROM persons WHERE {} GROUP BY path",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        for (path, population, floating) in persons {
            let f = per_path.entry(path).or_default();
            f.population += population;
            f.floating += floating;
        }
        let houses: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT h.path, CAST(COUNT(*) AS BIGINT), \
             CAST(SUM(CASE WHEN {HOUSEHOLD_CONDITION} THEN 1 ELSE 0 END) AS BIGINT) \
             FROM houses h WHERE {} GROUP BY h.path",
            scope.sql("h.path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        for (path, n, households) in houses {
            let f = per_path.entry(path).or_default();
            f.houses += n;
            f.households += households;
        }
        let grid_names: BTreeMap<&str, (&str, &str, &str)> = grids
            .iter()
            .map(|(p, id, code, name, _)| (p.as_str(), (id.as_str(), code.as_str(), name.as_str())))
            .collect();
        // Region codes named by the grid paths: segment 3 is the county, 4 the township, 5 the
        // village (`42/4202/420202/420202001/420202001001/G01/`).
        let mut areas: BTreeMap<String, AreaCount> = BTreeMap::new();
        let mut total = area(CountLevel::Scope, "", "", scope.path(), None);
        for (path, f) in &per_path {
            let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            if segs.len() < 6 {
                continue;
            }
            total.add(*f);
            for (level, depth) in [
                (CountLevel::County, 3),
                (CountLevel::Township, 4),
                (CountLevel::Village, 5),
            ] {
                let p = format!("{}/", segs[..depth].join("/"));
                areas
                    .entry(p.clone())
                    .or_insert_with(|| area(level, segs[depth - 1], "", &p, None))
                    .add(*f);
            }
            let (id, code, name) = grid_names
                .get(path.as_str())
                .map(|(i, c, n)| (Some((*i).to_owned()), *c, *n))
                .unwrap_or((None, segs[5], ""));
            areas
                .entry(path.clone())
                .or_insert_with(|| area(CountLevel::Grid, code, name, path, id))
                .add(*f);
        }
        let codes: Vec<String> = areas
            .values()
            .filter(|a| a.level != CountLevel::Grid)
            .map(|a| a.code.clone())
            .collect();
        let mut names = std::collections::HashMap::new();
        for chunk in codes.chunks(500) {
            let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
            names.extend(self.region_names(actor, &refs).await?);
        }
        let mut areas: Vec<AreaCount> = areas.into_values().collect();
        for a in &mut areas {
            if a.level != CountLevel::Grid
                && let Some(n) = names.get(&a.code)
            {
                a.name = n.clone();
            }
        }
        // Only what lies inside the range asked for: rows above it (a county seen by a village's
        // worker) would show a partial count under the name of the whole.
        areas.retain(|a| scope.contains(&a.path));
        let bands = crate::grids::Bands::load(&mut *self.pool.acquire().await?).await?;
        for a in areas.iter_mut().filter(|a| a.level == CountLevel::Grid) {
            a.band = bands.of(&a.path);
        }
        Ok(PopulationCounts { total, areas })
    }
}

fn area(
    level: CountLevel,
    code: &str,
    name: &str,
    path: &str,
    grid_id: Option<String>,
) -> AreaCount {
    AreaCount {
        level,
        code: code.to_owned(),
        name: name.to_owned(),
        path: path.to_owned(),
        grid_id,
        population: 0,
        floating: 0,
        houses: 0,
        households: 0,
        household_target: 0,
        band: Default::default(),
    }
}
