//! The JSON API under `/api/v1`, for the mobile client and integrations. Authenticated by bearer
//! token (from `POST /api/v1/auth/token` or the account page) or by the desk UI's session.
//! The OpenAPI document at `/api/v1/openapi.json` is generated from these handlers.

mod attachments;
mod audit;
mod auth;
mod bridges;
mod categories;
mod departments;
mod form_views;
mod forms;
mod grid_boundaries;
mod grid_micro;
mod grid_staff;
mod grid_views;
mod grids;
mod incident_duplicates;
mod incidents;
mod jobs;
mod me;
mod notices;
mod records_persons;
mod records_places;
mod records_views;
mod regions;
mod settings;
mod suggestions;
mod supervision;
mod users;
mod verify;
mod views;

/// The attachment bytes as served, shared with the desk's attachment routes.
pub(crate) use attachments::content_response;
/// The streamed CSV download of a person export, shared with the desk's export button.
pub(crate) use records_views::csv_response;

use axum::extract::DefaultBodyLimit;
use axum::routing::MethodRouter;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;

use crate::app::AppState;
use crate::error::ErrorBody;
use crate::routes::{Routes, Verb};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gridgov API",
        description = "网格化社会治理平台 JSON API. Errors share one shape: a stable `code`, a message in Chinese and English, and the fields at fault.",
        version = "1"
    ),
    paths(
        auth::token,
        bridges::receive,
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
        incidents::report, incidents::list, incidents::show, incidents::act, incidents::export,
        incident_duplicates::suggest,
        suggestions::show, suggestions::acceptance,
        supervision::remind, supervision::issue, supervision::listed, supervision::desk,
        supervision::show_card, supervision::act_on_card, supervision::request_extension,
        supervision::decide_extension,
        attachments::upload, attachments::show, attachments::content, attachments::thumbnail,
        departments::list, departments::create, departments::show, departments::update,
        departments::deactivate, departments::activate, departments::members,
        departments::add_member, departments::remove_member,
        categories::tree, categories::create, categories::show, categories::update,
        categories::deactivate, categories::activate,
        jobs::list, jobs::show, jobs::retry,
        notices::list, notices::unread, notices::read, notices::read_all,
        settings::show, settings::set, settings::clear,
        crate::open311::get_root, crate::open311::post::create,
        crate::open311::services::definition, crate::open311::requests::one,
        crate::open311::requests::token,
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
        jobs::JobView, jobs::JobList, jobs::JobCountsView,
        bridges::OrderReceived,
        notices::NoticeView, notices::NoticeList, notices::UnreadCount, notices::MarkedRead,
        verify::TaskView, verify::ComparisonView, verify::DecideRequest, verify::CorrectionDoc,
        departments::DepartmentView, departments::MemberView, departments::CreateDepartment,
        departments::UpdateDepartment, departments::VersionBody, departments::AddMember,
        categories::CategoryView, categories::CategoryBody, categories::UpdateCategory,
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

pub fn router() -> Routes {
    Routes::new()
        .get("/api/v1/openapi.json", openapi_json)
        .post("/api/v1/auth/token", auth::token)
        .get("/api/v1/me", me::me)
        .get("/api/v1/regions", regions::root)
        .get("/api/v1/regions/{code}", regions::show)
        .get("/api/v1/users", users::list)
        .post("/api/v1/users", users::create)
        .get("/api/v1/users/{id}", users::show)
        .patch("/api/v1/users/{id}", users::update)
        .post("/api/v1/users/{id}/disable", users::disable)
        .post("/api/v1/users/{id}/enable", users::enable)
        .get("/api/v1/audit", audit::list)
        .get("/api/v1/grids", grids::list)
        .post("/api/v1/grids", grids::create)
        .get("/api/v1/grids/counts", grids::counts)
        .get("/api/v1/grids/locate", grids::locate)
        .get("/api/v1/grids/boundaries", grid_boundaries::export)
        .post("/api/v1/grids/merge", grid_boundaries::merge)
        .post("/api/v1/grids/one-per-village", grids::one_per_village)
        .get("/api/v1/grids/{id}", grids::show)
        .patch("/api/v1/grids/{id}", grids::update)
        .post("/api/v1/grids/{id}/retire", grids::retire)
        .post("/api/v1/grids/{id}/split", grid_boundaries::split)
        .get("/api/v1/grids/{id}/staff", grid_staff::list)
        .post("/api/v1/grids/{id}/staff", grid_staff::assign)
        .delete(
            "/api/v1/grids/{id}/staff/{user_id}/{duty}",
            grid_staff::remove,
        )
        .get("/api/v1/grids/{id}/micro-grids", grid_micro::list)
        .post("/api/v1/grids/{id}/micro-grids", grid_micro::add)
        .delete("/api/v1/grids/{id}/micro-grids/{code}", grid_micro::remove)
        .post("/api/v1/grids/{id}/police", grid_staff::pair)
        .delete("/api/v1/grids/{id}/police", grid_staff::unpair)
        .get("/api/v1/grid-cards/{region_code}/{code}", grids::card)
        .merge(forms::router())
        .merge(verify::router())
        .merge(jobs::router())
        .merge(notices::router())
        .merge(bridges::router())
        .merge(departments::router())
        .merge(categories::router())
        .merge(settings::router())
        .merge(records_router())
}

/// Base data records: persons, buildings, houses, organizations, places, cameras and the views.
fn records_router() -> Routes {
    use records_persons as p;
    use records_places as r;
    use records_views as v;
    Routes::new()
        .post("/api/v1/incidents", incidents::report)
        .get("/api/v1/incidents", incidents::list)
        .get("/api/v1/incidents/export", incidents::export)
        .post("/api/v1/incidents/duplicates", incident_duplicates::suggest)
        .get("/api/v1/incidents/{county}/{id}", incidents::show)
        .get(
            "/api/v1/incidents/{county}/{id}/suggestion",
            suggestions::show,
        )
        .get("/api/v1/suggestions/acceptance", suggestions::acceptance)
        .post("/api/v1/incidents/{county}/{id}/actions", incidents::act)
        .post(
            "/api/v1/incidents/{county}/{id}/reminders",
            supervision::remind,
        )
        .post("/api/v1/incidents/{county}/{id}/cards", supervision::issue)
        .post(
            "/api/v1/incidents/{county}/{id}/extensions",
            supervision::request_extension,
        )
        .post(
            "/api/v1/incidents/{county}/{id}/extensions/{extension}",
            supervision::decide_extension,
        )
        .get("/api/v1/supervision", supervision::desk)
        .post("/api/v1/supervision/listed", supervision::listed)
        .get(
            "/api/v1/supervision/cards/{county}/{id}",
            supervision::show_card,
        )
        .post(
            "/api/v1/supervision/cards/{county}/{id}/actions",
            supervision::act_on_card,
        )
        .get("/api/v1/attachments/{id}", attachments::show)
        .get("/api/v1/attachments/{id}/content", attachments::content)
        .get("/api/v1/attachments/{id}/thumb", attachments::thumbnail)
        .get("/api/v1/persons", p::search)
        .post("/api/v1/persons", p::create)
        .post("/api/v1/persons/export", v::export)
        .get("/api/v1/persons/{county}/{id}", p::show)
        .patch("/api/v1/persons/{county}/{id}", p::update)
        .delete("/api/v1/persons/{county}/{id}", p::delete)
        .post("/api/v1/persons/{county}/{id}/houses", p::link)
        .delete("/api/v1/persons/{county}/{id}/houses/{house_id}", p::unlink)
        .post("/api/v1/persons/{county}/{id}/unmask", p::unmask)
        .post("/api/v1/buildings", r::create_building)
        .get("/api/v1/buildings/{county}/{id}", r::show_building)
        .patch("/api/v1/buildings/{county}/{id}", r::update_building)
        .delete("/api/v1/buildings/{county}/{id}", r::delete_building)
        .post("/api/v1/buildings/{county}/{id}/houses", r::create_house)
        .get("/api/v1/houses/{county}/{id}", r::show_house)
        .patch("/api/v1/houses/{county}/{id}", r::update_house)
        .delete("/api/v1/houses/{county}/{id}", r::delete_house)
        .post("/api/v1/organizations", r::create_organization)
        .get("/api/v1/organizations/{county}/{id}", r::show_organization)
        .patch(
            "/api/v1/organizations/{county}/{id}",
            r::update_organization,
        )
        .delete(
            "/api/v1/organizations/{county}/{id}",
            r::delete_organization,
        )
        .post("/api/v1/places", r::create_place)
        .get("/api/v1/places/{county}/{id}", r::show_place)
        .patch("/api/v1/places/{county}/{id}", r::update_place)
        .delete("/api/v1/places/{county}/{id}", r::delete_place)
        .post("/api/v1/cameras", r::create_camera)
        .get("/api/v1/cameras/{county}/{id}", r::show_camera)
        .patch("/api/v1/cameras/{county}/{id}", r::update_camera)
        .delete("/api/v1/cameras/{county}/{id}", r::delete_camera)
        .get("/api/v1/grids/{id}/buildings", v::grid_buildings)
        .get("/api/v1/grids/{id}/residents", v::grid_residents)
        .get("/api/v1/grids/{id}/organizations", v::grid_organizations)
        .get("/api/v1/grids/{id}/places", v::grid_places)
        .get("/api/v1/grids/{id}/cameras", v::grid_cameras)
        .get("/api/v1/population-counts", v::counts)
        .get("/api/v1/unmask-log", v::unmask_log)
}

/// Routes that take whole boundary files, each with its own body limit
/// ([`grid_boundaries::UPLOAD_LIMIT`]). The app must not wrap these in the global limit, which
/// would still apply from outside; it merges them beside the limited routes instead.
pub fn upload_router() -> Routes {
    // The layer refuses an oversized Content-Length at once; the extractor's own default (2 MB)
    // has to be raised to match, or it would cut the body short.
    let limit = |m: MethodRouter<AppState>| {
        m.layer((
            DefaultBodyLimit::max(grid_boundaries::UPLOAD_LIMIT),
            RequestBodyLimitLayer::new(grid_boundaries::UPLOAD_LIMIT),
        ))
    };
    Routes::new()
        .with(
            Verb::Post,
            "/api/v1/grids/boundaries",
            grid_boundaries::import,
            limit,
        )
        .with(
            Verb::Post,
            "/api/v1/regions/boundaries",
            grid_boundaries::import_regions,
            limit,
        )
        .with(
            Verb::Post,
            "/api/v1/attachments",
            attachments::upload,
            |m: MethodRouter<AppState>| {
                m.layer((
                    DefaultBodyLimit::max(crate::pages::incident_new::UPLOAD_LIMIT),
                    RequestBodyLimitLayer::new(crate::pages::incident_new::UPLOAD_LIMIT),
                ))
            },
        )
}
