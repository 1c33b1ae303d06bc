#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Notices on both databases, as the field meets them: a dispatch tells the department's
//! handlers and the grid's staff in the dispatch's own transaction, a returned task tells the
//! dispatching center, a whistle the summoned department, a rating the people who worked it;
//! each inbox is its owner's alone; the channels' setting keeps its secrets and names bad input;
//! SMS in quiet hours waits for the morning; one event never makes two deliveries.

use gridgov_core::notify::NoticeKind;
use gridgov_core::settings::{PhoneShown, SettingKind, parse_text};
use gridgov_store::incidents::{ActionInput, DispatchInput, ReportInput};
use gridgov_store::notices::NewNotice;
use gridgov_store::settings::SettingChange;
use gridgov_store::testing::town::town;
use gridgov_store::{StoreError, on_both};

fn act(action: &str, version: i64) -> ActionInput {
    ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    }
}

fn report(grid: &str) -> ReportInput {
    ReportInput {
        title: "桂花路占道经营".into(),
        description: "早市摊贩占用人行道。".into(),
        category: "06".into(),
        grid_id: grid.into(),
        address: "桂花路 12 号".into(),
        ..Default::default()
    }
}

fn kinds(page: &gridgov_store::notices::NoticePage) -> Vec<NoticeKind> {
    page.items.iter().map(|n| n.kind).collect()
}

on_both!(actions_tell_the_people_who_must_act, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    db.clock.set_ms(1_780_000_000_000);
    let i = s
        .report_incident(&t.worker, &report(&t.g1), None)
        .await
        .unwrap();
    let (c, id) = (i.county_code.clone(), i.id.clone());
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    assert_eq!(s.unread_notices(&t.urban_handler).await.unwrap(), 0);
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        territorial_grid: t.g1.clone(),
        lead_department: t.urban.clone(),
        ..Default::default()
    };
    db.clock.set_ms(1_780_000_060_000);
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();

    let mine = s.notices(&t.urban_handler, "", 20).await.unwrap();
    assert_eq!(kinds(&mine), [NoticeKind::Assigned]);
    assert_eq!(mine.unread, 1);
    let n = &mine.items[0];
    assert_eq!(n.incident_number, i.number);
    assert_eq!(n.incident_id.as_deref(), Some(id.as_str()));
    assert!(
        n.text_zh.contains("已派给黄石港区城管执法局"),
        "{}",
        n.text_zh
    );
    assert!(n.text_en.contains("assigned to"), "{}", n.text_en);
    // The territorial task tells the grid's staff; the other department and grid hear nothing.
    let worker = s.notices(&t.worker, "", 20).await.unwrap();
    assert_eq!(kinds(&worker), [NoticeKind::Assigned]);
    assert!(worker.items[0].text_zh.contains("新街一网格"));
    for other in [&t.police_handler, &t.worker2, &t.center] {
        assert_eq!(s.notices(other, "", 20).await.unwrap().items.len(), 0);
    }

    // The department sends its task back: the dispatching center hears of it, with the reason.
    let page = s.incident_page(&t.urban_handler, &c, &id).await.unwrap();
    let task = page
        .tasks
        .iter()
        .find(|t| t.assignee_type == "department")
        .unwrap();
    let mut r = act("return_task", i.version);
    r.task_id = task.id.clone();
    r.reason = "不属于本局职责".into();
    let i = s
        .act_on_incident(&t.urban_handler, &c, &id, &r)
        .await
        .unwrap();
    let center = s.notices(&t.center, "", 20).await.unwrap();
    assert_eq!(kinds(&center), [NoticeKind::SentBack]);
    assert!(center.items[0].text_zh.contains("不属于本局职责"));

    // A whistle summons the police: its handler is told to report in.
    let mut w = act("whistle", i.version);
    w.departments = vec![t.police.clone()];
    s.act_on_incident(&t.worker, &c, &id, &w).await.unwrap();
    let police = s.notices(&t.police_handler, "", 20).await.unwrap();
    assert_eq!(kinds(&police), [NoticeKind::Summoned]);
    assert!(police.items[0].text_zh.contains("黄石港公安分局"));

    // Reading: one, then all; another's notice is not there to read.
    let first = mine.items[0].id.clone();
    assert!(matches!(
        s.mark_notice_read(&t.worker2, &first).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.mark_all_notices_read(&t.worker2).await.unwrap(), 0);
    assert_eq!(s.unread_notices(&t.urban_handler).await.unwrap(), 1);
    s.mark_notice_read(&t.urban_handler, &first).await.unwrap();
    s.mark_notice_read(&t.urban_handler, &first).await.unwrap();
    assert_eq!(s.unread_notices(&t.urban_handler).await.unwrap(), 0);
    let read = s.notices(&t.urban_handler, "", 20).await.unwrap();
    assert!(read.items[0].read_at.is_some());
    assert_eq!(s.mark_all_notices_read(&t.worker).await.unwrap(), 1);
    assert_eq!(s.unread_notices(&t.worker).await.unwrap(), 0);
    assert!(s.verify_audit().await.unwrap().first_broken.is_none());
});

on_both!(
    an_inbox_pages_newest_first_and_counts_unread_up_to_a_cap,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        for k in 0..105 {
            db.clock.set_ms(1_780_000_000_000 + k * 1000);
            let mut tx_notice = NewNotice {
                kind: NoticeKind::Overdue,
                county_code: None,
                incident_id: None,
                incident_number: format!("SJ-420202-20260528-{k:04}"),
                title: "测试".into(),
                params: serde_json::json!({}),
                event_key: format!("test:{k}"),
                path: "42/4202/420202/".into(),
            };
            s.enqueue_notices_for_tests(&tx_notice, std::slice::from_ref(&t.worker.user_id))
                .await;
            // The same event again changes nothing.
            tx_notice.title = "重复".into();
            s.enqueue_notices_for_tests(&tx_notice, std::slice::from_ref(&t.worker.user_id))
                .await;
        }
        let p1 = s.notices(&t.worker, "", 50).await.unwrap();
        assert_eq!(p1.unread, gridgov_store::notices::UNREAD_CAP);
        assert_eq!(p1.items[0].incident_number, "SJ-420202-20260528-0104");
        assert!(p1.items.iter().all(|n| n.title == "测试"));
        let p2 = s
            .notices(&t.worker, p1.next.as_deref().unwrap(), 50)
            .await
            .unwrap();
        let p3 = s
            .notices(&t.worker, p2.next.as_deref().unwrap(), 50)
            .await
            .unwrap();
        assert_eq!(
            (p2.items.len(), p3.items.len(), p3.next.clone()),
            (50, 5, None)
        );
        assert_eq!(p3.items[4].incident_number, "SJ-420202-20260528-0000");
        assert!(matches!(
            s.notices(&t.worker, "yesterday", 50).await,
            Err(StoreError::Invalid(_))
        ));
    }
);

on_both!(channels_keep_their_secrets_and_name_bad_input, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let set = |text: &str, version: i64| SettingChange {
        kind: SettingKind::NotifyChannels,
        value: Some(parse_text(SettingKind::NotifyChannels, text).unwrap()),
        version,
    };
    let text = "sms https://sms.example/send\nsms.body {\"to\": {phone}, \"msg\": {text}}\n\
                sms.auth Authorization: Bearer s3cret-token\n\
                dingtalk 指挥中心 https://oapi.dingtalk.com/robot/send?access_token=abc123 SECsign\n\
                quiet 22:00-07:00";
    let rs = s
        .change_region_setting(&t.center, "420202", &set(text, 0), PhoneShown::Masked)
        .await
        .unwrap();
    let entry = rs
        .settings
        .iter()
        .find(|e| e.kind == SettingKind::NotifyChannels)
        .unwrap();
    let own = entry.own.as_ref().unwrap();
    for shown in [
        own.text.as_str(),
        &own.value.to_string(),
        &entry.effective.to_string(),
    ] {
        assert!(
            !shown.contains("s3cret") && !shown.contains("abc123") && !shown.contains("SECsign"),
            "{shown}"
        );
        assert!(shown.contains("******"));
    }
    let trail = s
        .list_audit(&gridgov_core::auth::Actor::system(), 500, None)
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .all(|r| !r.summary.contains("s3cret") && !r.summary.contains("abc123"))
    );
    // Saved back as shown, the secrets stay.
    s.change_region_setting(
        &t.center,
        "420202",
        &set(&own.text, own.version),
        PhoneShown::Masked,
    )
    .await
    .unwrap();
    let kept = s
        .notify_channels_at("42/4202/420202/420202001/")
        .await
        .unwrap();
    assert_eq!(
        kept.sms.unwrap().auth_header,
        "Authorization: Bearer s3cret-token"
    );
    assert_eq!(kept.robots[0].secret, "SECsign");

    // Bad input is named by field, and nothing is kept.
    let e = parse_text(
        SettingKind::NotifyChannels,
        "sms ftp://sms.example/send\nsms.body {\"m\": {text}}\nquiet 22点到7点",
    )
    .unwrap_err();
    let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["quiet_hours", "sms.url"]);
    assert!(e.0.iter().all(|f| !f.zh.is_empty() && !f.en.is_empty()));
    let raw =
        serde_json::json!({"robots": [{"channel": "wecom", "name": "值班群", "url": "******"}]});
    let v = gridgov_core::settings::SettingValue::parse(SettingKind::NotifyChannels, &raw).unwrap();
    let e = s
        .change_region_setting(
            &t.center,
            "420202001",
            &SettingChange {
                kind: SettingKind::NotifyChannels,
                value: Some(v),
                version: 0,
            },
            PhoneShown::Masked,
        )
        .await
        .unwrap_err();
    let StoreError::Invalid(inv) = e else {
        panic!("{e:?}")
    };
    assert_eq!(
        (inv.0[0].field.as_str(), inv.0[0].code),
        ("robots[0].url", "secret_missing")
    );
    let street = s
        .region_settings(&t.center, "420202001", PhoneShown::Masked)
        .await
        .unwrap();
    assert!(
        street.settings.iter().all(|e| e.own.is_none()),
        "nothing half-written"
    );
});

on_both!(
    sms_in_quiet_hours_waits_and_one_phone_gets_one_message,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        s.change_region_setting(
            &t.center,
            "420202",
            &SettingChange {
                kind: SettingKind::NotifyChannels,
                value: Some(
                    parse_text(
                        SettingKind::NotifyChannels,
                        "sms http://127.0.0.1:9/send\nsms.body {\"to\": {phone}, \"msg\": {text}}\n\
                     quiet 22:00-07:00",
                    )
                    .unwrap(),
                ),
                version: 0,
            },
            PhoneShown::Masked,
        )
        .await
        .unwrap();
        // Both handlers share the duty phone.
        for u in [&t.urban_handler, &t.police_handler] {
            s.execute_raw_for_tests(&format!(
                "UPDATE users SET phone = '13800000001' WHERE id = '{}'",
                u.user_id
            ))
            .await
            .unwrap();
        }
        // 2026-06-01 23:30 in Shanghai.
        let night = 1_780_327_800_000;
        db.clock.set_ms(night);
        let notice = NewNotice {
            kind: NoticeKind::Overdue,
            county_code: None,
            incident_id: None,
            incident_number: "SJ-420202-20260601-0001".into(),
            title: "夜间测试".into(),
            params: serde_json::json!({}),
            event_key: "test:night".into(),
            path: "42/4202/420202/420202001/".into(),
        };
        let to = [
            t.urban_handler.user_id.clone(),
            t.police_handler.user_id.clone(),
        ];
        s.enqueue_notices_for_tests(&notice, &to).await;
        s.enqueue_notices_for_tests(&notice, &to).await;
        let rows: Vec<(String, i64)> = s.deliveries_for_tests().await;
        assert_eq!(rows.len(), 1, "one phone, one SMS: {rows:?}");
        // 07:00 the next morning in Shanghai.
        assert_eq!(rows[0].1, night + 7 * 3_600_000 + 30 * 60_000);
        assert_eq!(
            s.notices(&t.police_handler, "", 5)
                .await
                .unwrap()
                .items
                .len(),
            1
        );
    }
);

on_both!(a_territorial_task_on_a_region_tells_its_center, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let street = gridgov_store::testing::add_user(
        s,
        &gridgov_core::auth::Actor::system(),
        "street-op",
        gridgov_core::auth::Role::CenterOperator,
        "420202001",
    )
    .await
    .actor();
    let i = s
        .report_incident(&t.worker, &report(&t.g1), None)
        .await
        .unwrap();
    let (c, id) = (i.county_code.clone(), i.id.clone());
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        territorial_region: "420202001".into(),
        ..Default::default()
    };
    s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    let theirs = s.notices(&street, "", 5).await.unwrap();
    assert_eq!(kinds(&theirs), [NoticeKind::Assigned]);
    // The district's own center dispatched it and is not told of its own act.
    assert!(s.notices(&t.center, "", 5).await.unwrap().items.is_empty());
    assert!(s.notices(&t.worker, "", 5).await.unwrap().items.is_empty());
});

on_both!(a_sender_that_lost_its_lease_changes_nothing, |db| {
    use gridgov_store::notices::{DeliveryClaim, DeliveryOutcome};
    let t = town(&db.store).await;
    let s = &db.store;
    s.change_region_setting(
        &t.center,
        "420202",
        &SettingChange {
            kind: SettingKind::NotifyChannels,
            value: Some(
                parse_text(
                    SettingKind::NotifyChannels,
                    "wecom 值班群 http://127.0.0.1:9/w",
                )
                .unwrap(),
            ),
            version: 0,
        },
        PhoneShown::Masked,
    )
    .await
    .unwrap();
    db.clock.set_ms(1_780_000_000_000);
    let notice = NewNotice {
        kind: NoticeKind::Overdue,
        county_code: None,
        incident_id: None,
        incident_number: "SJ-420202-20260528-0001".into(),
        title: "租约测试".into(),
        params: serde_json::json!({}),
        event_key: "test:lease".into(),
        path: "42/4202/420202/".into(),
    };
    s.enqueue_notices_for_tests(&notice, std::slice::from_ref(&t.worker.user_id))
        .await;
    let claim = |token: &'static str| DeliveryClaim {
        token,
        lease_ms: 60_000,
        limit: 10,
    };
    let a = s.claim_deliveries(&claim("node-a:1")).await.unwrap();
    assert_eq!(a.len(), 1);
    // Held: nobody else gets it.
    assert!(
        s.claim_deliveries(&claim("node-b:1"))
            .await
            .unwrap()
            .is_empty()
    );
    // Node A stalls past its lease; node B takes the delivery over and sends it.
    db.clock.set_ms(1_780_000_060_001);
    let b = s.claim_deliveries(&claim("node-b:2")).await.unwrap();
    assert_eq!((b.len(), b[0].attempts), (1, 2));
    let sent = [(&b[0], DeliveryOutcome::Sent)];
    let late = [(
        &a[0],
        DeliveryOutcome::Failed {
            error: "late".into(),
            permanent: true,
        },
    )];
    assert_eq!(
        s.finish_deliveries("node-a:1", &late).await.unwrap(),
        0,
        "A changes nothing"
    );
    assert_eq!(s.finish_deliveries("node-b:2", &sent).await.unwrap(), 1);
    assert_eq!(s.deliveries_for_tests().await[0].0, "sent");
    assert!(
        s.claim_deliveries(&claim("node-c:1"))
            .await
            .unwrap()
            .is_empty()
    );
});
