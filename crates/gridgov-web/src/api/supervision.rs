//! Supervision in JSON: reminders and cards on an incident, listed supervision of many at once
//! (挂牌督办), the desk of everything under supervision in the caller's scope, the course of a
//! card, and extensions asked for and decided. Thin: the store decides and scopes.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gridgov_store::incidents::IncidentView;
use gridgov_store::supervision::{
    CardActionInput, CardInput, CardPage, CardView, DeskFilter, ExtensionDecision, ExtensionInput,
    ExtensionView, ListedInput, SupervisionDesk,
};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

type Key = Path<(String, String)>;

/// A reminder's words.
#[derive(Deserialize)]
pub struct Reminder {
    #[serde(default)]
    note: String,
}

#[utoipa::path(post, operation_id = "remind_incident", tag = "supervision", path = "/api/v1/incidents/{county}/{id}/reminders",
    params(("county" = String, Path), ("id" = String, Path)),
    request_body(content = serde_json::Value, description = "`{note}`: what the higher center presses for (催办)"),
    responses((status = 200, body = serde_json::Value, description = "The incident, with `reminders` and `last_reminded_at`"),
        (status = 403, body = ErrorBody, description = "`not_higher_center`: only a center whose scope strictly contains the center holding it"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The incident is no longer open"),
        (status = 422, body = ErrorBody)))]
pub async fn remind(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Json(b): Json<Reminder>,
) -> Result<Json<IncidentView>, AppError> {
    Ok(Json(
        state
            .store
            .remind_incident(&u.actor, &county, &id, &b.note)
            .await?,
    ))
}

#[utoipa::path(post, operation_id = "issue_card", tag = "supervision", path = "/api/v1/incidents/{county}/{id}/cards",
    params(("county" = String, Path), ("id" = String, Path)),
    request_body(content = serde_json::Value, description = "colour (yellow, red, black), addressee (`center:<region code>`, `department:<id>`; empty: the center holding it), due_days (working days) or due_date (YYYY-MM-DD), note"),
    responses((status = 201, body = serde_json::Value, description = "The card, issued"),
        (status = 403, body = ErrorBody, description = "`not_higher_center`"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Every field at fault: colour, addressee (outside_scope, not_holding, unknown), due_days, due_date (in_the_past), note, incident (closed)")))]
pub async fn issue(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Json(b): Json<CardInput>,
) -> Result<(StatusCode, Json<CardView>), AppError> {
    let card = state.store.issue_card(&u.actor, &county, &id, &b).await?;
    Ok((StatusCode::CREATED, Json(card)))
}

/// The cards of a listed supervision.
#[derive(Serialize)]
pub struct Listed {
    count: usize,
    cards: Vec<CardView>,
}

#[utoipa::path(post, operation_id = "issue_listed", tag = "supervision", path = "/api/v1/supervision/listed",
    request_body(content = serde_json::Value, description = "incidents [`<county>/<id>`] or filter (the work list's filters), colour, due_days or due_date, note: one card each, addressed to the center holding each, all or none"),
    responses((status = 201, body = serde_json::Value, description = "`{count, cards}`"),
        (status = 422, body = ErrorBody, description = "Fields named per incident: `incidents[2]` closed, not_found, not_higher_center …; nothing is issued")))]
pub async fn listed(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<ListedInput>,
) -> Result<(StatusCode, Json<Listed>), AppError> {
    let cards = state.store.issue_listed(&u.actor, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(Listed {
            count: cards.len(),
            cards,
        }),
    ))
}

#[utoipa::path(get, operation_id = "supervision_desk", tag = "supervision", path = "/api/v1/supervision",
    params(("view" = Option<String>, Query, description = "all | to_reply | due | overdue | answered"),
        ("colour" = Option<String>, Query), ("state" = Option<String>, Query, description = "issued | replied | accepted | closed"),
        ("limit" = Option<i64>, Query), ("offset" = Option<i64>, Query)),
    responses((status = 200, body = serde_json::Value, description = "`{cards, counts}`: cards in the caller's scope, the earliest deadline first, each with `overdue`; counts of due, overdue, answered, accepted, closed and to_reply"),
        (status = 422, body = ErrorBody)))]
pub async fn desk(
    State(state): State<AppState>,
    u: ApiUser,
    Query(f): Query<DeskFilter>,
) -> Result<Json<SupervisionDesk>, AppError> {
    Ok(Json(state.store.supervision_desk(&u.actor, &f).await?))
}

#[utoipa::path(get, operation_id = "show_card", tag = "supervision", path = "/api/v1/supervision/cards/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "`{card, incident, timeline, allowed}`"),
        (status = 404, body = ErrorBody)))]
pub async fn show_card(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
) -> Result<Json<CardPage>, AppError> {
    Ok(Json(
        state.store.supervision_card(&u.actor, &county, &id).await?,
    ))
}

#[utoipa::path(post, operation_id = "act_on_card", tag = "supervision", path = "/api/v1/supervision/cards/{county}/{id}/actions",
    params(("county" = String, Path), ("id" = String, Path)),
    request_body(content = serde_json::Value, description = "action (reply, accept, send_back, close), version, text (the reply; the reason to send back)"),
    responses((status = 200, body = serde_json::Value, description = "The card after the action"),
        (status = 403, body = ErrorBody, description = "`not_addressee`, `not_issuer`"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Not from the card's state, or a stale version"),
        (status = 422, body = ErrorBody)))]
pub async fn act_on_card(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Json(b): Json<CardActionInput>,
) -> Result<Json<CardView>, AppError> {
    Ok(Json(
        state.store.act_on_card(&u.actor, &county, &id, &b).await?,
    ))
}

#[utoipa::path(post, operation_id = "request_extension", tag = "supervision", path = "/api/v1/incidents/{county}/{id}/extensions",
    params(("county" = String, Path), ("id" = String, Path)),
    request_body(content = serde_json::Value, description = "task_id (empty: the caller's one live task), days (extra working days), reason"),
    responses((status = 201, body = serde_json::Value, description = "The request, pending"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The task is not in progress, or a request for it is pending (`extension_pending`)"),
        (status = 422, body = ErrorBody, description = "days (beyond_maximum, not_positive), reason, task_id")))]
pub async fn request_extension(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Json(b): Json<ExtensionInput>,
) -> Result<(StatusCode, Json<ExtensionView>), AppError> {
    let x = state
        .store
        .request_extension(&u.actor, &county, &id, &b)
        .await?;
    Ok((StatusCode::CREATED, Json(x)))
}

#[utoipa::path(post, operation_id = "decide_extension", tag = "supervision", path = "/api/v1/incidents/{county}/{id}/extensions/{extension}",
    params(("county" = String, Path), ("id" = String, Path), ("extension" = String, Path)),
    request_body(content = serde_json::Value, description = "grant (true: grant, false: refuse), note"),
    responses((status = 200, body = serde_json::Value, description = "The request, decided; a grant carries `due_before` and `due_after`"),
        (status = 403, body = ErrorBody, description = "`not_dispatching_center`"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Already decided, or the incident changed meanwhile")))]
pub async fn decide_extension(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id, extension)): Path<(String, String, String)>,
    Json(b): Json<ExtensionDecision>,
) -> Result<Json<ExtensionView>, AppError> {
    Ok(Json(
        state
            .store
            .decide_extension(&u.actor, &county, &id, &extension, &b)
            .await?,
    ))
}
