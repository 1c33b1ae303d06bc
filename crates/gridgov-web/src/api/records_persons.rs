//! Persons in JSON: search (full ID number, full phone or the beginning of a name), a person's
//! page, creating, correcting and removing, who lives where, and unmasking one field with a
//! reason. Numbers are masked in every answer but the unmask one; the store checks permission
//! and scope, so a person outside the caller's scope is simply not found.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gridgov_core::FieldError;
use gridgov_store::protect::FieldKind;
use gridgov_store::records::{LinkInput, PersonInput, PersonPage, PersonSearch, PersonView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

/// A record's edit: the fields, and the version it was read at (a stale one is 409).
#[derive(Deserialize)]
pub struct Versioned<T> {
    pub version: i64,
    #[serde(flatten)]
    pub input: T,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParam {
    /// The version the record was read at.
    pub version: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// A full ID number, a full phone number, or the beginning of a name.
    #[serde(default)]
    pub q: String,
    /// 1–500, default 50 (names only: numbers find one record or a few).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[utoipa::path(get, operation_id = "search_persons", tag = "records", path = "/api/v1/persons", params(SearchParams),
    responses((status = 200, body = serde_json::Value, description = "`{kind: id_card_no|phone|name, persons: [...]}`, numbers masked"),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody, description = "An ID number with a wrong check digit, a partial number, or nothing typed")))]
pub async fn search(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<SearchParams>,
) -> Result<Json<PersonSearch>, AppError> {
    Ok(Json(
        state
            .store
            .search_persons(&u.actor, &p.q, p.limit.unwrap_or(50), p.offset.unwrap_or(0))
            .await?,
    ))
}

#[utoipa::path(post, operation_id = "create_person", tag = "records", path = "/api/v1/persons",
    request_body(content = serde_json::Value, description = "grid_id, name, id_card_no, gender, birth_date, ethnicity, phone, registered_address, residence_type, tags (text)"),
    responses((status = 201, body = serde_json::Value, description = "The person, masked"),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody, description = "The county already has a record with this ID number"),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<PersonInput>,
) -> Result<(StatusCode, Json<PersonView>), AppError> {
    let p = state.store.create_person(&u.actor, &b).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

#[utoipa::path(get, operation_id = "show_person", tag = "records", path = "/api/v1/persons/{county}/{id}",
    params(("county" = String, Path, description = "County code, the record's distribution key"), ("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "`{person, houses, history, provenance}`, numbers masked"),
        (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Path<(String, String)>,
) -> Result<Json<PersonPage>, AppError> {
    Ok(Json(state.store.person_page(&u.actor, &county, &id).await?))
}

#[utoipa::path(patch, operation_id = "update_person", tag = "records", path = "/api/v1/persons/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path)),
    request_body(content = serde_json::Value, description = "`version` and every field as on create; an empty grid_id keeps the grid"),
    responses((status = 200, body = serde_json::Value), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Changed by someone else, or the ID number is taken"), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Path<(String, String)>,
    Json(b): Json<Versioned<PersonInput>>,
) -> Result<Json<PersonView>, AppError> {
    Ok(Json(
        state
            .store
            .update_person(&u.actor, &county, &id, &b.input, b.version)
            .await?,
    ))
}

#[utoipa::path(delete, operation_id = "delete_person", tag = "records", path = "/api/v1/persons/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path), VersionParam),
    responses((status = 204, description = "Removed with where they lived"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Path<(String, String)>,
    Query(v): Query<VersionParam>,
) -> Result<StatusCode, AppError> {
    state
        .store
        .delete_person(&u.actor, &county, &id, v.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, operation_id = "link_person_house", tag = "records", path = "/api/v1/persons/{county}/{id}/houses",
    params(("county" = String, Path), ("id" = String, Path)),
    request_body(content = serde_json::Value, description = "house_id (same county), relation, since"),
    responses((status = 200, body = serde_json::Value, description = "The link; linking again changes relation and date"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn link(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Path<(String, String)>,
    Json(b): Json<LinkInput>,
) -> Result<Json<gridgov_store::records::LinkView>, AppError> {
    Ok(Json(
        state
            .store
            .link_person_house(&u.actor, &county, &id, &b)
            .await?,
    ))
}

#[utoipa::path(delete, operation_id = "unlink_person_house", tag = "records", path = "/api/v1/persons/{county}/{id}/houses/{house_id}",
    params(("county" = String, Path), ("id" = String, Path), ("house_id" = String, Path)),
    responses((status = 204, description = "No longer lives there"), (status = 404, body = ErrorBody)))]
pub async fn unlink(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id, house_id)): Path<(String, String, String)>,
) -> Result<StatusCode, AppError> {
    state
        .store
        .unlink_person_house(&u.actor, &county, &id, &house_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct UnmaskRequest {
    /// `id_card_no` or `phone`.
    #[serde(default)]
    pub field: String,
    /// Why the full value is needed (4–200 characters); logged with who and when.
    #[serde(default)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnmaskResponse {
    pub field: String,
    pub value: String,
}

/// The protected field named in a request or a form.
pub fn parse_field(s: &str) -> Result<FieldKind, FieldError> {
    FieldKind::ALL
        .into_iter()
        .find(|k| k.label() == s.trim())
        .ok_or_else(|| {
            FieldError::new(
                "field",
                "unknown_field",
                "只能查看身份证号（id_card_no）或电话（phone）",
                "field is id_card_no or phone",
            )
        })
}

#[utoipa::path(post, operation_id = "unmask_person_field", tag = "records", path = "/api/v1/persons/{county}/{id}/unmask",
    params(("county" = String, Path), ("id" = String, Path)), request_body = UnmaskRequest,
    responses((status = 200, body = UnmaskResponse, description = "The full value; the unmasking is logged"),
        (status = 403, body = ErrorBody, description = "The role may not unmask"), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "No reason, too short, or no phone recorded")))]
pub async fn unmask(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Path<(String, String)>,
    Json(b): Json<UnmaskRequest>,
) -> Result<Json<UnmaskResponse>, AppError> {
    let field = parse_field(&b.field)?;
    let value = state
        .store
        .unmask_person_field(&u.actor, &county, &id, field, &b.reason)
        .await?;
    Ok(Json(UnmaskResponse {
        field: field.label().to_owned(),
        value,
    }))
}
