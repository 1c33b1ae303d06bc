//! The JSON API under `/api/v1`, for the mobile client and integrations. Authenticated by bearer
//! token (from `POST /api/v1/auth/token` or the account page) or by the desk UI's session.
//! The OpenAPI document at `/api/v1/openapi.json` is generated from these handlers.

mod audit;
mod auth;
mod me;
mod regions;
mod users;
mod views;

use axum::Router;
use axum::routing::{get, post};
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
}
