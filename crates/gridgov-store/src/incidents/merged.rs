//! Merged incidents keep their own record, and their reporters learn how the matter ended: the
//! page of a merged incident carries the outcome of the one that carries on (following a chain
//! of merges to its end), and the page of that one lists what was merged into it.
//!
//! The outcome is read past the caller's doors on purpose, and only the outcome: its number,
//! title, state, resolution level, closing time, rating and the handlers' results. Whoever sees
//! the merged incident (its reporter above all) was promised that answer; the other incident's
//! description, parties, tasks and record stay behind its own doors.

use serde::Serialize;
use sqlx::AnyConnection;

use crate::scope::{BindScope, IncidentDoors};
use crate::{StoreError, StoreResult};

/// Merges followed at most: merging into a merged incident is refused, so a chain grows only
/// when the survivor itself is merged later, once per hop; a longer chain means a cycle written
/// by hand, and the walk stops instead of looping.
const CHAIN_MAX: usize = 32;

/// How a merged incident's matter ended, told by the incident that carried it on.
#[derive(Debug, Clone, Serialize)]
pub struct CarriedOn {
    pub county_code: String,
    pub id: String,
    pub number: String,
    pub title: String,
    pub state: String,
    pub resolution_level: Option<String>,
    pub closed_at: Option<i64>,
    pub evaluation: Option<String>,
    /// The results of its handled tasks, oldest first.
    pub results: Vec<String>,
    /// The numbers of the incidents passed through on the way, when it was merged again.
    pub via: Vec<String>,
}

/// An incident merged into this one, as the caller sees it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MergedHere {
    pub county_code: String,
    pub id: String,
    pub number: String,
    pub title: String,
    pub reporter_name: String,
    pub reported_at: i64,
}

#[derive(sqlx::FromRow)]
struct Link {
    number: String,
    title: String,
    state: String,
    resolution_level: Option<String>,
    closed_at: Option<i64>,
    evaluation: Option<String>,
    merged_into_county: Option<String>,
    merged_into: Option<String>,
}

/// The incident that carries on a merged one, at the end of its chain; `None` for an incident
/// that was not merged.
pub(crate) async fn carried_on(
    conn: &mut AnyConnection,
    merged_into_county: Option<&str>,
    merged_into: Option<&str>,
) -> StoreResult<Option<CarriedOn>> {
    let (Some(mut county), Some(mut id)) = (
        merged_into_county.map(str::to_owned),
        merged_into.map(str::to_owned),
    ) else {
        return Ok(None);
    };
    let mut via = Vec::new();
    for _ in 0..CHAIN_MAX {
        let link: Link = sqlx::query_as(
            "SELECT number, title, state, resolution_level, closed_at, evaluation, \
             merged_into_county, merged_into FROM incidents WHERE county_code = $1 AND id = $2",
        )
        .bind(&county)
        .bind(&id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::Internal(format!("merged into a missing incident {id}")))?;
        if let (Some(next_county), Some(next_id)) = (link.merged_into_county, link.merged_into) {
            via.push(link.number);
            (county, id) = (next_county, next_id);
            continue;
        }
        let results: Vec<String> = sqlx::query_scalar(
            "SELECT result FROM incident_tasks WHERE county_code = $1 AND incident_id = $2 \
             AND state = 'handled' AND result IS NOT NULL ORDER BY handled_at, id",
        )
        .bind(&county)
        .bind(&id)
        .fetch_all(&mut *conn)
        .await?;
        return Ok(Some(CarriedOn {
            county_code: county,
            id,
            number: link.number,
            title: link.title,
            state: link.state,
            resolution_level: link.resolution_level,
            closed_at: link.closed_at,
            evaluation: link.evaluation,
            results,
            via,
        }));
    }
    Err(StoreError::Internal(format!(
        "a chain of more than {CHAIN_MAX} merges from incident {id}"
    )))
}

/// The incidents merged into this one that the caller sees, oldest first.
pub(crate) async fn merged_here(
    conn: &mut AnyConnection,
    doors: &IncidentDoors,
    county: &str,
    id: &str,
) -> StoreResult<Vec<MergedHere>> {
    Ok(sqlx::query_as::<_, MergedHere>(&format!(
        "SELECT i.county_code, i.id, i.number, i.title, i.reporter_name, i.reported_at \
         FROM incidents i WHERE i.merged_into_county = $1 AND i.merged_into = $2 AND {} \
         ORDER BY i.reported_at, i.id",
        doors.sql("i", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_doors(doors)
    .fetch_all(&mut *conn)
    .await?)
}
