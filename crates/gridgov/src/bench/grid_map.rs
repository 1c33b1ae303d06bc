//! `gridgov bench grid-map`: the map page of a county with 2,000 grids, drawn by the server as
//! SVG; its server time (`Server-Timing`) and size beside the targets.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use gridgov_core::auth::Actor;
use gridgov_geo::features::Crs;
use gridgov_store::Store;
use gridgov_store::grids::BoundaryImport;
use gridgov_web::{AppState, SecretKey, WebConfig, app, serve};

use super::http::HttpConn;
use super::stats::Summary;
use super::synthetic_county;
use crate::cli::BackendArgs;

const TARGET_MS: f64 = 50.0;
const TARGET_BYTES: usize = 1_000_000;
const WARM_UP: usize = 3;
const LAYERS: [&str; 4] = ["kind", "staffing", "pairing", "sizing"];

pub async fn run(args: &BackendArgs, grids: usize, requests: usize) -> Result<()> {
    println!("machine: {}", super::machine());
    for pg in super::backends(args) {
        let db = super::temp_db(pg, "map")?;
        let store = Store::connect(&db.url()?).await?;
        store.migrate().await?;
        let dir = super::temp_db::temp_dir("map")?;
        let county = synthetic_county::prepare(&store, grids, &dir).await?;
        store
            .import_grid_boundaries(
                &Actor::system(),
                &BoundaryImport {
                    file: "grids.geojson",
                    text: &county.grids_geojson,
                    crs: Crs::Wgs84,
                    allow_gaps: false,
                },
            )
            .await?;
        println!("\n{}: a county of {} grids", db.label(), county.grids);
        let result = measure(&store, requests).await;
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        result?;
    }
    Ok(())
}

async fn measure(store: &Store, requests: usize) -> Result<()> {
    let token = super::region_browser::admin_token(store).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let web = WebConfig::new(
        SecretKey::from_hex(&SecretKey::generate_hex()).map_err(anyhow::Error::msg)?,
    );
    let router = app(AppState::new(store.clone(), web));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, router, async {
        let _ = stopped.await;
    }));
    let result = async {
        let auth = format!("Bearer {token}");
        let headers = [("Authorization", auth.as_str())];
        let mut conn = HttpConn::connect(addr).await?;
        let (mut server_ms, mut client_ms, mut sizes, mut svg_sizes) =
            (vec![], vec![], vec![], vec![]);
        for i in 0..requests + WARM_UP {
            let path = format!(
                "/map?region={}&layer={}",
                synthetic_county::COUNTY,
                LAYERS[i % LAYERS.len()]
            );
            let t = Instant::now();
            let resp = conn
                .get(&path, &headers)
                .await
                .with_context(|| format!("GET {path}"))?;
            let rtt = t.elapsed().as_secs_f64() * 1000.0;
            if resp.status != 200 {
                bail!("GET {path} answered {}", resp.status);
            }
            let body = String::from_utf8_lossy(&resp.body);
            let paths = body.matches("<path").count();
            if paths < 1 {
                bail!("the map page holds no grid shapes");
            }
            if i < WARM_UP {
                continue;
            }
            client_ms.push(rtt);
            sizes.push(resp.body.len());
            let svg = match (body.find("<svg"), body.rfind("</svg>")) {
                (Some(a), Some(b)) => b + 6 - a,
                _ => 0,
            };
            svg_sizes.push(svg);
            if let Some(ms) = resp.server_timing_ms("app") {
                server_ms.push(ms);
            }
        }
        anyhow::Ok((server_ms, client_ms, sizes, svg_sizes))
    }
    .await;
    let _ = stop.send(());
    server.await.context("the server task failed")??;
    let (server_ms, client_ms, sizes, svg_sizes) = result?;
    println!(
        "{requests} map pages (layers {}), over one keep-alive connection",
        LAYERS.join(", ")
    );
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>8}",
        "ms", "p50", "p90", "p99", "max"
    );
    for (name, v) in [
        ("server (Server-Timing app)", &server_ms),
        ("client round trip", &client_ms),
    ] {
        if let Some(s) = Summary::of(v) {
            println!(
                "{name:<28} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
                s.p50, s.p90, s.p99, s.max
            );
        }
    }
    let page = sizes.iter().copied().max().unwrap_or(0);
    let svg = svg_sizes.iter().copied().max().unwrap_or(0);
    println!(
        "largest page {:.0} KB, of which the SVG {:.0} KB; target < {:.0} KB: {}",
        page as f64 / 1000.0,
        svg as f64 / 1000.0,
        TARGET_BYTES as f64 / 1000.0,
        if page < TARGET_BYTES {
            "met"
        } else {
            "NOT met"
        }
    );
    match Summary::of(&server_ms) {
        Some(s) => println!(
            "target: server time < {TARGET_MS} ms: p50 {:.2} ms, p99 {:.2} ms: {}",
            s.p50,
            s.p99,
            if s.p99 < TARGET_MS { "met" } else { "NOT met" }
        ),
        None => println!("target: server time < {TARGET_MS} ms: no Server-Timing header"),
    }
    Ok(())
}
