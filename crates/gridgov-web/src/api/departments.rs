//! Linked departments in JSON: the ones serving the caller's area, one department, creating,
//! changing (with the version read), deactivating and reactivating, and its handlers. The store
//! checks permission and scope: a department of another district is not found.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gridgov_store::departments::{Department, DepartmentFilter, DepartmentInput, DepartmentMember};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new()
        .get("/api/v1/departments", list)
        .post("/api/v1/departments", create)
        .get("/api/v1/departments/{id}", show)
        .patch("/api/v1/departments/{id}", update)
        .post("/api/v1/departments/{id}/deactivate", deactivate)
        .post("/api/v1/departments/{id}/activate", activate)
        .get("/api/v1/departments/{id}/members", members)
        .post("/api/v1/departments/{id}/members", add_member)
        .delete("/api/v1/departments/{id}/members/{user_id}", remove_member)
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentView {
    id: String,
    name: String,
    /// A sector code, e.g. `urban_management`.
    sector: String,
    sector_zh: &'static str,
    sector_en: &'static str,
    /// The region it serves (and everything below it).
    region_code: String,
    region_name: String,
    /// The duty phone; empty when none.
    phone: String,
    active: bool,
    /// How many handlers work for it.
    members: i64,
    /// Send it back when changing; a stale one gets 409.
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl From<Department> for DepartmentView {
    fn from(d: Department) -> Self {
        DepartmentView {
            id: d.id,
            name: d.name,
            sector: d.sector.as_str().to_owned(),
            sector_zh: d.sector.label_zh(),
            sector_en: d.sector.label_en(),
            region_code: d.region_code,
            region_name: d.region_name,
            phone: d.phone,
            active: d.active,
            members: d.members,
            version: d.version,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MemberView {
    user_id: String,
    username: String,
    display_name: String,
    phone: String,
    disabled: bool,
    /// When they joined the department.
    since: i64,
}

impl From<DepartmentMember> for MemberView {
    fn from(m: DepartmentMember) -> Self {
        MemberView {
            user_id: m.user_id,
            username: m.username,
            display_name: m.display_name,
            phone: m.phone,
            disabled: m.disabled,
            since: m.since,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of the name.
    q: Option<String>,
    /// A sector code or its Chinese label.
    sector: Option<String>,
    /// Only this region (inside the caller's scope) and below; 404 for any other.
    region: Option<String>,
    /// Deactivated ones too.
    #[serde(default)]
    include_inactive: bool,
    /// 1–500, default 200.
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct CreateDepartment {
    #[serde(default)]
    name: String,
    /// A sector code or its Chinese label (`urban_management`, `城管`).
    #[serde(default)]
    sector: String,
    /// The region served: a province, city, county or township inside the caller's scope
    /// (`420202`; `420200` for the city).
    #[serde(default)]
    region_code: String,
    /// The duty phone, optional.
    #[serde(default)]
    phone: String,
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateDepartment {
    /// The version read.
    version: i64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    sector: String,
    /// Empty keeps the region; another must lie inside the caller's scope and every handler's.
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    phone: String,
}

#[derive(Deserialize, ToSchema)]
pub struct VersionBody {
    /// The version read.
    pub(crate) version: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct AddMember {
    /// A department handler inside the caller's scope whose scope covers the department's region.
    #[serde(default)]
    username: String,
}

#[utoipa::path(get, operation_id = "list_departments", tag = "departments", path = "/api/v1/departments", params(ListParams),
    responses((status = 200, body = Vec<DepartmentView>, description = "Those inside the caller's scope and those of the regions above it, higher regions first, then by name"),
        (status = 404, body = ErrorBody, description = "The region is not inside the caller's scope"), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    u: ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<DepartmentView>>, AppError> {
    let f = DepartmentFilter {
        q: p.q.unwrap_or_default(),
        sector: p.sector.unwrap_or_default(),
        region: p.region.unwrap_or_default(),
        include_inactive: p.include_inactive,
        limit: p.limit.unwrap_or(200),
        offset: p.offset.unwrap_or(0),
    };
    let list = state.store.departments(&u.actor, &f).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, operation_id = "create_department", tag = "departments", path = "/api/v1/departments", request_body = CreateDepartment,
    responses((status = 201, body = DepartmentView), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The region has a department of this name"),
        (status = 422, body = ErrorBody, description = "A field is wrong, or the region is not inside the caller's scope")))]
pub async fn create(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<CreateDepartment>,
) -> Result<(StatusCode, Json<DepartmentView>), AppError> {
    let input = DepartmentInput {
        name: b.name,
        sector: b.sector,
        region_code: b.region_code,
        phone: b.phone,
    };
    let d = state.store.create_department(&u.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

#[utoipa::path(get, operation_id = "show_department", tag = "departments", path = "/api/v1/departments/{id}", params(("id" = String, Path)),
    responses((status = 200, body = DepartmentView), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<DepartmentView>, AppError> {
    Ok(Json(state.store.department(&u.actor, &id).await?.into()))
}

#[utoipa::path(patch, operation_id = "update_department", tag = "departments", path = "/api/v1/departments/{id}", params(("id" = String, Path)), request_body = UpdateDepartment,
    responses((status = 200, body = DepartmentView),
        (status = 403, body = ErrorBody, description = "Not the caller's to change (a higher region's department, or no permission)"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Stale version, or the name is taken"),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(b): Json<UpdateDepartment>,
) -> Result<Json<DepartmentView>, AppError> {
    let input = DepartmentInput {
        name: b.name,
        sector: b.sector,
        region_code: b.region_code,
        phone: b.phone,
    };
    let d = state
        .store
        .update_department(&u.actor, &id, &input, b.version)
        .await?;
    Ok(Json(d.into()))
}

#[utoipa::path(post, operation_id = "deactivate_department", tag = "departments", path = "/api/v1/departments/{id}/deactivate", params(("id" = String, Path)), request_body = VersionBody,
    responses((status = 200, body = DepartmentView, description = "It keeps its handlers and history; no new work is sent to it"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn deactivate(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(b): Json<VersionBody>,
) -> Result<Json<DepartmentView>, AppError> {
    let d = state
        .store
        .set_department_active(&u.actor, &id, false, b.version)
        .await?;
    Ok(Json(d.into()))
}

#[utoipa::path(post, operation_id = "activate_department", tag = "departments", path = "/api/v1/departments/{id}/activate", params(("id" = String, Path)), request_body = VersionBody,
    responses((status = 200, body = DepartmentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn activate(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(b): Json<VersionBody>,
) -> Result<Json<DepartmentView>, AppError> {
    let d = state
        .store
        .set_department_active(&u.actor, &id, true, b.version)
        .await?;
    Ok(Json(d.into()))
}

#[utoipa::path(get, operation_id = "list_department_members", tag = "departments", path = "/api/v1/departments/{id}/members", params(("id" = String, Path)),
    responses((status = 200, body = Vec<MemberView>, description = "By name"), (status = 404, body = ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<MemberView>>, AppError> {
    let list = state.store.department_members(&u.actor, &id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, operation_id = "add_department_member", tag = "departments", path = "/api/v1/departments/{id}/members", params(("id" = String, Path)), request_body = AddMember,
    responses((status = 201, body = MemberView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The user already works for a department"),
        (status = 422, body = ErrorBody, description = "No such handler inside the caller's scope, not a handler, disabled, or their scope does not cover the department's region")))]
pub async fn add_member(
    State(state): State<AppState>,
    u: ApiUser,
    Path(id): Path<String>,
    Json(b): Json<AddMember>,
) -> Result<(StatusCode, Json<MemberView>), AppError> {
    let m = state
        .store
        .add_department_member(&u.actor, &id, &b.username)
        .await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

#[utoipa::path(delete, operation_id = "remove_department_member", tag = "departments", path = "/api/v1/departments/{id}/members/{user_id}",
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such department, or the user is not one of its handlers")))]
pub async fn remove_member(
    State(state): State<AppState>,
    u: ApiUser,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    state
        .store
        .remove_department_member(&u.actor, &id, &user_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
