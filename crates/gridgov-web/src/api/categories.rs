//! The incident category tree in JSON: the tree for everyone, changes for system administrators
//! (a category's code and place are fixed once made; incidents keep the code).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gridgov_store::categories::{Category, CategoryInput};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::departments::VersionBody;
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/api/v1/incident-categories", tree)
        .post("/api/v1/incident-categories", create)
        .get("/api/v1/incident-categories/{code}", show)
        .patch("/api/v1/incident-categories/{code}", update)
        .post("/api/v1/incident-categories/{code}/deactivate", deactivate)
        .post("/api/v1/incident-categories/{code}/activate", activate)
}

#[derive(Serialize, ToSchema)]
pub struct CategoryView {
    /// Two digits per level: `03`, `0302`, `030202`.
    code: String,
    parent_code: Option<String>,
    /// 1, 2 or 3.
    level: i64,
    name: String,
    /// Empty when none was given.
    name_en: String,
    /// `general`, `serious`, `major` or `urgent`.
    default_grade: String,
    /// Sector codes of the departments that usually handle it.
    sectors: Vec<String>,
    /// Closing needs evidence (a photo, the mediation result, the written reply).
    evidence_required: bool,
    /// Offered to citizens' reports.
    public: bool,
    /// As set on the category itself.
    active: bool,
    /// Active, and so is everything above it: what reports may use.
    in_use: bool,
    sort_order: i64,
    /// The most working days a task of it may be extended by in all (延期); null for the
    /// default of 10.
    max_extension_days: Option<i64>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<Category> for CategoryView {
    fn from(c: Category) -> Self {
        CategoryView {
            code: c.code,
            parent_code: c.parent_code,
            level: c.level,
            name: c.name,
            name_en: c.name_en,
            default_grade: c.default_grade.as_str().to_owned(),
            sectors: c.sectors.iter().map(|s| s.as_str().to_owned()).collect(),
            evidence_required: c.evidence_required,
            public: c.public,
            active: c.active,
            in_use: c.in_use,
            sort_order: c.sort_order,
            max_extension_days: c.max_extension_days,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TreeParams {
    /// Deactivated ones (and those below them) too.
    #[serde(default)]
    include_inactive: bool,
}

/// A category as sent. On a change, `code` and `parent_code` may be left out; sent, they must be
/// the category's own.
#[derive(Deserialize, ToSchema)]
pub struct CategoryBody {
    #[serde(default)]
    code: String,
    /// Empty: the parent the code implies.
    #[serde(default)]
    parent_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    name_en: String,
    /// A grade code or label; empty is `general`.
    #[serde(default)]
    default_grade: String,
    /// Sector codes or Chinese labels.
    #[serde(default)]
    sectors: Vec<String>,
    #[serde(default)]
    evidence_required: bool,
    /// Default true.
    public: Option<bool>,
    /// Place among its siblings; default the code's last two digits.
    sort_order: Option<i64>,
    /// The most working days a task may be extended by in all (1 to 60); null for the default.
    max_extension_days: Option<i64>,
}

impl From<CategoryBody> for CategoryInput {
    fn from(b: CategoryBody) -> Self {
        CategoryInput {
            code: b.code,
            parent_code: b.parent_code,
            name: b.name,
            name_en: b.name_en,
            default_grade: b.default_grade,
            sectors: b.sectors,
            evidence_required: b.evidence_required,
            public: b.public.unwrap_or(true),
            sort_order: b.sort_order.map(|n| n.to_string()).unwrap_or_default(),
            max_extension_days: b
                .max_extension_days
                .map(|n| n.to_string())
                .unwrap_or_default(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateCategory {
    /// The version read.
    version: i64,
    #[serde(flatten)]
    #[schema(inline)]
    category: CategoryBody,
}

#[utoipa::path(get, operation_id = "list_incident_categories", tag = "categories", path = "/api/v1/incident-categories", params(TreeParams),
    responses((status = 200, body = Vec<CategoryView>, description = "The whole tree, each parent followed by its children")))]
pub async fn tree(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<TreeParams>,
) -> Result<Json<Vec<CategoryView>>, AppError> {
    let all = state
        .store
        .category_tree(&u.actor, p.include_inactive)
        .await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, operation_id = "create_incident_category", tag = "categories", path = "/api/v1/incident-categories", request_body = CategoryBody,
    responses((status = 201, body = CategoryView), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The code is taken"),
        (status = 422, body = ErrorBody, description = "A field is wrong, the code does not extend its parent's, or a fourth level")))]
pub async fn create(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<CategoryBody>,
) -> Result<(StatusCode, Json<CategoryView>), AppError> {
    let c = state.store.create_category(&u.actor, &b.into()).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

#[utoipa::path(get, operation_id = "show_incident_category", tag = "categories", path = "/api/v1/incident-categories/{code}", params(("code" = String, Path)),
    responses((status = 200, body = CategoryView), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(code): Path<String>,
) -> Result<Json<CategoryView>, AppError> {
    Ok(Json(state.store.category(&u.actor, &code).await?.into()))
}

#[utoipa::path(patch, operation_id = "update_incident_category", tag = "categories", path = "/api/v1/incident-categories/{code}", params(("code" = String, Path)), request_body = UpdateCategory,
    responses((status = 200, body = CategoryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Stale version"), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    u: ApiUser,
    Path(code): Path<String>,
    Json(b): Json<UpdateCategory>,
) -> Result<Json<CategoryView>, AppError> {
    let c = state
        .store
        .update_category(&u.actor, &code, &b.category.into(), b.version)
        .await?;
    Ok(Json(c.into()))
}

#[utoipa::path(post, operation_id = "deactivate_incident_category", tag = "categories", path = "/api/v1/incident-categories/{code}/deactivate", params(("code" = String, Path)), request_body = VersionBody,
    responses((status = 200, body = CategoryView, description = "It and everything below it are offered to no new report"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn deactivate(
    State(state): State<AppState>,
    u: ApiUser,
    Path(code): Path<String>,
    Json(b): Json<VersionBody>,
) -> Result<Json<CategoryView>, AppError> {
    let c = state
        .store
        .set_category_active(&u.actor, &code, false, b.version)
        .await?;
    Ok(Json(c.into()))
}

#[utoipa::path(post, operation_id = "activate_incident_category", tag = "categories", path = "/api/v1/incident-categories/{code}/activate", params(("code" = String, Path)), request_body = VersionBody,
    responses((status = 200, body = CategoryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn activate(
    State(state): State<AppState>,
    u: ApiUser,
    Path(code): Path<String>,
    Json(b): Json<VersionBody>,
) -> Result<Json<CategoryView>, AppError> {
    let c = state
        .store
        .set_category_active(&u.actor, &code, true, b.version)
        .await?;
    Ok(Json(c.into()))
}
