#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The server process under work it must not finish: a boundary file built to be the costliest
//! to check (every edge of its rings spanning the same longitudes) is stopped when its client
//! goes away, and a stop signal ends the server within its grace period even while such a check
//! is running, on SQLite and on PostgreSQL.

mod support;

use std::time::{Duration, Instant};

use gridgov_store::testing::TestDb;
use serde_json::json;
use support::{Server, cpu_ticks, send};

/// Ten features, each one ring of 20,000 positions (the most a ring may have) in a sawtooth: a
/// sweep line compares every pair of edges, about 2·10⁸ comparisons a ring.
fn costly_file() -> String {
    let features: Vec<_> = (0..10)
        .map(|i| {
            let x = 115.0 + 0.01 * i as f64;
            let (teeth, d) = (9_998, 1e-7);
            let mut ring = Vec::with_capacity(20_000);
            for k in 0..teeth {
                ring.push([x, 30.2 + 2.0 * k as f64 * d]);
                ring.push([x + 0.001, 30.2 + (2.0 * k as f64 + 1.0) * d]);
            }
            let top = 30.2 + 2.0 * teeth as f64 * d;
            ring.push([x - 0.0001, top]);
            ring.push([x - 0.0001, 30.2]);
            ring.push([x, 30.2]);
            json!({"type": "Feature",
                "properties": {"region": "420202001001", "code": format!("S{i}"), "name": "S",
                    "household_target": 400},
                "geometry": {"type": "Polygon", "coordinates": [ring]}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

async fn token(server: &Server) -> String {
    let body = json!({"username": "admin", "password": Server::PASSWORD}).to_string();
    let (status, text) = send(
        &server.addr,
        "POST",
        "/api/v1/auth/token",
        &[("Content-Type", "application/json")],
        &body,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["token"].as_str().unwrap().to_owned()
}

/// Starts the costly upload on its own connection; the task ends when it gets an answer.
fn upload(server: &Server, token: &str, file: &str) -> tokio::task::JoinHandle<(u16, String)> {
    let (addr, auth, file) = (
        server.addr.clone(),
        format!("Bearer {token}"),
        file.to_owned(),
    );
    tokio::spawn(async move {
        send(
            &addr,
            "POST",
            "/api/v1/grids/boundaries",
            &[
                ("Content-Type", "application/geo+json"),
                ("Authorization", &auth),
            ],
            &file,
        )
        .await
    })
}

/// CPU seconds the server spends over the next `span`.
async fn cpu_over(server: &Server, span: Duration) -> f64 {
    let ticks_per_sec = 100.0; // USER_HZ on Linux
    let before = cpu_ticks(server.pid());
    tokio::time::sleep(span).await;
    (cpu_ticks(server.pid()) - before) as f64 / ticks_per_sec
}

/// The slowest of the health checks sent one after another over `span`.
async fn slowest_health(server: &Server, span: Duration) -> Duration {
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    while started.elapsed() < span {
        let t = Instant::now();
        let (status, _) = send(&server.addr, "GET", "/healthz", &[], "").await;
        assert_eq!(status, 200);
        slowest = slowest.max(t.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    slowest
}

async fn limits(database_url: Option<&str>) {
    // A request may run for five minutes here: only cancellation can stop the check sooner.
    let mut server = Server::start_with_users(
        database_url,
        &[("GRIDGOV_REQUEST_TIMEOUT_SECS", "300")],
        &[("admin", "system_admin")],
    );
    let token = token(&server).await;
    let file = costly_file();

    // The health check on an idle server: the floor for the figure below.
    let idle = slowest_health(&server, Duration::from_millis(500)).await;

    // The client gives up: the check stops with it. Meanwhile the health check answers.
    let client = upload(&server, &token, &file);
    let (busy, health) = tokio::join!(
        cpu_over(&server, Duration::from_secs(2)),
        slowest_health(&server, Duration::from_secs(2))
    );
    println!(
        "slowest /healthz while a costly check runs: {health:?} (target < 100 ms; idle: {idle:?})"
    );
    assert!(health < Duration::from_secs(2), "{health:?}");
    client.abort();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = cpu_over(&server, Duration::from_secs(2)).await;
    println!("CPU seconds over 2 s: {busy:.2} while checking, {after:.2} after the client left");
    assert!(busy > 0.5, "the check was running: {busy}");
    assert!(after < 0.5, "the check went on without its client: {after}");

    // A stop signal while a check runs: the server ends within its grace period.
    let _client = upload(&server, &token, &file);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let signalled = Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.wait_exit(gridgov_web::SHUTDOWN_GRACE + Duration::from_secs(20));
    println!("stopped {:?} after the signal", signalled.elapsed());
    let status = status.expect("the server did not stop after the grace period");
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn costly_checks_stop_with_their_client_and_the_server_on_sqlite() {
    limits(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn costly_checks_stop_with_their_client_and_the_server_on_postgres() {
    let db = TestDb::postgres().await;
    let url = db.store.database_url().as_str().to_owned();
    limits(Some(&url)).await;
}
