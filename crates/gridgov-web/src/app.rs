//! Building the router and serving it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use gridgov_store::Store;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::WebConfig;
use crate::metrics::{self, Metrics};
use crate::routes::{Route, Routes};
use crate::{api, auth, error, open311, pages, request_id, static_files};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
    /// Password checks per client address on this node.
    pub login_limiter: Arc<auth::client::RateLimiter>,
    /// The Open311 door's rates: per key and per client address, on this node.
    pub open311: Arc<open311::Limits>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        let login_limiter = Arc::new(auth::client::RateLimiter::new(
            config.login_per_minute,
            config.login_burst,
        ));
        let open311 = Arc::new(open311::Limits::new(
            config.open311_per_address_per_minute,
            config.open311_per_address_burst,
        ));
        AppState {
            store,
            login_limiter,
            open311,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }
}

/// The content security policy: everything from this origin, nothing inline, no framing.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The routes of the app in two groups: those under the global body limit, and the uploads,
/// which carry their own larger limit (a limit around both would cap them at the global one).
struct AppRoutes {
    limited: Routes,
    uploads: Routes,
}

fn routes() -> AppRoutes {
    AppRoutes {
        limited: Routes::new()
            .merge(page_routes())
            .merge(api::router())
            .merge(open311::router())
            .merge(ops_routes()),
        uploads: Routes::new()
            .merge(api::upload_router())
            .merge(pages::base_import::upload_router())
            .merge(pages::incident_new::upload_router()),
    }
}

/// Every route the app serves, as (method, path pattern), read from the same tables the router
/// is built from. GET routes answer HEAD too.
pub fn route_table() -> Vec<Route> {
    let AppRoutes { limited, uploads } = routes();
    let mut table = limited.into_parts().1;
    table.extend(uploads.into_parts().1);
    table
}

fn page_routes() -> Routes {
    use pages::{
        account, audit, base_drill, base_import, grid_bulk, grid_card, grid_edit, grid_map,
        grid_micro, grid_page, grid_staff, grids, home, import_job, jobs, lang, people,
        person_page, population, regions, users, verify,
    };
    Routes::new()
        .get("/", home::page)
        .get("/login", auth::login::form)
        .post("/login", auth::login::submit)
        .post("/logout", auth::login::logout)
        .get("/lang/{lang}", lang::switch)
        .get("/regions", regions::root)
        .get("/regions/{code}", regions::show)
        .get("/regions/{code}/settings", pages::settings::page)
        .post("/regions/{code}/settings/{kind}", pages::settings::change)
        .get("/admin/users", users::list)
        .post("/admin/users", users::create)
        .get("/admin/users/new", users::new_form)
        .get("/admin/users/{id}", users::edit_form)
        .post("/admin/users/{id}", users::update)
        .post("/admin/users/{id}/disable", users::disable)
        .post("/admin/users/{id}/enable", users::enable)
        .post("/admin/users/{id}/password", users::reset_password)
        .get("/account", account::page)
        .post("/account/password", account::change_password)
        .post("/account/tokens", account::create_token)
        .post("/account/tokens/{id}/revoke", account::revoke_token)
        .get("/audit", audit::page)
        .get("/admin/jobs", jobs::list)
        .post("/admin/jobs/{id}/retry", jobs::retry)
        .get("/admin/notices", pages::dead_letters::list)
        .post("/admin/notices/{id}/resend", pages::dead_letters::resend)
        .get("/admin/open311", pages::open311::show)
        .post("/admin/open311/keys", pages::open311::issue)
        .post("/admin/open311/keys/{id}/revoke", pages::open311::revoke)
        .post("/admin/open311/services/{city}/seed", pages::open311::seed)
        .post(
            "/admin/open311/services/{city}/{code}",
            pages::open311::update_service,
        )
        .get("/admin/bridges", pages::bridges::list)
        .post("/admin/bridges", pages::bridges::create)
        .get("/admin/bridges/{id}", pages::bridges::show)
        .post("/admin/bridges/{id}", pages::bridges::update)
        .get("/admin/bridge-pushes", pages::bridge_pushes::list)
        .post(
            "/admin/bridge-pushes/{id}/replay",
            pages::bridge_pushes::replay,
        )
        .get("/inbox", pages::inbox::page)
        .post("/inbox/read-all", pages::inbox::read_all)
        .post("/inbox/{id}/read", pages::inbox::read)
        .get("/grids", grids::list)
        .post("/grids", grid_edit::create)
        .get("/grids/new", grid_edit::new_form)
        .get("/grids/import", grid_bulk::import_form)
        .post("/grids/import", grid_bulk::import)
        .post("/grids/merge", grid_bulk::merge)
        .post("/grids/one-per-village", grid_bulk::one_per_village)
        .get("/grids/{id}", grid_page::page)
        .get("/grids/{id}/edit", grid_edit::edit_form)
        .post("/grids/{id}/edit", grid_edit::update)
        .post("/grids/{id}/retire", grid_edit::retire)
        .post("/grids/{id}/split", grid_staff::split)
        .post("/grids/{id}/staff", grid_staff::add_staff)
        .post("/grids/{id}/staff/remove", grid_staff::remove_staff)
        .post("/grids/{id}/micro-grids", grid_micro::add)
        .post("/grids/{id}/micro-grids/remove", grid_micro::remove)
        .post("/grids/{id}/police/claim", grid_staff::claim)
        .post("/grids/{id}/police/pair", grid_staff::pair)
        .post("/grids/{id}/police/unpair", grid_staff::unpair)
        .get("/grids/{id}/base", base_drill::grid)
        .get("/buildings/{county}/{id}", base_drill::building)
        .get("/houses/{county}/{id}", base_drill::house)
        .get("/people", people::search)
        .post("/people/export", people::export)
        .get("/people/counts", population::page)
        .get("/people/{county}/{id}", person_page::page)
        .post("/people/{county}/{id}/unmask", person_page::unmask)
        .get("/import", base_import::form)
        .get("/import/template/{kind}", base_import::template)
        .get("/import/{job}", import_job::page)
        .get("/import/{job}/status", import_job::status)
        .get("/import/{job}/report.csv", import_job::report)
        .get("/verification", verify::page)
        .post("/verification/{id}/claim", verify::claim)
        .post("/verification/{id}/release", verify::release)
        .post("/verification/{id}/decide", verify::decide)
        .merge(department_routes())
        .merge(incident_routes())
        .get("/map", grid_map::page)
        .get("/card/{region}/{code}", grid_card::page)
}

/// Departments and the category tree.
fn department_routes() -> Routes {
    use pages::{categories, category_page, department_page, departments};
    Routes::new()
        .get("/departments", departments::list)
        .post("/departments", departments::create)
        .get("/departments/new", departments::new_form)
        .get("/departments/{id}", department_page::page)
        .post("/departments/{id}", department_page::update)
        .post("/departments/{id}/deactivate", department_page::deactivate)
        .post("/departments/{id}/activate", department_page::activate)
        .post("/departments/{id}/members", department_page::add_member)
        .post(
            "/departments/{id}/members/remove",
            department_page::remove_member,
        )
        .get("/categories", categories::tree)
        .post("/categories", categories::create)
        .get("/categories/{code}", category_page::page)
        .post("/categories/{code}", category_page::update)
        .post("/categories/{code}/deactivate", category_page::deactivate)
        .post("/categories/{code}/activate", category_page::activate)
}

/// The incident desk: work lists, the report form, an incident's page and its attachments. The
/// forms that take files (reporting, acting) are among the uploads, with their own body limit.
fn incident_routes() -> Routes {
    use pages::{
        attachment_files, incident_new, incident_page, incidents, supervision, supervision_incident,
    };
    Routes::new()
        .get("/incidents", incidents::list)
        .get("/incidents/new", incident_new::new_form)
        .get("/incidents/{county}/{id}", incident_page::page)
        .post(
            "/incidents/{county}/{id}/remind",
            supervision_incident::remind,
        )
        .post(
            "/incidents/{county}/{id}/cards",
            supervision_incident::issue,
        )
        .post(
            "/incidents/{county}/{id}/extensions",
            supervision_incident::request_extension,
        )
        .post(
            "/incidents/{county}/{id}/extensions/{extension}",
            supervision_incident::decide_extension,
        )
        .get("/supervision", supervision::desk)
        .post("/supervision/listed", supervision::listed)
        .get("/supervision/cards/{county}/{id}", supervision::card)
        .post(
            "/supervision/cards/{county}/{id}/actions",
            supervision::act_on_card,
        )
        .get("/attachments/{id}", attachment_files::original)
        .get("/attachments/{id}/thumb", attachment_files::thumbnail)
}

fn ops_routes() -> Routes {
    Routes::new()
        .get("/healthz", healthz)
        .get("/metrics", metrics::guarded_endpoint)
        .get("/static/{file}", static_files::serve)
}

pub fn app(state: AppState) -> Router {
    let cfg = state.config.clone();
    let csrf = from_fn_with_state(state.clone(), auth::csrf::guard);
    let AppRoutes { limited, uploads } = routes();
    let limited = limited
        .into_parts()
        .0
        .layer(csrf.clone())
        .layer(RequestBodyLimitLayer::new(cfg.body_limit));
    Router::new()
        .merge(limited)
        .merge(uploads.into_parts().0.layer(csrf))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            cfg.request_timeout,
        ))
        .layer(from_fn(error::render_errors))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(from_fn(request_id::assign))
        .with_state(state)
}

/// The router of the metrics listener: `/metrics` for whoever reaches it, nothing else. Give it
/// the state of the main router, whose counters it shows; bind it to an address only the
/// monitoring network reaches.
pub fn metrics_app(state: AppState) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(metrics::endpoint))
        .with_state(state)
}

/// Healthy when the database answers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// How long requests in flight may run on after the stop signal; then the server stops without
/// them (their work is cancelled when the runtime drops them).
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves until `shutdown` completes, then finishes the requests in flight, waiting at most
/// [`SHUTDOWN_GRACE`] for them. Each connection knows its peer's address ([`ConnectInfo`]).
///
/// [`ConnectInfo`]: axum::extract::ConnectInfo
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        let _ = stopping.send(());
    };
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(signal);
    let deadline = async move {
        match stopped.await {
            Ok(()) => tokio::time::sleep(SHUTDOWN_GRACE).await,
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        served = async { server.await } => served,
        () = deadline => {
            tracing::warn!(
                grace_secs = SHUTDOWN_GRACE.as_secs(),
                "requests still running after the grace period; stopping without them"
            );
            Ok(())
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}
