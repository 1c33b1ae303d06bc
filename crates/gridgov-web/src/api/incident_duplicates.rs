//! Likely duplicates of a report being written: the report form's fields as typed so far in,
//! suggestions with their score and why out. The report's own answer carries the same for the
//! incident it made (`possible_duplicates`).

use axum::Json;
use axum::extract::{Query, State};
use gridgov_store::incidents::{DuplicateSuggestion, ReportInput};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

#[derive(Deserialize)]
pub struct SuggestParams {
    limit: Option<usize>,
}

#[derive(Serialize)]
pub struct Suggestions {
    suggestions: Vec<DuplicateSuggestion>,
}

#[utoipa::path(post, operation_id = "suggest_duplicates", tag = "incidents", path = "/api/v1/incidents/duplicates",
    params(("limit" = Option<usize>, Query, description = "Suggestions at most (default 5, at most 20)")),
    request_body(content = serde_json::Value, description = "The report as typed so far, as for `POST /api/v1/incidents`: title, description, category, lng/lat with crs or grid_id, occurred_at (Unix ms; the 30-day window reaches back from it)"),
    responses((status = 200, body = serde_json::Value, description = "`{suggestions: [{county_code, id, number, title, state, category_code, reported_at, score (0–1), same_grid, distance_m, shared_words}]}`: incidents the caller sees, of the same or a sibling category, in the same grid or within 200 m, reported in the 30 days before, not rejected or merged, most alike first"),
        (status = 422, body = ErrorBody, description = "A place outside the caller's scope, as for a report")))]
pub async fn suggest(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<SuggestParams>,
    Json(draft): Json<ReportInput>,
) -> Result<Json<Suggestions>, AppError> {
    Ok(Json(Suggestions {
        suggestions: state
            .store
            .suggest_duplicates(&u.actor, &draft, p.limit)
            .await?,
    }))
}
