#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The escalation ladder as the desk shows it, on both databases: the job `escalation_pass`
//! (scheduled every minute) climbs an overdue matter, the incident page names the rung and the
//! timeline tells the climb; past the top with no leader in the area the page says so; the JSON
//! answer carries the same; another village's worker sees none of it.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::Actor;
use gridgov_core::jobs::Period;
use gridgov_core::settings::{PhoneShown, SettingKind, parse_text};
use gridgov_store::Store;
use gridgov_store::incidents::ReportInput;
use gridgov_store::jobs::{JobState, NewJob};
use gridgov_store::on_both;
use gridgov_store::settings::SettingChange;
use gridgov_store::testing::town::{Town, town};
use gridgov_store::testing::{PASSWORD, TestDb};
use gridgov_web::jobs::{ESCALATION_PASS, PERIODIC, RunnerConfig, registry, spawn_runner};
use support::Client;

async fn set(s: &Store, t: &Town, kind: SettingKind, text: &str) {
    s.change_region_setting(
        &t.center,
        "420202",
        &SettingChange {
            kind,
            value: Some(parse_text(kind, text).unwrap()),
            version: 0,
        },
        PhoneShown::Masked,
    )
    .await
    .unwrap();
}

/// Runs one `escalation_pass` job through a job runner, as a node does; its result.
async fn run_pass_job(db: &TestDb, n: usize) -> serde_json::Value {
    let job = db
        .store
        .enqueue_job(
            &NewJob::system(ESCALATION_PASS, serde_json::json!({})).keyed(format!("test:{n}")),
        )
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let runner = spawn_runner(
        db.store.clone(),
        registry().only(&[ESCALATION_PASS]),
        RunnerConfig {
            poll: std::time::Duration::from_millis(20),
            schedule_every: None,
            ..RunnerConfig::default()
        },
        stopped,
    );
    let sys = Actor::system();
    let mut done = None;
    for _ in 0..500 {
        let j = db.store.job(&sys, &job.id).await.unwrap();
        if j.state == JobState::Done {
            done = Some(j);
            break;
        }
        assert_ne!(j.state, JobState::Failed, "{:?}", j.last_error);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    runner.await.unwrap();
    serde_json::from_str(&done.expect("the job ran").result.unwrap()).unwrap()
}

async fn signed_in(db: &TestDb, username: &str) -> Client {
    let mut c = Client::new(db);
    let r = c.login(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{username}: {}", r.body);
    c
}

on_both!(the_page_tells_the_climb_and_the_top, |db| {
    assert!(
        PERIODIC.contains(&(ESCALATION_PASS, Period::Minutes(1))),
        "every node schedules the pass each minute"
    );
    let t = town(&db.store).await;
    let s = &db.store;
    set(s, &t, SettingKind::TimeLimits, "accept 2 hours").await;
    set(s, &t, SettingKind::EscalationLadder, "网格议事会 1").await;
    // Monday 2025-06-16, 9:00 in Asia/Shanghai.
    db.clock.set_ms(1_750_035_600_000);
    let i = s
        .report_incident(
            &t.worker,
            &ReportInput {
                title: "楼上漏水纠纷".into(),
                description: "多次协商未果。".into(),
                category: "01".into(),
                grid_id: t.g1.clone(),
                address: "桂花路 12 号".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let at = format!("/incidents/{}/{}", i.county_code, i.id);
    let mut center = signed_in(&db, "center").await;
    let page = center.get(&at).await;
    assert!(page.body.contains("未升级"), "not escalated yet");

    db.clock.set_ms(i.due_at.unwrap());
    let r = run_pass_job(&db, 1).await;
    assert_eq!(
        (r["overdue"].as_i64(), r["escalated"].as_i64()),
        (Some(1), Some(1))
    );
    let page = center.get(&at).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("网格议事会 · 第 1 次"), "{}", page.body);
    assert!(page.body.contains("逐级升级"));
    assert!(page.body.contains("已超期"));

    // Past the top of this one-rung ladder, with no leader anywhere above the village.
    let now = s.incident(&t.center, &i.county_code, &i.id).await.unwrap();
    db.clock.set_ms(now.due_at.unwrap());
    let r = run_pass_job(&db, 2).await;
    assert_eq!(r["guarantor_assigned"].as_i64(), Some(1));
    let page = center.get(&at).await;
    assert!(page.body.contains("领导包保"));
    assert!(
        page.body.contains("辖区内没有可包保的领导"),
        "{}",
        page.body
    );

    // The JSON answer carries the rung and the (missing) leader.
    let token = center.token("center").await;
    let api = center
        .api(
            "GET",
            &format!("/api/v1/incidents/{}/{}", i.county_code, i.id),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let body = api.json();
    assert_eq!(body["incident"]["ladder"]["name"], "网格议事会");
    assert_eq!(body["incident"]["ladder_attempt"], 1);
    assert!(body["incident"]["ladder_top_at"].is_i64());
    assert!(body["incident"]["guarantor_name"].is_null());

    // Another village's worker sees neither the page nor the climb.
    let mut other = signed_in(&db, "worker2").await;
    assert_eq!(other.get(&at).await.status, StatusCode::NOT_FOUND);
});
