//! The web face of gridgov: the desk UI (server-rendered, Chinese by default), the JSON API
//! under `/api/v1` with its OpenAPI document, `/healthz` and `/metrics`.
//!
//! Handlers are thin: they parse the request, call the store with the caller's actor, and render.

mod app;
mod config;

pub use app::{AppState, app, serve, shutdown_signal};
pub use config::{SecretKey, WebConfig};
