#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Hostile boundary uploads from a grid administrator of one village, on both databases: a
//! ring of 100,000 vertices is refused at once by its limit; two files built to be the costliest
//! a sweep line can be asked (every edge spanning the same range) each hold one blocking thread
//! until the request timeout, then stop, so an ordinary upload right after them succeeds; and
//! the health check answers throughout.

mod support;

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gridgov_core::auth::{Actor, Role};
use gridgov_store::on_both;
use gridgov_store::testing::{PASSWORD, add_user, seed_regions};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const VILLAGE: &str = "420202001001";
const TIMEOUT: Duration = Duration::from_secs(2);

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    ct: &str,
    body: String,
) -> (StatusCode, String) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, ct);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app
        .clone()
        .oneshot(b.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn feature(code: &str, ring: Vec<[f64; 2]>) -> Value {
    json!({"type": "Feature",
        "properties": {"region": VILLAGE, "code": code, "name": format!("{code} 网格"), "household_target": 400},
        "geometry": {"type": "Polygon", "coordinates": [ring]}})
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// A circle of `n` positions around (x, 30.2).
fn circle(x: f64, n: usize) -> Vec<[f64; 2]> {
    let mut ring: Vec<[f64; 2]> = (0..n - 1)
        .map(|i| {
            let t = i as f64 / (n - 1) as f64 * std::f64::consts::TAU;
            [x + 0.001 * t.cos(), 30.2 + 0.001 * t.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// A valid sawtooth of 20,000 positions (the most a ring may have) whose edges all span the
/// same longitudes, below latitude `y`: a sweep line must compare every pair of them.
fn sawtooth(x: f64, y: f64) -> Vec<[f64; 2]> {
    let teeth = 9_998;
    let d = 1e-7;
    let mut ring = Vec::with_capacity(20_000);
    for k in 0..teeth {
        ring.push([x, y + 2.0 * k as f64 * d]);
        ring.push([x + 0.001, y + (2.0 * k as f64 + 1.0) * d]);
    }
    let top = y + 2.0 * teeth as f64 * d;
    ring.push([x - 0.0001, top]);
    ring.push([x - 0.0001, y]);
    ring.push([x, y]);
    ring
}

on_both!(hostile_boundary_uploads_are_bounded, |db| {
    seed_regions(&db.store).await;
    add_user(
        &db.store,
        &Actor::system(),
        "gadmin",
        Role::GridAdmin,
        VILLAGE,
    )
    .await;
    let mut cfg = gridgov_web::WebConfig::new(gridgov_web::SecretKey::new([9; 32]));
    cfg.request_timeout = TIMEOUT;
    let app = gridgov_web::app(gridgov_web::AppState::new(db.store.clone(), cfg));
    let (s, v) = send(
        &app,
        "POST",
        "/api/v1/auth/token",
        None,
        "application/json",
        json!({"username": "gadmin", "password": PASSWORD}).to_string(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let token: Value = serde_json::from_str(&v).unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let upload = |body: String| {
        let (app, token) = (app.clone(), token.clone());
        async move {
            send(
                &app,
                "POST",
                "/api/v1/grids/boundaries",
                Some(&token),
                "application/geo+json",
                body,
            )
            .await
        }
    };

    // A ring past the limit: refused by its count, before any geometry is compared. (Sent to
    // an app with the default timeout: reading 4 MB of JSON in a debug build on a busy machine
    // may take longer than the short timeout the costly files below are held to.)
    let patient = gridgov_web::app(gridgov_web::AppState::new(
        db.store.clone(),
        gridgov_web::WebConfig::new(gridgov_web::SecretKey::new([9; 32])),
    ));
    let started = Instant::now();
    let (s, body) = send(
        &patient,
        "POST",
        "/api/v1/grids/boundaries",
        Some(&token),
        "application/geo+json",
        collection(vec![feature("G01", circle(115.0, 100_000))]),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("20000"), "{body}");
    println!("100,000-vertex ring refused in {:?}", started.elapsed());

    // Two of the costliest files at once, with the health check polled meanwhile.
    let costly = |n: usize| {
        collection(
            (0..10)
                .map(|i| {
                    feature(
                        &format!("S{n}{i}"),
                        sawtooth(115.0 + 0.01 * i as f64, 30.2 + 0.01 * n as f64),
                    )
                })
                .collect(),
        )
    };
    let started = Instant::now();
    let hostile = tokio::join!(upload(costly(1)), upload(costly(2)), async {
        let mut slowest = Duration::ZERO;
        while started.elapsed() < TIMEOUT + Duration::from_millis(500) {
            let t = Instant::now();
            let (s, _) = send(&app, "GET", "/healthz", None, "text/plain", String::new()).await;
            assert_eq!(s, StatusCode::OK);
            slowest = slowest.max(t.elapsed());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        slowest
    });
    let ((s1, b1), (s2, b2), slowest) = hostile;
    println!(
        "two costly uploads: {s1} and {s2} after {:?}; slowest /healthz {slowest:?}",
        started.elapsed()
    );
    // A machine fast enough to finish them in time would accept them as valid grids.
    for (s, b) in [(s1, &b1), (s2, &b2)] {
        assert!(
            matches!(s, StatusCode::REQUEST_TIMEOUT | StatusCode::OK),
            "{s}: {b}"
        );
    }
    assert!(slowest < Duration::from_secs(1), "{slowest:?}");

    // The abandoned checks stopped: both slots are free again for an ordinary file.
    let (s, body) = upload(collection(vec![
        feature(
            "G01",
            vec![
                [115.5, 30.5],
                [115.51, 30.5],
                [115.51, 30.51],
                [115.5, 30.51],
                [115.5, 30.5],
            ],
        ),
        feature(
            "G02",
            vec![
                [115.51, 30.5],
                [115.52, 30.5],
                [115.52, 30.51],
                [115.51, 30.51],
                [115.51, 30.5],
            ],
        ),
    ]))
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
});
