#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The incident loop over HTTP, on both databases: a report with an idempotency key, the loop
//! through the one action endpoint with bearer tokens, a refused action answering with how the
//! incident stands and what the caller may do, and another village's worker finding nothing.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gridgov_store::on_both;
use gridgov_store::testing::town::town;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use support::Client;
use tower::ServiceExt;

async fn report_with_key(c: &Client, token: &str, body: Value, key: &str) -> (StatusCode, Value) {
    let req = Request::post("/api/v1/incidents")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = c.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

on_both!(the_loop_over_http, |db| {
    let t = town(&db.store).await;
    let mut c = Client::new(&db);
    let worker = c.token("worker").await;
    let center = c.token("center").await;
    let urban = c.token("urban").await;
    let other = c.token("worker2").await;

    let body = json!({"title": "小区路灯不亮", "category": "06", "grid_id": t.g1,
        "description": "3 号楼前两盏路灯不亮", "parties": [{"name": "李阿姨", "side": "反映人"}]});
    let (s, first) = report_with_key(&c, &worker, body.clone(), "app-1").await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let (s, again) = report_with_key(&c, &worker, body, "app-1").await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(first["id"], again["id"], "a retry makes no second incident");
    let at = format!(
        "/api/v1/incidents/{}/{}",
        first["county_code"].as_str().unwrap(),
        first["id"].as_str().unwrap()
    );
    let act = format!("{at}/actions");

    // Another village's worker: not found, for reading and for acting.
    assert_eq!(
        c.api("GET", &at, Some(&other), None).await.status,
        StatusCode::NOT_FOUND
    );
    let r = c
        .api(
            "POST",
            &act,
            Some(&other),
            Some(json!({"action": "comment", "note": "x", "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Out of turn: 409 with the state, the version and what the caller may do.
    let r = c
        .api(
            "POST",
            &act,
            Some(&center),
            Some(json!({"action": "approve", "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let b = r.json();
    assert_eq!(b["code"], "action_not_from_state");
    assert_eq!(b["current"]["state"], "reported");
    assert!(
        b["current"]["allowed"]
            .as_array()
            .unwrap()
            .contains(&json!("accept"))
    );
    // Not for the role: 403.
    let r = c
        .api(
            "POST",
            &act,
            Some(&worker),
            Some(json!({"action": "accept", "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let mut version = 1;
    for (token, body) in [
        (&center, json!({"action": "accept"})),
        (
            &center,
            json!({"action": "dispatch", "lead_department": t.urban}),
        ),
        (&urban, json!({"action": "start"})),
        (&urban, json!({"action": "handle", "result": "已更换灯泡"})),
        (&center, json!({"action": "approve"})),
        (
            &worker,
            json!({"action": "evaluate", "evaluation": "satisfied"}),
        ),
    ] {
        let mut body = body;
        body["version"] = json!(version);
        let r = c.api("POST", &act, Some(token), Some(body)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        version = r.json()["version"].as_i64().unwrap();
    }
    let i = c.api("GET", &at, Some(&worker), None).await.json()["incident"].clone();
    assert_eq!(i["state"], "evaluated");

    let page = c.api("GET", &at, Some(&center), None).await.json();
    assert_eq!(page["timeline"].as_array().unwrap().len(), 7);
    assert_eq!(page["parties"][0]["name"], "李阿姨");
    let list = c
        .api("GET", "/api/v1/incidents?list=closed", Some(&center), None)
        .await
        .json();
    assert_eq!(list["total"], 1);
    let list = c
        .api("GET", "/api/v1/incidents", Some(&other), None)
        .await
        .json();
    assert_eq!(list["total"], 0);
    // Exports follow the list's filters, as CSV for Excel and as XLSX.
    let r = c
        .api(
            "GET",
            "/api/v1/incidents/export?list=closed",
            Some(&center),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["x-rows"], "1");
    assert!(
        r.body.starts_with('\u{feff}'),
        "a byte-order mark for Excel"
    );
    assert!(r.body.contains("小区路灯不亮"), "{}", r.body);
    let r = c
        .api(
            "GET",
            "/api/v1/incidents/export?format=xlsx",
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers["x-rows"], "0",
        "another village exports nothing of this one"
    );
    let r = c
        .api(
            "GET",
            "/api/v1/incidents/export?format=pdf",
            Some(&center),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The documented operations.
    let doc = c
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    assert_eq!(
        doc["paths"]["/api/v1/incidents/{county}/{id}/actions"]["post"]["operationId"],
        "act_on_incident"
    );
});
