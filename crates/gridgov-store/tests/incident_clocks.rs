#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Time limits on the loop, on both databases: the district's own limits give each step its due
//! time on the working-day calendar, the work list and the page light green, yellow and red as
//! the working time is used, tasks get the handle limit, and a suspension stops every clock and
//! hands the time left back on resumption.

use gridgov_core::deadlines::Light;
use gridgov_core::ids::days_from_civil;
use gridgov_core::settings::{PhoneShown, SettingKind, parse_text};
use gridgov_core::workdays::{CHINA_OFFSET_MS, DAY_MS, HOUR_MS, MINUTE_MS};
use gridgov_store::incidents::{ActionInput, DispatchInput, IncidentFilter, ReportInput};
use gridgov_store::on_both;
use gridgov_store::settings::SettingChange;
use gridgov_store::testing::town::town;

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

on_both!(
    each_step_runs_against_the_districts_limit_and_lights_up,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        s.change_region_setting(
            &t.center,
            "420202",
            &SettingChange {
                kind: SettingKind::TimeLimits,
                value: Some(
                    parse_text(SettingKind::TimeLimits, "accept 4 hours\nhandle 3 days").unwrap(),
                ),
                version: 0,
            },
            PhoneShown::Masked,
        )
        .await
        .unwrap();
        // Monday 2025-06-16, 9:00.
        db.clock.set_ms(at((2025, 6, 16), 9, 0));
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
        // Four working hours: 9:00–12:00 and 14:00–15:00.
        assert_eq!(i.due_at, Some(at((2025, 6, 16), 15, 0)));
        assert_eq!(i.clock_started_at, Some(at((2025, 6, 16), 9, 0)));
        let (c, id) = (i.county_code.clone(), i.id.clone());
        let light = |s: gridgov_store::Store| {
            let center = t.center.clone();
            async move {
                let list = s
                    .incidents(&center, &IncidentFilter::default())
                    .await
                    .unwrap();
                list.items[0].light
            }
        };
        assert_eq!(light(s.clone()).await, Some(Light::Green));
        db.clock.set_ms(at((2025, 6, 16), 14, 30));
        assert_eq!(
            light(s.clone()).await,
            Some(Light::Yellow),
            "3.5 of 4 hours used"
        );
        db.clock.set_ms(at((2025, 6, 16), 15, 1));
        assert_eq!(light(s.clone()).await, Some(Light::Red));

        // Accepted late: the dispatch step has the default for a general matter, one working day.
        db.clock.set_ms(at((2025, 6, 16), 15, 30));
        let i = s
            .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
            .await
            .unwrap();
        assert_eq!(i.due_at, Some(at((2025, 6, 18), 0, 0)));
        // Dispatched on Tuesday: three working days for the incident and each task.
        db.clock.set_ms(at((2025, 6, 17), 10, 0));
        let mut d = act("dispatch", i.version);
        d.dispatch = DispatchInput {
            territorial_grid: t.g1.clone(),
            lead_department: t.urban.clone(),
            ..Default::default()
        };
        let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
        let friday_night = at((2025, 6, 21), 0, 0);
        assert_eq!(i.due_at, Some(friday_night));
        let page = s.incident_page(&t.center, &c, &id).await.unwrap();
        assert_eq!(page.tasks.len(), 2);
        assert!(page.tasks.iter().all(|t| t.due_at == Some(friday_night)));
        assert_eq!(page.incident.light, Some(Light::Green));

        // Suspended on Wednesday at 10:00 with 19.5 working hours left; resumed the next Monday.
        db.clock.set_ms(at((2025, 6, 18), 10, 0));
        let i = s
            .act_on_incident(&t.urban_handler, &c, &id, &act("start", i.version))
            .await
            .unwrap();
        let mut sus = act("suspend", i.version);
        sus.reason = "等待汛期结束后施工".into();
        let i = s.act_on_incident(&t.center, &c, &id, &sus).await.unwrap();
        assert_eq!(i.clock_left_ms, Some(39 * HOUR_MS / 2));
        db.clock.set_ms(at((2025, 6, 23), 10, 0));
        let page = s.incident_page(&t.center, &c, &id).await.unwrap();
        assert_eq!(page.incident.light, Some(Light::Paused));
        assert!(page.tasks.iter().all(|t| t.light == Some(Light::Paused)));
        let i = s
            .act_on_incident(&t.center, &c, &id, &act("resume", i.version))
            .await
            .unwrap();
        // 5.5 h on Monday, 7 on Tuesday, 7 on Wednesday: due Wednesday 17:30.
        let due = at((2025, 6, 25), 17, 30);
        assert_eq!((i.due_at, i.clock_left_ms), (Some(due), None));
        let page = s.incident_page(&t.center, &c, &id).await.unwrap();
        assert!(
            page.tasks
                .iter()
                .all(|t| t.due_at == Some(due) && t.clock_left_ms.is_none())
        );
        // The time used before the suspension stays used: 2 of 21.5 hours used on Tuesday, 2
        // more on Wednesday morning, so the light is still green but its start moved.
        assert_eq!(page.incident.light, Some(Light::Green));
        assert!(page.incident.clock_started_at.unwrap() < at((2025, 6, 23), 8, 30));
    }
);
