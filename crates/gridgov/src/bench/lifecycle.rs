//! `gridgov bench lifecycle`: complete incident lifecycles over HTTP, with bearer tokens, the
//! server and the load generator in this one process on this machine. A lifecycle is seven
//! requests, each a real transaction with its event: report → accept → dispatch → start →
//! handle → approve → evaluate. Printed beside the target (500 lifecycles/s, p99 per request
//! under 50 ms), the floor (the same seven transitions as direct store calls, no HTTP, at the
//! same concurrency), the database's own floor (the same writes as bare SQL, see
//! [`lifecycle_bare`]) and the eGov DIGIT complaint system's published 37 lifecycles/s on 16 vCPU.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use gridgov_core::auth::{Actor, Role};
use gridgov_store::Store;
use gridgov_store::departments::DepartmentInput;
use gridgov_store::grids::GridInput;
use gridgov_store::incidents::{ActionInput, DispatchInput, ReportInput};
use gridgov_store::protect::{DataKey, Protector};
use gridgov_store::users::NewUserInput;
use gridgov_web::{AppState, SecretKey, WebConfig, app, serve};
use serde_json::{Value, json};

use super::http::HttpConn;
use super::lifecycle_bare;
use super::stats::Summary;
use crate::cli::BackendArgs;

const TARGET_PER_SEC: f64 = 500.0;
const TARGET_P99_MS: f64 = 50.0;
const DIGIT_PER_SEC: f64 = 37.0;
/// The INSERT and UPDATE statements of a lifecycle's seven transactions, as
/// [`lifecycle_bare`] sends them.
const BARE_STATEMENTS: usize = 33;
const PASSWORD: &str = "bench-pass-2026";
const VILLAGE: &str = "420202005001";

/// The accounts and records a lifecycle needs.
struct Town {
    grid: String,
    department: String,
    worker: Actor,
    center: Actor,
    handler: Actor,
}

pub async fn run(args: &BackendArgs, clients: usize, lifecycles: usize) -> Result<()> {
    println!("machine: {}", super::machine());
    for pg in super::backends(args) {
        let db = super::temp_db(pg, "loop")?;
        let mut store = Store::connect(&db.url()?).await?;
        store.migrate().await?;
        store
            .confirm_data_key(&Protector::new(
                &DataKey::from_hex(&DataKey::generate_hex()).map_err(anyhow::Error::msg)?,
            ))
            .await?;
        let town = seed(&store).await?;
        println!(
            "\n{}: {lifecycles} lifecycles of 7 requests, {clients} clients at once",
            db.label()
        );
        let floor = direct(&store, &town, clients, lifecycles).await?;
        let result = over_http(&store, &town, clients, lifecycles).await;
        let now = store.now_ms();
        store.close().await;
        let (per_sec, summary) = result?;
        let url = db.url()?;
        let bare =
            lifecycle_bare::floor(url.as_str(), pg.is_none(), now, clients, lifecycles).await?;
        println!(
            "  over HTTP: {per_sec:.0} lifecycles/s (target ≥ {TARGET_PER_SEC:.0}; eGov DIGIT \
             publishes {DIGIT_PER_SEC:.0}/s on 16 vCPU); per request p50 {:.1} ms, p99 {:.1} ms \
             (target < {TARGET_P99_MS:.0} ms), max {:.1} ms",
            summary.p50, summary.p99, summary.max
        );
        println!(
            "  floor, the same transitions as direct store calls: {floor:.0} lifecycles/s \
             (HTTP keeps {:.0} % of it)",
            100.0 * per_sec / floor
        );
        println!(
            "  database floor, the same writes as bare SQL (7 transactions of {BARE_STATEMENTS} \
             INSERT/UPDATE statements, no reads, no store): {bare:.0} lifecycles/s"
        );
    }
    Ok(())
}

async fn seed(store: &Store) -> Result<Town> {
    let sys = Actor::system();
    store
        .import_regions(&sys, crate::demo::REGIONS, "huangshi", &|_| {})
        .await?;
    store.seed_categories(&sys).await?;
    let grid = store
        .create_grid(
            &sys,
            &GridInput {
                region: VILLAGE.into(),
                code: "G01".into(),
                name: "基准网格".into(),
                household_target: "400".into(),
                ..Default::default()
            },
        )
        .await?
        .grid
        .id;
    let mut users = Vec::new();
    for (name, role, scope) in [
        ("bench-worker", Role::GridWorker, VILLAGE),
        ("bench-center", Role::CenterOperator, "420202"),
        ("bench-handler", Role::DepartmentHandler, "420202"),
    ] {
        let u = store
            .create_user(
                &sys,
                &NewUserInput {
                    username: name.into(),
                    display_name: name.into(),
                    role: role.as_str().into(),
                    scope: scope.into(),
                    password: PASSWORD.into(),
                },
            )
            .await?;
        users.push(u);
    }
    store
        .assign_staff(&sys, &grid, "bench-worker", "grid_worker")
        .await?;
    let department = store
        .create_department(
            &sys,
            &DepartmentInput {
                name: "基准公安分局".into(),
                sector: "public_security".into(),
                region_code: "420202".into(),
                phone: String::new(),
            },
        )
        .await?
        .id;
    store
        .add_department_member(&sys, &department, "bench-handler")
        .await?;
    Ok(Town {
        grid,
        department,
        worker: users[0].actor(),
        center: users[1].actor(),
        handler: users[2].actor(),
    })
}

fn report(t: &Town) -> ReportInput {
    ReportInput {
        title: "出租屋周边治安乱点".into(),
        description: "夜间聚集滋扰居民".into(),
        category: "0201".into(),
        grid_id: t.grid.clone(),
        ..Default::default()
    }
}

/// One lifecycle through the store, no HTTP.
async fn lifecycle_direct(store: &Store, t: &Town) -> Result<()> {
    let i = store.report_incident(&t.worker, &report(t), None).await?;
    let (c, id) = (i.county_code.clone(), i.id.clone());
    let act = |action: &str, version: i64| ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    };
    let i = store
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await?;
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        lead_department: t.department.clone(),
        ..Default::default()
    };
    let i = store.act_on_incident(&t.center, &c, &id, &d).await?;
    let i = store
        .act_on_incident(&t.handler, &c, &id, &act("start", i.version))
        .await?;
    let mut h = act("handle", i.version);
    h.result = "已巡查驱散".into();
    let i = store.act_on_incident(&t.handler, &c, &id, &h).await?;
    let i = store
        .act_on_incident(&t.center, &c, &id, &act("approve", i.version))
        .await?;
    let mut e = act("evaluate", i.version);
    e.evaluation = "satisfied".into();
    store.act_on_incident(&t.worker, &c, &id, &e).await?;
    Ok(())
}

/// The floor: `lifecycles` lifecycles through the store, `clients` at a time.
async fn direct(store: &Store, town: &Town, clients: usize, lifecycles: usize) -> Result<f64> {
    let town = Arc::new(Town {
        grid: town.grid.clone(),
        department: town.department.clone(),
        worker: town.worker.clone(),
        center: town.center.clone(),
        handler: town.handler.clone(),
    });
    let started = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..clients {
        let (store, town) = (store.clone(), town.clone());
        let n = lifecycles / clients + usize::from(k < lifecycles % clients);
        tasks.push(tokio::spawn(async move {
            for _ in 0..n {
                lifecycle_direct(&store, &town).await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(lifecycles as f64 / started.elapsed().as_secs_f64())
}

async fn token(store: &Store, actor: &Actor) -> Result<String> {
    Ok(store.create_api_token(actor, "bench", Some(1)).await?.1)
}

/// One client's lifecycles over one keep-alive connection; the latency of every request.
async fn client(
    addr: std::net::SocketAddr,
    tokens: Arc<[String; 3]>,
    grid: String,
    department: String,
    n: usize,
) -> Result<Vec<f64>> {
    let mut conn = HttpConn::connect(addr).await?;
    let mut lat = Vec::with_capacity(n * 7);
    let auth: Vec<String> = tokens.iter().map(|t| format!("Bearer {t}")).collect();
    let (worker, center, handler) = (&auth[0], &auth[1], &auth[2]);
    for _ in 0..n {
        let body = json!({"title": "出租屋周边治安乱点", "description": "夜间聚集滋扰居民",
            "category": "0201", "grid_id": grid})
        .to_string();
        let t = Instant::now();
        let r = conn
            .post_json("/api/v1/incidents", &[("Authorization", worker)], &body)
            .await?;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        if r.status != 201 {
            bail!(
                "report answered {}: {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
        }
        let i: Value = serde_json::from_slice(&r.body)?;
        let at = format!(
            "/api/v1/incidents/{}/{}/actions",
            i["county_code"].as_str().unwrap_or_default(),
            i["id"].as_str().unwrap_or_default()
        );
        let mut version = i["version"].as_i64().unwrap_or_default();
        for (who, mut step) in [
            (center, json!({"action": "accept"})),
            (
                center,
                json!({"action": "dispatch", "lead_department": department}),
            ),
            (handler, json!({"action": "start"})),
            (handler, json!({"action": "handle", "result": "已巡查驱散"})),
            (center, json!({"action": "approve"})),
            (
                worker,
                json!({"action": "evaluate", "evaluation": "satisfied"}),
            ),
        ] {
            step["version"] = json!(version);
            let t = Instant::now();
            let r = conn
                .post_json(&at, &[("Authorization", who)], &step.to_string())
                .await?;
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            if r.status != 200 {
                bail!(
                    "{step} answered {}: {}",
                    r.status,
                    String::from_utf8_lossy(&r.body)
                );
            }
            let v: Value = serde_json::from_slice(&r.body)?;
            version = v["version"].as_i64().unwrap_or_default();
        }
    }
    Ok(lat)
}

async fn over_http(
    store: &Store,
    town: &Town,
    clients: usize,
    lifecycles: usize,
) -> Result<(f64, Summary)> {
    let tokens = Arc::new([
        token(store, &town.worker).await?,
        token(store, &town.center).await?,
        token(store, &town.handler).await?,
    ]);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut web = WebConfig::new(
        SecretKey::from_hex(&SecretKey::generate_hex()).map_err(anyhow::Error::msg)?,
    );
    // The load comes from one address; the password-check rate is not what is measured.
    web.login_per_minute = u32::MAX;
    let router = app(AppState::new(store.clone(), web));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, router, async {
        let _ = stopped.await;
    }));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for k in 0..clients {
        let n = lifecycles / clients + usize::from(k < lifecycles % clients);
        tasks.push(tokio::spawn(client(
            addr,
            tokens.clone(),
            town.grid.clone(),
            town.department.clone(),
            n,
        )));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.context("a client failed")??);
    }
    let per_sec = lifecycles as f64 / started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    let summary = Summary::of(&lat).context("no requests measured")?;
    Ok((per_sec, summary))
}
