//! The web face of gridgov: the desk UI (server-rendered, Chinese by default), the JSON API
//! under `/api/v1` with its OpenAPI document, `/healthz`, and `/metrics` (on its own listener,
//! or behind a bearer token).
//!
//! Handlers are thin: they parse the request, call the store with the caller's actor, and render.

mod api;
mod app;
mod auth;
pub mod bridges;
mod config;
mod error;
mod i18n;
pub mod jobs;
mod metrics;
pub mod notify;
mod open311;
mod pages;
mod request_id;
mod routes;
mod static_files;

pub use api::ApiDoc;
pub use app::{AppState, SHUTDOWN_GRACE, app, metrics_app, route_table, serve, shutdown_signal};
pub use config::{MetricsToken, SecretKey, WebConfig};
pub use routes::Route;

#[cfg(test)]
mod tests {
    /// Handlers do not decide what lies inside a scope: the store hands them data already
    /// scoped. A source here that tests a path against the caller's scope fails the suite.
    #[test]
    fn no_handler_filters_by_scope() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let (mut dirs, mut files, mut found) = (vec![src.clone()], 0, Vec::new());
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("the web sources are readable") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files += 1;
                    let text: String = std::fs::read_to_string(&path)
                        .expect("a readable source")
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect();
                    // Spelt in two halves, so this file does not find itself.
                    for n in [
                        concat!(".scope.", "contains("),
                        concat!(".scope.", "covers("),
                    ] {
                        if text.contains(n) {
                            let file = path.strip_prefix(&src).unwrap_or(&path);
                            found.push(format!("{}: {n}", file.display()));
                        }
                    }
                }
            }
        }
        assert!(files > 20, "the walk found only {files} sources");
        assert!(
            found.is_empty(),
            "scoped data filtered in the web layer (ask the store for a scoped read): {found:#?}"
        );
    }
}
