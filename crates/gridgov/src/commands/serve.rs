//! `gridgov serve`: the web application on the configured address until Ctrl-C or SIGTERM.

use std::path::Path;

use anyhow::{Context, Result};
use gridgov_store::Store;
use gridgov_web::{AppState, WebConfig, app, serve, shutdown_signal, spawn_jobs};

use crate::cli::DbArgs;

pub async fn run(file: Option<&Path>, db: &DbArgs, listen: Option<String>) -> Result<()> {
    let config = super::load_config(file, db, listen)?;
    tracing::info!(?config, "starting");
    let web = config.web_config()?;
    let mut store = super::open_store(&config).await?;
    store
        .confirm_data_key(&config.protector()?)
        .await
        .context("checking the data key")?;
    serve_until_signal(store, web, &config.listen, |_| {}).await
}

/// Binds, tells `on_bound` the address actually bound (port 0 picks one), then serves.
pub async fn serve_until_signal(
    store: Store,
    web: WebConfig,
    listen: &str,
    on_bound: impl FnOnce(std::net::SocketAddr),
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving");
    on_bound(addr);
    spawn_jobs(store.clone());
    let router = app(AppState::new(store.clone(), web));
    serve(listener, router, shutdown_signal())
        .await
        .context("serving")?;
    store.close().await;
    Ok(())
}
