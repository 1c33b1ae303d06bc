//! The one collection form (一表单) in JSON: departments register forms and publish versions;
//! the phone reads a record's forms and saves their values. The store checks permission, scope
//! and the values; a record outside the caller's scope is simply not found.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gridgov_core::forms::FormTarget;
use gridgov_store::StoreError;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::form_views::{FormDefinitionDoc, FormDetail, FormSummaryView, RecordFormView};
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/api/v1/forms", list)
        .post("/api/v1/forms", create)
        .get("/api/v1/forms/{id}", show)
        .post("/api/v1/forms/{id}/versions", publish)
        .get("/api/v1/records/{kind}/{id}/forms", record_forms)
        .get("/api/v1/records/{kind}/{id}/forms/{form_id}", record_form)
        .put("/api/v1/records/{kind}/{id}/forms/{form_id}", set_values)
}

/// The kind of record in a path. An unknown kind names no collection, so it is not found.
fn record_kind(kind: &str) -> Result<FormTarget, AppError> {
    FormTarget::ALL
        .into_iter()
        .find(|t| t.as_str() == kind)
        .ok_or(AppError::Store(StoreError::NotFound))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `persons`, `houses`, `places` or `organizations`; absent for every form.
    target: Option<String>,
}

#[utoipa::path(get, operation_id = "list_forms", tag = "forms", path = "/api/v1/forms", params(ListParams),
    responses((status = 200, body = Vec<FormSummaryView>, description = "By target, then key"),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody, description = "Unknown target")))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<FormSummaryView>>, AppError> {
    let target = match p.target.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(FormTarget::parse("target", t)?),
        None => None,
    };
    let forms = state.store.forms(&u.actor, target).await?;
    Ok(Json(forms.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, operation_id = "create_form", tag = "forms", path = "/api/v1/forms", request_body = FormDefinitionDoc,
    responses((status = 201, body = FormDetail), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "A form of this target has the key"),
        (status = 422, body = ErrorBody, description = "Every fault of the definition, at its place")))]
pub async fn create(
    State(state): State<AppState>,
    u: ApiUser,
    Json(definition): Json<Value>,
) -> Result<(StatusCode, Json<FormDetail>), AppError> {
    let form = state.store.create_form(&u.actor, &definition).await?;
    Ok((StatusCode::CREATED, Json(form.into())))
}

#[utoipa::path(get, operation_id = "show_form", tag = "forms", path = "/api/v1/forms/{id}", params(("id" = String, Path)),
    responses((status = 200, body = FormDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<FormDetail>, AppError> {
    Ok(Json(state.store.form(&u.actor, &id).await?.into()))
}

#[utoipa::path(post, operation_id = "publish_form_version", tag = "forms", path = "/api/v1/forms/{id}/versions",
    params(("id" = String, Path)), request_body = FormDefinitionDoc,
    responses((status = 201, body = FormDetail, description = "The form with the new version as current; stored values keep theirs"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Faults of the definition; `key` or `target` when they differ from the form's")))]
pub async fn publish(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(definition): Json<Value>,
) -> Result<(StatusCode, Json<FormDetail>), AppError> {
    let form = state
        .store
        .publish_version(&u.actor, &id, &definition)
        .await?;
    Ok((StatusCode::CREATED, Json(form.into())))
}

#[utoipa::path(get, operation_id = "list_record_forms", tag = "forms", path = "/api/v1/records/{kind}/{id}/forms",
    params(("kind" = String, Path, description = "`persons`, `houses`, `places` or `organizations`"), ("id" = String, Path)),
    responses((status = 200, body = Vec<RecordFormView>, description = "The forms with values stored on the record, by form key"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such record inside the caller's scope")))]
pub async fn record_forms(
    State(state): State<AppState>,
    u: ApiUser,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<Vec<RecordFormView>>, AppError> {
    let kind = record_kind(&kind)?;
    let all = state.store.values_of(&u.actor, kind, &id).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, operation_id = "show_record_form", tag = "forms", path = "/api/v1/records/{kind}/{id}/forms/{form_id}",
    params(("kind" = String, Path, description = "`persons`, `houses`, `places` or `organizations`"), ("id" = String, Path), ("form_id" = String, Path)),
    responses((status = 200, body = RecordFormView, description = "The stored values with their version's definition; the current version and no values while none are stored"),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such record inside the caller's scope, or no such form for this kind of record")))]
pub async fn record_form(
    State(state): State<AppState>,
    u: ApiUser,
    Path((kind, id, form_id)): Path<(String, String, String)>,
) -> Result<Json<RecordFormView>, AppError> {
    let kind = record_kind(&kind)?;
    let values = state
        .store
        .record_form(&u.actor, kind, &id, &form_id)
        .await?;
    Ok(Json(values.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct SetValues {
    /// Field key → value. Blank text, `null` and empty lists count as not filled in.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub values: Value,
}

#[utoipa::path(put, operation_id = "set_record_form_values", tag = "forms", path = "/api/v1/records/{kind}/{id}/forms/{form_id}",
    params(("kind" = String, Path, description = "`persons`, `houses`, `places` or `organizations`"), ("id" = String, Path), ("form_id" = String, Path)),
    request_body = SetValues,
    responses((status = 200, body = RecordFormView, description = "The values as stored, checked against the form's current version"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "No such record inside the caller's scope, or no such form"),
        (status = 422, body = ErrorBody, description = "Each field at fault, by key, with the reason in Chinese and English; nothing is stored")))]
pub async fn set_values(
    State(state): State<AppState>,
    u: ApiUser,
    Path((kind, id, form_id)): Path<(String, String, String)>,
    Json(b): Json<SetValues>,
) -> Result<Json<RecordFormView>, AppError> {
    let kind = record_kind(&kind)?;
    let stored = state
        .store
        .set_values(&u.actor, kind, &id, &form_id, &b.values)
        .await?;
    Ok(Json(stored.into()))
}
