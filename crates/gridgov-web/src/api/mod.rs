//! The JSON API under `/api/v1`, for the mobile client and integrations. Authenticated by bearer
//! token (from `POST /api/v1/auth/token` or the account page) or by the desk UI's session.
//! The OpenAPI document at `/api/v1/openapi.json` is generated from these handlers.

mod audit;
mod auth;
mod form_views;
mod forms;
mod grid_boundaries;
mod grid_micro;
mod grid_staff;
mod grid_views;
mod grids;
mod me;
mod records_persons;
mod records_places;
mod records_views;
mod regions;
mod users;
mod verify;
mod views;

/// The streamed CSV download of a person export, shared with the desk's export button.
pub(crate) use records_views::csv_response;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;

use crate::app::AppState;
use crate::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gridgov API",
        description = "网格化社会治理平台 JSON API. Errors share one shape: a stable `code`, a message in Chinese and English, and the fields at fault.",
        version = "1"
    ),
    paths(
        auth::token,
        me::me,
        regions::root,
        regions::show,
        users::list,
        users::create,
        users::show,
        users::update,
        users::disable,
        users::enable,
        audit::list,
        grids::list,
        grids::counts,
        grids::create,
        grids::show,
        grids::update,
        grids::retire,
        grids::locate,
        grids::one_per_village,
        grids::card,
        grid_staff::list,
        grid_staff::assign,
        grid_staff::remove,
        grid_staff::pair,
        grid_staff::unpair,
        grid_micro::list,
        grid_micro::add,
        grid_micro::remove,
        grid_boundaries::import,
        grid_boundaries::export,
        grid_boundaries::import_regions,
        grid_boundaries::split,
        grid_boundaries::merge,
        forms::list, forms::create, forms::show, forms::publish,
        forms::record_forms, forms::record_form, forms::set_values,
        records_persons::search,
        records_persons::create,
        records_persons::show,
        records_persons::update,
        records_persons::delete,
        records_persons::link,
        records_persons::unlink,
        records_persons::unmask,
        records_places::create_building,
        records_places::show_building,
        records_places::update_building,
        records_places::delete_building,
        records_places::create_house,
        records_places::show_house,
        records_places::update_house,
        records_places::delete_house,
        records_places::create_organization,
        records_places::show_organization,
        records_places::update_organization,
        records_places::delete_organization,
        records_places::create_place,
        records_places::show_place,
        records_places::update_place,
        records_places::delete_place,
        records_places::create_camera,
        records_places::show_camera,
        records_places::update_camera,
        records_places::delete_camera,
        records_views::grid_buildings,
        records_views::grid_residents,
        records_views::grid_organizations,
        records_views::grid_places,
        records_views::grid_cameras,
        records_views::counts,
        records_views::unmask_log,
        records_views::export,
        verify::list, verify::show, verify::claim, verify::release, verify::decide, verify::comparisons,
    ),
    components(schemas(
        ErrorBody,
        views::UserView,
        views::RegionView,
        views::RegionChildView,
        views::RegionPage,
        views::AuditView,
        auth::TokenRequest,
        auth::TokenResponse,
        users::CreateUser,
        users::UpdateUser,
        grid_views::GridView,
        grid_views::GridDetail,
        grid_views::StaffView,
        grid_views::MicroGridView,
        grid_views::GridRefView,
        grid_views::LineageView,
        grid_views::GridCountsView,
        grid_views::BoundaryImportView,
        grid_views::RegionBoundaryView,
        grid_views::SplitView,
        grid_views::VillageModeView,
        grid_views::CreatedId,
        grid_views::GridCardView,
        grid_views::CardPersonView,
        grid_views::LocateView,
        grid_views::PointView,
        grids::CreateGrid,
        grids::UpdateGrid,
        grids::RetireGrid,
        grids::OnePerVillage,
        grid_staff::AssignStaff,
        grid_staff::PairPolice,
        grid_micro::AddMicroGrid,
        grid_boundaries::MergeGrids,
        records_persons::UnmaskRequest,
        records_persons::UnmaskResponse,
        records_views::ExportRequest,
        verify::TaskView, verify::ComparisonView, verify::DecideRequest, verify::CorrectionDoc,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/auth/token", post(auth::token))
        .route("/api/v1/me", get(me::me))
        .route("/api/v1/regions", get(regions::root))
        .route("/api/v1/regions/{code}", get(regions::show))
        .route("/api/v1/users", get(users::list).post(users::create))
        .route("/api/v1/users/{id}", get(users::show).patch(users::update))
        .route("/api/v1/users/{id}/disable", post(users::disable))
        .route("/api/v1/users/{id}/enable", post(users::enable))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/grids", get(grids::list).post(grids::create))
        .route("/api/v1/grids/counts", get(grids::counts))
        .route("/api/v1/grids/locate", get(grids::locate))
        .route("/api/v1/grids/boundaries", get(grid_boundaries::export))
        .route("/api/v1/grids/merge", post(grid_boundaries::merge))
        .route(
            "/api/v1/grids/one-per-village",
            post(grids::one_per_village),
        )
        .route("/api/v1/grids/{id}", get(grids::show).patch(grids::update))
        .route("/api/v1/grids/{id}/retire", post(grids::retire))
        .route("/api/v1/grids/{id}/split", post(grid_boundaries::split))
        .route(
            "/api/v1/grids/{id}/staff",
            get(grid_staff::list).post(grid_staff::assign),
        )
        .route(
            "/api/v1/grids/{id}/staff/{user_id}/{duty}",
            delete(grid_staff::remove),
        )
        .route(
            "/api/v1/grids/{id}/micro-grids",
            get(grid_micro::list).post(grid_micro::add),
        )
        .route(
            "/api/v1/grids/{id}/micro-grids/{code}",
            delete(grid_micro::remove),
        )
        .route(
            "/api/v1/grids/{id}/police",
            post(grid_staff::pair).delete(grid_staff::unpair),
        )
        .route("/api/v1/grid-cards/{region_code}/{code}", get(grids::card))
        .merge(forms::router())
        .merge(verify::router())
        .merge(records_router())
}

/// Base data records: persons, buildings, houses, organizations, places, cameras and the views.
fn records_router() -> Router<AppState> {
    use records_persons as p;
    use records_places as r;
    use records_views as v;
    Router::new()
        .route("/api/v1/persons", get(p::search).post(p::create))
        .route("/api/v1/persons/export", post(v::export))
        .route(
            "/api/v1/persons/{county}/{id}",
            get(p::show).patch(p::update).delete(p::delete),
        )
        .route("/api/v1/persons/{county}/{id}/houses", post(p::link))
        .route(
            "/api/v1/persons/{county}/{id}/houses/{house_id}",
            delete(p::unlink),
        )
        .route("/api/v1/persons/{county}/{id}/unmask", post(p::unmask))
        .route("/api/v1/buildings", post(r::create_building))
        .route(
            "/api/v1/buildings/{county}/{id}",
            get(r::show_building)
                .patch(r::update_building)
                .delete(r::delete_building),
        )
        .route(
            "/api/v1/buildings/{county}/{id}/houses",
            post(r::create_house),
        )
        .route(
            "/api/v1/houses/{county}/{id}",
            get(r::show_house)
                .patch(r::update_house)
                .delete(r::delete_house),
        )
        .route("/api/v1/organizations", post(r::create_organization))
        .route(
            "/api/v1/organizations/{county}/{id}",
            get(r::show_organization)
                .patch(r::update_organization)
                .delete(r::delete_organization),
        )
        .route("/api/v1/places", post(r::create_place))
        .route(
            "/api/v1/places/{county}/{id}",
            get(r::show_place)
                .patch(r::update_place)
                .delete(r::delete_place),
        )
        .route("/api/v1/cameras", post(r::create_camera))
        .route(
            "/api/v1/cameras/{county}/{id}",
            get(r::show_camera)
                .patch(r::update_camera)
                .delete(r::delete_camera),
        )
        .route("/api/v1/grids/{id}/buildings", get(v::grid_buildings))
        .route("/api/v1/grids/{id}/residents", get(v::grid_residents))
        .route(
            "/api/v1/grids/{id}/organizations",
            get(v::grid_organizations),
        )
        .route("/api/v1/grids/{id}/places", get(v::grid_places))
        .route("/api/v1/grids/{id}/cameras", get(v::grid_cameras))
        .route("/api/v1/population-counts", get(v::counts))
        .route("/api/v1/unmask-log", get(v::unmask_log))
}

/// Routes that take whole boundary files, each with its own body limit
/// ([`grid_boundaries::UPLOAD_LIMIT`]). The app must not wrap these in the global limit, which
/// would still apply from outside; it merges them beside the limited routes instead.
pub fn upload_router() -> Router<AppState> {
    // The layer refuses an oversized Content-Length at once; the extractor's own default (2 MB)
    // has to be raised to match, or it would cut the body short.
    let limit = || {
        (
            DefaultBodyLimit::max(grid_boundaries::UPLOAD_LIMIT),
            RequestBodyLimitLayer::new(grid_boundaries::UPLOAD_LIMIT),
        )
    };
    Router::new()
        .route(
            "/api/v1/grids/boundaries",
            post(grid_boundaries::import).layer(limit()),
        )
        .route(
            "/api/v1/regions/boundaries",
            post(grid_boundaries::import_regions).layer(limit()),
        )
}
