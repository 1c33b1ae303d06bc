//! The grid network (一张网): grids under villages/communities with their boundaries, staff and
//! police pairing, versioned so that retired grids stay readable.
//!
//! Reads filter by the caller's scope on the grid's path, like regions. Every change bumps the
//! network generation, which tells each node's point-to-grid index to rebuild.

mod band;
mod boundaries;
mod card;
pub(crate) mod carry;
pub(crate) mod locator;
mod map_rows;
mod micro;
mod reshape;
pub(crate) mod rows;
mod staff;
mod village_mode;
mod write;

pub use boundaries::{BoundaryImport, BoundaryImportReport, RegionBoundaryReport};
pub use card::{CardPerson, GridCard, PhoneDisplay};
pub use locator::{Located, ScopedShapes, SnapshotGrid};
pub use map_rows::MapRow;
pub use micro::MicroGrid;
pub use reshape::{MergeInput, SplitReport};
pub use staff::StaffMember;
pub use village_mode::{VILLAGE_GRID_CODE, VillageModeReport};
pub use write::GridInput;
pub(crate) use write::county_of;

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::grids::{GridKind, Sizing};
use gridgov_core::settings::HouseholdBand;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};
pub(crate) use band::Bands;

/// One grid as stored (without its boundary text, which only maps and exports read).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Grid {
    pub id: String,
    pub county_code: String,
    pub region_code: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub special_kind: Option<String>,
    pub household_target: i64,
    pub party_branch: String,
    pub station_address: String,
    pub police_user_id: Option<String>,
    pub path: String,
    pub min_lng: Option<f64>,
    pub min_lat: Option<f64>,
    pub max_lng: Option<f64>,
    pub max_lat: Option<f64>,
    pub area_m2: Option<f64>,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
    pub retired_reason: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Households counted from base data (houses lived in), when the grid has houses recorded;
    /// read only by the queries that compute it.
    #[sqlx(default)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub households_counted: Option<i64>,
    /// The household band of the grid's region (its own setting or the nearest above it), set
    /// by the reads that show sizing; the default band elsewhere.
    #[sqlx(skip)]
    pub band: HouseholdBand,
}

impl Grid {
    pub fn kind(&self) -> GridKind {
        GridKind::parse("kind", &self.kind, self.special_kind.as_deref())
            .unwrap_or(GridKind::Comprehensive)
    }

    pub fn is_current(&self) -> bool {
        self.valid_to.is_none()
    }

    /// Households the grid holds: counted from its houses once base data is recorded there,
    /// until then the target set for the grid.
    pub fn households(&self) -> i64 {
        self.households_counted.unwrap_or(self.household_target)
    }

    pub fn sizing(&self) -> Sizing {
        Sizing::within(self.households(), (self.band.min, self.band.max))
    }
}

/// The grid's own columns, once: both column lists below are built from it.
macro_rules! grid_columns {
    () => {
        "g.id, g.county_code, g.region_code, g.code, g.name, \
         g.kind, g.special_kind, g.household_target, g.party_branch, g.station_address, \
         g.police_user_id, g.path, g.min_lng, g.min_lat, g.max_lng, g.max_lat, g.area_m2, \
         g.valid_from, g.valid_to, g.retired_reason, g.version, g.created_at, g.updated_at"
    };
}

pub(crate) const GRID_COLUMNS: &str = grid_columns!();

/// A grid's households as the sizing flag reads them: houses lived in (a resident recorded, or
/// used by owner or tenant; see `records::counts`) when the grid has any house recorded, else
/// its target. NULL for "no houses", so the column falls back to the target in Rust too.
macro_rules! households_expr {
    () => {
        concat!(
            "(CASE WHEN EXISTS (SELECT 1 FROM houses h WHERE h.path = g.path AND h.grid_id = g.id) \
             THEN (SELECT CAST(COUNT(*) AS BIGINT) FROM houses h \
                WHERE h.path = g.path AND h.grid_id = g.id AND ",
            crate::records::household_condition!(),
            ") ELSE NULL END)"
        )
    };
}

/// A grid in a list: the grid and what the list and the map colour it by.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct GridRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub grid: Grid,
    pub region_name: String,
    pub police_name: Option<String>,
    /// People with any duty on the grid.
    pub staff_count: i64,
    pub leader_count: i64,
    pub worker_count: i64,
    pub has_boundary: i64,
}

/// Staffing of a grid: nobody, someone but not both a leader and a worker, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Staffing {
    None,
    Partial,
    Full,
}

impl Staffing {
    /// From the number of people on a grid, of whom leaders and workers.
    pub fn of(staff: i64, leaders: i64, workers: i64) -> Staffing {
        if staff == 0 {
            Staffing::None
        } else if leaders > 0 && workers > 0 {
            Staffing::Full
        } else {
            Staffing::Partial
        }
    }
}

impl GridRow {
    pub fn staffing(&self) -> Staffing {
        Staffing::of(self.staff_count, self.leader_count, self.worker_count)
    }
}

/// Which grids a list shows.
#[derive(Debug, Clone, Default)]
pub struct GridFilter {
    /// Only grids under this region (a path); the caller's scope applies in any case.
    pub under_path: Option<String>,
    /// Only grids no police officer has claimed.
    pub unpaired: bool,
    /// Only grids outside (Low/High) the household band.
    pub sizing: Option<Sizing>,
    /// Retired grids too.
    pub include_retired: bool,
    /// Code or name contains this.
    pub text: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Counts over the grids of a region, for the overview and the sizing flag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct GridCounts {
    pub grids: i64,
    pub with_boundary: i64,
    pub unpaired: i64,
    pub unstaffed: i64,
    pub below_band: i64,
    pub above_band: i64,
    pub households: i64,
}

/// A grid's own columns with the household count, for lists and the grid page.
const ROW_COLUMNS: &str = concat!(
    grid_columns!(),
    ", ",
    households_expr!(),
    " AS households_counted, \
    r.name AS region_name, p.display_name AS police_name, \
    (SELECT COUNT(*) FROM grid_staff s JOIN users su ON su.id = s.user_id \
        WHERE su.disabled = 0 AND s.grid_id = g.id) AS staff_count, \
    (SELECT COUNT(*) FROM grid_staff s JOIN users su ON su.id = s.user_id \
        WHERE su.disabled = 0 AND s.grid_id = g.id AND s.duty = 'grid_leader') \
        AS leader_count, \
    (SELECT COUNT(*) FROM grid_staff s JOIN users su ON su.id = s.user_id \
        WHERE su.disabled = 0 AND s.grid_id = g.id AND s.duty = 'grid_worker') \
        AS worker_count, \
    CASE WHEN g.boundary IS NULL THEN 0 ELSE 1 END AS has_boundary"
);
const HOUSEHOLDS: &str = households_expr!();
const ROW_FROM: &str = "FROM grids g JOIN regions r ON r.code = g.region_code \
    LEFT JOIN users p ON p.id = g.police_user_id";

#[derive(sqlx::FromRow)]
struct GridDuty {
    #[sqlx(flatten)]
    row: GridRow,
    duty: String,
}

impl Store {
    /// One grid (current or retired) inside the actor's scope.
    pub async fn grid(&self, actor: &Actor, id: &str) -> StoreResult<GridRow> {
        if !actor.can(Permission::ViewGrids) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        let mut conn = self.pool.acquire().await?;
        let mut row = sqlx::query_as::<_, GridRow>(&format!(
            "SELECT {ROW_COLUMNS} {ROW_FROM} WHERE g.id = $1 AND {}",
            scope.sql("g.path", 2)
        ))
        .bind(id)
        .bind_scope(&scope)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        row.grid.band = Bands::load(&mut conn).await?.of(&row.grid.path);
        Ok(row)
    }

    /// The current grid with this code in this village, inside the actor's scope.
    pub async fn grid_by_code(
        &self,
        actor: &Actor,
        region_code: &str,
        code: &str,
    ) -> StoreResult<GridRow> {
        if !actor.can(Permission::ViewGrids) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        let mut conn = self.pool.acquire().await?;
        let mut row = sqlx::query_as::<_, GridRow>(&format!(
            "SELECT {ROW_COLUMNS} {ROW_FROM} WHERE g.region_code = $1 AND g.code = $2 \
             AND g.valid_to IS NULL AND {}",
            scope.sql("g.path", 3)
        ))
        .bind(region_code)
        .bind(code.to_ascii_uppercase())
        .bind_scope(&scope)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        row.grid.band = Bands::load(&mut conn).await?.of(&row.grid.path);
        Ok(row)
    }

    /// Grids inside the actor's scope, by path, filtered.
    pub async fn grids(&self, actor: &Actor, f: &GridFilter) -> StoreResult<Vec<GridRow>> {
        if !actor.can(Permission::ViewGrids) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::narrowed(actor, f.under_path.as_deref())?;
        let mut sql = format!(
            "SELECT {ROW_COLUMNS} {ROW_FROM} WHERE {}",
            scope.sql("g.path", 1)
        );
        if !f.include_retired {
            sql.push_str(" AND g.valid_to IS NULL");
        }
        if f.unpaired {
            sql.push_str(" AND g.police_user_id IS NULL");
        }
        let mut conn = self.pool.acquire().await?;
        let bands = Bands::load(&mut conn).await?;
        match f.sizing {
            Some(Sizing::Low) => sql.push_str(&format!(
                " AND COALESCE({HOUSEHOLDS}, g.household_target) < {}",
                bands.sql("g.path", true)
            )),
            Some(Sizing::High) => sql.push_str(&format!(
                " AND COALESCE({HOUSEHOLDS}, g.household_target) > {}",
                bands.sql("g.path", false)
            )),
            Some(Sizing::Ok) | None => {}
        }
        let text = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if text.is_some() {
            // Codes are stored upper case, names as typed: each is matched on its own form.
            sql.push_str(" AND (g.code LIKE $3 ESCAPE '\\' OR g.name LIKE $4 ESCAPE '\\')");
        }
        sql.push_str(&format!(
            " ORDER BY g.path, g.valid_from LIMIT {} OFFSET {}",
            f.limit.clamp(1, 5000),
            f.offset.max(0)
        ));
        let mut q = sqlx::query_as::<_, GridRow>(&sql).bind_scope(&scope);
        if let Some(t) = text {
            let t = crate::db::escape_like(t);
            q = q
                .bind(format!("%{}%", t.to_ascii_uppercase()))
                .bind(format!("%{t}%"));
        }
        let mut rows = q.fetch_all(&mut *conn).await?;
        for r in &mut rows {
            r.grid.band = bands.of(&r.grid.path);
        }
        Ok(rows)
    }

    /// Counts over the current grids under a path (inside the actor's scope).
    pub async fn grid_counts(
        &self,
        actor: &Actor,
        under_path: Option<&str>,
    ) -> StoreResult<GridCounts> {
        if !actor.can(Permission::ViewGrids) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::narrowed(actor, under_path)?;
        let mut conn = self.pool.acquire().await?;
        let bands = Bands::load(&mut conn).await?;
        let (low, high) = (bands.sql("g.path", true), bands.sql("g.path", false));
        Ok(sqlx::query_as::<_, GridCounts>(&format!(
            "SELECT COUNT(*) AS grids, \
             COALESCE(SUM(CASE WHEN g.boundary IS NULL THEN 0 ELSE 1 END), 0) AS with_boundary, \
             COALESCE(SUM(CASE WHEN g.police_user_id IS NULL THEN 1 ELSE 0 END), 0) AS unpaired, \
             COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM grid_staff s JOIN users su ON su.id = s.user_id \
                 WHERE su.disabled = 0 AND s.grid_id = g.id) \
                 THEN 0 ELSE 1 END), 0) AS unstaffed, \
             COALESCE(SUM(CASE WHEN COALESCE({HOUSEHOLDS}, g.household_target) < {low} \
                 THEN 1 ELSE 0 END), 0) AS below_band, \
             COALESCE(SUM(CASE WHEN COALESCE({HOUSEHOLDS}, g.household_target) > {high} \
                 THEN 1 ELSE 0 END), 0) AS above_band, \
             CAST(COALESCE(SUM(COALESCE({HOUSEHOLDS}, g.household_target)), 0) AS BIGINT) \
                 AS households \
             FROM grids g WHERE g.valid_to IS NULL AND {}",
            scope.sql("g.path", 1)
        ))
        .bind_scope(&scope)
        .fetch_one(&mut *conn)
        .await?)
    }

    /// The grids a retired grid became, and the grids a grid came from: (from, to, change, at).
    pub async fn grid_lineage(
        &self,
        actor: &Actor,
        id: &str,
    ) -> StoreResult<Vec<(GridRef, GridRef, String, i64)>> {
        let g = self.grid(actor, id).await?;
        type Row = (String, String, String, String, String, String, String, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT a.id, a.code, a.name, b.id, b.code, b.name, l.change, l.at \
                 FROM grid_lineage l JOIN grids a ON a.id = l.from_id \
                 JOIN grids b ON b.id = l.to_id \
                 WHERE l.from_id = $1 OR l.to_id = $1 ORDER BY l.at, a.code, b.code",
        )
        .bind(&g.grid.id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(ai, ac, an, bi, bc, bn, change, at)| {
                (
                    GridRef {
                        id: ai,
                        code: ac,
                        name: an,
                    },
                    GridRef {
                        id: bi,
                        code: bc,
                        name: bn,
                    },
                    change,
                    at,
                )
            })
            .collect())
    }

    /// The current grids a user serves on, with the duty, across the whole network (the user's
    /// own page and "my grids" on the phone). Scoped to the actor like every read.
    pub async fn grids_of_user(
        &self,
        actor: &Actor,
        user_id: &str,
    ) -> StoreResult<Vec<(GridRow, String)>> {
        if !actor.can(Permission::ViewGrids) {
            return Err(StoreError::Forbidden);
        }
        let scope = ScopeRange::of(actor);
        let rows = sqlx::query_as::<_, GridDuty>(&format!(
            "SELECT {ROW_COLUMNS}, st.duty AS duty {ROW_FROM} \
             JOIN grid_staff st ON st.grid_id = g.id \
             WHERE st.user_id = $1 AND g.valid_to IS NULL AND {} \
             ORDER BY g.path, st.duty",
            scope.sql("g.path", 2)
        ))
        .bind(user_id)
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| (r.row, r.duty)).collect())
    }
}

/// A grid named in lineage and lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GridRef {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// Tells every node's point-to-grid index that the network changed (inside the change's
/// transaction, so the bump and the change commit together).
pub(crate) async fn bump_generation(conn: &mut AnyConnection) -> StoreResult<()> {
    sqlx::query("UPDATE grid_network SET generation = generation + 1 WHERE id = 1")
        .execute(conn)
        .await?;
    Ok(())
}

/// A grid, current or retired, inside the actor's scope; `NotFound` when outside. Every list of
/// a grid's records resolves the grid with it first, so a grid elsewhere answers as one that does
/// not exist rather than as an empty list.
pub(crate) async fn grid_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
) -> StoreResult<Grid> {
    let scope = ScopeRange::of(actor);
    sqlx::query_as::<_, Grid>(&format!(
        "SELECT {GRID_COLUMNS} FROM grids g WHERE g.id = $1 AND {}",
        scope.sql("g.path", 2)
    ))
    .bind(id)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// A current grid read inside a transaction, scoped; `NotFound` when outside, a field error when
/// retired.
pub(crate) async fn current_grid_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
) -> StoreResult<Grid> {
    let g = grid_in(conn, actor, id).await?;
    if !g.is_current() {
        return Err(gridgov_core::FieldError::new(
            "grid",
            "retired",
            format!("网格 {} 已撤销", g.code),
            format!("grid {} is retired", g.code),
        )
        .into());
    }
    Ok(g)
}
