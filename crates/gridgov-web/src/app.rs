//! Building the router and serving it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use gridgov_store::Store;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::WebConfig;
use crate::metrics::{self, Metrics};
use crate::{api, auth, error, pages, request_id, static_files};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
    /// Base-data imports started from the desk on this node.
    pub imports: Arc<pages::import_jobs::ImportJobs>,
    /// Password checks per client address on this node.
    pub login_limiter: Arc<auth::client::RateLimiter>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        let login_limiter = Arc::new(auth::client::RateLimiter::new(
            config.login_per_minute,
            config.login_burst,
        ));
        AppState {
            store,
            login_limiter,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            imports: Arc::default(),
        }
    }
}

/// The content security policy: everything from this origin, nothing inline, no framing.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

pub fn app(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::home::page))
        .route("/login", get(auth::login::form).post(auth::login::submit))
        .route("/logout", post(auth::login::logout))
        .route("/lang/{lang}", get(pages::lang::switch))
        .route("/regions", get(pages::regions::root))
        .route("/regions/{code}", get(pages::regions::show))
        .route(
            "/admin/users",
            get(pages::users::list).post(pages::users::create),
        )
        .route("/admin/users/new", get(pages::users::new_form))
        .route(
            "/admin/users/{id}",
            get(pages::users::edit_form).post(pages::users::update),
        )
        .route("/admin/users/{id}/disable", post(pages::users::disable))
        .route("/admin/users/{id}/enable", post(pages::users::enable))
        .route(
            "/admin/users/{id}/password",
            post(pages::users::reset_password),
        )
        .route("/account", get(pages::account::page))
        .route("/account/password", post(pages::account::change_password))
        .route("/account/tokens", post(pages::account::create_token))
        .route(
            "/account/tokens/{id}/revoke",
            post(pages::account::revoke_token),
        )
        .route("/audit", get(pages::audit::page))
        .route(
            "/grids",
            get(pages::grids::list).post(pages::grid_edit::create),
        )
        .route("/grids/new", get(pages::grid_edit::new_form))
        .route(
            "/grids/import",
            get(pages::grid_bulk::import_form).post(pages::grid_bulk::import),
        )
        .route("/grids/merge", post(pages::grid_bulk::merge))
        .route(
            "/grids/one-per-village",
            post(pages::grid_bulk::one_per_village),
        )
        .route("/grids/{id}", get(pages::grid_page::page))
        .route(
            "/grids/{id}/edit",
            get(pages::grid_edit::edit_form).post(pages::grid_edit::update),
        )
        .route("/grids/{id}/retire", post(pages::grid_edit::retire))
        .route("/grids/{id}/split", post(pages::grid_staff::split))
        .route("/grids/{id}/staff", post(pages::grid_staff::add_staff))
        .route(
            "/grids/{id}/staff/remove",
            post(pages::grid_staff::remove_staff),
        )
        .route("/grids/{id}/micro-grids", post(pages::grid_micro::add))
        .route(
            "/grids/{id}/micro-grids/remove",
            post(pages::grid_micro::remove),
        )
        .route("/grids/{id}/police/claim", post(pages::grid_staff::claim))
        .route("/grids/{id}/police/pair", post(pages::grid_staff::pair))
        .route("/grids/{id}/police/unpair", post(pages::grid_staff::unpair))
        .route("/grids/{id}/base", get(pages::base_drill::grid))
        .route("/buildings/{county}/{id}", get(pages::base_drill::building))
        .route("/houses/{county}/{id}", get(pages::base_drill::house))
        .route("/people", get(pages::people::search))
        .route("/people/export", post(pages::people::export))
        .route("/people/counts", get(pages::population::page))
        .route("/people/{county}/{id}", get(pages::person_page::page))
        .route(
            "/people/{county}/{id}/unmask",
            post(pages::person_page::unmask),
        )
        .route("/import", get(pages::base_import::form))
        .route("/import/template/{kind}", get(pages::base_import::template))
        .route("/import/{job}", get(pages::import_job::page))
        .route("/import/{job}/status", get(pages::import_job::status))
        .route("/import/{job}/report.csv", get(pages::import_job::report))
        .route("/verification", get(pages::verify::page))
        .route("/verification/{id}/claim", post(pages::verify::claim))
        .route("/verification/{id}/release", post(pages::verify::release))
        .route("/verification/{id}/decide", post(pages::verify::decide))
        .route("/map", get(pages::grid_map::page))
        .route("/card/{region}/{code}", get(pages::grid_card::page));
    let ops = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::guarded_endpoint))
        .route("/static/{file}", get(static_files::serve));
    let cfg = state.config.clone();
    let csrf = from_fn_with_state(state.clone(), auth::csrf::guard);
    // The global body limit wraps the ordinary routes only: boundary uploads carry their own,
    // larger limit, and a limit around both would cap them at the global one.
    let limited = Router::new()
        .merge(pages)
        .merge(api::router())
        .merge(ops)
        .layer(csrf.clone())
        .layer(RequestBodyLimitLayer::new(cfg.body_limit));
    Router::new()
        .merge(limited)
        .merge(api::upload_router().layer(csrf.clone()))
        .merge(pages::base_import::upload_router().layer(csrf))
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
        .route("/metrics", get(metrics::endpoint))
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

/// Sweeps expired sessions and stale login attempt counts now and every ten minutes, until the
/// process ends.
pub fn spawn_jobs(store: Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match store.purge_expired_sessions().await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session sweep failed"),
            }
            match store.purge_stale_attempts().await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "stale login attempt counts removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "login attempt sweep failed"),
            }
        }
    });
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
