//! Likely duplicates of a report being written (or just made): earlier incidents the caller sees
//! through their doors, in the same grid or within 200 m, of the same or a sibling category,
//! reported in the last 30 days and not rejected or merged, alike in words. Core's
//! `incidents::duplicates` holds the rules; this module finds the candidates by index and
//! measures their distance.

use std::collections::BTreeMap;

use geo::{Distance, Haversine, Point};
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::incidents::Words;
use gridgov_core::incidents::duplicates::{
    self as rules, BANDS, CANDIDATES_MAX, DESCRIPTION_CHARS, SUGGESTIONS_DEFAULT, SUGGESTIONS_MAX,
    WINDOW_MS,
};
use gridgov_geo::LngLat;
use serde::Serialize;
use sqlx::AnyConnection;

use super::facts::caller_facts;
use super::input::ReportInput;
use super::report::Place;
use super::rows::IncidentView;
use super::words_cache::WordsCache;
use crate::records::need;
use crate::scope::{BindScope, IncidentDoors};
use crate::{Store, StoreResult};

/// An earlier incident that may be the same matter, with why it was suggested.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateSuggestion {
    pub county_code: String,
    pub id: String,
    pub number: String,
    pub title: String,
    pub state: String,
    pub category_code: String,
    pub reported_at: i64,
    /// How alike the texts are, 0 to 1 (weighted share of common words), two decimals.
    pub score: f64,
    /// It lies in the draft's grid.
    pub same_grid: bool,
    /// Metres between the two positions, when both have one.
    pub distance_m: Option<f64>,
    /// The words both texts use, heaviest first.
    pub shared_words: Vec<String>,
}

/// What a draft is compared by: its place, category, words and the time the window ends at.
struct Draft<'a> {
    place: &'a Place,
    category: &'a str,
    words: Words,
    /// The earliest report time a candidate may have.
    since: i64,
    /// The incident itself, when the draft is one already reported.
    exclude: Option<(&'a str, &'a str)>,
}

/// A candidate as read: enough to judge it and to show it.
#[derive(sqlx::FromRow)]
struct Candidate {
    county_code: String,
    id: String,
    number: String,
    title: String,
    description: String,
    category_code: String,
    state: String,
    grid_id: Option<String>,
    lng: Option<String>,
    lat: Option<String>,
    reported_at: i64,
}

/// The candidate columns, for the alias `i`; the description only as far as it is compared.
fn candidate_columns() -> String {
    format!(
        "i.county_code, i.id, i.number, i.title, SUBSTR(i.description, 1, {DESCRIPTION_CHARS}) \
         AS description, i.category_code, i.state, i.grid_id, CAST(i.lng AS TEXT) AS lng, \
         CAST(i.lat AS TEXT) AS lat, i.reported_at"
    )
}

/// Conditions every candidate meets beside its place, from parameter `first`: reported since,
/// still standing (not rejected, not merged into another), in the category family, not the
/// draft itself, and seen through the caller's doors.
fn common_sql(doors: &IncidentDoors, first: usize) -> String {
    let n = |k: usize| first + k;
    format!(
        "i.reported_at >= ${} AND i.state NOT IN ('rejected', 'merged') \
         AND i.category_code >= ${} AND i.category_code < ${} \
         AND NOT (i.county_code = ${} AND i.id = ${}) AND {}",
        n(0),
        n(1),
        n(2),
        n(3),
        n(4),
        doors.sql("i", n(5)),
    )
}

impl Store {
    /// Likely duplicates of a draft report (the report form's fields as typed so far): up to
    /// `limit` (default 5, at most 20), most alike first. The draft's place is checked as a
    /// report's is (a grid inside the caller's scope, or a position in one).
    pub async fn suggest_duplicates(
        &self,
        actor: &Actor,
        draft: &ReportInput,
        limit: Option<usize>,
    ) -> StoreResult<Vec<DuplicateSuggestion>> {
        need(actor, Permission::ViewIncidents)?;
        let place = self.place_report(actor, draft).await?;
        let now = self.now_ms();
        let from = draft.occurred_at.unwrap_or(now).min(now);
        let d = Draft {
            place: &place,
            category: draft.category.trim(),
            words: Words::of(&format!("{} {}", draft.title, draft.description)),
            since: from - WINDOW_MS,
            exclude: None,
        };
        self.duplicates_of_draft(actor, &d, limit).await
    }

    /// Likely duplicates of an incident already reported (the report's answer carries them), as
    /// [`Store::suggest_duplicates`] finds them for its draft, itself left out.
    pub async fn possible_duplicates(
        &self,
        actor: &Actor,
        incident: &IncidentView,
        limit: Option<usize>,
    ) -> StoreResult<Vec<DuplicateSuggestion>> {
        need(actor, Permission::ViewIncidents)?;
        let parse = |v: &Option<String>| v.as_deref().and_then(|t| t.parse::<f64>().ok());
        let place = Place {
            grid_id: incident.grid_id.clone(),
            county_code: incident.county_code.clone(),
            region_code: incident.region_code.clone(),
            path: incident.path.clone(),
            center_path: incident.center_path.clone(),
            lng: parse(&incident.lng),
            lat: parse(&incident.lat),
        };
        let from = incident.occurred_at.unwrap_or(incident.reported_at);
        let d = Draft {
            place: &place,
            category: &incident.category_code,
            words: Words::of(&format!("{} {}", incident.title, incident.description)),
            since: from.min(incident.reported_at) - WINDOW_MS,
            exclude: Some((&incident.county_code, &incident.id)),
        };
        self.duplicates_of_draft(actor, &d, limit).await
    }

    async fn duplicates_of_draft(
        &self,
        actor: &Actor,
        d: &Draft<'_>,
        limit: Option<usize>,
    ) -> StoreResult<Vec<DuplicateSuggestion>> {
        let limit = limit
            .unwrap_or(SUGGESTIONS_DEFAULT)
            .clamp(1, SUGGESTIONS_MAX);
        if d.words.is_empty() {
            // Nothing typed yet that could be compared.
            return Ok(Vec::new());
        }
        let mut conn = self.pool.acquire().await?;
        let doors = caller_facts(&mut conn, actor).await?.doors(actor);
        let candidates = candidates(&mut conn, &doors, d).await?;
        drop(conn);
        Ok(rank(d, candidates, limit, &self.words))
    }
}

type CandidateQuery<'q> =
    sqlx::query::QueryAs<'q, sqlx::Any, Candidate, sqlx::any::AnyArguments<'q>>;

/// Binds the values of [`common_sql`]'s conditions, in its order, after the query's own.
fn bind_common<'q>(
    q: CandidateQuery<'q>,
    since: i64,
    family: &'q (String, String),
    exclude: (&'q str, &'q str),
    doors: &'q IncidentDoors,
) -> CandidateQuery<'q> {
    q.bind(since)
        .bind(family.0.as_str())
        .bind(family.1.as_str())
        .bind(exclude.0)
        .bind(exclude.1)
        .bind_doors(doors)
}

/// The candidates of a draft in its grid and near its position, each once, newest first within
/// each kind, at most [`CANDIDATES_MAX`] of each.
async fn candidates(
    conn: &mut AnyConnection,
    doors: &IncidentDoors,
    d: &Draft<'_>,
) -> StoreResult<Vec<Candidate>> {
    let family = rules::category_family(d.category);
    let exclude = d.exclude.unwrap_or(("", ""));
    let mut found: BTreeMap<(String, String), Candidate> = BTreeMap::new();
    if let Some(grid) = &d.place.grid_id {
        let sql = format!(
            "SELECT {} FROM incidents i WHERE i.grid_id = $1 AND {} \
             ORDER BY i.reported_at DESC LIMIT {CANDIDATES_MAX}",
            candidate_columns(),
            common_sql(doors, 2),
        );
        let q = sqlx::query_as::<_, Candidate>(&sql).bind(grid);
        let rows = bind_common(q, d.since, &family, exclude, doors)
            .fetch_all(&mut *conn)
            .await?;
        found.extend(
            rows.into_iter()
                .map(|c| ((c.county_code.clone(), c.id.clone()), c)),
        );
    }
    if let (Some(lng), Some(lat)) = (d.place.lng, d.place.lat) {
        let (dlat, dlng) = rules::near_box(lat);
        let bands = rules::bands(lat - dlat, lat + dlat);
        let slots: Vec<String> = (1..=BANDS).map(|k| format!("${k}")).collect();
        let b = BANDS;
        let sql = format!(
            "SELECT {} FROM incidents i WHERE round(i.lat * 500) IN ({}) \
             AND i.lng >= ${} AND i.lng <= ${} AND i.lat >= ${} AND i.lat <= ${} AND {} \
             ORDER BY i.reported_at DESC LIMIT {CANDIDATES_MAX}",
            candidate_columns(),
            slots.join(", "),
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            common_sql(doors, b + 5),
        );
        let mut q = sqlx::query_as::<_, Candidate>(&sql);
        for band in bands {
            q = q.bind(band);
        }
        let q = q
            .bind(lng - dlng)
            .bind(lng + dlng)
            .bind(lat - dlat)
            .bind(lat + dlat);
        let rows = bind_common(q, d.since, &family, exclude, doors)
            .fetch_all(&mut *conn)
            .await?;
        found.extend(
            rows.into_iter()
                .map(|c| ((c.county_code.clone(), c.id.clone()), c)),
        );
    }
    Ok(found.into_values().collect())
}

/// Judges the candidates by place and words: in the draft's grid or within 200 m, alike enough;
/// most alike first, then nearest, then newest.
fn rank(
    d: &Draft<'_>,
    candidates: Vec<Candidate>,
    limit: usize,
    cache: &WordsCache,
) -> Vec<DuplicateSuggestion> {
    let here = match (d.place.lng, d.place.lat) {
        (Some(lng), Some(lat)) => Some(LngLat::new(lng, lat)),
        _ => None,
    };
    let mut out: Vec<DuplicateSuggestion> = candidates
        .into_iter()
        .filter_map(|c| {
            let same_grid = c.grid_id.is_some() && c.grid_id == d.place.grid_id;
            let there = match (c.lng.as_deref(), c.lat.as_deref()) {
                (Some(lng), Some(lat)) => lng.parse().ok().zip(lat.parse().ok()),
                _ => None,
            };
            let distance_m = here.zip(there).map(|(h, (lng, lat))| {
                Haversine.distance(Point::new(h.lng, h.lat), Point::new(lng, lat))
            });
            if !same_grid && !distance_m.is_some_and(|m| m <= rules::NEAR_M) {
                return None;
            }
            let words = cache.of(&c.county_code, &c.id, || {
                format!("{} {}", c.title, c.description)
            });
            let like = rules::likeness(&d.words, &words)?;
            Some(DuplicateSuggestion {
                county_code: c.county_code,
                id: c.id,
                number: c.number,
                title: c.title,
                state: c.state,
                category_code: c.category_code,
                reported_at: c.reported_at,
                score: (like.score * 100.0).round() / 100.0,
                same_grid,
                distance_m: distance_m.map(f64::round),
                shared_words: like.shared_words,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| {
                let far = |s: &DuplicateSuggestion| s.distance_m.unwrap_or(f64::INFINITY);
                far(a).total_cmp(&far(b))
            })
            .then_with(|| b.reported_at.cmp(&a.reported_at))
    });
    out.truncate(limit);
    out
}
