//! `gridgov serve`: the web application on the configured address until Ctrl-C or SIGTERM.

use std::path::Path;

use anyhow::{Context, Result};
use gridgov_store::Store;
use gridgov_web::jobs::{RunnerConfig, registry, spawn_runner};
use gridgov_web::{AppState, WebConfig, app, metrics_app, serve, shutdown_signal};

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
    let store = super::with_blobs(store, &config)?;
    serve_until_signal(
        store,
        web,
        &config.listen,
        config.metrics_listen.as_deref(),
        |_| {},
    )
    .await
}

/// Binds the main address and, when configured, the metrics address (both before serving, so a
/// taken port stops the start), tells `on_bound` the main address actually bound (port 0 picks
/// one), then serves.
pub async fn serve_until_signal(
    store: Store,
    web: WebConfig,
    listen: &str,
    metrics_listen: Option<&str>,
    on_bound: impl FnOnce(std::net::SocketAddr),
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let metrics_listener = match metrics_listen {
        Some(m) => Some(
            tokio::net::TcpListener::bind(m)
                .await
                .with_context(|| format!("listening for metrics on {m}"))?,
        ),
        None => None,
    };
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "serving");
    on_bound(addr);
    // The job runner stops with the server: the stop signal ends its claims, and its running
    // jobs get the same grace as requests in flight before they are handed back.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let runner = spawn_runner(store.clone(), registry(), RunnerConfig::default(), stopped);
    let state = AppState::new(store.clone(), web);
    // The metrics listener holds nothing worth finishing: it stops when the main one has.
    let metrics_server = match metrics_listener {
        Some(l) => {
            tracing::info!(addr = %l.local_addr()?, "serving metrics");
            let router = metrics_app(state.clone());
            Some(tokio::spawn(async move {
                if let Err(e) = serve(l, router, std::future::pending()).await {
                    tracing::error!(error = %e, "metrics listener failed");
                }
            }))
        }
        None => None,
    };
    let stop = std::sync::Arc::new(stop);
    let on_signal = stop.clone();
    let signal = async move {
        shutdown_signal().await;
        let _ = on_signal.send(true);
    };
    let served = serve(listener, app(state), signal).await;
    if let Some(m) = metrics_server {
        m.abort();
    }
    // Also when serving ended without the signal (the listener failed).
    let _ = stop.send(true);
    if let Err(e) = runner.await {
        tracing::error!(error = %e, "the job runner ended abnormally");
    }
    served.context("serving")?;
    store.close().await;
    Ok(())
}
