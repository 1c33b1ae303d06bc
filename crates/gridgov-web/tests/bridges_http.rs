#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The 12345 and 110 bridges over real HTTP on loopback, on both databases: the app serves the
//! inbound door on a port of its own and a hotline's status receiver listens on another.
//! Orders signed right are reported once (a repeat, or eight at once, answer the same and
//! store nothing new); a bad, missing or stale signature is 401 and a body that does not read
//! through the mapping is 400, with nothing stored; status changes reach the hotline signed;
//! a failing hotline is retried after each backoff until the push is dead, listed on the desk
//! and replayed from it; a slow one times out and is tried again.

mod support;

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use gridgov_core::auth::{Actor, Role};
use gridgov_store::bridges::BridgeInput;
use gridgov_store::incidents::ActionInput;
use gridgov_store::testing::town::{Town, town};
use gridgov_store::testing::{PASSWORD, TestDb, add_user};
use gridgov_store::{Store, on_both};
use gridgov_web::bridges::{
    PushSender, SIGNATURE_HEADER, TIMESTAMP_HEADER, push_due, sign, verify,
};
use serde_json::{Value, json};
use support::{Client, web_app};

const SECRET: &str = "hs12345-shared-secret-2026";
const NOW: i64 = 1_780_000_000_000;
const MAPPING: &str = r#"{"external_no": "/gdbh", "title": "/bt", "description": "/nr",
    "category": "/lb", "category_map": {"市容环境": "06"}, "address": "/dz",
    "lng": "/jd", "lat": "/wd", "occurred_at": "/sj",
    "caller_name": "/ldr/xm", "caller_phone": "/ldr/dh"}"#;

const OK: u8 = 0;
const FAIL: u8 = 1;
const SLOW: u8 = 2;

/// A hotline's status receiver on loopback that answers as told.
#[derive(Clone)]
struct Hotline {
    url: String,
    hits: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    mode: Arc<AtomicU8>,
}

impl Hotline {
    async fn start() -> Hotline {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let h = Hotline {
            url: format!("http://{}/status", listener.local_addr().unwrap()),
            hits: Arc::default(),
            mode: Arc::default(),
        };
        let app = Router::new().fallback(receive).with_state(h.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        h
    }

    fn hits(&self) -> Vec<(HeaderMap, String)> {
        self.hits.lock().unwrap().clone()
    }
}

async fn receive(
    State(h): State<Hotline>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, &'static str) {
    h.hits.lock().unwrap().push((headers, body));
    match h.mode.load(Ordering::SeqCst) {
        FAIL => (StatusCode::BAD_GATEWAY, "hotline down"),
        SLOW => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::OK, "ok")
        }
        _ => (StatusCode::OK, "ok"),
    }
}

/// The app itself on a loopback port, as a hotline's platform reaches it.
async fn serve(db: &TestDb) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = web_app(db);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    url
}

async fn configure(s: &Store, push_url: &str) -> Actor {
    let admin = add_user(s, &Actor::system(), "admin", Role::SystemAdmin, "420202")
        .await
        .actor();
    s.save_bridge(
        &admin,
        &BridgeInput {
            id: "hs-12345".into(),
            kind: "hotline_12345".into(),
            name: "黄石港区12345热线".into(),
            region_code: "420202".into(),
            secret: SECRET.into(),
            push_url: push_url.into(),
            mapping: MAPPING.into(),
            active: true,
            version: 0,
        },
    )
    .await
    .unwrap();
    admin
}

fn order(no: &str) -> Value {
    json!({"gdbh": no, "bt": "桂花路占道经营", "nr": "来电反映早市摊贩占用人行道。",
        "lb": "市容环境", "dz": "桂花路 12 号", "jd": 115.005, "wd": "30.205",
        "sj": "2026-05-28 08:30:00", "ldr": {"xm": "张先生", "dh": "13800000001"}})
}

struct Sent {
    status: StatusCode,
    body: Value,
}

/// Posts an order with the given timestamp and signature headers (none when `None`).
async fn post(
    http: &reqwest::Client,
    base: &str,
    body: &str,
    ts: Option<i64>,
    sig: Option<String>,
) -> Sent {
    let mut r = http
        .post(format!("{base}/api/v1/bridges/hs-12345/orders"))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(ts) = ts {
        r = r.header(TIMESTAMP_HEADER, ts.to_string());
    }
    if let Some(sig) = sig {
        r = r.header(SIGNATURE_HEADER, sig);
    }
    let resp = r.send().await.unwrap();
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap();
    let text = resp.text().await.unwrap();
    Sent {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

async fn signed(http: &reqwest::Client, base: &str, body: &str) -> Sent {
    let ts = NOW / 1000;
    post(
        http,
        base,
        body,
        Some(ts),
        Some(sign(SECRET, ts, body.as_bytes())),
    )
    .await
}

async fn count(s: &Store, table: &str) -> i64 {
    s.scalar_for_tests(&format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap()
}

on_both!(orders_are_stored_once_and_bad_ones_not_at_all, |db| {
    town(&db.store).await;
    let s = &db.store;
    db.clock.set_ms(NOW);
    configure(s, "").await;
    let base = serve(&db).await;
    let http = reqwest::Client::new();
    let body = order("HS20260528001").to_string();

    let first = signed(&http, &base, &body).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["order_no"], "HS20260528001");
    let again = signed(&http, &base, &body).await;
    assert_eq!((again.status, &again.body), (StatusCode::OK, &first.body));
    // Eight deliveries of another order at once: one incident, eight equal answers, no 500.
    let other = order("HS20260528002").to_string();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (http, base, other) = (http.clone(), base.clone(), other.clone());
        tasks.push(tokio::spawn(
            async move { signed(&http, &base, &other).await },
        ));
    }
    let mut answers = Vec::new();
    for t in tasks {
        let a = t.await.unwrap();
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        answers.push(a.body);
    }
    assert!(answers.iter().all(|a| *a == answers[0]));
    assert_eq!(count(s, "incidents").await, 2);

    let ts = NOW / 1000;
    let fresh = order("HS20260528003").to_string();
    let cases: Vec<(&str, Option<i64>, Option<String>, &str)> = vec![
        ("missing", None, None, "signature_missing"),
        (
            "no timestamp",
            None,
            Some(sign(SECRET, ts, fresh.as_bytes())),
            "signature_missing",
        ),
        (
            "wrong secret",
            Some(ts),
            Some(sign("another-secret-000000", ts, fresh.as_bytes())),
            "bad_signature",
        ),
        (
            "other body",
            Some(ts),
            Some(sign(SECRET, ts, body.as_bytes())),
            "bad_signature",
        ),
        (
            "garbage",
            Some(ts),
            Some("sha256=zz".into()),
            "bad_signature",
        ),
        (
            "six minutes old",
            Some(ts - 360),
            Some(sign(SECRET, ts - 360, fresh.as_bytes())),
            "timestamp_outside_window",
        ),
        (
            "six minutes ahead",
            Some(ts + 360),
            Some(sign(SECRET, ts + 360, fresh.as_bytes())),
            "timestamp_outside_window",
        ),
    ];
    for (what, t, sig, code) in cases {
        let r = post(&http, &base, &fresh, t, sig).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}: {}", r.body);
        assert_eq!(r.body["code"], code, "{what}");
        assert!(!r.body["message_zh"].as_str().unwrap().is_empty());
    }
    // Four minutes off is inside the window.
    let r = post(
        &http,
        &base,
        &fresh,
        Some(ts - 240),
        Some(sign(SECRET, ts - 240, fresh.as_bytes())),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let mut no_number = order("x");
    no_number.as_object_mut().unwrap().remove("gdbh");
    no_number["lb"] = json!("别的分类");
    no_number["jd"] = json!("东经");
    let r = signed(&http, &base, &no_number.to_string()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["code"], "mapping_mismatch");
    let fields: Vec<&str> = r.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["external_no", "category", "lng"]);
    let r = signed(&http, &base, "{not json").await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_json"))
    );
    let mut far = order("HS20260528004");
    far["jd"] = json!(116.5);
    let r = signed(&http, &base, &far.to_string()).await;
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("order_refused"))
    );
    // Nothing of the refused ones was kept.
    assert_eq!(count(s, "incidents").await, 3);
    assert_eq!(count(s, "bridge_orders").await, 3);
    // An unknown bridge is not found.
    let r = http
        .post(format!("{base}/api/v1/bridges/nobody/orders"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
});

fn act(action: &str, version: i64) -> ActionInput {
    ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    }
}

/// An order through the door, accepted by the center: one push due.
async fn accepted(db: &TestDb, t: &Town, base: &str) -> (String, String) {
    let http = reqwest::Client::new();
    let r = signed(&http, base, &order("HS20260528100").to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (county, id) = (
        r.body["county_code"].as_str().unwrap().to_owned(),
        r.body["incident_id"].as_str().unwrap().to_owned(),
    );
    let i = db.store.incident(&t.center, &county, &id).await.unwrap();
    db.store
        .act_on_incident(&t.center, &county, &id, &act("accept", i.version))
        .await
        .unwrap();
    (county, id)
}

fn sender() -> PushSender {
    PushSender::new(Duration::from_millis(500)).unwrap()
}

async fn push_state(s: &Store) -> (String, i64) {
    let state = s
        .scalar_text_for_tests("SELECT state FROM bridge_pushes")
        .await
        .unwrap();
    let next = s
        .scalar_for_tests("SELECT next_at FROM bridge_pushes")
        .await
        .unwrap();
    (state, next)
}

on_both!(status_changes_reach_the_hotline_signed, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    db.clock.set_ms(NOW);
    let hotline = Hotline::start().await;
    configure(s, &hotline.url).await;
    let base = serve(&db).await;
    let (county, id) = accepted(&db, &t, &base).await;
    let i = s.incident(&t.center, &county, &id).await.unwrap();
    let mut reject = act("reject", i.version);
    reject.reason = "不属于网格受理范围".into();
    // Accepted, then refused: an incident cannot be both, so a second order is refused.
    let http = reqwest::Client::new();
    let r = signed(&http, &base, &order("HS20260528101").to_string()).await;
    let j = s
        .incident(
            &t.center,
            r.body["county_code"].as_str().unwrap(),
            r.body["incident_id"].as_str().unwrap(),
        )
        .await
        .unwrap();
    reject.version = j.version;
    s.act_on_incident(&t.center, &j.county_code, &j.id, &reject)
        .await
        .unwrap();

    let pass = push_due(s, &sender(), "node-a").await.unwrap();
    assert_eq!((pass.claimed, pass.sent, pass.failed), (2, 2, 0));
    let mut hits = hotline.hits();
    assert_eq!(hits.len(), 2);
    hits.sort_by_key(|(_, b)| {
        serde_json::from_str::<Value>(b).unwrap()["order_no"]
            .as_str()
            .unwrap()
            .to_owned()
    });
    for (headers, body) in &hits {
        let h = |n: &str| headers.get(n).map(|v| v.to_str().unwrap());
        assert_eq!(
            verify(
                SECRET,
                h(TIMESTAMP_HEADER),
                h(SIGNATURE_HEADER),
                body.as_bytes(),
                NOW / 1000
            ),
            Ok(()),
            "signed with the bridge's secret"
        );
        assert_eq!(h("x-gridgov-bridge"), Some("hs-12345"));
    }
    let first: Value = serde_json::from_str(&hits[0].1).unwrap();
    assert_eq!(
        (first["order_no"].as_str(), first["status"].as_str()),
        (Some("HS20260528100"), Some("accepted"))
    );
    let second: Value = serde_json::from_str(&hits[1].1).unwrap();
    assert_eq!(second["status"], "returned");
    assert_eq!(second["status_zh"], "已退回");
    assert_eq!(second["text"], "不属于网格受理范围");
    // Never twice.
    assert_eq!(push_due(s, &sender(), "node-b").await.unwrap().claimed, 0);
    assert_eq!(hotline.hits().len(), 2);
});

on_both!(
    a_failing_hotline_is_retried_then_dead_then_replayed_from_the_desk,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        db.clock.set_ms(NOW);
        let hotline = Hotline::start().await;
        hotline.mode.store(FAIL, Ordering::SeqCst);
        let admin = configure(s, &hotline.url).await;
        let base = serve(&db).await;
        accepted(&db, &t, &base).await;
        let max = gridgov_core::bridges::PUSH_MAX_ATTEMPTS;
        for attempt in 1..=max {
            let pass = push_due(s, &sender(), "node-a").await.unwrap();
            assert_eq!((pass.claimed, pass.failed), (1, 1), "attempt {attempt}");
            let (state, next_at) = push_state(s).await;
            if attempt < max {
                assert_eq!(state, "pending");
                assert_eq!(next_at, s.now_ms() + 30_000 * (1 << (attempt - 1)));
                assert_eq!(push_due(s, &sender(), "node-a").await.unwrap().claimed, 0);
                db.clock.set_ms(next_at);
            } else {
                assert_eq!(state, "dead");
            }
        }
        assert_eq!(hotline.hits().len() as i64, max);

        // The desk lists it among the dead letters; another district's administrator sees nothing.
        hotline.mode.store(OK, Ordering::SeqCst);
        add_user(
            s,
            &Actor::system(),
            "xisai-admin",
            Role::SystemAdmin,
            "420203",
        )
        .await;
        let mut theirs = Client::new(&db);
        theirs.login("xisai-admin", PASSWORD).await;
        let page = theirs.get("/admin/bridge-pushes?state=dead").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("HS20260528100"));
        let mut c = Client::new(&db);
        c.login("admin", PASSWORD).await;
        let page = c.get("/admin/bridge-pushes?state=dead").await;
        assert!(
            page.body.contains("HS20260528100") && page.body.contains("HTTP 502"),
            "{}",
            page.body
        );
        let id = s
            .scalar_text_for_tests("SELECT id FROM bridge_pushes")
            .await
            .unwrap();
        let csrf = page.csrf();
        let their_csrf = theirs.get("/admin/bridge-pushes").await.csrf();
        let r = theirs
            .post_form(
                &format!("/admin/bridge-pushes/{id}/replay"),
                &[("csrf", &their_csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = c
            .post_form(
                &format!("/admin/bridge-pushes/{id}/replay"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let pass = push_due(s, &sender(), "node-a").await.unwrap();
        assert_eq!((pass.claimed, pass.sent), (1, 1));
        assert_eq!(push_state(s).await.0, "sent");
        let trail = s.list_audit(&admin, 50, None).await.unwrap();
        assert!(trail.iter().any(|r| r.action == "bridge.replay"));
    }
);

on_both!(a_slow_hotline_times_out_and_is_tried_again, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    db.clock.set_ms(NOW);
    let hotline = Hotline::start().await;
    hotline.mode.store(SLOW, Ordering::SeqCst);
    configure(s, &hotline.url).await;
    let base = serve(&db).await;
    accepted(&db, &t, &base).await;
    let pass = push_due(s, &sender(), "node-a").await.unwrap();
    assert_eq!((pass.claimed, pass.sent, pass.failed), (1, 0, 1));
    let (state, next_at) = push_state(s).await;
    assert_eq!(state, "pending");
    let err = s
        .scalar_text_for_tests("SELECT last_error FROM bridge_pushes")
        .await
        .unwrap();
    assert!(err.contains("did not answer in time"), "{err}");
    hotline.mode.store(OK, Ordering::SeqCst);
    db.clock.set_ms(next_at);
    assert_eq!(push_due(s, &sender(), "node-a").await.unwrap().sent, 1);
    assert_eq!(hotline.hits().len(), 2);
});

on_both!(
    bridges_are_configured_on_the_desk_with_the_secret_masked,
    |db| {
        town(&db.store).await;
        let s = &db.store;
        add_user(s, &Actor::system(), "admin", Role::SystemAdmin, "420202").await;
        let mut c = Client::new(&db);
        c.login("admin", PASSWORD).await;
        let page = c.get("/admin/bridges").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let csrf = page.csrf();
        let form = |secret: &str, mapping: &str| {
            vec![
                ("csrf".to_owned(), csrf.clone()),
                ("id".to_owned(), "hs-110".to_owned()),
                ("kind".to_owned(), "police_110".to_owned()),
                ("name".to_owned(), "黄石港分局110".to_owned()),
                ("region_code".to_owned(), "420202".to_owned()),
                ("secret".to_owned(), secret.to_owned()),
                ("push_url".to_owned(), String::new()),
                ("mapping".to_owned(), mapping.to_owned()),
                ("active".to_owned(), "1".to_owned()),
            ]
        };
        fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
            f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
        }
        let bad = form("short", "{}");
        let r = c.post_form("/admin/bridges", &pairs(&bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("共享密钥至少 16 个字符"), "{}", r.body);
        assert_eq!(count(s, "bridges").await, 0);
        let good = form("police110-secret-abcd", MAPPING);
        let r = c.post_form("/admin/bridges", &pairs(&good)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = c.get("/admin/bridges/hs-110").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("••••••••abcd"), "{}", page.body);
        assert!(!page.body.contains("police110-secret-abcd"));
    }
);
