#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Regional settings through the JSON API and the desk, on both databases: the city sets a
//! handle limit, the district overrides it and shows where each value comes from, bad values are
//! named in both languages, and the district next door gets 404 and changes nothing.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_store::on_both;
use gridgov_store::testing::{PASSWORD, TestDb, add_user, seed_regions};
use serde_json::json;
use support::Client;

async fn seeded(db: &TestDb) {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    for (name, role, scope) in [
        ("city-op", Role::CenterOperator, "4202"),
        ("gang-op", Role::CenterOperator, "420202"),
        ("xisai-op", Role::CenterOperator, "420203"),
        ("worker", Role::GridWorker, "420202001001"),
    ] {
        add_user(&db.store, &sys, name, role, scope).await;
    }
}

fn limit(body: &serde_json::Value, grade: &str, step: &str) -> (i64, String) {
    let l = body["limits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["grade"] == grade && l["step"] == step)
        .unwrap();
    let from = match l["source"]["from"].as_str().unwrap() {
        "default" => "default".to_owned(),
        _ => l["source"]["code"].as_str().unwrap().to_owned(),
    };
    (l["limit"]["amount"].as_i64().unwrap(), from)
}

on_both!(a_district_overrides_the_city_through_the_api, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let city = c.token("city-op").await;
    let gang = c.token("gang-op").await;
    let xisai = c.token("xisai-op").await;
    let worker = c.token("worker").await;
    let put = |v: serde_json::Value, version: i64| json!({"value": v, "version": version});

    let r = c
        .api(
            "PUT",
            "/api/v1/regions/4202/settings/time_limits",
            Some(&city),
            Some(put(
                json!([{"step": "handle", "amount": 12, "unit": "working_days"}]),
                0,
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = c
        .api(
            "PUT",
            "/api/v1/regions/420202/settings/time_limits",
            Some(&gang),
            Some(put(
                json!([{"step": "handle", "grade": "general", "amount": 5, "unit": "working_days"}]),
                0,
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = r.json();
    assert_eq!(limit(&b, "general", "handle"), (5, "420202".into()));
    assert_eq!(limit(&b, "serious", "handle"), (12, "4202".into()));
    assert_eq!(limit(&b, "general", "accept"), (1, "default".into()));
    let ladder = b["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "escalation_ladder")
        .unwrap();
    assert_eq!(ladder["source"]["from"], "default");
    assert_eq!(ladder["effective"]["levels"].as_array().unwrap().len(), 5);

    // Bad values: a limit of zero, a ladder with no levels, a day twice with two kinds.
    for (kind, value, field, code) in [
        (
            "time_limits",
            json!([{"step": "handle", "amount": 0, "unit": "working_days"}]),
            "rules[0].amount",
            "not_positive",
        ),
        (
            "escalation_ladder",
            json!({"levels": []}),
            "levels",
            "no_levels",
        ),
        (
            "local_days",
            json!([{"date": "2025-06-16", "kind": "holiday", "name": "区庆"},
                   {"date": "2025-06-16", "kind": "workday", "name": "区庆"}]),
            "local_days[1].date",
            "conflicting_kind",
        ),
    ] {
        let r = c
            .api(
                "PUT",
                &format!("/api/v1/regions/420202/settings/{kind}"),
                Some(&gang),
                Some(put(value, 0)),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind}: {}",
            r.body
        );
        let f = &r.json()["fields"][0];
        assert_eq!(
            (f["field"].as_str(), f["code"].as_str()),
            (Some(field), Some(code))
        );
        assert!(!f["zh"].as_str().unwrap().is_empty() && !f["en"].as_str().unwrap().is_empty());
    }
    // A stale version is 409.
    let r = c
        .api(
            "PUT",
            "/api/v1/regions/420202/settings/time_limits",
            Some(&gang),
            Some(put(
                json!([{"step": "handle", "amount": 3, "unit": "working_days"}]),
                0,
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Next door: not found, and nothing changes; a grid worker may not read settings.
    let r = c
        .api("GET", "/api/v1/regions/420202/settings", Some(&xisai), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .api(
            "PUT",
            "/api/v1/regions/420202/settings/time_limits",
            Some(&xisai),
            Some(put(
                json!([{"step": "handle", "amount": 3, "unit": "working_days"}]),
                1,
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .api(
            "DELETE",
            "/api/v1/regions/420202/settings/time_limits?version=1",
            Some(&xisai),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .api(
            "GET",
            "/api/v1/regions/420202001001/settings",
            Some(&worker),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .api("GET", "/api/v1/regions/420202/settings", Some(&gang), None)
        .await;
    assert_eq!(limit(&r.json(), "general", "handle"), (5, "420202".into()));

    // Clearing brings the city's back.
    let r = c
        .api(
            "DELETE",
            "/api/v1/regions/420202/settings/time_limits?version=1",
            Some(&gang),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(limit(&r.json(), "general", "handle"), (12, "4202".into()));
    // The document lists the routes.
    let doc = c
        .api("GET", "/api/v1/openapi.json", Some(&gang), None)
        .await
        .json();
    assert!(doc["paths"]["/api/v1/regions/{code}/settings/{kind}"]["put"].is_object());
});

on_both!(the_desk_shows_sources_and_takes_text, |db| {
    seeded(&db).await;
    let mut op = Client::new(&db);
    assert_eq!(
        op.login("gang-op", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let page = op.get("/regions/420202/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("系统默认"));
    let csrf = page.csrf();
    // A line that cannot be read comes back with its number and the text typed.
    let r = op
        .post_form(
            "/regions/420202/settings/local_days",
            &[
                ("csrf", &csrf),
                ("text", "2025-06-16 放假 区庆\n明天 放假"),
                ("version", "0"),
                ("op", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("local_days[1].date") && r.body.contains("明天 放假"),
        "{}",
        r.body
    );
    let r = op
        .post_form(
            "/regions/420202/settings/local_days",
            &[
                ("csrf", &csrf),
                ("text", "2025-06-16 放假 区庆"),
                ("version", "0"),
                ("op", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = op.get("/regions/420202001001/settings").await;
    assert!(page.body.contains("2025-06-16") && page.body.contains("黄石港区 (420202)"));
    // Next door's center: 404 for the page and for the form.
    let mut next = Client::new(&db);
    assert_eq!(
        next.login("xisai-op", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let own = next.get("/regions/420203/settings").await;
    let csrf = own.csrf();
    assert_eq!(
        next.get("/regions/420202/settings").await.status,
        StatusCode::NOT_FOUND
    );
    let r = next
        .post_form(
            "/regions/420202/settings/local_days",
            &[
                ("csrf", &csrf),
                ("text", ""),
                ("version", "1"),
                ("op", "clear"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let n = db
        .store
        .scalar_for_tests("SELECT CAST(COUNT(*) AS BIGINT) FROM region_settings")
        .await
        .unwrap();
    assert_eq!(n, 1);
});
