//! `gridgov bench region-browser`: the whole country loaded, then the region pages of every
//! level requested over one keep-alive connection; the server's own time (`Server-Timing`)
//! beside the client's round trip.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use gridgov_core::auth::Actor;
use gridgov_core::regions::RegionCode;
use gridgov_store::Store;
use gridgov_store::regions::RegionSource;
use gridgov_store::users::NewUserInput;
use gridgov_web::{AppState, SecretKey, WebConfig, app, serve};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::http::HttpConn;
use super::stats::Summary;
use crate::cli::BackendArgs;

const TARGET_P99_MS: f64 = 20.0;
/// Requests sent first and not counted: they warm the caches and the connection.
const WARM_UP: usize = 20;
/// Random walks from the root to a village; each gives one code of every level.
const WALKS: usize = 60;

pub async fn run(data: &Path, args: &BackendArgs, requests: usize) -> Result<()> {
    println!("machine: {}", super::machine());
    for pg in super::backends(args) {
        let db = super::temp_db(pg, "browser")?;
        let store = Store::connect(&db.url()?).await?;
        store.migrate().await?;
        let started = Instant::now();
        let report = crate::commands::import::import_regions(
            &store,
            RegionSource::Path(data.to_path_buf()),
            "nbs2023",
        )
        .await?;
        println!(
            "\n{}: loaded {} regions in {:.2} s",
            db.label(),
            report.inserted,
            started.elapsed().as_secs_f64()
        );
        let result = browse(&store, requests).await;
        store.close().await;
        result?;
    }
    Ok(())
}

async fn browse(store: &Store, requests: usize) -> Result<()> {
    let token = admin_token(store).await?;
    let paths = sample_paths(store, requests + WARM_UP).await?;

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

    let result = send_all(addr, &token, &paths).await;
    let _ = stop.send(());
    server.await.context("the server task failed")??;
    let m = result?;
    print_results(&m, requests);
    Ok(())
}

/// A system administrator over the whole country and a bearer token of theirs.
pub(super) async fn admin_token(store: &Store) -> Result<String> {
    let password: String = rand::thread_rng()
        .sample_iter(rand::distributions::Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    let admin = store
        .create_user(
            &Actor::system(),
            &NewUserInput {
                username: "bench-admin".into(),
                display_name: "bench".into(),
                role: "system_admin".into(),
                scope: String::new(),
                password: format!("{password}-Aa1"),
            },
        )
        .await
        .context("creating the benchmark's admin")?;
    let (_, secret) = store
        .create_api_token(&admin.actor(), "bench", Some(1))
        .await?;
    Ok(secret)
}

/// `/regions` and `/regions/{code}` for every level, in a shuffled but repeatable order.
async fn sample_paths(store: &Store, n: usize) -> Result<Vec<(usize, String)>> {
    let system = Actor::system();
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let mut by_level: Vec<Vec<String>> = vec![Vec::new(); 5];
    for _ in 0..WALKS {
        let mut parent: Option<RegionCode> = None;
        for level in by_level.iter_mut() {
            let children = store.region_children(&system, parent.as_ref()).await?;
            let Some(child) = children.choose(&mut rng) else {
                break;
            };
            level.push(child.code.clone());
            parent = Some(RegionCode::parse("code", &child.code)?);
        }
    }
    if by_level.iter().any(Vec::is_empty) {
        bail!("the loaded regions do not reach down to villages");
    }
    // Six kinds of page in equal shares: the root and one per level.
    let mut paths: Vec<(usize, String)> = (0..n)
        .map(|i| match i % 6 {
            0 => (0, "/regions".to_owned()),
            k => {
                let codes = &by_level[k - 1];
                (
                    k,
                    format!("/regions/{}", codes[rng.gen_range(0..codes.len())]),
                )
            }
        })
        .collect();
    paths.shuffle(&mut rng);
    Ok(paths)
}

#[derive(Default)]
struct Measured {
    server_ms: Vec<f64>,
    client_ms: Vec<f64>,
    /// Client round trips per kind of page (0 = root, 1–5 = level).
    client_by_kind: BTreeMap<usize, Vec<f64>>,
    statuses: BTreeMap<u16, usize>,
    missing_timing: usize,
    first_failure: Option<(String, u16)>,
    bytes: usize,
    wall_secs: f64,
}

async fn send_all(addr: SocketAddr, token: &str, paths: &[(usize, String)]) -> Result<Measured> {
    let auth = format!("Bearer {token}");
    let headers = [("Authorization", auth.as_str())];
    let mut conn = HttpConn::connect(addr).await?;
    let mut m = Measured::default();
    let mut wall = None;
    for (i, (kind, path)) in paths.iter().enumerate() {
        if i == WARM_UP {
            wall = Some(Instant::now());
        }
        let t = Instant::now();
        let resp = conn
            .get(path, &headers)
            .await
            .with_context(|| format!("GET {path}"))?;
        let rtt = t.elapsed().as_secs_f64() * 1000.0;
        if i < WARM_UP {
            continue;
        }
        *m.statuses.entry(resp.status).or_default() += 1;
        if resp.status != 200 && m.first_failure.is_none() {
            m.first_failure = Some((path.clone(), resp.status));
        }
        m.bytes += resp.body.len();
        m.client_ms.push(rtt);
        m.client_by_kind.entry(*kind).or_default().push(rtt);
        match resp.server_timing_ms("app") {
            Some(ms) => m.server_ms.push(ms),
            None => m.missing_timing += 1,
        }
    }
    m.wall_secs = wall.map(|w| w.elapsed().as_secs_f64()).unwrap_or(0.0);
    Ok(m)
}

fn print_results(m: &Measured, requests: usize) {
    let statuses: Vec<String> = m.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
    println!(
        "{requests} GETs over one keep-alive connection (after {WARM_UP} warm-up), {:.2} s, \
         {:.0} req/s, {:.1} KiB/response; statuses: {}",
        m.wall_secs,
        requests as f64 / m.wall_secs.max(f64::EPSILON),
        m.bytes as f64 / 1024.0 / requests.max(1) as f64,
        statuses.join(", ")
    );
    if let Some((path, status)) = &m.first_failure {
        println!("warning: not every page answered 200; first: {path} → {status}");
    }
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>8}",
        "ms", "p50", "p90", "p99", "max"
    );
    let row = |name: &str, s: Option<Summary>| match s {
        Some(s) => println!(
            "{name:<28} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            s.p50, s.p90, s.p99, s.max
        ),
        None => println!("{name:<28} {:>8}", "n/a"),
    };
    row("server (Server-Timing app)", Summary::of(&m.server_ms));
    row("client round trip", Summary::of(&m.client_ms));
    let kinds = ["root", "province", "city", "county", "township", "village"];
    for (k, v) in &m.client_by_kind {
        row(&format!("  client, {} page", kinds[*k]), Summary::of(v));
    }
    if m.missing_timing > 0 {
        println!("{} responses had no Server-Timing header", m.missing_timing);
    }
    match Summary::of(&m.server_ms) {
        Some(s) => println!(
            "target: p99 server time < {TARGET_P99_MS} ms: {} ({:.2} ms)",
            if s.p99 < TARGET_P99_MS {
                "met"
            } else {
                "NOT met"
            },
            s.p99
        ),
        None => println!("target: p99 server time < {TARGET_P99_MS} ms: no server timings"),
    }
}
