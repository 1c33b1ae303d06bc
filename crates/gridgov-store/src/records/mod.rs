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
pub(crate) use persons::id_card_unavailable;
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
use gridgov_core::base_data::GridKey;
use sqlx::AnyConnection;
use sqlx::any::AnyQueryResult;

use crate::error::is_unique_violation;
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
    one_updated(n)
}

/// What a record's INSERT or UPDATE did: the rows it touched, a unique violation as the kind's
/// own conflict (`taken`: the code, name or number already used), anything else as it came.
pub(crate) fn written(
    result: Result<AnyQueryResult, sqlx::Error>,
    taken: impl FnOnce() -> StoreError,
) -> StoreResult<u64> {
    match result {
        Ok(r) => Ok(r.rows_affected()),
        Err(e) if is_unique_violation(&e) => Err(taken()),
        Err(e) => Err(e.into()),
    }
}

/// A write keyed by `version = $n` that touched no row: the record moved on (or went) since the
/// caller read it.
pub(crate) fn one_updated(rows: u64) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError::VersionConflict)
    } else {
        Ok(())
    }
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

/// Where a write puts a record: a current grid inside the actor's scope. Every write that places
/// a record or moves it to another grid (forms, verification decisions) asks here, so a move
/// checks its destination as well as the source it read inside the scope; otherwise a worker
/// could send a record where they, and everyone who put it there, lose sight of it.
/// `NotFound` for a grid elsewhere or unknown (the caller names its own field, saying no more
/// than "not inside your scope"); a field error when the grid is retired.
pub(crate) async fn destination_grid(
    conn: &mut AnyConnection,
    actor: &Actor,
    grid_id: &str,
) -> StoreResult<Grid> {
    current_grid_in(conn, actor, grid_id.trim()).await
}

/// [`destination_grid`] named as files name it (`420202005001-G01`). The key is resolved
/// without the scope and the grid then checked with it, so the scope is decided in one place.
pub(crate) async fn destination_grid_by_key(
    conn: &mut AnyConnection,
    actor: &Actor,
    key: &GridKey,
) -> StoreResult<Grid> {
    let id: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM grids WHERE region_code = $1 AND code = $2 AND valid_to IS NULL",
    )
    .bind(&key.village)
    .bind(key.code.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let (id,) = id.ok_or(StoreError::NotFound)?;
    destination_grid(conn, actor, &id).await
}

/// The current grid a record is put in, inside the actor's scope. A grid the actor cannot see is
/// reported on the field like an unknown one, so a form can show it.
pub(crate) async fn grid_for_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    grid_id: &str,
) -> StoreResult<Grid> {
    match destination_grid(conn, actor, grid_id).await {
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

/// The grid of an edited record: the one the input names, or the one it is in when the input
/// leaves the grid empty.
pub(crate) async fn grid_for_edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: &str,
    current: &str,
) -> StoreResult<Grid> {
    let id = if input.trim().is_empty() {
        current
    } else {
        input
    };
    grid_for_record(conn, actor, id).await
}

/// A page of a list: at most `limit` rows (1–500) from `offset`.
pub(crate) fn page(limit: i64, offset: i64) -> (i64, i64) {
    (limit.clamp(1, 500), offset.max(0))
}
