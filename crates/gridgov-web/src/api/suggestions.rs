//! What an incident's text suggests (category and lead department, with confidence), read
//! through the incident's doors, and how often operators took the suggestions in the caller's
//! scope.

use axum::Json;
use axum::extract::{Path, State};
use gridgov_store::suggestions::{Acceptance, IncidentSuggestion};
use serde::Serialize;

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

#[utoipa::path(get, operation_id = "incident_suggestion", tag = "incidents", path = "/api/v1/incidents/{county}/{id}/suggestion",
    params(("county" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "`{categories: [{code, name, confidence}], departments: [{code, name, confidence}], category_trained_at, department_trained_at}`: up to three of each, most likely first, confidence 0–1; departments only those serving the incident's place; empty lists before the deployment's first training"),
        (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Path<(String, String)>,
) -> Result<Json<IncidentSuggestion>, AppError> {
    Ok(Json(
        state
            .store
            .incident_suggestion(&u.actor, &county, &id)
            .await?,
    ))
}

#[derive(Serialize)]
pub struct AcceptanceRates {
    rates: Vec<Acceptance>,
}

#[utoipa::path(get, operation_id = "suggestion_acceptance", tag = "incidents", path = "/api/v1/suggestions/acceptance",
    responses((status = 200, body = serde_json::Value, description = "`{rates: [{kind (category | department), decisions, taken, rate}]}` over the decisions on incidents inside the caller's scope; `rate` is null before the first")))]
pub async fn acceptance(
    State(state): State<AppState>,
    u: ApiUser,
) -> Result<Json<AcceptanceRates>, AppError> {
    Ok(Json(AcceptanceRates {
        rates: state.store.suggestion_acceptance(&u.actor).await?,
    }))
}
