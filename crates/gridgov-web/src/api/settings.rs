//! A region's settings in JSON: for each kind the effective value and where it comes from, the
//! region's own value with its version, the local days in effect and the limits per grade and
//! step; setting a kind's value and clearing it. The store checks permission and scope: a
//! region of another district is not found.

use axum::Json;
use axum::extract::{Path, Query, State};
use gridgov_core::settings::{SettingKind, SettingValue};
use gridgov_store::settings::{RegionSettings, SettingChange};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/api/v1/regions/{code}/settings", show)
        .put("/api/v1/regions/{code}/settings/{kind}", set)
        .delete("/api/v1/regions/{code}/settings/{kind}", clear)
}

/// A region's settings. `settings` has one entry per kind (`time_limits`, `escalation_ladder`,
/// `local_days`, `household_band`, `card_phones`, `notify_channels`, whose secrets are shown as
/// `******` and kept when sent back so): `effective` (the value in force), `source`
/// (`{"from": "default"}` or `{"from": "region", "code", "name"}`), and `own` (the value set on
/// this region with its `version`, or null). `local_days` lists the days in effect with the
/// region that set each; `limits` the limit of each grade and step for matters whose category
/// has no rule of its own.
#[derive(ToSchema)]
#[schema(value_type = Object)]
pub struct SettingsView(#[allow(dead_code)] serde_json::Value);

#[derive(Deserialize, ToSchema)]
pub struct SetBody {
    /// The value, in the kind's JSON form: time limits `[{"step": "handle", "amount": 5,
    /// "unit": "working_days", "category": "01", "grade": "major"}]` (category and grade
    /// optional); the ladder `{"levels": [{"name": "社区调解", "attempts": 2}]}`; local days
    /// `[{"date": "2025-04-11", "kind": "holiday", "name": "市庆"}]`; the household band
    /// `{"min": 300, "max": 500}`; card phones `"full"`, `"masked"` or `"hidden"`.
    #[schema(value_type = Object)]
    value: serde_json::Value,
    /// The version of the region's own value read (`own.version`), 0 when none was set.
    #[serde(default)]
    version: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClearParams {
    /// The version of the region's own value read.
    version: i64,
}

fn kind_of(kind: &str) -> Result<SettingKind, AppError> {
    Ok(SettingKind::parse("kind", kind)?)
}

fn answer(s: RegionSettings) -> Json<serde_json::Value> {
    Json(serde_json::to_value(s).unwrap_or_default())
}

#[utoipa::path(get, operation_id = "show_region_settings", tag = "settings", path = "/api/v1/regions/{code}/settings", params(("code" = String, Path)),
    responses((status = 200, body = SettingsView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "Not a region inside the caller's scope")))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(code): Path<String>,
) -> Result<Json<serde_json::Value>, AppError> {
    let card = state.config.card_phones.to_shown();
    Ok(answer(
        state.store.region_settings(&u.actor, &code, card).await?,
    ))
}

#[utoipa::path(put, operation_id = "set_region_setting", tag = "settings", path = "/api/v1/regions/{code}/settings/{kind}",
    params(("code" = String, Path), ("kind" = String, Path, description = "time_limits, escalation_ladder, local_days, household_band, card_phones or notify_channels")),
    request_body = SetBody,
    responses((status = 200, body = SettingsView, description = "The region's settings after the change, which is on record"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Stale version"),
        (status = 422, body = ErrorBody, description = "The value is wrong: every fault is named (e.g. `rules[0].amount`, `levels`, `local_days[1].date`)")))]
pub async fn set(
    State(state): State<AppState>,
    u: ApiUser,
    Path((code, kind)): Path<(String, String)>,
    Json(b): Json<SetBody>,
) -> Result<Json<serde_json::Value>, AppError> {
    let kind = kind_of(&kind)?;
    let value = SettingValue::parse(kind, &b.value)?;
    let change = SettingChange {
        kind,
        value: Some(value),
        version: b.version,
    };
    let card = state.config.card_phones.to_shown();
    Ok(answer(
        state
            .store
            .change_region_setting(&u.actor, &code, &change, card)
            .await?,
    ))
}

#[utoipa::path(delete, operation_id = "clear_region_setting", tag = "settings", path = "/api/v1/regions/{code}/settings/{kind}",
    params(("code" = String, Path), ("kind" = String, Path), ClearParams),
    responses((status = 200, body = SettingsView, description = "The value from above (or the default) applies again"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn clear(
    State(state): State<AppState>,
    u: ApiUser,
    Path((code, kind)): Path<(String, String)>,
    Query(p): Query<ClearParams>,
) -> Result<Json<serde_json::Value>, AppError> {
    let change = SettingChange {
        kind: kind_of(&kind)?,
        value: None,
        version: p.version,
    };
    let card = state.config.card_phones.to_shown();
    Ok(answer(
        state
            .store
            .change_region_setting(&u.actor, &code, &change, card)
            .await?,
    ))
}
