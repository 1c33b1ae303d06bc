#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Open311 GeoReport v2 over HTTP, on both databases, as a citizen app meets it: discovery,
//! the city's services and a definition, a request posted with a key and found again by id, by
//! token and in the filtered list, in JSON and in XML; and the spec's errors for a missing,
//! wrong or revoked key, an unknown service, a place outside every grid, a date in the wrong
//! format; a key over its rate and a flood from one address refused with nothing written.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::Actor;
use gridgov_store::on_both;
use gridgov_store::testing::town::town;
use support::{Client, web_apps};

const FORM: &str = "/open311/v2/requests.json";

fn post<'a>(key: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("api_key", key),
        ("jurisdiction_id", "4202"),
        ("service_code", "0601"),
        ("lat", "30.205"),
        ("long", "115.005"),
        ("description", "桂花路人行道被摊位占满"),
        ("first_name", "晓明"),
        ("last_name", "王"),
        ("phone", "13812345678"),
        ("email", "wxm@example.cn"),
    ];
    for (k, v) in extra {
        f.retain(|(n, _)| n != k);
        f.push((k, v));
    }
    f
}

async fn incidents(db: &gridgov_store::testing::TestDb) -> i64 {
    db.store
        .scalar_for_tests("SELECT COUNT(*) FROM incidents")
        .await
        .unwrap()
}

on_both!(a_citizen_app_speaks_georeport_v2, |db| {
    let _t = town(&db.store).await;
    let key = db
        .store
        .issue_open311_key(&Actor::system(), "4202", "随手拍", None)
        .await
        .unwrap()
        .key;
    let mut c = Client::new(&db);

    let r = c.get("/open311/v2/discovery.json").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let d = r.json();
    assert_eq!(
        d["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert!(
        d["endpoints"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/open311/v2")
    );
    let r = c.get("/open311/v2/discovery.xml").await;
    assert!(
        r.body
            .starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><discovery>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<formats><format>text/xml</format>"));
    assert_eq!(r.headers["content-type"], "text/xml; charset=utf-8");

    let r = c
        .get("/open311/v2/services.json?jurisdiction_id=4202")
        .await;
    let s = r.json();
    assert_eq!(s.as_array().unwrap().len(), 3, "{s}");
    assert_eq!(s[2]["service_code"], "0601");
    assert_eq!(s[2]["group"], "城市管理");
    assert_eq!(s[2]["metadata"], true);
    let r = c.get("/open311/v2/services.xml?jurisdiction_id=4202").await;
    assert!(
        r.body
            .contains("<services><service><service_code>01</service_code>"),
        "{}",
        r.body
    );
    let r = c.get("/open311/v2/services.json").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("jurisdiction_id")
    );
    let r = c
        .get("/open311/v2/services.json?jurisdiction_id=4301")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .get("/open311/v2/services/0601.json?jurisdiction_id=4202")
        .await;
    let def = r.json();
    assert_eq!(def["service_code"], "0601");
    assert_eq!(def["attributes"][1]["code"], "occurred_at");
    assert_eq!(def["attributes"][1]["datatype"], "datetime");
    let r = c
        .get("/open311/v2/services/9999.xml?jurisdiction_id=4202")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body
            .contains("<errors><error><code>404</code><description>service_code"),
        "{}",
        r.body
    );

    let r = c
        .post_form(
            FORM,
            &post(
                &key,
                &[("attribute[occurred_at]", "2026-11-23T07:30:00+08:00")],
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let made = r.json();
    let id = made[0]["service_request_id"].as_str().unwrap().to_owned();
    let token = made[0]["token"].as_str().unwrap().to_owned();
    assert!(id.starts_with("SJ-420202-"));
    let r = c
        .post_form(
            "/open311/v2/requests.xml",
            &post(&key, &[("description", "路口井盖缺失")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body
            .contains("<service_requests><request><service_request_id>SJ-420202-"),
        "{}",
        r.body
    );

    let r = c
        .get(&format!(
            "/open311/v2/requests/{id}.json?jurisdiction_id=4202"
        ))
        .await;
    let one = r.json();
    assert_eq!(one[0]["status"], "open");
    assert_eq!(one[0]["service_code"], "0601");
    assert_eq!(one[0]["lat"], 30.205);
    assert!(
        one[0]["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+08:00")
    );
    let r = c
        .get(&format!(
            "/open311/v2/requests/{id}.xml?jurisdiction_id=4202"
        ))
        .await;
    assert!(
        r.body
            .contains("<service_requests><request><service_request_id>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<status>open</status>"));
    let r = c
        .get("/open311/v2/requests/SJ-420202-20200101-0001.json?jurisdiction_id=4202")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = c
        .get(&format!(
            "/open311/v2/tokens/{token}.json?jurisdiction_id=4202"
        ))
        .await;
    assert_eq!(r.json()[0]["service_request_id"], id.as_str());
    let r = c
        .get("/open311/v2/tokens/nope.json?jurisdiction_id=4202")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let list = c
        .get("/open311/v2/requests.json?jurisdiction_id=4202")
        .await;
    assert_eq!(list.json().as_array().unwrap().len(), 2);
    let r = c
        .get("/open311/v2/requests.json?jurisdiction_id=4202&status=closed")
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), 0);
    let r = c
        .get(&format!(
            "/open311/v2/requests.json?jurisdiction_id=4202&service_request_id={id}"
        ))
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    let r = c
        .get("/open311/v2/requests.json?jurisdiction_id=4202&service_code=01,06")
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), 0);
    let r = c
        .get("/open311/v2/requests.xml?jurisdiction_id=4202&start_date=2026-11-20")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("<code>400</code><description>start_date"),
        "{}",
        r.body
    );
    let r = c
        .get(
            "/open311/v2/requests.json?jurisdiction_id=4202&start_date=2026-01-01T00:00:00Z\
             &end_date=2026-11-30T00:00:00Z",
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "more than 90 days");
    let r = c
        .get("/open311/v2/requests.json?jurisdiction_id=4202&status=pending")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Nothing personal in any public answer.
    let xml = c.get("/open311/v2/requests.xml?jurisdiction_id=4202").await;
    for body in [&list.body, &xml.body] {
        for private in ["晓明", "王", "1381234", "wxm@", "open311:"] {
            assert!(!body.contains(private), "{private} in {body}");
        }
    }
});

on_both!(the_spec_errors_and_nothing_written, |db| {
    let _t = town(&db.store).await;
    let sys = Actor::system();
    let key = db
        .store
        .issue_open311_key(&sys, "4202", "随手拍", None)
        .await
        .unwrap();
    let mut c = Client::new(&db);

    let mut no_key = post("", &[]);
    no_key.retain(|(k, _)| *k != "api_key");
    let r = c.post_form(FORM, &no_key).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.json()[0]["code"], 403);
    assert!(
        r.json()[0]["description"]
            .as_str()
            .unwrap()
            .contains("api_key was not provided")
    );
    let r = c
        .post_form("/open311/v2/requests.xml", &post("o311_wrong", &[]))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body.contains("<errors><error><code>403</code>"),
        "{}",
        r.body
    );

    let r = c
        .post_form(FORM, &post(&key.key, &[("service_code", "9999")]))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = c
        .post_form(FORM, &post(&key.key, &[("lat", "30.5"), ("long", "115.5")]))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.json()[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("long:"),
        "{}",
        r.body
    );
    let r = c
        .post_form(
            FORM,
            &post(&key.key, &[("attribute[occurred_at]", "23/11/2026")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("attribute[occurred_at]"), "{}", r.body);
    let r = c
        .post_form(FORM, &post(&key.key, &[("jurisdiction_id", "4301")]))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = c
        .post_form("/open311/v2/requests", &post(&key.key, &[]))
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a resource without its format"
    );
    assert_eq!(incidents(&db).await, 0, "nothing kept of refused requests");

    db.store.revoke_open311_key(&sys, &key.id).await.unwrap();
    let r = c.post_form(FORM, &post(&key.key, &[])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "revoked");
    assert_eq!(incidents(&db).await, 0);
});

on_both!(
    a_key_over_its_rate_and_a_flood_from_one_address_are_refused,
    |db| {
        let _t = town(&db.store).await;
        let sys = Actor::system();
        let slow = db
            .store
            .issue_open311_key(&sys, "4202", "慢应用", Some(1))
            .await
            .unwrap()
            .key;
        let mut c = Client::new(&db);
        let r = c.post_form(FORM, &post(&slow, &[])).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = c.post_form(FORM, &post(&slow, &[])).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        assert!(r.headers.contains_key("retry-after"));
        assert!(
            r.json()[0]["description"]
                .as_str()
                .unwrap()
                .contains("over its limit")
        );
        assert_eq!(incidents(&db).await, 1);

        let fast = db
            .store
            .issue_open311_key(&sys, "4202", "快应用", None)
            .await
            .unwrap()
            .key;
        let (app, _) = web_apps(&db, |cfg| {
            cfg.open311_per_address_per_minute = 60;
            cfg.open311_per_address_burst = 3;
        });
        let mut c = Client::on(app);
        let mut refused = 0;
        for _ in 0..6 {
            let r = c.post_form(FORM, &post(&fast, &[])).await;
            match r.status {
                StatusCode::OK => {}
                StatusCode::TOO_MANY_REQUESTS => {
                    refused += 1;
                    assert!(
                        r.body.contains("too many requests from this address"),
                        "{}",
                        r.body
                    );
                }
                s => panic!("answered {s}: {}", r.body),
            }
        }
        assert_eq!(refused, 3, "a burst of three, then refusals");
        assert_eq!(incidents(&db).await, 4, "the refused ones left nothing");
    }
);

on_both!(the_desk_issues_shows_once_and_revokes, |db| {
    let _t = town(&db.store).await;
    gridgov_store::testing::add_user(
        &db.store,
        &Actor::system(),
        "admin",
        gridgov_core::auth::Role::SystemAdmin,
        "42",
    )
    .await;
    let mut c = Client::new(&db);
    c.login("admin", gridgov_store::testing::PASSWORD).await;
    let page = c.get("/admin/open311").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.csrf();
    let r = c
        .post_form(
            "/admin/open311/keys",
            &[
                ("csrf", &csrf),
                ("city", "4202"),
                ("name", "随手拍"),
                ("per_minute", "60"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let at = r.body.find("o311_").expect("the new key shown");
    let key: String = r.body[at..].chars().take_while(|c| *c != '<').collect();
    assert!(db.store.open311_key(&key).await.unwrap().is_some());
    let again = c.get("/admin/open311?city=4202").await;
    assert!(!again.body.contains(&key), "shown once");
    assert!(again.body.contains("0601"), "the city's mapping");
    let id = db.store.open311_keys(&Actor::system()).await.unwrap()[0]
        .id
        .clone();
    let r = c
        .post_form(
            &format!("/admin/open311/keys/{id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(db.store.open311_key(&key).await.unwrap().is_none());
});
