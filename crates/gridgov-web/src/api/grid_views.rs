//! What the grid endpoints return. Like `views.rs`, these are kept apart from the store's rows so
//! the wire format is chosen here: booleans instead of 0/1, staffing and sizing spelled out, and
//! the grid's path (an internal scoping key) left out.

use gridgov_core::grids::Duty;
use gridgov_store::grids::{
    BoundaryImportReport, CardPerson, GridCard, GridCounts, GridRef, GridRow, MicroGrid,
    RegionBoundaryReport, SplitReport, StaffMember, Staffing, VillageModeReport,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::views::RegionView;

/// One grid as lists, maps and the phone show it.
#[derive(Serialize, ToSchema)]
pub struct GridView {
    pub id: String,
    /// The village/community the grid belongs to.
    pub region_code: String,
    pub region_name: String,
    pub county_code: String,
    /// Unique among the current grids of its village; upper case.
    pub code: String,
    pub name: String,
    /// `comprehensive` or `special`.
    pub kind: String,
    /// For special grids: `school`, `hospital`, `market`, `industrial_park`, `scenic_area`,
    /// `construction_site` or `other`.
    pub special_kind: Option<String>,
    pub kind_zh: String,
    pub kind_en: String,
    pub household_target: i64,
    pub households: i64,
    /// `low`, `ok` or `high` against the band of 300–500 households.
    pub sizing: String,
    /// `none` (nobody), `partial`, or `full` (a grid leader and at least one grid worker).
    pub staffing: String,
    pub staff_count: i64,
    pub party_branch: String,
    pub station_address: String,
    pub police_user_id: Option<String>,
    pub police_name: Option<String>,
    pub has_boundary: bool,
    /// `[min_lng, min_lat, max_lng, max_lat]` in WGS84, when the grid has a boundary.
    pub bbox: Option<Vec<f64>>,
    pub area_m2: Option<f64>,
    /// False once the grid is retired (by hand, or by a split or merge).
    pub current: bool,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
    pub retired_reason: Option<String>,
    /// Send it back when updating or retiring; a stale one gets 409.
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

fn staffing_str(s: Staffing) -> &'static str {
    match s {
        Staffing::None => "none",
        Staffing::Partial => "partial",
        Staffing::Full => "full",
    }
}

impl From<GridRow> for GridView {
    fn from(r: GridRow) -> Self {
        let kind = r.grid.kind();
        let staffing = staffing_str(r.staffing()).to_owned();
        let g = r.grid;
        let bbox = match (g.min_lng, g.min_lat, g.max_lng, g.max_lat) {
            (Some(a), Some(b), Some(c), Some(d)) => Some(vec![a, b, c, d]),
            _ => None,
        };
        GridView {
            sizing: g.sizing().as_str().to_owned(),
            households: g.households(),
            current: g.is_current(),
            kind_zh: kind.zh(),
            kind_en: kind.en(),
            staffing,
            staff_count: r.staff_count,
            region_name: r.region_name,
            police_name: r.police_name,
            has_boundary: r.has_boundary != 0,
            bbox,
            id: g.id,
            region_code: g.region_code,
            county_code: g.county_code,
            code: g.code,
            name: g.name,
            kind: g.kind,
            special_kind: g.special_kind,
            household_target: g.household_target,
            party_branch: g.party_branch,
            station_address: g.station_address,
            police_user_id: g.police_user_id,
            area_m2: g.area_m2,
            valid_from: g.valid_from,
            valid_to: g.valid_to,
            retired_reason: g.retired_reason,
            version: g.version,
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StaffView {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub phone: String,
    pub role: String,
    /// One of the duty names, e.g. `grid_leader`.
    pub duty: String,
    pub duty_zh: String,
    pub duty_en: String,
    pub since: i64,
}

impl From<StaffMember> for StaffView {
    fn from(s: StaffMember) -> Self {
        let duty: Option<Duty> = s.duty();
        StaffView {
            duty_zh: duty.map_or_else(String::new, |d| d.zh().to_owned()),
            duty_en: duty.map_or_else(String::new, |d| d.en().to_owned()),
            user_id: s.user_id,
            username: s.username,
            display_name: s.display_name,
            phone: s.phone,
            role: s.role,
            duty: s.duty,
            since: s.since,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GridRefView {
    pub id: String,
    pub code: String,
    pub name: String,
}

impl From<GridRef> for GridRefView {
    fn from(r: GridRef) -> Self {
        GridRefView {
            id: r.id,
            code: r.code,
            name: r.name,
        }
    }
}

/// One step of a grid's history: `from` became (part of) `to`.
#[derive(Serialize, ToSchema)]
pub struct LineageView {
    pub from: GridRefView,
    pub to: GridRefView,
    /// `split` or `merge`.
    pub change: String,
    pub at: i64,
}

impl From<(GridRef, GridRef, String, i64)> for LineageView {
    fn from((from, to, change, at): (GridRef, GridRef, String, i64)) -> Self {
        LineageView {
            from: from.into(),
            to: to.into(),
            change,
            at,
        }
    }
}

/// A micro-grid (微网格): a building or a few buildings inside a grid, looked after by their
/// building heads.
#[derive(Serialize, ToSchema)]
pub struct MicroGridView {
    /// Unique within its grid; upper case.
    pub code: String,
    pub name: String,
    /// The buildings it covers, as people name them (`3、4、5 栋`).
    pub buildings: String,
    pub created_at: i64,
}

impl From<MicroGrid> for MicroGridView {
    fn from(m: MicroGrid) -> Self {
        MicroGridView {
            code: m.code,
            name: m.name,
            buildings: m.buildings,
            created_at: m.created_at,
        }
    }
}

/// A grid with the people serving it, its micro-grids, and where it came from or went.
#[derive(Serialize, ToSchema)]
pub struct GridDetail {
    #[serde(flatten)]
    pub grid: GridView,
    pub staff: Vec<StaffView>,
    /// By code.
    pub micro_grids: Vec<MicroGridView>,
    pub lineage: Vec<LineageView>,
}

#[derive(Serialize, ToSchema)]
pub struct GridCountsView {
    pub grids: i64,
    pub with_boundary: i64,
    pub unpaired: i64,
    pub unstaffed: i64,
    pub below_band: i64,
    pub above_band: i64,
    pub households: i64,
}

impl From<GridCounts> for GridCountsView {
    fn from(c: GridCounts) -> Self {
        GridCountsView {
            grids: c.grids,
            with_boundary: c.with_boundary,
            unpaired: c.unpaired,
            unstaffed: c.unstaffed,
            below_band: c.below_band,
            above_band: c.above_band,
            households: c.households,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BoundaryImportView {
    pub features: usize,
    pub created: usize,
    pub updated: usize,
    pub villages: usize,
    /// Gaps accepted with `allow_gaps`, one line each.
    pub gaps: Vec<String>,
}

impl From<BoundaryImportReport> for BoundaryImportView {
    fn from(r: BoundaryImportReport) -> Self {
        BoundaryImportView {
            features: r.features,
            created: r.created,
            updated: r.updated,
            villages: r.villages,
            gaps: r.gaps,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RegionBoundaryView {
    pub features: usize,
    pub stored: usize,
}

impl From<RegionBoundaryReport> for RegionBoundaryView {
    fn from(r: RegionBoundaryReport) -> Self {
        RegionBoundaryView {
            features: r.features,
            stored: r.stored,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SplitView {
    /// The id of the grid that was split (now retired).
    pub retired: String,
    /// The ids of the new grids, in the order of the file's features.
    pub created: Vec<String>,
}

impl From<SplitReport> for SplitView {
    fn from(r: SplitReport) -> Self {
        SplitView {
            retired: r.retired,
            created: r.created,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct VillageModeView {
    pub villages: usize,
    pub created: usize,
    /// Villages that already had grids, left as they are.
    pub skipped: usize,
    pub with_boundary: usize,
}

impl From<VillageModeReport> for VillageModeView {
    fn from(r: VillageModeReport) -> Self {
        VillageModeView {
            villages: r.villages,
            created: r.created,
            skipped: r.skipped,
            with_boundary: r.with_boundary,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedId {
    pub id: String,
}

#[derive(Serialize, ToSchema)]
pub struct CardPersonView {
    pub name: String,
    pub duty_zh: String,
    pub duty_en: String,
    /// Full, masked (`138****5678`) or empty, as the deployment chooses.
    pub phone: String,
}

impl From<CardPerson> for CardPersonView {
    fn from(p: CardPerson) -> Self {
        CardPersonView {
            name: p.name,
            duty_zh: p.duty_zh,
            duty_en: p.duty_en,
            phone: p.phone,
        }
    }
}

/// The public card of a grid (公示), as posted at its service station.
#[derive(Serialize, ToSchema)]
pub struct GridCardView {
    pub region_code: String,
    pub code: String,
    pub name: String,
    pub kind_zh: String,
    pub kind_en: String,
    /// Region names from the county down to the village.
    pub regions: Vec<String>,
    pub party_branch: String,
    pub station_address: String,
    pub staff: Vec<CardPersonView>,
    pub police: Option<CardPersonView>,
}

impl From<GridCard> for GridCardView {
    fn from(c: GridCard) -> Self {
        GridCardView {
            region_code: c.region_code,
            code: c.code,
            name: c.name,
            kind_zh: c.kind_zh,
            kind_en: c.kind_en,
            regions: c.regions,
            party_branch: c.party_branch,
            station_address: c.station_address,
            staff: c.staff.into_iter().map(Into::into).collect(),
            police: c.police.map(Into::into),
        }
    }
}

/// A point in WGS84, as used for the lookup.
#[derive(Serialize, ToSchema)]
pub struct PointView {
    pub lng: f64,
    pub lat: f64,
}

/// Where a point lies. A point in a grid outside the caller's scope answers like a point outside
/// every grid.
#[derive(Serialize, ToSchema)]
pub struct LocateView {
    pub found: bool,
    /// The point after conversion to WGS84 (the same as given for `crs=wgs84`).
    pub point: PointView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid: Option<GridView>,
    /// The regions above the grid, from the caller's scope down to the village.
    pub regions: Vec<RegionView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_zh: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_en: Option<String>,
}

/// Household targets come as numbers from programs and as text from forms and files; both are
/// passed on as text, which the store checks like every other input.
pub fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    })
}

/// [`number_or_text`] for a field that may be left out (a PATCH).
pub fn opt_number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    })
}
