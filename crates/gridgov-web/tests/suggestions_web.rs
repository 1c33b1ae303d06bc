#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Suggestions over HTTP and on the desk, on both databases: after the town's history is
//! learned, the center opening a new street-vending report sees the suggested category and the
//! urban-management bureau preselected as lead; dispatching to the police instead is recorded
//! as a suggestion not taken, and the categories page shows the rate; the next village's
//! worker learns nothing of the incident's suggestion.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::Actor;
use gridgov_store::incidents::ReportInput;
use gridgov_store::on_both;
use gridgov_store::testing::suggest_history::history;
use gridgov_store::testing::{PASSWORD, TestDb};
use support::{Client, Reply};

async fn signed_in(db: &TestDb, username: &str) -> Client {
    let mut c = Client::new(db);
    let r = c.login(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{username}: {}", r.body);
    c
}

fn version(page: &Reply) -> String {
    let at = page.body.find("name=\"version\" value=\"").unwrap();
    let rest = &page.body[at + 22..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn act(c: &mut Client, at: &str, fields: &[(&str, &str)]) -> Reply {
    let page = c.get(at).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.csrf();
    let v = version(&page);
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("csrf", None, csrf.as_bytes()),
        ("version", None, v.as_bytes()),
    ];
    parts.extend(fields.iter().map(|(k, val)| (*k, None, val.as_bytes())));
    c.post_multipart(&format!("{at}/actions"), &parts).await
}

on_both!(the_center_sees_and_decides_on_the_suggestion, |db| {
    let s = &db.store;
    let t = history(s).await;
    s.train_suggesters(&Actor::system(), false).await.unwrap();
    let r = s
        .report_incident(
            &t.worker,
            &ReportInput {
                title: "学校门口有人摆摊".into(),
                description: "放学时间小学门口商贩占道摆摊卖零食，堵住人行道".into(),
                category: "0601".into(),
                grid_id: t.g1.clone(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let path = format!("/api/v1/incidents/{}/{}/suggestion", r.county_code, r.id);

    let mut api = Client::new(&db);
    let center = api.token("center").await;
    let got = api.api("GET", &path, Some(&center), None).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let j = got.json();
    assert_eq!(j["categories"][0]["code"], "0601", "{j}");
    assert_eq!(j["departments"][0]["code"], t.urban.as_str(), "{j}");
    let other = api.token("worker2").await;
    let hidden = api.api("GET", &path, Some(&other), None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);

    let mut desk = signed_in(&db, "center").await;
    let at = format!("/incidents/{}/{}", r.county_code, r.id);
    let page = desk.get(&at).await;
    assert!(page.body.contains("建议分类：占道经营"), "{}", page.body);
    let done = act(&mut desk, &at, &[("action", "accept")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = desk.get(&at).await;
    assert!(
        page.body
            .contains(&format!("<option value=\"{}\" selected>", t.urban)),
        "the suggested lead comes preselected"
    );
    let done = act(
        &mut desk,
        &at,
        &[("action", "dispatch"), ("lead_department", &t.police)],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    let rates = api
        .api("GET", "/api/v1/suggestions/acceptance", Some(&center), None)
        .await
        .json();
    assert_eq!(rates["rates"][0]["kind"], "category");
    assert_eq!(rates["rates"][0]["rate"], 1.0, "{rates}");
    assert_eq!(rates["rates"][1]["taken"], 0, "{rates}");
    assert_eq!(rates["rates"][1]["decisions"], 1, "{rates}");
    let theirs = api
        .api("GET", "/api/v1/suggestions/acceptance", Some(&other), None)
        .await
        .json();
    assert_eq!(theirs["rates"][0]["decisions"], 0, "{theirs}");
    let categories = desk.get("/categories").await;
    assert!(
        categories.body.contains("建议分类采纳率：100%（1/1）"),
        "{}",
        categories.body
    );
});
