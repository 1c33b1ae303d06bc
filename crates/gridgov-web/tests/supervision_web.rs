#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Supervision over HTTP and through the desk's forms, on both databases: the city reminds and
//! issues cards on a district's incident, the department replies, the district grants more
//! time; every refusal answers with its status and reason (403 for who, 409 for when, 422 for
//! what), and a center of the next district finds nothing.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_store::incidents::{ActionInput, DispatchInput, ReportInput};
use gridgov_store::on_both;
use gridgov_store::testing::town::{Town, town};
use gridgov_store::testing::{PASSWORD, TestDb, add_user};
use serde_json::json;
use support::Client;

fn act(action: &str, version: i64) -> ActionInput {
    ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    }
}

/// The town, a city center above it and the next district's center; one incident in progress
/// with the urban department. (town, "/api/v1/incidents/{county}/{id}", "/incidents/{county}/{id}")
async fn ground(db: &TestDb) -> (Town, String, String) {
    let s = &db.store;
    let t = town(s).await;
    let sys = Actor::system();
    add_user(s, &sys, "city", Role::CenterOperator, "4202").await;
    add_user(s, &sys, "xisai", Role::CenterOperator, "420203").await;
    let i = s
        .report_incident(
            &t.worker,
            &ReportInput {
                title: "桂花路占道经营".into(),
                description: "早市摊贩占用人行道。".into(),
                category: "06".into(),
                grid_id: t.g1.clone(),
                address: "桂花路 12 号".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let (c, id) = (i.county_code.clone(), i.id.clone());
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        territorial_grid: t.g1.clone(),
        lead_department: t.urban.clone(),
        ..Default::default()
    };
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    s.act_on_incident(&t.urban_handler, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    (
        t,
        format!("/api/v1/incidents/{c}/{id}"),
        format!("/incidents/{c}/{id}"),
    )
}

on_both!(supervision_over_the_api, |db| {
    let (_t, at, _) = ground(&db).await;
    let mut c = Client::new(&db);
    let city = c.token("city").await;
    let center = c.token("center").await;
    let urban = c.token("urban").await;
    let xisai = c.token("xisai").await;

    let remind = format!("{at}/reminders");
    let r = c
        .api(
            "POST",
            &remind,
            Some(&city),
            Some(json!({"note": "请加快办理"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["reminders"], 1);
    let r = c
        .api(
            "POST",
            &remind,
            Some(&center),
            Some(json!({"note": "请加快办理"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.json()["code"], "not_higher_center");
    let r = c
        .api(
            "POST",
            &remind,
            Some(&xisai),
            Some(json!({"note": "请加快办理"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let cards = format!("{at}/cards");
    let r = c
        .api(
            "POST",
            &cards,
            Some(&city),
            Some(json!({"colour": "purple", "due_date": "2000-01-01", "note": ""})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let fields: Vec<String> = r.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["colour", "note"], "{}", r.body);
    let r = c
        .api(
            "POST",
            &cards,
            Some(&city),
            Some(
                json!({"colour": "red", "addressee": "department:dep-urban", "due_days": "3",
                "note": "限期书面回复"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let card = r.json();
    let card_at = format!(
        "/api/v1/supervision/cards/{}/{}",
        card["county_code"].as_str().unwrap(),
        card["id"].as_str().unwrap()
    );
    assert_eq!(
        c.api("GET", &card_at, Some(&xisai), None).await.status,
        StatusCode::NOT_FOUND
    );
    let desk = c
        .api(
            "GET",
            "/api/v1/supervision?view=to_reply",
            Some(&urban),
            None,
        )
        .await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.body);
    assert_eq!(desk.json()["counts"]["to_reply"], 1);
    assert_eq!(desk.json()["cards"][0]["id"], card["id"]);
    let desk = c
        .api("GET", "/api/v1/supervision", Some(&xisai), None)
        .await;
    assert_eq!(desk.json()["cards"], json!([]));

    let actions = format!("{card_at}/actions");
    let reply = json!({"action": "reply", "version": 1, "text": "已清理完毕"});
    let r = c
        .api("POST", &actions, Some(&city), Some(reply.clone()))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["code"], "not_addressee");
    let r = c
        .api("POST", &actions, Some(&urban), Some(reply.clone()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["state"], "replied");
    let r = c.api("POST", &actions, Some(&urban), Some(reply)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["current"]["state"], "replied");
    let page = c.api("GET", &card_at, Some(&city), None).await.json();
    assert_eq!(page["allowed"], json!(["accept", "send_back", "close"]));

    let ext = format!("{at}/extensions");
    let r = c
        .api(
            "POST",
            &ext,
            Some(&urban),
            Some(json!({"days": "30", "reason": "材料未到"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["code"], "beyond_maximum");
    let r = c
        .api(
            "POST",
            &ext,
            Some(&urban),
            Some(json!({"days": "2", "reason": "材料未到"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let x = r.json();
    let r = c
        .api(
            "POST",
            &ext,
            Some(&urban),
            Some(json!({"days": "1", "reason": "再等一天"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let decide = format!("{ext}/{}", x["id"].as_str().unwrap());
    let r = c
        .api("POST", &decide, Some(&city), Some(json!({"grant": true})))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = c
        .api("POST", &decide, Some(&center), Some(json!({"grant": true})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["due_after"].as_i64().unwrap() > r.json()["due_before"].as_i64().unwrap());

    // Listed supervision names the incident it refuses; nothing is issued.
    let key = at.trim_start_matches("/api/v1/incidents/").to_owned();
    let r = c
        .api(
            "POST",
            "/api/v1/supervision/listed",
            Some(&city),
            Some(
                json!({"incidents": [key, "420202/nothing"], "colour": "yellow",
                "due_days": "5", "note": "挂牌督办"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["fields"][0]["field"], "incidents[1]");
    let r = c
        .api(
            "POST",
            "/api/v1/supervision/listed",
            Some(&city),
            Some(
                json!({"incidents": [key], "colour": "yellow", "due_days": "5",
                "note": "挂牌督办"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["count"], 1);

    let doc = c
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    for path in [
        "/api/v1/incidents/{county}/{id}/reminders",
        "/api/v1/incidents/{county}/{id}/cards",
        "/api/v1/incidents/{county}/{id}/extensions",
        "/api/v1/incidents/{county}/{id}/extensions/{extension}",
        "/api/v1/supervision",
        "/api/v1/supervision/listed",
        "/api/v1/supervision/cards/{county}/{id}",
        "/api/v1/supervision/cards/{county}/{id}/actions",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not documented");
    }
});

async fn signed_in(db: &TestDb, username: &str) -> Client {
    let mut c = Client::new(db);
    let r = c.login(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{username}: {}", r.body);
    c
}

on_both!(supervision_through_the_desk, |db| {
    let (_t, _, at) = ground(&db).await;
    let mut city = signed_in(&db, "city").await;
    let page = city.get(&at).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-action=\"remind\""));
    assert!(page.body.contains("data-action=\"issue_card\""));
    let csrf = page.csrf();
    let r = city
        .post_form(
            &format!("{at}/remind"),
            &[("csrf", &csrf), ("note", "请加快办理")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = city.get(&at).await;
    assert!(
        page.body.contains("data-reminders>1<"),
        "the count is shown"
    );
    assert!(
        page.body.contains("请加快办理"),
        "the reminder is on the timeline"
    );
    // A date in the past comes back to the page with the field and the reason.
    let r = city
        .post_form(
            &format!("{at}/cards"),
            &[
                ("csrf", &csrf),
                ("colour", "red"),
                ("due_date", "2000-01-01"),
                ("note", "限期回复"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("due_date"), "{}", r.body);
    let r = city
        .post_form(
            &format!("{at}/cards"),
            &[
                ("csrf", &csrf),
                ("colour", "red"),
                ("addressee", "department:dep-urban"),
                ("due_days", "3"),
                ("note", "限期书面回复整改情况"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The department finds it on its desk and replies from the card's page.
    let mut urban = signed_in(&db, "urban").await;
    let desk = urban.get("/supervision?view=to_reply").await;
    assert_eq!(desk.status, StatusCode::OK);
    let at_card = desk.body.find("/supervision/cards/").unwrap();
    let rest = &desk.body[at_card..];
    let card = rest[..rest.find('"').unwrap()].to_owned();
    let card_page = urban.get(&card).await;
    assert!(card_page.body.contains("限期书面回复整改情况"));
    assert!(card_page.body.contains("data-action=\"reply\""));
    let csrf = card_page.csrf();
    let r = urban
        .post_form(
            &format!("{card}/actions"),
            &[
                ("csrf", &csrf),
                ("action", "reply"),
                ("version", "1"),
                ("text", " "),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = urban
        .post_form(
            &format!("{card}/actions"),
            &[
                ("csrf", &csrf),
                ("action", "reply"),
                ("version", "1"),
                ("text", "已安排人员清理"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = urban
        .post_form(
            &format!("{card}/actions"),
            &[
                ("csrf", &csrf),
                ("action", "reply"),
                ("version", "1"),
                ("text", "再回复一次"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a stale form is refused");
    // The handler asks for more time from the incident's page.
    let page = urban.get(&at).await;
    assert!(page.body.contains("data-action=\"request_extension\""));
    let r = urban
        .post_form(
            &format!("{at}/extensions"),
            &[
                ("csrf", &page.csrf()),
                ("days", "2"),
                ("reason", "施工材料未到"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut center = signed_in(&db, "center").await;
    let page = center.get(&at).await;
    let d = page.body.find("/extensions/").expect("a decision form");
    let start = page.body[..d].rfind('"').unwrap() + 1;
    let end = d + page.body[d..].find('"').unwrap();
    let decide = page.body[start..end].to_owned();
    let r = center
        .post_form(&decide, &[("csrf", &page.csrf()), ("decision", "grant")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The next district's center sees neither the card nor anything on its desk.
    let mut xisai = signed_in(&db, "xisai").await;
    assert_eq!(xisai.get(&card).await.status, StatusCode::NOT_FOUND);
    let desk = xisai.get("/supervision").await;
    assert!(!desk.body.contains("/supervision/cards/"));

    // Listed supervision from the work list: the ticked row.
    let list = city.get("/incidents?list=all").await;
    assert!(list.body.contains("id=\"listed\""));
    let key = at.trim_start_matches("/incidents/").to_owned();
    let r = city
        .post_form(
            "/supervision/listed",
            &[
                ("csrf", &list.csrf()),
                ("incidents", &key),
                ("colour", "black"),
                ("due_days", "5"),
                ("note", "挂牌督办"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/supervision?view=due&listed=1");
    let desk = city.get(r.location()).await;
    assert!(desk.body.contains("data-notice"));
});
