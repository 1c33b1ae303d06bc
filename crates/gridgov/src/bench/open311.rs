//! `gridgov bench open311`: the Open311 door over HTTP, server and load in this one process.
//!
//! - **POST rate** (photos off): citizen requests form-encoded with a key, at positions inside
//!   the demo city's grids, each a real report (grid found by position, numbered, audited, the
//!   request's row with the phone sealed), `clients` at once. Beside the target (1,000/s on each
//!   database) and the floor: the same two rows (incident and request) as bare INSERTs, one
//!   transaction each, at the same concurrency, through one writer on SQLite as the store does.
//! - **GET with filters** over years of incidents on the demo city: the default window, a
//!   90-day window in the past, with a status, with a service code, and ten ids. p50/p99/max
//!   over HTTP beside the target (p99 < 50 ms at 1,000,000), the same reads as direct store
//!   calls, and the floor: the bare SELECT of the same rows.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use gridgov_core::auth::Actor;
use gridgov_core::open311::{WINDOW_MS, format_w3c};
use gridgov_geo::LngLat;
use gridgov_store::Store;
use gridgov_store::open311::RequestFilter;
use gridgov_store::protect::{DataKey, Protector};
use gridgov_web::{AppState, SecretKey, WebConfig, app, serve};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

use super::filled_city;
use super::http::HttpConn;
use super::stats::Summary;
use crate::cli::BackendArgs;

const TARGET_POSTS_PER_SEC: f64 = 1_000.0;
const TARGET_GET_P99_MS: f64 = 50.0;
const CITY: &str = "4202";

pub struct Plan<'a> {
    pub posts: usize,
    pub clients: usize,
    pub incidents: u64,
    pub filled: Option<&'a str>,
    pub samples: usize,
}

pub async fn run(args: &BackendArgs, plan: &Plan<'_>) -> Result<()> {
    println!("machine: {}", super::machine());
    if plan.posts > 0 {
        for pg in super::backends(args) {
            posts(pg, plan).await?;
        }
    }
    if plan.incidents > 0 || plan.filled.is_some() {
        for target in filled_city::targets(args, plan.filled) {
            let city = filled_city::open(&target, "open311", plan.incidents).await?;
            let r = gets(&city.store, &city.pool, plan.samples).await;
            city.close().await;
            r?;
        }
    }
    Ok(())
}

/// A server on loopback for the store, with the per-address flood guard opened (the load comes
/// from one address; the guard is not what is measured).
async fn start(store: &Store) -> Result<(std::net::SocketAddr, tokio::sync::oneshot::Sender<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut web = WebConfig::new(
        SecretKey::from_hex(&SecretKey::generate_hex()).map_err(anyhow::Error::msg)?,
    );
    web.open311_per_address_per_minute = u32::MAX;
    web.open311_per_address_burst = u32::MAX;
    let router = app(AppState::new(store.clone(), web));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve(listener, router, async {
        let _ = stopped.await;
    }));
    Ok((addr, stop))
}

/// Positions inside the city's grids: the centre of each grid's box, where the locator agrees.
async fn positions(store: &Store) -> Result<Vec<(f64, f64)>> {
    let sys = Actor::system();
    let ground = store.bulk_ground(&sys).await?;
    let mut out = Vec::new();
    for g in ground
        .grids
        .iter()
        .filter(|g| g.path.starts_with("42/4202/"))
    {
        let Some([x0, y0, x1, y1]) = g.bbox else {
            continue;
        };
        let (x, y) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        if let Some(found) = store.locate(&sys, LngLat::new(x, y)).await?
            && found.grid.grid.id == g.id
        {
            out.push((x, y));
        }
        if out.len() >= 500 {
            break;
        }
    }
    if out.is_empty() {
        bail!("no grid of the demo city holds the centre of its box");
    }
    Ok(out)
}

fn form(key: &str, n: usize, (lng, lat): (f64, f64)) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("api_key", key)
        .append_pair("jurisdiction_id", CITY)
        .append_pair(
            "service_code",
            if n.is_multiple_of(2) { "0601" } else { "0202" },
        )
        .append_pair("lat", &lat.to_string())
        .append_pair("long", &lng.to_string())
        .append_pair(
            "description",
            "人行道上井盖缺失，夜间行人容易踩空，请尽快处理",
        )
        .append_pair("first_name", "晓明")
        .append_pair("last_name", "王")
        .append_pair("phone", "13812345678")
        .append_pair("email", "citizen@example.cn");
    s.finish()
}

async fn posts(pg: Option<&str>, plan: &Plan<'_>) -> Result<()> {
    let db = super::temp_db(pg, "o311post")?;
    let mut store = Store::connect(&db.url()?).await?;
    store.migrate().await?;
    store
        .confirm_data_key(&Protector::new(
            &DataKey::from_hex(&DataKey::generate_hex()).map_err(anyhow::Error::msg)?,
        ))
        .await?;
    crate::demo::prepare_city(&store).await?;
    let key = store
        .issue_open311_key(&Actor::system(), CITY, "bench", Some(600_000))
        .await?
        .key;
    let points = Arc::new(positions(&store).await?);
    println!(
        "\n{}: {} requests POSTed by {} clients at once, at {} positions",
        db.label(),
        plan.posts,
        plan.clients,
        points.len()
    );
    let (addr, stop) = start(&store).await?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..plan.clients {
        let n = plan.posts / plan.clients + usize::from(k < plan.posts % plan.clients);
        let (key, points) = (key.clone(), points.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = HttpConn::connect(addr).await?;
            let mut lat = Vec::with_capacity(n);
            for i in 0..n {
                let body = form(&key, i, points[(k * 7919 + i) % points.len()]);
                let t = Instant::now();
                let r = conn.post_form("/open311/v2/requests.json", &body).await?;
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                if r.status != 200 {
                    bail!(
                        "POST answered {}: {}",
                        r.status,
                        String::from_utf8_lossy(&r.body)
                    );
                }
            }
            anyhow::Ok(lat)
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.context("a client failed")??);
    }
    let per_sec = plan.posts as f64 / started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let now = store.now_ms();
    store.close().await;
    let s = Summary::of(&lat).context("no requests measured")?;
    let floor = bare_inserts(db.url()?.as_str(), pg.is_none(), now, plan).await?;
    println!(
        "  POST requests.json: {per_sec:.0} requests/s (target ≥ {TARGET_POSTS_PER_SEC:.0}/s); \
         per request p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        s.p50, s.p99, s.max
    );
    println!(
        "  floor, the same two rows as bare INSERTs (one transaction a request, no checks, no \
         grid lookup, no number, no audit): {floor:.0} requests/s"
    );
    Ok(())
}

/// The database's own floor: the incident row and the request row of each POST, inserted in
/// one transaction, at the same concurrency (one writer on SQLite, as the store).
async fn bare_inserts(url: &str, sqlite: bool, now: i64, plan: &Plan<'_>) -> Result<f64> {
    let pool = AnyPoolOptions::new()
        .max_connections(if sqlite { 1 } else { plan.clients as u32 })
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA busy_timeout = 10000;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    let pool = Arc::new(pool);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..plan.clients {
        let n = plan.posts / plan.clients + usize::from(k < plan.posts % plan.clients);
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..n {
                bare_one(&pool, sqlite, now, &format!("B{k}-{i}")).await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let per_sec = plan.posts as f64 / started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(per_sec)
}

async fn bare_one(pool: &AnyPool, sqlite: bool, now: i64, n: &str) -> Result<()> {
    let mut tx = if sqlite {
        pool.begin_with("BEGIN IMMEDIATE").await?
    } else {
        pool.begin().await?
    };
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO incidents (county_code, id, number, title, description, category_code, \
         grade, source, state, reporter_id, reporter_name, reported_at, lng, lat, address, \
         grid_id, region_code, path, center_path, created_at, updated_at) VALUES ('999999', $1, \
         $2, '人行道上井盖缺失', '人行道上井盖缺失，夜间行人容易踩空，请尽快处理', '0601', \
         'general', 'citizen', 'reported', 'open311:bench', 'open311:bench', $3, \
         CAST('115.0' AS DOUBLE PRECISION), CAST('30.2' AS DOUBLE PRECISION), '', NULL, \
         '999999', '99/9999/999999/', '99/9999/', $3, $3)",
    )
    .bind(&id)
    .bind(n)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO open311_requests (token, county_code, incident_id, region_code, key_id, \
         service_code, first_name, last_name, email_sealed, phone_sealed, device_id, account_id, \
         address_id, media_url, created_at) VALUES ($1, '999999', $2, '9999', 'bench', '0601', \
         '晓明', '王', 'v1.sealed-email-of-about-the-same-length-as-the-store-writes', \
         'v1.sealed-phone-of-about-the-same-length', '', '', '', '', $3)",
    )
    .bind(format!("t{n}"))
    .bind(&id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One GET's query string and the store filter it stands for.
fn sample(
    k: usize,
    now: i64,
    numbers: &[String],
    codes: &[String],
    rng: &mut StdRng,
) -> (String, RequestFilter) {
    let span_start = now - 10 * 365 * 86_400_000;
    let end = rng.gen_range(span_start + WINDOW_MS..now);
    let start = end - WINDOW_MS;
    let window = format!(
        "&start_date={}&end_date={}",
        url_encode(&format_w3c(start)),
        url_encode(&format_w3c(end))
    );
    let mut f = RequestFilter {
        start: start - start.rem_euclid(1000),
        end: end - end.rem_euclid(1000),
        ..Default::default()
    };
    let q = match k % 5 {
        0 => {
            f.start = now - WINDOW_MS;
            f.end = now;
            String::new()
        }
        1 => window,
        2 => {
            f.statuses = vec![gridgov_core::open311::PublicStatus::Open];
            format!("{window}&status=open")
        }
        3 => {
            let code = codes[rng.gen_range(0..codes.len())].clone();
            f.service_codes = vec![code.clone()];
            format!("{window}&service_code={code}")
        }
        _ => {
            let ids: Vec<String> = (0..10)
                .map(|_| numbers[rng.gen_range(0..numbers.len())].clone())
                .collect();
            f.ids = ids.clone();
            format!("&service_request_id={}", ids.join(","))
        }
    };
    (
        format!("/open311/v2/requests.json?jurisdiction_id={CITY}{q}"),
        f,
    )
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn gets(store: &Store, pool: &AnyPool, samples: usize) -> Result<()> {
    store.seed_open311_services(&Actor::system(), CITY).await?;
    let j = store
        .open311_jurisdiction(CITY)
        .await?
        .context("the demo city serves no Open311")?;
    let codes: Vec<String> = store
        .open311_services(CITY)
        .await?
        .into_iter()
        .map(|s| s.service_code)
        .collect();
    let numbers: Vec<String> = sqlx::query_scalar(
        "SELECT number FROM incidents WHERE path >= '42/4202/' AND path < '42/4202/~' \
         ORDER BY id LIMIT 5000",
    )
    .fetch_all(pool)
    .await?;
    if numbers.is_empty() || codes.is_empty() {
        bail!("no incidents or no services in the demo city");
    }
    let now = store.now_ms();
    let mut rng = StdRng::seed_from_u64(311);
    let plans: Vec<(String, RequestFilter)> = (0..samples)
        .map(|k| sample(k, now, &numbers, &codes, &mut rng))
        .collect();
    let (addr, stop) = start(store).await?;
    let mut conn = HttpConn::connect(addr).await?;
    // One round first, so neither side's first-use costs count.
    for (uri, _) in plans.iter().take(10) {
        conn.get(uri, &[]).await?;
    }
    let (mut http, mut direct, mut bare, mut rows) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for (uri, f) in &plans {
        let t = Instant::now();
        let r = conn.get(uri, &[]).await?;
        http.push(t.elapsed().as_secs_f64() * 1000.0);
        if r.status != 200 {
            bail!(
                "GET {uri} answered {}: {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
        }
        let t = Instant::now();
        rows += store.open311_requests(&j, f).await?.len();
        direct.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        bare_select(pool, f).await?;
        bare.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = stop.send(());
    let (h, d, b) = (
        Summary::of(&http).context("no samples")?,
        Summary::of(&direct).context("no samples")?,
        Summary::of(&bare).context("no samples")?,
    );
    println!(
        "  GET requests.json with filters, {} samples ({} rows a request on average): p50 {:.1} \
         ms, p99 {:.1} ms (target < {TARGET_GET_P99_MS:.0} ms), max {:.1} ms",
        h.n,
        rows / plans.len().max(1),
        h.p50,
        h.p99,
        h.max
    );
    println!(
        "  the same reads as direct store calls: p50 {:.1} ms, p99 {:.1} ms",
        d.p50, d.p99
    );
    println!(
        "  floor, the bare SELECT of the same rows (no join, no categories, no rendering): p50 \
         {:.1} ms, p99 {:.1} ms",
        b.p50, b.p99
    );
    Ok(())
}

/// The rows of one filter as a bare SELECT on the incidents alone.
async fn bare_select(pool: &AnyPool, f: &RequestFilter) -> Result<usize> {
    let city = "path >= '42/4202/' AND path < '42/4202/~'";
    let rows: Vec<(String, String, i64)> = if f.ids.is_empty() {
        let status = if f.statuses.is_empty() {
            String::new()
        } else {
            " AND state NOT IN ('closed', 'evaluated', 'rejected', 'merged')".to_owned()
        };
        let code = match f.service_codes.first() {
            Some(c) => format!(" AND category_code = '{}'", c.replace('\'', "")),
            None => String::new(),
        };
        sqlx::query_as(&format!(
            "SELECT number, state, reported_at FROM incidents WHERE {city} \
             AND reported_at >= $1 AND reported_at <= $2{status}{code} \
             ORDER BY reported_at DESC, id DESC LIMIT 1000"
        ))
        .bind(f.start)
        .bind(f.end)
        .fetch_all(pool)
        .await?
    } else {
        let keys: Vec<String> = f
            .ids
            .iter()
            .map(|n| {
                let n = n.replace('\'', "");
                let county = n.split('-').nth(1).unwrap_or("").to_owned();
                format!("(county_code = '{county}' AND number = '{n}')")
            })
            .collect();
        sqlx::query_as(&format!(
            "SELECT number, state, reported_at FROM incidents WHERE {city} AND ({})",
            keys.join(" OR ")
        ))
        .fetch_all(pool)
        .await?
    };
    Ok(rows.len())
}
