#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Due times recomputed after a change of limits or local days, on both databases: the change
//! enqueues the job with it, the pass moves the clocks below the region only (incidents' and
//! tasks'), keeps each start, keeps a paused clock's used time, and a second pass moves nothing.
//! And the grid map's lights: each grid the worst light of its open incidents, inside the
//! caller's scope.

use gridgov_core::deadlines::Light;
use gridgov_core::ids::days_from_civil;
use gridgov_core::settings::{PhoneShown, SettingKind, parse_text};
use gridgov_core::workdays::{CHINA_OFFSET_MS, DAY_MS, HOUR_MS, MINUTE_MS};
use gridgov_store::StoreError;
use gridgov_store::incidents::{ActionInput, DispatchInput, IncidentView, ReportInput};
use gridgov_store::on_both;
use gridgov_store::settings::SettingChange;
use gridgov_store::testing::town::{HUBIN, Town, XINJIE, town};

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

async fn report(s: &gridgov_store::Store, t: &Town, grid: &str, title: &str) -> IncidentView {
    let worker = if grid == t.g1 { &t.worker } else { &t.worker2 };
    s.report_incident(
        worker,
        &ReportInput {
            title: title.into(),
            description: "楼道堆放杂物，影响通行。".into(),
            category: "06".into(),
            grid_id: grid.into(),
            address: "桂花路 12 号".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap()
}

async fn dispatched(s: &gridgov_store::Store, t: &Town, i: &IncidentView) -> IncidentView {
    let i = s
        .act_on_incident(&t.center, &i.county_code, &i.id, &act("accept", i.version))
        .await
        .unwrap();
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        territorial_grid: i.grid_id.clone().unwrap_or_default(),
        lead_department: t.urban.clone(),
        ..Default::default()
    };
    s.act_on_incident(&t.center, &i.county_code, &i.id, &d)
        .await
        .unwrap()
}

on_both!(
    a_change_of_limits_moves_the_running_clocks_below_the_region,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        // Monday 2025-06-16, 9:00: one incident dispatched in each village, one only reported, one
        // suspended.
        db.clock.set_ms(at((2025, 6, 16), 9, 0));
        let reported = report(s, &t, &t.g1, "新街占道").await;
        let a = dispatched(s, &t, &report(s, &t, &t.g1, "新街积水").await).await;
        let b = dispatched(s, &t, &report(s, &t, &t.g2, "湖滨积水").await).await;
        let c = dispatched(s, &t, &report(s, &t, &t.g1, "新街噪音").await).await;
        db.clock.set_ms(at((2025, 6, 17), 10, 0));
        let c = s
            .act_on_incident(
                &t.urban_handler,
                &c.county_code,
                &c.id,
                &act("start", c.version),
            )
            .await
            .unwrap();
        let mut sus = act("suspend", c.version);
        sus.reason = "等待业主回乡".into();
        let c = s
            .act_on_incident(&t.center, &c.county_code, &c.id, &sus)
            .await
            .unwrap();
        let left_before = c.clock_left_ms.unwrap();

        // Xinjie's own limits: eight hours to accept, five working days to handle.
        s.change_region_setting(
            &t.center,
            XINJIE,
            &SettingChange {
                kind: SettingKind::TimeLimits,
                value: Some(
                    parse_text(SettingKind::TimeLimits, "accept 8 hours\nhandle 5 days").unwrap(),
                ),
                version: 0,
            },
            PhoneShown::Masked,
        )
        .await
        .unwrap();
        // The change enqueued the recompute for the village, in its own transaction.
        let payload = s
            .scalar_text_for_tests("SELECT payload FROM jobs WHERE kind = 'due_recompute'")
            .await
            .unwrap();
        let path: serde_json::Value = serde_json::from_str(&payload).unwrap();
        let path = path["path"].as_str().unwrap().to_owned();
        assert!(path.ends_with(&format!("{XINJIE}/")), "{path}");

        let r = s.recompute_due_times(&path, |_| {}).await.unwrap();
        // Three open incidents in Xinjie; clocks: three incidents', two tasks each on a and c.
        assert_eq!(r.incidents, 3);
        assert_eq!(r.clocks, 3 + 4);
        assert_eq!(r.changed, 3 + 4);

        let page = |i: &IncidentView| {
            let (c, id) = (i.county_code.clone(), i.id.clone());
            let center = t.center.clone();
            async move { s.incident_page(&center, &c, &id).await.unwrap() }
        };
        // Accept: eight working hours from Monday 9:00 is Tuesday 10:00 (seven on Monday).
        let p = page(&reported).await;
        assert_eq!(p.incident.clock_started_at, reported.clock_started_at);
        assert_eq!(p.incident.due_at, Some(at((2025, 6, 17), 10, 0)));
        // The escalation pass will look at it when it turns yellow: 80 % of the eight hours (6 h 24
        // min: three in the morning from 9:00, the rest from 14:00) is Monday 17:24.
        assert_eq!(p.incident.warn_at, Some(at((2025, 6, 16), 17, 24)));
        assert_eq!(p.incident.escalate_at, p.incident.warn_at);
        // Handle: five working days (the default is seven) from the dispatch on Monday, for the
        // incident and its tasks.
        let p = page(&a).await;
        assert_eq!(p.incident.due_at, Some(at((2025, 6, 24), 0, 0)));
        assert!(
            p.tasks
                .iter()
                .all(|t| t.due_at == Some(at((2025, 6, 24), 0, 0)))
        );
        // Hubin is not below Xinjie: its clocks stay.
        let p = page(&b).await;
        assert_eq!(p.incident.due_at, b.due_at);
        assert!(p.tasks.iter().all(|t| t.due_at == b.due_at));
        // The suspended one keeps its start and loses the two working days the default (seven)
        // had over Xinjie's five from its time left.
        let p = page(&c).await;
        assert_eq!(p.incident.clock_started_at, c.clock_started_at);
        assert_eq!(p.incident.clock_left_ms, Some(left_before - 14 * HOUR_MS));
        assert!(
            p.tasks
                .iter()
                .all(|t| t.clock_left_ms == Some(left_before - 14 * HOUR_MS))
        );

        // A second pass finds every clock right.
        let again = s.recompute_due_times(&path, |_| {}).await.unwrap();
        assert_eq!((again.clocks, again.changed), (7, 0));
    }
);

on_both!(a_local_holiday_moves_due_times_a_working_day_on, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    db.clock.set_ms(at((2025, 6, 16), 9, 0));
    let a = dispatched(s, &t, &report(s, &t, &t.g1, "新街积水").await).await;
    // Dispatched Monday with the default handle limit; a local holiday on Wednesday.
    s.change_region_setting(
        &t.center,
        "420202",
        &SettingChange {
            kind: SettingKind::LocalDays,
            value: Some(parse_text(SettingKind::LocalDays, "2025-06-18 放假 区庆").unwrap()),
            version: 0,
        },
        PhoneShown::Masked,
    )
    .await
    .unwrap();
    let r = s
        .recompute_due_times("42/4202/420202/", |_| {})
        .await
        .unwrap();
    assert_eq!(r.changed, 3);
    let p = s
        .incident_page(&t.center, &a.county_code, &a.id)
        .await
        .unwrap();
    assert_eq!(p.incident.due_at, Some(a.due_at.unwrap() + DAY_MS));
    let jobs = s
        .scalar_for_tests("SELECT COUNT(*) FROM jobs WHERE kind = 'due_recompute'")
        .await
        .unwrap();
    assert_eq!(jobs, 1);
});

on_both!(
    each_grid_takes_the_worst_light_of_its_open_incidents,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        db.clock.set_ms(at((2025, 6, 16), 9, 0));
        // Xinjie: one reported on Monday morning (accept limit one working day), one later.
        let early = report(s, &t, &t.g1, "新街占道").await;
        db.clock.set_ms(at((2025, 6, 17), 16, 0));
        report(s, &t, &t.g1, "新街积水").await;
        report(s, &t, &t.g2, "湖滨积水").await;
        // Wednesday 9:00: the first is overdue, the others have used little of their day.
        db.clock.set_ms(at((2025, 6, 18), 9, 0));
        let lights = s.grid_lights(&t.center, None).await.unwrap();
        assert_eq!(lights.get(&t.g1), Some(&Light::Red));
        assert_eq!(lights.get(&t.g2), Some(&Light::Green));
        // Accepted: the red clock stops, its dispatch clock starts green.
        let i = s
            .act_on_incident(
                &t.center,
                &early.county_code,
                &early.id,
                &act("accept", early.version),
            )
            .await
            .unwrap();
        assert!(i.due_at.is_some());
        let lights = s.grid_lights(&t.center, None).await.unwrap();
        assert_eq!(lights.get(&t.g1), Some(&Light::Green));

        // Under a village: only its grids. A grid worker sees their own village's grids only, a
        // region outside the caller's scope is not found, and a department handler, whose region
        // door is closed, sees no light at all.
        let xinjie = format!("42/4202/420202/420202001/{XINJIE}/");
        let lights = s.grid_lights(&t.center, Some(&xinjie)).await.unwrap();
        assert_eq!(lights.len(), 1);
        let lights = s.grid_lights(&t.worker, None).await.unwrap();
        assert!(lights.contains_key(&t.g1) && !lights.contains_key(&t.g2));
        let hubin = format!("42/4202/420202/420202001/{HUBIN}/");
        assert!(matches!(
            s.grid_lights(&t.worker, Some(&hubin)).await,
            Err(StoreError::NotFound)
        ));
        let lights = s.grid_lights(&t.urban_handler, None).await.unwrap();
        assert!(lights.is_empty());
    }
);

on_both!(
    an_extension_granted_stays_granted_when_limits_change,
    |db| {
        use gridgov_store::supervision::{ExtensionDecision, ExtensionInput};
        let t = town(&db.store).await;
        let s = &db.store;
        db.clock.set_ms(at((2025, 6, 16), 9, 0));
        let a = dispatched(s, &t, &report(s, &t, &t.g1, "新街积水").await).await;
        let a = s
            .act_on_incident(
                &t.urban_handler,
                &a.county_code,
                &a.id,
                &act("start", a.version),
            )
            .await
            .unwrap();
        // Three more working days for the urban bureau, granted by the district.
        let x = s
            .request_extension(
                &t.urban_handler,
                &a.county_code,
                &a.id,
                &ExtensionInput {
                    task_id: String::new(),
                    days: "3".into(),
                    reason: "需等待施工材料到货".into(),
                },
            )
            .await
            .unwrap();
        s.decide_extension(
            &t.center,
            &a.county_code,
            &a.id,
            &x.id,
            &ExtensionDecision {
                grant: true,
                note: String::new(),
            },
        )
        .await
        .unwrap();
        // Then the district shortens handling to five working days (the default is seven).
        s.change_region_setting(
            &t.center,
            "420202",
            &SettingChange {
                kind: SettingKind::TimeLimits,
                value: Some(parse_text(SettingKind::TimeLimits, "handle 5 days").unwrap()),
                version: 0,
            },
            PhoneShown::Masked,
        )
        .await
        .unwrap();
        s.recompute_due_times("42/4202/420202/", |_| {})
            .await
            .unwrap();
        let p = s
            .incident_page(&t.center, &a.county_code, &a.id)
            .await
            .unwrap();
        // Five days from Monday end on Monday 23 June; the urban bureau's three more end on
        // Thursday 26 June, and the incident is due no earlier than its extended task.
        let urban = p.tasks.iter().find(|x| x.assignee_id == t.urban).unwrap();
        assert_eq!(urban.due_at, Some(at((2025, 6, 27), 0, 0)));
        let grid = p.tasks.iter().find(|x| x.assignee_id != t.urban).unwrap();
        assert_eq!(grid.due_at, Some(at((2025, 6, 24), 0, 0)));
        assert_eq!(p.incident.due_at, Some(at((2025, 6, 27), 0, 0)));
    }
);
