//! The drill-down a grid worker walks: grid → buildings → houses → residents, a grid's resident
//! list, and a person's page with where they live, their history and where the record came from.

use gridgov_core::auth::{Actor, Permission};
use serde::Serialize;

use super::buildings::{BuildingView, building_in};
use super::houses::{HOUSE_COLUMNS, HouseView, house_in};
use super::persons::{
    PERSON_COLUMNS, PERSON_FROM, PersonListItem, PersonRow, PersonView, person_row,
};
use super::{need, page};
use crate::audit::AuditRecord;
use crate::grids::GridRow;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreResult};

/// A building in its grid's list, with how many houses and residents it holds.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct BuildingSummary {
    pub id: String,
    pub county_code: String,
    pub code: String,
    pub address: String,
    pub floors: Option<i64>,
    pub units: Option<i64>,
    pub houses: i64,
    pub residents: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridBuildings {
    pub grid: GridRow,
    pub buildings: Vec<BuildingSummary>,
}

/// A house in its building's list, with how many people live there.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct HouseSummary {
    pub id: String,
    pub county_code: String,
    pub unit: String,
    pub number: String,
    pub house_use: String,
    pub area_m2: Option<f64>,
    pub residents: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BuildingPage {
    pub building: BuildingView,
    pub houses: Vec<HouseSummary>,
}

/// A person living in a house, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resident {
    pub person: PersonListItem,
    pub relation: String,
    pub since: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HousePage {
    pub house: HouseView,
    pub residents: Vec<Resident>,
}

/// A house a person lives in, with its building and grid.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PersonHouse {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub house: HouseView,
    pub relation: String,
    pub since: Option<String>,
}

/// An import batch that wrote the record: where the data came from, from which file, loaded by
/// whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Provenance {
    /// `created` or `updated`.
    #[sqlx(default)]
    pub role: String,
    pub batch_id: String,
    pub kind: String,
    pub source: String,
    pub file_name: String,
    pub actor_name: Option<String>,
    pub finished_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonPage {
    pub person: PersonView,
    pub houses: Vec<PersonHouse>,
    /// The person's audit stream, newest first: created, corrected, linked, unmasked.
    pub history: Vec<AuditRecord>,
    pub provenance: Vec<Provenance>,
}

#[derive(sqlx::FromRow)]
struct ResidentRow {
    #[sqlx(flatten)]
    person: PersonRow,
    relation: String,
    since: Option<String>,
}

impl Store {
    /// A grid's buildings by code, each with its houses and residents counted.
    pub async fn grid_buildings(&self, actor: &Actor, grid_id: &str) -> StoreResult<GridBuildings> {
        need(actor, Permission::ViewBaseData)?;
        let grid = self.grid(actor, grid_id).await?;
        // Counted like the lists show them: only houses and residents inside the actor's scope
        // (a person linked here may be recorded in a grid the actor cannot see).
        let scope = ScopeRange::of(actor);
        let (houses_in, persons_in) = (scope.sql("h.path", 3), scope.sql("p.path", 3));
        let buildings = sqlx::query_as::<_, BuildingSummary>(&format!(
            "SELECT b.id, b.county_code, b.code, b.address, b.floors, b.units, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM houses h \
                WHERE h.county_code = b.county_code AND h.building_id = b.id \
                AND {houses_in}) AS houses, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM houses h JOIN person_houses ph \
                ON ph.county_code = h.county_code AND ph.house_id = h.id \
                JOIN persons p ON p.county_code = ph.county_code AND p.id = ph.person_id \
                WHERE h.county_code = b.county_code AND h.building_id = b.id \
                AND {houses_in} AND {persons_in}) AS residents \
             FROM buildings b WHERE b.path = $1 AND b.grid_id = $2 ORDER BY b.code LIMIT 5000",
        ))
        .bind(&grid.grid.path)
        .bind(&grid.grid.id)
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        Ok(GridBuildings { grid, buildings })
    }

    /// A building and its houses by unit and number, each with its residents counted.
    pub async fn building_houses(
        &self,
        actor: &Actor,
        county: &str,
        building_id: &str,
    ) -> StoreResult<BuildingPage> {
        need(actor, Permission::ViewBaseData)?;
        let mut conn = self.pool.acquire().await?;
        let building = building_in(&mut conn, actor, county, building_id).await?;
        // Residents counted as `house_residents` lists them: those inside the actor's scope.
        let scope = ScopeRange::of(actor);
        let (houses_in, persons_in) = (scope.sql("h.path", 3), scope.sql("p.path", 3));
        let houses = sqlx::query_as::<_, HouseSummary>(&format!(
            "SELECT h.id, h.county_code, h.unit, h.number, h.house_use, h.area_m2, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM person_houses ph \
                JOIN persons p ON p.county_code = ph.county_code AND p.id = ph.person_id \
                WHERE ph.county_code = h.county_code AND ph.house_id = h.id \
                AND {persons_in}) AS residents \
             FROM houses h WHERE h.county_code = $1 AND h.building_id = $2 \
             AND {houses_in} ORDER BY h.unit, h.number LIMIT 5000",
        ))
        .bind(county)
        .bind(building_id)
        .bind_scope(&scope)
        .fetch_all(&mut *conn)
        .await?;
        Ok(BuildingPage { building, houses })
    }

    /// A house and the people living in it (those inside the actor's scope), masked.
    pub async fn house_residents(
        &self,
        actor: &Actor,
        county: &str,
        house_id: &str,
    ) -> StoreResult<HousePage> {
        need(actor, Permission::ViewBaseData)?;
        let prot = self.protector()?;
        let mut conn = self.pool.acquire().await?;
        let house = house_in(&mut conn, actor, county, house_id).await?;
        let scope = ScopeRange::of(actor);
        let rows = sqlx::query_as::<_, ResidentRow>(&format!(
            "SELECT {PERSON_COLUMNS}, ph.relation, ph.since FROM person_houses ph \
             JOIN persons p ON p.county_code = ph.county_code AND p.id = ph.person_id \
             JOIN grids g ON g.id = p.grid_id \
             WHERE ph.county_code = $1 AND ph.house_id = $2 AND {} \
             ORDER BY p.name, p.id",
            scope.sql("p.path", 3)
        ))
        .bind(county)
        .bind(house_id)
        .bind_scope(&scope)
        .fetch_all(&mut *conn)
        .await?;
        let residents = rows
            .into_iter()
            .map(|r| {
                Ok(Resident {
                    person: r.person.item(prot)?,
                    relation: r.relation,
                    since: r.since,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(HousePage { house, residents })
    }

    /// The persons recorded in a grid, by name, paged: one range of the `(path, name)` index.
    pub async fn grid_residents(
        &self,
        actor: &Actor,
        grid_id: &str,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<PersonListItem>> {
        need(actor, Permission::ViewBaseData)?;
        let prot = self.protector()?;
        let grid = self.grid(actor, grid_id).await?;
        let (limit, offset) = page(limit, offset);
        let rows = sqlx::query_as::<_, PersonRow>(&format!(
            "SELECT {PERSON_COLUMNS} {PERSON_FROM} WHERE p.path = $1 AND p.grid_id = $2 \
             ORDER BY p.name, p.id LIMIT {limit} OFFSET {offset}"
        ))
        .bind(&grid.grid.path)
        .bind(&grid.grid.id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| r.item(prot)).collect()
    }

    /// Everything a person's page shows.
    pub async fn person_page(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
    ) -> StoreResult<PersonPage> {
        need(actor, Permission::ViewBaseData)?;
        let prot = self.protector()?;
        let mut conn = self.pool.acquire().await?;
        let row = person_row(&mut conn, actor, county, id).await?;
        let (created, updated) = (row.created_batch.clone(), row.updated_batch.clone());
        let person = row.view(prot)?;
        let scope = ScopeRange::of(actor);
        let houses = sqlx::query_as::<_, PersonHouse>(&format!(
            "SELECT {HOUSE_COLUMNS}, ph.relation, ph.since FROM person_houses ph \
             JOIN houses h ON h.county_code = ph.county_code AND h.id = ph.house_id \
             JOIN grids g ON g.id = h.grid_id \
             JOIN buildings b ON b.county_code = h.county_code AND b.id = h.building_id \
             WHERE ph.county_code = $1 AND ph.person_id = $2 AND {} \
             ORDER BY b.code, h.unit, h.number",
            scope.sql("h.path", 3)
        ))
        .bind(county)
        .bind(id)
        .bind_scope(&scope)
        .fetch_all(&mut *conn)
        .await?;
        // The record's own stream: readable by whoever may read the record, since it is the
        // record's history (and holds no full number: summaries carry masks only).
        let history = sqlx::query_as::<_, AuditRecord>(
            "SELECT stream, seq, at, actor_id, actor_name, action, resource, scope_path, summary, \
             prev_hash, hash FROM audit_log WHERE stream = $1 ORDER BY seq DESC LIMIT 200",
        )
        .bind(format!("person:{id}"))
        .fetch_all(&mut *conn)
        .await?;
        let mut provenance = Vec::new();
        for (role, batch) in [("created", created), ("updated", updated)] {
            let Some(batch) = batch else { continue };
            let found = sqlx::query_as::<_, Provenance>(
                "SELECT b.id AS batch_id, b.kind, b.source, b.file_name, \
                 u.display_name AS actor_name, b.finished_at \
                 FROM import_batches b LEFT JOIN users u ON u.id = b.actor_id WHERE b.id = $1",
            )
            .bind(&batch)
            .fetch_optional(&mut *conn)
            .await?;
            if let Some(mut p) = found {
                p.role = role.to_owned();
                provenance.push(p);
            }
        }
        Ok(PersonPage {
            person,
            houses,
            history,
            provenance,
        })
    }
}
