//! Buildings, houses, organizations, places and cameras in JSON: create, read, correct (with
//! the version read), remove. Text fields throughout, numbers too (`"7"`), as the forms and the
//! import templates give them; the store checks them with core's rules.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use gridgov_store::records::{
    BuildingInput, BuildingPage, BuildingView, CameraInput, CameraView, HouseInput, HousePage,
    HouseView, OrganizationInput, OrganizationView, PlaceInput, PlaceView,
};

use super::records_persons::{VersionParam, Versioned};
use crate::app::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};

type Key = Path<(String, String)>;

#[utoipa::path(post, operation_id = "create_building", tag = "records", path = "/api/v1/buildings",
    request_body(content = serde_json::Value, description = "grid_id, code, address, floors, units, building_head (username)"),
    responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The grid has a building with this code"), (status = 422, body = ErrorBody)))]
pub async fn create_building(
    State(state): State<AppState>,
    u: ApiUser,
    Json(b): Json<BuildingInput>,
) -> Result<(StatusCode, Json<BuildingView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_building(&u.actor, &b).await?),
    ))
}

#[utoipa::path(get, operation_id = "show_building", tag = "records", path = "/api/v1/buildings/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "`{building, houses}` with residents counted"), (status = 404, body = ErrorBody)))]
pub async fn show_building(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
) -> Result<Json<BuildingPage>, AppError> {
    Ok(Json(
        state.store.building_houses(&u.actor, &county, &id).await?,
    ))
}

#[utoipa::path(patch, operation_id = "update_building", tag = "records", path = "/api/v1/buildings/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path)),
    request_body(content = serde_json::Value, description = "`version` and the fields as on create"),
    responses((status = 200, body = serde_json::Value), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_building(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Json(b): Json<Versioned<BuildingInput>>,
) -> Result<Json<BuildingView>, AppError> {
    Ok(Json(
        state
            .store
            .update_building(&u.actor, &county, &id, &b.input, b.version)
            .await?,
    ))
}

#[utoipa::path(delete, operation_id = "delete_building", tag = "records", path = "/api/v1/buildings/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path), VersionParam),
    responses((status = 204, description = "Removed"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Stale version, or houses are left in it")))]
pub async fn delete_building(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Query(v): Query<VersionParam>,
) -> Result<StatusCode, AppError> {
    state
        .store
        .delete_building(&u.actor, &county, &id, v.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, operation_id = "create_house", tag = "records", path = "/api/v1/buildings/{county}/{id}/houses",
    params(("county" = String, Path), ("id" = String, Path, description = "The building")),
    request_body(content = serde_json::Value, description = "unit, number, house_use, area_m2"),
    responses((status = 201, body = serde_json::Value), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The building has this unit and number"), (status = 422, body = ErrorBody)))]
pub async fn create_house(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Json(b): Json<HouseInput>,
) -> Result<(StatusCode, Json<HouseView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_house(&u.actor, &county, &id, &b).await?),
    ))
}

#[utoipa::path(get, operation_id = "show_house", tag = "records", path = "/api/v1/houses/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = serde_json::Value, description = "`{house, residents}`, numbers masked"), (status = 404, body = ErrorBody)))]
pub async fn show_house(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
) -> Result<Json<HousePage>, AppError> {
    Ok(Json(
        state.store.house_residents(&u.actor, &county, &id).await?,
    ))
}

#[utoipa::path(patch, operation_id = "update_house", tag = "records", path = "/api/v1/houses/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path)),
    request_body(content = serde_json::Value, description = "`version` and unit, number, house_use, area_m2"),
    responses((status = 200, body = serde_json::Value), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_house(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Json(b): Json<Versioned<HouseInput>>,
) -> Result<Json<HouseView>, AppError> {
    Ok(Json(
        state
            .store
            .update_house(&u.actor, &county, &id, &b.input, b.version)
            .await?,
    ))
}

#[utoipa::path(delete, operation_id = "delete_house", tag = "records", path = "/api/v1/houses/{county}/{id}",
    params(("county" = String, Path), ("id" = String, Path), VersionParam),
    responses((status = 204, description = "Removed"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Stale version, or people still live there")))]
pub async fn delete_house(
    State(state): State<AppState>,
    u: ApiUser,
    Path((county, id)): Key,
    Query(v): Query<VersionParam>,
) -> Result<StatusCode, AppError> {
    state
        .store
        .delete_house(&u.actor, &county, &id, v.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create, read, update and delete of one of the small grid-level kinds, whose store calls
/// share one shape.
macro_rules! grid_record_api {
    ($input:ty, $view:ty, $tag_path:literal, $item_path:literal,
     $create:ident, $create_op:literal, $store_create:ident,
     $show:ident, $show_op:literal, $store_show:ident,
     $update:ident, $update_op:literal, $store_update:ident,
     $delete:ident, $delete_op:literal, $store_delete:ident, $fields:literal) => {
        #[utoipa::path(post, operation_id = $create_op, tag = "records", path = $tag_path,
            request_body(content = serde_json::Value, description = $fields),
            responses((status = 201, body = serde_json::Value), (status = 403, body = ErrorBody),
                (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub async fn $create(
            State(state): State<AppState>,
            u: ApiUser,
            Json(b): Json<$input>,
        ) -> Result<(StatusCode, Json<$view>), AppError> {
            Ok((StatusCode::CREATED, Json(state.store.$store_create(&u.actor, &b).await?)))
        }

        #[utoipa::path(get, operation_id = $show_op, tag = "records", path = $item_path,
            params(("county" = String, Path), ("id" = String, Path)),
            responses((status = 200, body = serde_json::Value), (status = 404, body = ErrorBody)))]
        pub async fn $show(
            State(state): State<AppState>,
            u: ApiUser,
            Path((county, id)): Key,
        ) -> Result<Json<$view>, AppError> {
            Ok(Json(state.store.$store_show(&u.actor, &county, &id).await?))
        }

        #[utoipa::path(patch, operation_id = $update_op, tag = "records", path = $item_path,
            params(("county" = String, Path), ("id" = String, Path)),
            request_body(content = serde_json::Value, description = "`version` and the fields as on create"),
            responses((status = 200, body = serde_json::Value), (status = 404, body = ErrorBody),
                (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub async fn $update(
            State(state): State<AppState>,
            u: ApiUser,
            Path((county, id)): Key,
            Json(b): Json<Versioned<$input>>,
        ) -> Result<Json<$view>, AppError> {
            Ok(Json(
                state
                    .store
                    .$store_update(&u.actor, &county, &id, &b.input, b.version)
                    .await?,
            ))
        }

        #[utoipa::path(delete, operation_id = $delete_op, tag = "records", path = $item_path,
            params(("county" = String, Path), ("id" = String, Path), VersionParam),
            responses((status = 204, description = "Removed"), (status = 404, body = ErrorBody),
                (status = 409, body = ErrorBody)))]
        pub async fn $delete(
            State(state): State<AppState>,
            u: ApiUser,
            Path((county, id)): Key,
            Query(v): Query<VersionParam>,
        ) -> Result<StatusCode, AppError> {
            state
                .store
                .$store_delete(&u.actor, &county, &id, v.version)
                .await?;
            Ok(StatusCode::NO_CONTENT)
        }
    };
}

grid_record_api!(
    OrganizationInput,
    OrganizationView,
    "/api/v1/organizations",
    "/api/v1/organizations/{county}/{id}",
    create_organization,
    "create_organization",
    create_organization,
    show_organization,
    "show_organization",
    organization,
    update_organization,
    "update_organization",
    update_organization,
    delete_organization,
    "delete_organization",
    delete_organization,
    "grid_id, name, kind, credit_code, address, contact, phone"
);
grid_record_api!(
    PlaceInput,
    PlaceView,
    "/api/v1/places",
    "/api/v1/places/{county}/{id}",
    create_place,
    "create_place",
    create_place,
    show_place,
    "show_place",
    place,
    update_place,
    "update_place",
    update_place,
    delete_place,
    "delete_place",
    delete_place,
    "grid_id, name, kind, address, lng, lat"
);
grid_record_api!(
    CameraInput,
    CameraView,
    "/api/v1/cameras",
    "/api/v1/cameras/{county}/{id}",
    create_camera,
    "create_camera",
    create_camera,
    show_camera,
    "show_camera",
    camera,
    update_camera,
    "update_camera",
    update_camera,
    delete_camera,
    "delete_camera",
    delete_camera,
    "grid_id, code, name, lng, lat"
);
