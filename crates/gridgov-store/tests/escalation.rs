#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The escalation pass on both databases: a matter whose step runs out is warned once at the
//! yellow light, marked overdue once and climbs one attempt of its region's ladder per overdue
//! period, level after level, until the nearest leader takes charge (包保); suspended matters
//! wait; concurrent passes and racing actions climb nothing twice and lose no write; the page
//! of a climbed matter stays inside its scope.

use gridgov_core::auth::{Actor, Role};
use gridgov_core::escalation::Mark;
use gridgov_core::ids::days_from_civil;
use gridgov_core::settings::{PhoneShown, SettingKind, parse_text};
use gridgov_core::workdays::{CHINA_OFFSET_MS, DAY_MS, HOUR_MS, MINUTE_MS};
use gridgov_store::incidents::{ActionInput, IncidentView, ReportInput};
use gridgov_store::settings::SettingChange;
use gridgov_store::testing::town::{Town, XINJIE, town};
use gridgov_store::testing::{TestDb, add_user};
use gridgov_store::{Store, StoreError, on_both};

/// An instant in Asia/Shanghai.
fn at(d: (i32, u32, u32), h: i64, m: i64) -> i64 {
    days_from_civil(d) * DAY_MS + h * HOUR_MS + m * MINUTE_MS - CHINA_OFFSET_MS
}

/// Monday 2025-06-16, 9:00.
fn monday() -> i64 {
    at((2025, 6, 16), 9, 0)
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

/// Two working hours for every step of the district, so a period is short.
async fn short_limits(s: &Store, t: &Town) {
    set(
        s,
        t,
        "420202",
        SettingKind::TimeLimits,
        "accept 2 hours\ndispatch 2 hours\nhandle 2 hours\nreview 2 hours",
    )
    .await;
}

async fn report(s: &Store, by: &Actor, grid: &str, title: &str) -> IncidentView {
    s.report_incident(
        by,
        &ReportInput {
            title: title.into(),
            description: "楼上漏水，多次协商未果。".into(),
            category: "01".into(),
            grid_id: grid.into(),
            address: "桂花路 12 号".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap()
}

async fn reread(s: &Store, t: &Town, i: &IncidentView) -> IncidentView {
    s.incident(&t.center, &i.county_code, &i.id).await.unwrap()
}

/// The kinds of the pass's events in the incident's record, in order.
async fn pass_events(s: &Store, t: &Town, i: &IncidentView) -> Vec<String> {
    let page = s
        .incident_page(&t.center, &i.county_code, &i.id)
        .await
        .unwrap();
    page.timeline
        .iter()
        .filter(|e| e.actor_id == "system")
        .map(|e| e.event["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// Moves the clock to the incident's due time and runs the pass: one overdue period.
async fn run_out(db: &TestDb, t: &Town, i: &IncidentView) -> IncidentView {
    let now = reread(&db.store, t, i).await;
    db.clock.set_ms(now.due_at.unwrap());
    db.store.escalation_pass().await.unwrap();
    reread(&db.store, t, i).await
}

on_both!(warned_once_then_one_climb_per_overdue_period, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    short_limits(s, &t).await;
    db.clock.set_ms(monday());
    let i = report(s, &t.worker, &t.g1, "楼上漏水纠纷").await;
    // Due 11:00; 80 % of two hours is used at 10:36.
    assert_eq!(i.due_at, Some(at((2025, 6, 16), 11, 0)));
    assert_eq!(i.warn_at, Some(at((2025, 6, 16), 10, 36)));
    assert_eq!(i.escalate_at, i.warn_at);

    db.clock.set_ms(at((2025, 6, 16), 10, 30));
    assert!(s.escalation_pass().await.unwrap().incidents.is_empty());
    db.clock.set_ms(at((2025, 6, 16), 10, 40));
    let r = s.escalation_pass().await.unwrap();
    assert_eq!(r.incidents.len(), 1);
    assert_eq!(r.incidents[0].marks, [Mark::DueSoon]);
    assert_eq!(r.incidents[0].id, i.id);
    // Warned once: a second pass, a minute later, does nothing.
    db.clock.set_ms(at((2025, 6, 16), 10, 41));
    assert!(s.escalation_pass().await.unwrap().incidents.is_empty());
    let w = reread(s, &t, &i).await;
    assert_eq!(w.warned_at, Some(at((2025, 6, 16), 10, 40)));
    assert_eq!(w.version, i.version + 1);

    // Overdue at 11:00: marked, then one attempt up Ludian's ladder, the clock restarted on the
    // accept step's two hours from now (11:00–12:00, 14:00–15:00).
    db.clock.set_ms(at((2025, 6, 16), 11, 0));
    let r = s.escalation_pass().await.unwrap();
    assert_eq!(r.count(Mark::Overdue), 1);
    assert_eq!(r.count(Mark::Escalated), 1);
    let e = &r.incidents[0];
    assert_eq!(e.marks, [Mark::Overdue, Mark::Escalated]);
    let rung = e.rung.clone().unwrap();
    assert_eq!(
        (rung.level, rung.name.as_str(), rung.attempt),
        (0, "楼栋长调解", 1)
    );
    assert_eq!(e.due_at, Some(at((2025, 6, 16), 15, 0)));
    let c = reread(s, &t, &i).await;
    assert_eq!((c.ladder_level, c.ladder_attempt), (Some(0), Some(1)));
    assert_eq!(c.clock_started_at, Some(at((2025, 6, 16), 11, 0)));
    assert_eq!(c.due_at, Some(at((2025, 6, 16), 15, 0)));
    assert_eq!((c.warned_at, c.overdue_at), (None, None));
    assert_eq!(c.state, "reported");
    // The same overdue period never climbs twice, however many passes run in it.
    for m in [0, 1, 30] {
        db.clock.set_ms(at((2025, 6, 16), 11, m));
        assert!(s.escalation_pass().await.unwrap().incidents.is_empty());
    }
    assert_eq!(
        pass_events(s, &t, &i).await,
        ["due_soon", "overdue", "escalated"]
    );
    // The page names the rung from the ladder in force.
    let page = s
        .incident_page(&t.center, &i.county_code, &i.id)
        .await
        .unwrap();
    assert_eq!(page.incident.ladder.as_ref().unwrap().name, "楼栋长调解");
    let last = page.timeline.last().unwrap();
    assert_eq!(last.action, "incident.escalated");
    assert_eq!(last.event["to"]["attempt"], 1);
    assert!(last.event["from"].is_null());
    // The next period: the second attempt of the first level.
    let c = run_out(&db, &t, &i).await;
    assert_eq!((c.ladder_level, c.ladder_attempt), (Some(0), Some(2)));
    // Every record of the pass is on the audit chain, which still verifies.
    let v = s.verify_audit().await.unwrap();
    assert!(v.first_broken.is_none(), "{:?}", v.first_broken);
});

on_both!(
    a_regions_own_ladder_is_climbed_in_order_and_the_default_elsewhere,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        short_limits(s, &t).await;
        // Xinjie climbs its own two levels; Hubin keeps Ludian's five by two.
        set(
            s,
            &t,
            XINJIE,
            SettingKind::EscalationLadder,
            "网格调解 1\n街道调处 2",
        )
        .await;
        db.clock.set_ms(monday());
        let x = report(s, &t.worker, &t.g1, "新街漏水纠纷").await;
        let h = report(s, &t.worker2, &t.g2, "湖滨噪声纠纷").await;
        let mut seen_x = Vec::new();
        let mut seen_h = Vec::new();
        // Reported together on the same limits, they run out together: one pass climbs both.
        for _ in 0..3 {
            let c = run_out(&db, &t, &x).await;
            seen_x.push((c.ladder_level.unwrap(), c.ladder_attempt.unwrap()));
            let c = reread(s, &t, &h).await;
            seen_h.push((c.ladder_level.unwrap(), c.ladder_attempt.unwrap()));
        }
        assert_eq!(seen_x, [(0, 1), (1, 1), (1, 2)]);
        assert_eq!(seen_h, [(0, 1), (0, 2), (1, 1)]);
        let page = s
            .incident_page(&t.center, &x.county_code, &x.id)
            .await
            .unwrap();
        let climbs: Vec<String> = page
            .timeline
            .iter()
            .filter(|e| e.action == "incident.escalated")
            .map(|e| {
                format!(
                    "{}#{}",
                    e.event["to"]["name"].as_str().unwrap(),
                    e.event["to"]["attempt"]
                )
            })
            .collect();
        assert_eq!(climbs, ["网格调解#1", "街道调处#1", "街道调处#2"]);
        let page = s
            .incident_page(&t.center, &h.county_code, &h.id)
            .await
            .unwrap();
        assert_eq!(page.incident.ladder.unwrap().name, "网格议事会");
    }
);

on_both!(past_the_top_the_nearest_leader_takes_charge, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    short_limits(s, &t).await;
    set(s, &t, "420202", SettingKind::EscalationLadder, "街道调处 1").await;
    let sys = Actor::system();
    // The county's leader and the township's: the township's is nearer to the matter.
    add_user(s, &sys, "county_head", Role::Leader, "420202").await;
    add_user(s, &sys, "town_head", Role::Leader, "420202001").await;
    db.clock.set_ms(monday());
    let i = report(s, &t.worker, &t.g1, "新街宅基地纠纷").await;
    let c = run_out(&db, &t, &i).await;
    assert_eq!((c.ladder_level, c.ladder_attempt), (Some(0), Some(1)));
    assert!(c.guarantor_id.is_none());
    let now = c.due_at.unwrap();
    db.clock.set_ms(now);
    let r = s.escalation_pass().await.unwrap();
    assert_eq!(
        r.incidents[0].marks,
        [Mark::Overdue, Mark::GuarantorAssigned]
    );
    let g = r.incidents[0].guarantor.clone().unwrap();
    assert_eq!(g.name, "town_head 测试");
    let c = reread(s, &t, &i).await;
    assert_eq!(c.guarantor_name.as_deref(), Some("town_head 测试"));
    assert_eq!(c.ladder_top_at, Some(now));
    // The leader has the step's time again; once that runs out it is marked overdue once and
    // climbs no more.
    let c = run_out(&db, &t, &i).await;
    assert_eq!(c.overdue_at, c.due_at);
    assert_eq!(c.escalate_at, None);
    db.clock.set_ms(c.due_at.unwrap() + 30 * DAY_MS);
    assert!(s.escalation_pass().await.unwrap().incidents.is_empty());
    assert_eq!(
        pass_events(s, &t, &i).await,
        [
            "overdue",
            "escalated",
            "overdue",
            "guarantor_assigned",
            "overdue"
        ]
    );
    let page = s
        .incident_page(&t.center, &i.county_code, &i.id)
        .await
        .unwrap();
    let top = page
        .timeline
        .iter()
        .find(|e| e.action == "incident.guarantor_assigned")
        .unwrap();
    assert_eq!(top.event["guarantor"]["name"], "town_head 测试");
    assert_eq!(top.event["from"]["name"], "街道调处");

    // With every leader's account disabled none serves the place: the step is recorded with
    // no leader.
    s.execute_raw_for_tests("UPDATE users SET disabled = 1 WHERE role = 'leader'")
        .await
        .unwrap();
    db.clock.set_ms(monday() + 7 * DAY_MS);
    let h = report(s, &t.worker2, &t.g2, "湖滨宅基地纠纷").await;
    run_out(&db, &t, &h).await;
    let c = run_out(&db, &t, &h).await;
    assert!(c.ladder_top_at.is_some());
    assert_eq!((c.guarantor_id, c.guarantor_name), (None, None));
    let page = s
        .incident_page(&t.center, &h.county_code, &h.id)
        .await
        .unwrap();
    let top = page.timeline.last().unwrap();
    assert_eq!(top.action, "incident.guarantor_assigned");
    assert!(top.event["guarantor"].is_null());
});

on_both!(a_suspended_matter_does_not_climb, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    short_limits(s, &t).await;
    db.clock.set_ms(monday());
    let i = report(s, &t.worker, &t.g1, "新街漏水纠纷").await;
    let act = |action: &str, version: i64| ActionInput {
        action: action.into(),
        version,
        reason: "等待鉴定结果后再处理".into(),
        ..Default::default()
    };
    let (c, id) = (i.county_code.clone(), i.id.clone());
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    let mut d = act("dispatch", i.version);
    d.dispatch.territorial_grid = t.g1.clone();
    d.dispatch.lead_department = t.urban.clone();
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    let i = s
        .act_on_incident(&t.urban_handler, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("suspend", i.version))
        .await
        .unwrap();
    assert_eq!(i.escalate_at, None);
    db.clock.set_ms(monday() + 60 * DAY_MS);
    assert!(s.escalation_pass().await.unwrap().incidents.is_empty());
    let i = reread(s, &t, &i).await;
    assert_eq!(i.ladder_level, None);
    // Resumed with its time left, already out: the next pass climbs it once.
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("resume", i.version))
        .await
        .unwrap();
    assert!(i.escalate_at.is_some());
    db.clock.set_ms(i.due_at.unwrap().max(s.now_ms()));
    let r = s.escalation_pass().await.unwrap();
    assert_eq!(r.count(Mark::Escalated), 1);
});

on_both!(concurrent_passes_climb_each_matter_once, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    short_limits(s, &t).await;
    db.clock.set_ms(monday());
    let mut all = Vec::new();
    for n in 0..40 {
        let (who, grid) = if n % 2 == 0 {
            (&t.worker, &t.g1)
        } else {
            (&t.worker2, &t.g2)
        };
        all.push(report(s, who, grid, &format!("纠纷 {n}")).await);
    }
    db.clock.set_ms(at((2025, 6, 16), 11, 5));
    let passes: Vec<_> = (0..6)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.escalation_pass().await.unwrap() })
        })
        .collect();
    let mut climbed = Vec::new();
    for p in passes {
        for e in p.await.unwrap().incidents {
            assert_eq!(e.marks, [Mark::Overdue, Mark::Escalated]);
            climbed.push(e.id);
        }
    }
    climbed.sort();
    let mut want: Vec<String> = all.iter().map(|i| i.id.clone()).collect();
    want.sort();
    assert_eq!(climbed, want, "each matter climbed by exactly one pass");
    for i in &all {
        assert_eq!(pass_events(s, &t, i).await, ["overdue", "escalated"]);
        let c = reread(s, &t, i).await;
        assert_eq!((c.ladder_level, c.ladder_attempt), (Some(0), Some(1)));
    }
    let v = s.verify_audit().await.unwrap();
    assert!(v.first_broken.is_none(), "{:?}", v.first_broken);
});

on_both!(an_action_racing_the_pass_loses_no_write, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    short_limits(s, &t).await;
    db.clock.set_ms(monday());
    let i = report(s, &t.worker, &t.g1, "新街漏水纠纷").await;
    let (c, id) = (i.county_code.clone(), i.id.clone());
    db.clock.set_ms(at((2025, 6, 16), 11, 0));
    // The center read the matter before the pass climbed it: its accept is refused as stale,
    // and goes through on the version the pass left.
    let read = reread(s, &t, &i).await;
    s.escalation_pass().await.unwrap();
    let accept = |version| ActionInput {
        action: "accept".into(),
        version,
        ..Default::default()
    };
    match s
        .act_on_incident(&t.center, &c, &id, &accept(read.version))
        .await
    {
        Err(StoreError::Refused(r)) => assert_eq!(r.code, "version_conflict"),
        other => panic!("{other:?}"),
    }
    let now = reread(s, &t, &i).await;
    let a = s
        .act_on_incident(&t.center, &c, &id, &accept(now.version))
        .await
        .unwrap();
    assert_eq!(a.state, "accepted");
    // The climb is kept; entering the dispatch step started a fresh clock without marks.
    assert_eq!((a.ladder_level, a.ladder_attempt), (Some(0), Some(1)));
    assert_eq!(a.escalate_at, a.warn_at);
    assert_eq!(pass_events(s, &t, &i).await, ["overdue", "escalated"]);

    // Comments and passes at once: every comment that went through is recorded, the period
    // climbs once, and the version counts every write.
    let i = run_out(&db, &t, &i).await;
    let before = i.version;
    db.clock.set_ms(i.due_at.unwrap());
    let mut handles = Vec::new();
    for n in 0..8 {
        let s2 = s.clone();
        let center = t.center.clone();
        let (c, id) = (c.clone(), id.clone());
        handles.push(tokio::spawn(async move {
            if n % 2 == 0 {
                s2.escalation_pass().await.unwrap();
                0
            } else {
                let v = s2.incident(&center, &c, &id).await.unwrap().version;
                let note = ActionInput {
                    action: "comment".into(),
                    version: v,
                    note: format!("电话回访 {n}"),
                    ..Default::default()
                };
                match s2.act_on_incident(&center, &c, &id, &note).await {
                    Ok(_) => 1,
                    Err(StoreError::Refused(r)) if r.code == "version_conflict" => 0,
                    Err(e) => panic!("{e:?}"),
                }
            }
        }));
    }
    let mut comments = 0;
    for h in handles {
        comments += h.await.unwrap();
    }
    // A pass that lost its rows to the comments leaves them to the next run.
    s.escalation_pass().await.unwrap();
    let after = reread(s, &t, &i).await;
    let events = pass_events(s, &t, &i).await;
    let climbs = events.iter().filter(|k| *k == "escalated").count();
    assert_eq!(climbs, 3, "{events:?}");
    let page = s.incident_page(&t.center, &c, &id).await.unwrap();
    let noted = page
        .timeline
        .iter()
        .filter(|e| e.action == "incident.comment")
        .count();
    assert_eq!(noted as i64, comments);
    assert_eq!(after.version, before + comments + 1);
});

on_both!(a_climbed_matter_stays_inside_its_scope, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    short_limits(s, &t).await;
    db.clock.set_ms(monday());
    let i = report(s, &t.worker, &t.g1, "新街漏水纠纷").await;
    run_out(&db, &t, &i).await;
    // Hubin's worker sees nothing of it and can change nothing.
    match s.incident_page(&t.worker2, &i.county_code, &i.id).await {
        Err(StoreError::NotFound) => {}
        other => panic!("{:?}", other.map(|p| p.incident.id)),
    }
    let c = reread(s, &t, &i).await;
    let note = ActionInput {
        action: "comment".into(),
        version: c.version,
        note: "越界评论".into(),
        ..Default::default()
    };
    assert!(matches!(
        s.act_on_incident(&t.worker2, &i.county_code, &i.id, &note)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(reread(s, &t, &i).await.version, c.version);
    // Its own grid's worker sees the climb on the page.
    let page = s
        .incident_page(&t.worker, &i.county_code, &i.id)
        .await
        .unwrap();
    assert!(
        page.timeline
            .iter()
            .any(|e| e.action == "incident.escalated")
    );
});
