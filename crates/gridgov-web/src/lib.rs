//! The web face of gridgov: the desk UI (server-rendered, Chinese by default), the JSON API
//! under `/api/v1` with its OpenAPI document, `/healthz`, and `/metrics` (on its own listener,
//! or behind a bearer token).
//!
//! Handlers are thin: they parse the request, call the store with the caller's actor, and render.

mod api;
mod app;
mod auth;
mod config;
mod error;
mod i18n;
mod metrics;
mod pages;
mod request_id;
mod routes;
mod static_files;

pub use api::ApiDoc;
pub use app::{
    AppState, SHUTDOWN_GRACE, app, metrics_app, route_table, serve, shutdown_signal, spawn_jobs,
};
pub use config::{MetricsToken, SecretKey, WebConfig};
pub use routes::Route;
