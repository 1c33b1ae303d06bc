#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Notices going out, on both databases, to real HTTP servers on loopback started by each test:
//! a dispatch reaches the SMS gateway, a WeCom robot and a signed DingTalk robot with exactly
//! the bodies their documents give, and nothing is sent twice; a gateway that answers 500 is
//! retried after each backoff until the delivery is dead, listed on the desk and resent from it;
//! a slow gateway times out and is tried again; SMS waits out the quiet hours; the inbox and its
//! header count are the recipient's alone.

mod support;

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use gridgov_core::auth::Role;
use gridgov_core::notify::{NoticeKind, render};
use gridgov_core::settings::{PhoneShown, SettingKind, parse_text};
use gridgov_store::incidents::{ActionInput, DispatchInput, ReportInput};
use gridgov_store::notices::DeadFilter;
use gridgov_store::settings::SettingChange;
use gridgov_store::testing::town::{Town, town};
use gridgov_store::testing::{PASSWORD, TestDb, add_user};
use gridgov_store::{Store, on_both};
use gridgov_web::notify::{Sender, deliver_due, dingtalk_signed_url};
use serde_json::json;
use support::Client;

const OK: u8 = 0;
const FAIL: u8 = 1;
const SLOW: u8 = 2;

/// One request as the gateway got it.
#[derive(Debug, Clone)]
struct Hit {
    uri: String,
    auth: Option<String>,
    body: String,
}

/// A gateway on loopback that answers as told: 200 with WeCom's and DingTalk's `errcode: 0`,
/// 500, or 200 after three seconds.
#[derive(Clone)]
struct Gateway {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    mode: Arc<AtomicU8>,
}

impl Gateway {
    async fn start() -> Gateway {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let g = Gateway {
            url: format!("http://{}", listener.local_addr().unwrap()),
            hits: Arc::default(),
            mode: Arc::default(),
        };
        let app = Router::new().fallback(answer).with_state(g.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        g
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

async fn answer(
    State(g): State<Gateway>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, &'static str) {
    g.hits.lock().unwrap().push(Hit {
        uri: uri.to_string(),
        auth: headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned()),
        body,
    });
    match g.mode.load(Ordering::SeqCst) {
        FAIL => (StatusCode::INTERNAL_SERVER_ERROR, "gateway down"),
        SLOW => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            (StatusCode::OK, r#"{"errcode":0,"errmsg":"ok"}"#)
        }
        _ => (StatusCode::OK, r#"{"errcode":0,"errmsg":"ok"}"#),
    }
}

fn sender() -> Sender {
    Sender::new(Duration::from_millis(500)).unwrap()
}

/// The district's channels, as its center types them on the desk.
async fn channels(s: &Store, t: &Town, text: &str) {
    s.change_region_setting(
        &t.center,
        "420202",
        &SettingChange {
            kind: SettingKind::NotifyChannels,
            value: Some(parse_text(SettingKind::NotifyChannels, text).unwrap()),
            version: 0,
        },
        PhoneShown::Masked,
    )
    .await
    .unwrap();
}

/// A report dispatched to the urban department, whose handler has a phone: one notice.
async fn dispatched(db: &TestDb, t: &Town) -> (String, String) {
    let s = &db.store;
    s.execute_raw_for_tests(&format!(
        "UPDATE users SET phone = '13800000001' WHERE id = '{}'",
        t.urban_handler.user_id
    ))
    .await
    .unwrap();
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
    let act = |action: &str, version: i64| ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    };
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        lead_department: t.urban.clone(),
        ..Default::default()
    };
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    (i.number, i.title)
}

async fn states(s: &Store) -> Vec<(String, i64)> {
    s.deliveries_for_tests().await
}

on_both!(
    a_dispatch_reaches_every_channel_once_with_the_documented_bodies,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let gw = Gateway::start().await;
        let now = 1_780_000_000_000;
        db.clock.set_ms(now);
        channels(
            s,
            &t,
            &format!(
                "sms {0}/sms\nsms.body {{\"to\": {{phone}}, \"msg\": {{text}}}}\n\
             sms.auth Authorization: Bearer s3cret\n\
             wecom 值班群 {0}/wecom?key=k1\n\
             dingtalk 指挥中心 {0}/ding?access_token=t1 SECtest markdown",
                gw.url
            ),
        )
        .await;
        let (number, title) = dispatched(&db, &t).await;
        let (zh, _) = render(
            NoticeKind::Assigned,
            &number,
            &title,
            &json!({"assignee": "黄石港区城管执法局"}),
        );

        let pass = deliver_due(s, &sender(), "node-a").await.unwrap();
        assert_eq!((pass.claimed, pass.sent, pass.failed), (3, 3, 0));
        let mut hits = gw.hits();
        hits.sort_by(|a, b| a.uri.cmp(&b.uri));
        assert_eq!(hits.len(), 3);
        let ding = dingtalk_signed_url("/ding?access_token=t1", "SECtest", now);
        assert_eq!(hits[0].uri, ding);
        assert_eq!(
            hits[0].body,
            json!({"msgtype": "markdown", "markdown": {"title": "网格化治理通知", "text": zh}})
                .to_string()
        );
        assert_eq!(hits[1].uri, "/sms");
        assert_eq!(hits[1].auth.as_deref(), Some("Bearer s3cret"));
        assert_eq!(
            hits[1].body,
            format!(
                "{{\"to\": \"13800000001\", \"msg\": {}}}",
                serde_json::to_string(&zh).unwrap()
            )
        );
        assert_eq!(hits[2].uri, "/wecom?key=k1");
        assert_eq!(
            hits[2].body,
            json!({"msgtype": "text", "text": {"content": zh}}).to_string()
        );
        // Never twice: nothing is due any more, however often the pass runs.
        let again = deliver_due(s, &sender(), "node-b").await.unwrap();
        assert_eq!(again.claimed, 0);
        assert_eq!(gw.hits().len(), 3);
        assert!(states(s).await.iter().all(|(state, _)| state == "sent"));
    }
);

on_both!(
    a_failing_gateway_is_retried_then_dead_then_resent_from_the_desk,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let admin = add_user(
            s,
            &gridgov_core::auth::Actor::system(),
            "admin",
            Role::SystemAdmin,
            "420202",
        )
        .await
        .actor();
        let other = add_user(
            s,
            &gridgov_core::auth::Actor::system(),
            "xisai-admin",
            Role::SystemAdmin,
            "420203",
        )
        .await;
        let gw = Gateway::start().await;
        gw.set(FAIL);
        db.clock.set_ms(1_780_000_000_000);
        channels(s, &t, &format!("wecom 值班群 {}/wecom?key=k1", gw.url)).await;
        dispatched(&db, &t).await;

        // Five attempts, each after its backoff (30 s, 1 min, 2 min, 4 min): then dead.
        for attempt in 1..=5 {
            let pass = deliver_due(s, &sender(), "node-a").await.unwrap();
            assert_eq!((pass.claimed, pass.failed), (1, 1), "attempt {attempt}");
            let (state, next_at) = states(s).await[0].clone();
            if attempt < 5 {
                assert_eq!(state, "pending");
                assert_eq!(next_at, s.now_ms() + 30_000 * (1 << (attempt - 1)));
                // Not before its time.
                assert_eq!(
                    deliver_due(s, &sender(), "node-a").await.unwrap().claimed,
                    0
                );
                db.clock.set_ms(next_at);
            } else {
                assert_eq!(state, "dead");
            }
        }
        assert_eq!(gw.hits().len(), 5);
        let dead = s
            .dead_deliveries(
                &admin,
                &DeadFilter {
                    channel: None,
                    limit: 50,
                },
            )
            .await
            .unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].attempts, 5);
        assert!(
            dead[0]
                .last_error
                .as_deref()
                .unwrap()
                .starts_with("HTTP 500")
        );
        // The district next door sees no such delivery and cannot resend it.
        let xisai = other.actor();
        assert!(
            s.dead_deliveries(
                &xisai,
                &DeadFilter {
                    channel: None,
                    limit: 50
                }
            )
            .await
            .unwrap()
            .is_empty()
        );
        assert!(matches!(
            s.resend_delivery(&xisai, &dead[0].id).await,
            Err(gridgov_store::StoreError::NotFound)
        ));

        // The gateway is back; the administrator resends from the desk.
        gw.set(OK);
        let mut c = Client::new(&db);
        c.login("admin", PASSWORD).await;
        let page = c.get("/admin/notices").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("HTTP 500") && page.body.contains("值班群"),
            "{}",
            page.body
        );
        let csrf = page.csrf();
        let r = c
            .post_form(
                &format!("/admin/notices/{}/resend", dead[0].id),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Twice is refused: it is no longer dead.
        let r = c
            .post_form(
                &format!("/admin/notices/{}/resend", dead[0].id),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let pass = deliver_due(s, &sender(), "node-a").await.unwrap();
        assert_eq!((pass.claimed, pass.sent), (1, 1));
        assert_eq!(gw.hits().len(), 6);
        assert_eq!(states(s).await[0].0, "sent");
        let trail = s.list_audit(&admin, 50, None).await.unwrap();
        assert!(trail.iter().any(|r| r.action == "notice.resend"));
    }
);

on_both!(a_slow_gateway_times_out_and_is_tried_again, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let gw = Gateway::start().await;
    gw.set(SLOW);
    db.clock.set_ms(1_780_000_000_000);
    channels(s, &t, &format!("wecom 值班群 {}/wecom?key=k1", gw.url)).await;
    dispatched(&db, &t).await;
    let pass = deliver_due(s, &sender(), "node-a").await.unwrap();
    assert_eq!((pass.claimed, pass.sent, pass.failed), (1, 0, 1));
    let (state, next_at) = states(s).await[0].clone();
    assert_eq!(state, "pending");
    let err = s
        .scalar_text_for_tests("SELECT last_error FROM notice_deliveries")
        .await
        .unwrap();
    assert!(err.contains("did not answer in time"), "{err}");
    gw.set(OK);
    db.clock.set_ms(next_at);
    let pass = deliver_due(s, &sender(), "node-a").await.unwrap();
    assert_eq!((pass.claimed, pass.sent), (1, 1));
    // The slow gateway got the first request too: the at-least-once case of a timeout.
    assert_eq!(gw.hits().len(), 2);
});

on_both!(sms_waits_out_the_quiet_hours, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let gw = Gateway::start().await;
    // 2026-06-01 21:59:50 in Shanghai: just before the quiet hours.
    let evening = 1_780_322_390_000;
    db.clock.set_ms(evening);
    channels(
        s,
        &t,
        &format!(
            "sms {}/sms\nsms.body {{\"to\": {{phone}}, \"msg\": {{text}}}}\nquiet 22:00-07:00",
            gw.url
        ),
    )
    .await;
    gw.set(FAIL);
    dispatched(&db, &t).await;
    assert_eq!(deliver_due(s, &sender(), "node-a").await.unwrap().failed, 1);
    // Its retry falls at 22:00:20: deferred to 07:00 without costing an attempt.
    gw.set(OK);
    let (_, retry_at) = states(s).await[0].clone();
    db.clock.set_ms(retry_at);
    let pass = deliver_due(s, &sender(), "node-a").await.unwrap();
    assert_eq!((pass.claimed, pass.deferred, pass.sent), (1, 1, 0));
    assert_eq!(gw.hits().len(), 1);
    let morning = evening + 10_000 + 9 * 3_600_000;
    assert_eq!(states(s).await[0], ("pending".to_owned(), morning));
    let attempts = s
        .scalar_for_tests("SELECT attempts FROM notice_deliveries")
        .await
        .unwrap();
    assert_eq!(attempts, 1);
    db.clock.set_ms(morning - 1);
    assert_eq!(
        deliver_due(s, &sender(), "node-a").await.unwrap().claimed,
        0
    );
    db.clock.set_ms(morning);
    assert_eq!(deliver_due(s, &sender(), "node-a").await.unwrap().sent, 1);
    assert_eq!(gw.hits().len(), 2);
});

on_both!(the_inbox_and_its_count_are_the_recipients_alone, |db| {
    let t = town(&db.store).await;
    db.clock.set_ms(1_780_000_000_000);
    dispatched(&db, &t).await;
    let mut c = Client::new(&db);
    c.login("urban", PASSWORD).await;
    let home = c.get("/").await;
    assert!(
        home.body.contains("badge-unread") && home.body.contains(">1</span>"),
        "{}",
        home.body
    );
    let inbox = c.get("/inbox").await;
    assert!(
        inbox.body.contains("已派给黄石港区城管执法局"),
        "{}",
        inbox.body
    );
    let mut other = Client::new(&db);
    let theirs = other.token("worker2").await;
    let mine = other.token("urban").await;
    let list = other
        .api("GET", "/api/v1/notices", Some(&mine), None)
        .await
        .json();
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list["unread"], 1);
    let seen = other
        .api("GET", "/api/v1/notices", Some(&theirs), None)
        .await
        .json();
    assert_eq!(seen["items"].as_array().unwrap().len(), 0);
    let r = other
        .api(
            "POST",
            &format!("/api/v1/notices/{id}/read"),
            Some(&theirs),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = other
        .api("POST", "/api/v1/notices/read-all", Some(&theirs), None)
        .await;
    assert_eq!(r.json()["marked"], 0);
    let n = other
        .api("GET", "/api/v1/notices/unread", Some(&mine), None)
        .await
        .json();
    assert_eq!(n["unread"], 1, "nothing of theirs changed");
    let r = other
        .api(
            "POST",
            &format!("/api/v1/notices/{id}/read"),
            Some(&mine),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let n = other
        .api("GET", "/api/v1/notices/unread", Some(&mine), None)
        .await
        .json();
    assert_eq!(n["unread"], 0);
    let home = c.get("/").await;
    assert!(!home.body.contains("badge-unread"));
});
