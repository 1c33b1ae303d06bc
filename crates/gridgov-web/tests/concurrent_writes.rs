#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Fifty writers at once, on both databases, through the real router: logins that open tokens,
//! people recorded and edited, buildings recorded, with a bulk import of residents running
//! beside them. Nothing may answer 5xx (a busy database is a wait, not an error), and every
//! write that was answered with success is there afterwards.

mod support;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gridgov_core::auth::{Actor, Role};
use gridgov_core::base_data::RecordKind;
use gridgov_core::ids::id_check_char;
use gridgov_store::base::BaseImportOptions;
use gridgov_store::grids::GridInput;
use gridgov_store::on_both;
use gridgov_store::sheets::SheetReader;
use gridgov_store::testing::{PASSWORD, add_user, seed_regions};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const WORKERS: usize = 10;

fn id_no(seq: u32) -> String {
    let first17 = format!("42020219800101{seq:03}");
    format!("{first17}{}", id_check_char(&first17).unwrap())
}

/// One request on its own, as a separate client would send it.
async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res = app
        .clone()
        .oneshot(b.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

on_both!(fifty_writers_at_once_lose_nothing, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let grid = db
        .store
        .create_grid(
            &sys,
            &GridInput {
                region: "420202001001".into(),
                code: "G1".into(),
                name: "一网格".into(),
                household_target: "400".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .grid
        .id;
    for i in 0..WORKERS {
        add_user(
            &db.store,
            &sys,
            &format!("worker{i}"),
            Role::GridWorker,
            "420202001001",
        )
        .await;
    }
    let mut cfg = gridgov_web::WebConfig::new(gridgov_web::SecretKey::new([7; 32]));
    // Every request here comes from one address; this test is about writers, not the rate.
    cfg.login_per_minute = 10_000;
    cfg.login_burst = 10_000;
    let app = gridgov_web::app(gridgov_web::AppState::new(db.store.clone(), cfg));

    // Tokens, and ten people to edit, before the storm.
    let mut tokens = Vec::new();
    for i in 0..WORKERS {
        let (s, v) = send(
            &app,
            "POST",
            "/api/v1/auth/token",
            None,
            json!({"username": format!("worker{i}"), "password": PASSWORD}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        tokens.push(v["token"].as_str().unwrap().to_owned());
    }
    let mut to_edit = Vec::new();
    for i in 0..10u32 {
        let (s, v) = send(
            &app,
            "POST",
            "/api/v1/persons",
            Some(&tokens[0]),
            json!({"grid_id": grid, "name": format!("编辑{i}"), "id_card_no": id_no(101 + 2 * i),
                   "residence_type": "户籍"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        to_edit.push(v);
    }

    // The bulk import beside the storm: 300 residents in one file.
    let mut csv = String::from("所属网格,姓名,公民身份号码,人口类型\n");
    for i in 0..300u32 {
        csv.push_str(&format!(
            "420202001001-G1,导入{i},{},户籍\n",
            id_no(401 + 2 * i)
        ));
    }
    let import = {
        let store = db.store.clone();
        tokio::spawn(async move {
            let source = SheetReader::from_bytes("p.csv", csv.into_bytes(), 1 << 22).unwrap();
            store
                .import_base(
                    &Actor::system(),
                    RecordKind::Persons,
                    Box::new(source),
                    &BaseImportOptions {
                        accept_valid: false,
                        source: "社区摸排".into(),
                        file_name: "p.csv".into(),
                    },
                    Arc::new(|_| {}),
                )
                .await
        })
    };

    // Fifty writers: 10 logins, 20 new people, 10 edits, 10 new buildings.
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for i in 0..50usize {
        let app = app.clone();
        let token = tokens[i % WORKERS].clone();
        let grid = grid.clone();
        let edit = to_edit[i / 5].clone();
        tasks.push(tokio::spawn(async move {
            match i % 5 {
                0 => send(&app, "POST", "/api/v1/auth/token", None,
                    json!({"username": format!("worker{}", i / 5), "password": PASSWORD,
                           "device": format!("phone{i}")})).await,
                1 | 2 => send(&app, "POST", "/api/v1/persons", Some(&token),
                    json!({"grid_id": grid, "name": format!("新人{i}"),
                           "id_card_no": id_no(201 + 2 * i as u32), "residence_type": "流动"})).await,
                3 => {
                    let (county, id) = (edit["county_code"].as_str().unwrap(), edit["id"].as_str().unwrap());
                    send(&app, "PATCH", &format!("/api/v1/persons/{county}/{id}"), Some(&token),
                        json!({"version": edit["version"], "name": format!("已改{}", i / 5),
                               "id_card_no": id_no(101 + 2 * (i / 5) as u32), "residence_type": "户籍"})).await
                }
                _ => send(&app, "POST", "/api/v1/buildings", Some(&token),
                    json!({"grid_id": grid, "code": format!("B{i}"), "address": format!("新街{i}号"),
                           "floors": "6"})).await,
            }
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let report = import
        .await
        .unwrap()
        .expect("the import beside the writers succeeds");
    assert_eq!(report.inserted, 300);

    let took = started.elapsed();
    let ok = answers.iter().filter(|(s, _)| s.is_success()).count();
    let server_errors = answers.iter().filter(|(s, _)| s.is_server_error()).count();
    println!(
        "{} writers beside a 300-row import: {ok} succeeded, {server_errors} × 5xx (target 0), \
         all done in {took:?}",
        answers.len()
    );
    for (i, (status, body)) in answers.iter().enumerate() {
        assert!(status.is_success(), "writer {i} answered {status}: {body}");
    }
    // Nothing lost: every answered write is there.
    let s = &db.store;
    let persons = s
        .scalar_for_tests("SELECT CAST(COUNT(*) AS BIGINT) FROM persons")
        .await
        .unwrap();
    assert_eq!(persons, 10 + 20 + 300);
    let renamed = s
        .scalar_for_tests("SELECT CAST(COUNT(*) AS BIGINT) FROM persons WHERE name LIKE '已改%'")
        .await
        .unwrap();
    assert_eq!(renamed, 10);
    let buildings = s
        .scalar_for_tests("SELECT CAST(COUNT(*) AS BIGINT) FROM buildings")
        .await
        .unwrap();
    assert_eq!(buildings, 10);
    let tokens = s
        .scalar_for_tests("SELECT CAST(COUNT(*) AS BIGINT) FROM api_tokens")
        .await
        .unwrap();
    assert_eq!(tokens, (WORKERS + 10) as i64);
    // And the audit chain holds every one of them, unbroken.
    let audit = s.verify_audit().await.unwrap();
    assert!(audit.first_broken.is_none(), "{audit:?}");
});
