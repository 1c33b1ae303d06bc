#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The notices of time and pressure, on both databases: the escalation pass tells whoever must
//! act when a matter is due soon, and also the center holding it when it is overdue or climbs;
//! a leader taking charge hears of it; a reminder tells the people working on the matter and a
//! supervision card its addressee. Each is sent once however often the pass runs, in the same
//! transaction as what it tells of.

use gridgov_core::auth::{Actor, Role};
use gridgov_core::ids::days_from_civil;
use gridgov_core::notify::NoticeKind;
use gridgov_core::settings::{PhoneShown, SettingKind, parse_text};
use gridgov_core::workdays::{CHINA_OFFSET_MS, DAY_MS, HOUR_MS, MINUTE_MS};
use gridgov_store::incidents::{ActionInput, DispatchInput, IncidentView, ReportInput};
use gridgov_store::notices::NoticePage;
use gridgov_store::settings::SettingChange;
use gridgov_store::supervision::CardInput;
use gridgov_store::testing::add_user;
use gridgov_store::testing::town::{Town, town};
use gridgov_store::{Store, on_both};

/// An instant in Asia/Shanghai.
fn at(d: (i32, u32, u32), h: i64, m: i64) -> i64 {
    days_from_civil(d) * DAY_MS + h * HOUR_MS + m * MINUTE_MS - CHINA_OFFSET_MS
}

fn act(action: &str, version: i64) -> ActionInput {
    ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    }
}

async fn set(s: &Store, t: &Town, region: &str, kind: SettingKind, text: &str) {
    s.change_region_setting(
        &t.center,
        region,
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

async fn report(s: &Store, t: &Town, title: &str) -> IncidentView {
    s.report_incident(
        &t.worker,
        &ReportInput {
            title: title.into(),
            description: "早市摊贩占用人行道，影响通行。".into(),
            category: "06".into(),
            grid_id: t.g1.clone(),
            address: "桂花路 12 号".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap()
}

/// Accepted by the district and dispatched to the first grid and the urban department.
async fn dispatch(s: &Store, t: &Town, i: &IncidentView) -> IncidentView {
    let (c, id) = (&i.county_code, &i.id);
    let i = s
        .act_on_incident(&t.center, c, id, &act("accept", i.version))
        .await
        .unwrap();
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        territorial_grid: t.g1.clone(),
        lead_department: t.urban.clone(),
        ..Default::default()
    };
    s.act_on_incident(&t.center, c, id, &d).await.unwrap()
}

/// The (kind, Chinese sentence) of someone's notices about one incident, oldest first.
async fn told(s: &Store, who: &Actor, i: &IncidentView) -> Vec<(NoticeKind, String)> {
    let page: NoticePage = s.notices(who, "", 100).await.unwrap();
    let mut v: Vec<_> = page
        .items
        .iter()
        .filter(|n| n.incident_id.as_deref() == Some(i.id.as_str()))
        .map(|n| (n.kind, n.text_zh.clone()))
        .collect();
    v.reverse();
    v
}

fn kinds(v: &[(NoticeKind, String)]) -> Vec<NoticeKind> {
    v.iter().map(|(k, _)| *k).collect()
}

on_both!(the_pass_tells_who_must_act_once_per_mark, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    set(
        s,
        &t,
        "420202",
        SettingKind::TimeLimits,
        "accept 2 hours\ndispatch 2 hours\nhandle 2 hours\nreview 2 hours",
    )
    .await;
    // Monday 16 June 2025, 9:00: due at 11:00, yellow from 10:36.
    db.clock.set_ms(at((2025, 6, 16), 9, 0));
    let i = report(s, &t, "桂花路占道经营").await;
    db.clock.set_ms(at((2025, 6, 16), 10, 40));
    s.escalation_pass().await.unwrap();
    // Nobody is working on it yet: the center that must accept it is told.
    assert_eq!(kinds(&told(s, &t.center, &i).await), [NoticeKind::DueSoon]);
    assert!(told(s, &t.worker, &i).await.is_empty());

    // Dispatched: now the grid's worker and the department's handlers must act.
    db.clock.set_ms(at((2025, 6, 16), 10, 50));
    let i = s.incident(&t.center, &i.county_code, &i.id).await.unwrap();
    let i = dispatch(s, &t, &i).await;
    let due = i.due_at.unwrap();
    db.clock.set_ms(due);
    for _ in 0..3 {
        s.escalation_pass().await.unwrap();
    }
    let handler = told(s, &t.urban_handler, &i).await;
    assert_eq!(
        kinds(&handler),
        [
            NoticeKind::Assigned,
            NoticeKind::Overdue,
            NoticeKind::Escalated
        ]
    );
    assert!(handler[2].1.contains("已升级：楼栋长调解"), "{handler:?}");
    assert_eq!(
        kinds(&told(s, &t.worker, &i).await),
        [
            NoticeKind::Assigned,
            NoticeKind::Overdue,
            NoticeKind::Escalated
        ]
    );
    // The holding center hears of the overdue matter and the climb, not of the due soon of a
    // step it no longer works on; the other department hears nothing.
    assert_eq!(
        kinds(&told(s, &t.center, &i).await),
        [
            NoticeKind::DueSoon,
            NoticeKind::Overdue,
            NoticeKind::Escalated
        ]
    );
    assert!(told(s, &t.police_handler, &i).await.is_empty());
});

on_both!(a_leader_taking_charge_is_told, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    set(
        s,
        &t,
        "420202",
        SettingKind::TimeLimits,
        "accept 2 hours\ndispatch 2 hours\nhandle 2 hours\nreview 2 hours",
    )
    .await;
    set(s, &t, "420202", SettingKind::EscalationLadder, "街道调处 1").await;
    let leader = add_user(s, &Actor::system(), "town_head", Role::Leader, "420202001")
        .await
        .actor();
    db.clock.set_ms(at((2025, 6, 16), 9, 0));
    let i = report(s, &t, "新街宅基地纠纷").await;
    for _ in 0..2 {
        let now = s.incident(&t.center, &i.county_code, &i.id).await.unwrap();
        db.clock.set_ms(now.due_at.unwrap());
        s.escalation_pass().await.unwrap();
    }
    let mine = told(s, &leader, &i).await;
    assert_eq!(kinds(&mine), [NoticeKind::Escalated]);
    assert!(
        mine[0].1.contains("包保") && !mine[0].1.contains("未找到"),
        "{mine:?}"
    );
    let center = told(s, &t.center, &i).await;
    assert_eq!(center.last().unwrap().0, NoticeKind::Escalated);
    assert!(center.last().unwrap().1.contains("包保"));
});

on_both!(a_reminder_and_a_card_tell_their_people, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let city = add_user(s, &Actor::system(), "city", Role::CenterOperator, "4202")
        .await
        .actor();
    db.clock.set_ms(at((2025, 6, 16), 9, 0));
    let i = report(s, &t, "桂花路占道经营").await;
    let i = dispatch(s, &t, &i).await;
    s.remind_incident(&city, &i.county_code, &i.id, "请加快处置")
        .await
        .unwrap();
    s.remind_incident(&city, &i.county_code, &i.id, "群众再次来电")
        .await
        .unwrap();
    let handler = told(s, &t.urban_handler, &i).await;
    assert_eq!(
        kinds(&handler),
        [
            NoticeKind::Assigned,
            NoticeKind::Supervised,
            NoticeKind::Supervised
        ]
    );
    assert!(handler[1].1.contains("上级催办：请加快处置"), "{handler:?}");
    assert!(handler[2].1.contains("群众再次来电"));
    s.issue_card(
        &city,
        &i.county_code,
        &i.id,
        &CardInput {
            colour: "red".into(),
            addressee: format!("department:{}", t.urban),
            due_days: "3".into(),
            note: "三日内书面回复处置情况".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let handler = told(s, &t.urban_handler, &i).await;
    let last = &handler.last().unwrap().1;
    assert!(
        last.contains("收到红色督办单") && last.contains("三日内书面回复"),
        "{last}"
    );
    // A card to the center holding it goes to its operators, not to the department.
    s.issue_card(
        &city,
        &i.county_code,
        &i.id,
        &CardInput {
            colour: "yellow".into(),
            addressee: String::new(),
            due_days: "2".into(),
            note: "请中心跟踪督促".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let center = told(s, &t.center, &i).await;
    assert!(center.last().unwrap().1.contains("黄色督办单"));
    assert_eq!(told(s, &t.urban_handler, &i).await.len(), 4);
    // The grid's worker was reminded (a live task), never carded.
    assert_eq!(
        kinds(&told(s, &t.worker, &i).await),
        [
            NoticeKind::Assigned,
            NoticeKind::Supervised,
            NoticeKind::Supervised
        ]
    );
});
