#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Duplicate suggestions over HTTP, on both databases: a grid worker typing a report sees the
//! earlier one of the same matter with why; the report's answer carries it too; the next
//! village's worker learns nothing of it; a merged incident's page tells its reporter how the
//! matter ended.

mod support;

use axum::http::StatusCode;
use gridgov_store::on_both;
use gridgov_store::testing::town::town;
use serde_json::json;
use support::Client;

on_both!(a_report_being_typed_meets_its_earlier_twin, |db| {
    let t = town(&db.store).await;
    let mut c = Client::new(&db);
    let worker = c.token("worker").await;
    let other = c.token("worker2").await;
    let center = c.token("center").await;

    let first = json!({"title": "桂花路井盖缺失", "category": "0601",
        "description": "桂花路12号门前人行道上的井盖丢了，晚上很危险", "lng": 115.005, "lat": 30.205});
    let r = c
        .api("POST", "/api/v1/incidents", Some(&worker), Some(first))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let first = r.json();
    assert_eq!(
        first["possible_duplicates"],
        json!([]),
        "the first of its kind"
    );

    let draft = json!({"title": "井盖丢失", "category": "06",
        "description": "桂花路人行道井盖没了，有行人差点掉下去", "lng": 115.0051, "lat": 30.2051});
    let r = c
        .api(
            "POST",
            "/api/v1/incidents/duplicates?limit=3",
            Some(&worker),
            Some(draft.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = &r.json()["suggestions"];
    assert_eq!(s.as_array().unwrap().len(), 1, "{s}");
    assert_eq!(s[0]["number"], first["number"]);
    assert_eq!(s[0]["same_grid"], true);
    assert!(s[0]["distance_m"].as_f64().unwrap() < 20.0, "{s}");
    assert!(
        s[0]["shared_words"]
            .as_array()
            .unwrap()
            .contains(&json!("井盖"))
    );

    // Reported anyway: the answer carries the suggestion beside the incident.
    let r = c
        .api(
            "POST",
            "/api/v1/incidents",
            Some(&worker),
            Some(draft.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let second = r.json();
    assert_eq!(second["state"], "reported");
    assert_eq!(second["possible_duplicates"][0]["number"], first["number"]);

    // The next village's worker cannot place a draft here, and their own grid has nothing.
    let r = c
        .api(
            "POST",
            "/api/v1/incidents/duplicates",
            Some(&other),
            Some(draft.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(!r.body.contains(first["number"].as_str().unwrap()));
    let mut theirs = draft.clone();
    theirs["lng"] = json!(null);
    theirs["lat"] = json!(null);
    theirs["grid_id"] = json!(t.g2);
    let r = c
        .api(
            "POST",
            "/api/v1/incidents/duplicates",
            Some(&other),
            Some(theirs),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["suggestions"], json!([]));

    // The center merges the second into the first; its reporter's page says where it went.
    let at = |i: &serde_json::Value| {
        format!(
            "/api/v1/incidents/{}/{}",
            i["county_code"].as_str().unwrap(),
            i["id"].as_str().unwrap()
        )
    };
    let r = c
        .api(
            "POST",
            &format!("{}/actions", at(&second)),
            Some(&center),
            Some(json!({"action": "merge", "into": first["number"], "version": second["version"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = c.api("GET", &at(&second), Some(&worker), None).await.json();
    assert_eq!(page["incident"]["state"], "merged");
    assert_eq!(page["carried_on"]["number"], first["number"]);
    assert_eq!(page["carried_on"]["state"], "reported");
    let page = c.api("GET", &at(&first), Some(&center), None).await.json();
    assert_eq!(page["merged_here"][0]["number"], second["number"]);

    let doc = c
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    assert_eq!(
        doc["paths"]["/api/v1/incidents/duplicates"]["post"]["operationId"],
        "suggest_duplicates"
    );
});
