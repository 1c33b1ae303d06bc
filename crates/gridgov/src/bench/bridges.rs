//! `gridgov bench bridges`: 12345 orders into the inbound door over HTTP, the server and the
//! load generator in this one process on this machine. Each delivery is signed (HMAC-SHA256
//! over timestamp and body), checked, read through the bridge's mapping and reported as an
//! incident with its order number claimed in the same transaction; every tenth delivery
//! repeats an order already sent. After the run the orders and incidents are counted: each
//! order must be stored exactly once. Printed beside the target (1,000 orders/s) and the floor:
//! the same orders reported by direct store calls (`receive_order`, no HTTP, no signature, no
//! JSON) at the same concurrency.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, bail};
use gridgov_core::auth::{Actor, Role};
use gridgov_core::bridges::MappedOrder;
use gridgov_geo::features::Crs;
use gridgov_store::Store;
use gridgov_store::bridges::{BridgeDoor, BridgeInput};
use gridgov_store::grids::BoundaryImport;
use gridgov_store::protect::{DataKey, Protector};
use gridgov_store::users::NewUserInput;
use gridgov_web::bridges::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use gridgov_web::{AppState, SecretKey, WebConfig, app, serve};
use serde_json::json;

use super::http::HttpConn;
use crate::cli::BackendArgs;

const TARGET_PER_SEC: f64 = 1_000.0;
const VILLAGE: &str = "420202005001";
const SECRET: &str = "bench-12345-shared-secret";
const MAPPING: &str = r#"{"external_no": "/gdbh", "title": "/bt", "description": "/nr",
    "category": "/lb", "category_map": {"治安": "0201"}, "address": "/dz",
    "lng": "/jd", "lat": "/wd", "crs": "wgs84", "occurred_at": "/sj",
    "caller_name": "/ldr/xm", "caller_phone": "/ldr/dh"}"#;
/// The bench grid's square (WGS84), and a point inside it.
const SQUARE: (f64, f64) = (115.05, 30.2);
const POINT: (f64, f64) = (115.055, 30.205);

pub async fn run(args: &BackendArgs, orders: usize, clients: usize) -> Result<()> {
    println!("machine: {}", super::machine());
    let clients = clients.max(1);
    // Whole tens, so that the share of repeats is exactly one in ten.
    let orders = (orders / 10).max(1) * 10;
    for pg in super::backends(args) {
        let db = super::temp_db(pg, "bridges")?;
        let mut store = Store::connect(&db.url()?).await?;
        store.migrate().await?;
        store
            .confirm_data_key(&Protector::new(
                &DataKey::from_hex(&DataKey::generate_hex()).map_err(anyhow::Error::msg)?,
            ))
            .await?;
        let door = seed(&store).await?;
        let repeats = orders / 10;
        let unique = orders - repeats;
        println!(
            "\n{}: {orders} deliveries ({repeats} of them repeats, {unique} distinct orders), \
             {clients} clients at once",
            db.label()
        );
        let result = over_http(&store, clients, orders).await;
        let counted = count(&store).await;
        let floor = direct(&store, &door, clients, unique).await;
        store.close().await;
        let per_sec = result?;
        let (orders_stored, incidents) = counted?;
        let floor = floor?;
        let once = orders_stored == unique as i64 && incidents == unique as i64;
        println!(
            "  over HTTP: {per_sec:.0} deliveries/s (target ≥ {TARGET_PER_SEC:.0}/s with 10 % \
             repeats: {})",
            if per_sec >= TARGET_PER_SEC {
                "met"
            } else {
                "NOT met"
            }
        );
        println!(
            "  stored: {orders_stored} orders, {incidents} incidents for {unique} distinct \
             orders: {}",
            if once {
                "each exactly once"
            } else {
                "NOT exactly once"
            }
        );
        println!(
            "  floor, the same distinct orders by direct store calls (no HTTP, HMAC or JSON): \
             {floor:.0} orders/s (HTTP keeps {:.0} % of it)",
            100.0 * per_sec / floor
        );
        if !once {
            bail!("orders were not stored exactly once");
        }
    }
    Ok(())
}

/// The district, the categories, one bounded grid, and the 12345 bridge of the district.
async fn seed(store: &Store) -> Result<BridgeDoor> {
    let sys = Actor::system();
    store
        .import_regions(&sys, crate::demo::REGIONS, "huangshi", &|_| {})
        .await?;
    store.seed_categories(&sys).await?;
    let (x, y) = SQUARE;
    let s = 0.01;
    let grids = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"region": VILLAGE, "code": "G01", "name": "基准网格", "household_target": 400},
        "geometry": {"type": "Polygon", "coordinates":
            [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]]}}]})
    .to_string();
    store
        .import_grid_boundaries(
            &sys,
            &BoundaryImport {
                file: "bench.geojson",
                text: &grids,
                crs: Crs::Wgs84,
                allow_gaps: true,
            },
        )
        .await?;
    let admin = store
        .create_user(
            &sys,
            &NewUserInput {
                username: "bench-admin".into(),
                display_name: "bench-admin".into(),
                role: Role::SystemAdmin.as_str().into(),
                scope: "420202".into(),
                password: "bench-pass-2026".into(),
            },
        )
        .await?
        .actor();
    store
        .save_bridge(
            &admin,
            &BridgeInput {
                id: "bench-12345".into(),
                kind: "hotline_12345".into(),
                name: "基准12345热线".into(),
                region_code: "420202".into(),
                secret: SECRET.into(),
                push_url: String::new(),
                mapping: MAPPING.into(),
                active: true,
                version: 0,
            },
        )
        .await?;
    Ok(store.bridge_door("bench-12345").await?)
}

fn body(no: &str) -> String {
    json!({"gdbh": no, "bt": "小区门口夜间聚集滋扰", "nr": "来电反映夜间有人聚集喧哗，影响休息。",
        "lb": "治安", "dz": "胜阳港路 8 号", "jd": POINT.0, "wd": POINT.1,
        "sj": "2026-06-01 22:30:00", "ldr": {"xm": "李女士", "dh": "13900000002"}})
    .to_string()
}

/// The order number of delivery `k` of client `c`: every tenth delivery repeats the one five
/// before it.
fn number(c: usize, k: usize) -> String {
    let k = if k % 10 == 9 { k - 5 } else { k };
    format!("HS{c:03}-{k:07}")
}

async fn client(addr: std::net::SocketAddr, store: Store, c: usize, n: usize) -> Result<()> {
    let mut conn = HttpConn::connect(addr).await?;
    for k in 0..n {
        let b = body(&number(c, k));
        let ts = store.now_ms().div_euclid(1000);
        let sig = sign(SECRET, ts, b.as_bytes());
        let ts = ts.to_string();
        let r = conn
            .post_json(
                "/api/v1/bridges/bench-12345/orders",
                &[
                    (TIMESTAMP_HEADER, ts.as_str()),
                    (SIGNATURE_HEADER, sig.as_str()),
                ],
                &b,
            )
            .await?;
        if r.status != 200 {
            bail!(
                "order answered {}: {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
        }
    }
    Ok(())
}

/// The deliveries over HTTP; deliveries per second.
async fn over_http(store: &Store, clients: usize, orders: usize) -> Result<f64> {
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
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        // Whole tens per client, so the share of repeats is exactly 10 %.
        let n = (orders / 10 / clients + usize::from(c < orders / 10 % clients)) * 10;
        tasks.push(tokio::spawn(client(addr, store.clone(), c, n)));
    }
    let mut failed = None;
    for t in tasks {
        if let Err(e) = t.await? {
            failed.get_or_insert(e);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    server.await??;
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(orders as f64 / elapsed)
}

/// The bridge's orders, and the incidents its door reported.
async fn count(store: &Store) -> Result<(i64, i64)> {
    let admin = Actor {
        user_id: "bench".into(),
        username: "bench".into(),
        role: Role::SystemAdmin,
        scope: gridgov_core::scope::ScopePath::root(),
    };
    Ok(store.bridge_order_counts(&admin, "bench-12345").await?)
}

/// The floor: the same number of distinct orders reported by direct store calls.
async fn direct(store: &Store, door: &BridgeDoor, clients: usize, unique: usize) -> Result<f64> {
    let door = Arc::new(door.clone());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (store, door) = (store.clone(), door.clone());
        let n = unique / clients + usize::from(c < unique % clients);
        tasks.push(tokio::spawn(async move {
            for k in 0..n {
                let order = MappedOrder {
                    external_no: format!("FL{c:03}-{k:07}"),
                    title: "小区门口夜间聚集滋扰".into(),
                    description: "来电反映夜间有人聚集喧哗，影响休息。".into(),
                    category: "0201".into(),
                    address: "胜阳港路 8 号".into(),
                    lng: Some(POINT.0),
                    lat: Some(POINT.1),
                    crs: "wgs84".into(),
                    occurred_at: None,
                    caller_name: "李女士".into(),
                    caller_phone: "13900000002".into(),
                };
                store.receive_order(&door, &order).await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(unique as f64 / started.elapsed().as_secs_f64())
}
