//! Base data record by record (人房楼 and the five elements): creating, correcting and removing
//! one person, building, house, link, organization, place or camera; reading them masked;
//! search, unmasking, the grid → building → house → resident views, counts and exports.
//!
//! Every call takes the caller's [`Actor`] and filters by its scope here. A record outside the
//! scope is `NotFound`, never `Forbidden`, so nobody learns that it exists. ID numbers and phones
//! leave the store masked; the full value only through [`Store::unmask_person_field`] (and a
//! revealing export), which log who, when and why in the same transaction.

mod buildings;
mod cameras;
mod counts;
mod export;
mod houses;
mod links;
mod mask;
mod organizations;
mod persons;
mod places;
mod search;
mod unmask;
mod views;

pub use buildings::{BuildingInput, BuildingView};
pub use cameras::{CameraInput, CameraView};
pub use counts::{AreaCount, CountLevel, PopulationCounts};
pub(crate) use counts::{HOUSEHOLD_CONDITION, household_condition};
pub use export::{ExportChunks, PersonExport};
pub use houses::{HouseInput, HouseView};
pub use links::{LinkInput, LinkView};
pub use organizations::{OrganizationInput, OrganizationView};
pub use persons::{PersonInput, PersonListItem, PersonView};
pub use places::{PlaceInput, PlaceView};
pub use search::{PersonSearch, SearchKind};
pub use unmask::{UnmaskEntry, UnmaskField};
pub use views::{
    BuildingPage, BuildingSummary, GridBuildings, HousePage, HouseSummary, PersonHouse, PersonPage,
    Provenance, Resident,
};

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::ids::Ymd;
use sqlx::AnyConnection;

use crate::grids::{Grid, current_grid_in};
use crate::{StoreError, StoreResult};

/// Deletes one versioned record by its key; `VersionConflict` when the version moved on (or the
/// row went) since the caller read it. `table` is one of this module's own tables.
pub(crate) async fn delete_versioned(
    conn: &mut AnyConnection,
    table: &str,
    county: &str,
    id: &str,
    version: i64,
) -> StoreResult<()> {
    let n = sqlx::query(&format!(
        "DELETE FROM {table} WHERE county_code = $1 AND id = $2 AND version = $3"
    ))
    .bind(county)
    .bind(id)
    .bind(version)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::VersionConflict);
    }
    Ok(())
}

/// `Forbidden` unless the actor holds the permission.
pub(crate) fn need(actor: &Actor, p: Permission) -> StoreResult<()> {
    if actor.can(p) {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// Field errors from a core draft check as the store's error.
pub(crate) fn invalid(errors: Vec<FieldError>) -> StoreError {
    StoreError::Invalid(gridgov_core::Invalid(errors))
}

/// The current grid a record is put in, inside the actor's scope. A grid the actor cannot see is
/// reported on the field like an unknown one, so a form can show it.
pub(crate) async fn grid_for_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    grid_id: &str,
) -> StoreResult<Grid> {
    match current_grid_in(conn, actor, grid_id.trim()).await {
        Err(StoreError::NotFound) => Err(FieldError::new(
            "grid_id",
            "unknown_grid",
            format!("找不到该网格或不在您的范围内：{}", grid_id.trim()),
            format!("no such grid inside your scope: {}", grid_id.trim()),
        )
        .into()),
        Err(StoreError::Invalid(e)) => Err(StoreError::Invalid(gridgov_core::Invalid(
            e.0.into_iter().map(|e| e.for_field("grid_id")).collect(),
        ))),
        other => other,
    }
}

/// Today's date in China (UTC+8), for the checks that refuse dates in the future.
pub(crate) fn today_in_china(now_ms: i64) -> Ymd {
    let days = (now_ms + 8 * 3_600_000).div_euclid(86_400_000);
    civil_from_days(days)
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> Ymd {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m as u32, d as u32)
}

/// A page of a list: at most `limit` rows (1–500) from `offset`.
pub(crate) fn page(limit: i64, offset: i64) -> (i64, i64) {
    (limit.clamp(1, 500), offset.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_china() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        // 2026-11-23 08:00 in Shanghai is midnight UTC; 2026-11-22 16:00 UTC is already the 23rd.
        assert_eq!(today_in_china(1_795_392_000_000), (2026, 11, 23));
        assert_eq!(
            today_in_china(1_795_392_000_000 - 8 * 3_600_000),
            (2026, 11, 23)
        );
        assert_eq!(
            today_in_china(1_795_392_000_000 - 8 * 3_600_000 - 1),
            (2026, 11, 22)
        );
    }
}
