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
mod regions;
mod users;
mod verify;
mod views;

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
        verify::list, verify::show, verify::claim, verify::decide, verify::comparisons,
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
