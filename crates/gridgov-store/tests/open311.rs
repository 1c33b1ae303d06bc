#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The Open311 door on both databases, as a city lives it: the center issues a key to a
//! citizen app, the app reports a matter at a position and it lands in the grid there as a
//! citizen incident; the public list shows it without anything personal; bad requests are named
//! field by field and leave nothing behind; a revoked key opens nothing; the next province's
//! center and a district's center neither see nor change the city's keys and mapping.

use gridgov_core::auth::{Actor, Role};
use gridgov_core::open311::{PublicStatus, WINDOW_MS};
use gridgov_store::incidents::ActionInput;
use gridgov_store::open311::{Open311Report, RequestFilter, ServiceEdit};
use gridgov_store::testing::add_user;
use gridgov_store::testing::town::town;
use gridgov_store::{StoreError, on_both};

fn at(lat: &str, long: &str, description: &str) -> Open311Report {
    Open311Report {
        service_code: "0601".into(),
        lat: Some(lat.into()),
        long: Some(long.into()),
        description: description.into(),
        first_name: "晓明".into(),
        last_name: "王".into(),
        phone: "138 1234 5678".into(),
        email: "wxm@example.cn".into(),
        ..Default::default()
    }
}

fn fields(e: StoreError) -> Vec<(String, String)> {
    match e {
        StoreError::Invalid(inv) => inv
            .0
            .into_iter()
            .map(|f| (f.field, f.code.to_owned()))
            .collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn recent(now: i64) -> RequestFilter {
    RequestFilter {
        start: now - WINDOW_MS,
        end: now,
        ..Default::default()
    }
}

on_both!(
    a_citizen_app_reports_into_the_grid_and_the_public_sees_no_one,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let city_center = add_user(s, &Actor::system(), "city", Role::CenterOperator, "4202").await;
        let issued = s
            .issue_open311_key(&city_center.actor(), "4202", "随手拍", Some(120))
            .await
            .unwrap();
        assert!(issued.key.starts_with("o311_"));
        let key = s
            .open311_key(&issued.key)
            .await
            .unwrap()
            .expect("a live key");
        assert_eq!((key.region_code.as_str(), key.per_minute), ("4202", 120));
        let j = s
            .open311_jurisdiction("4202")
            .await
            .unwrap()
            .expect("a jurisdiction");
        let services = s.open311_services("4202").await.unwrap();
        let codes: Vec<&str> = services.iter().map(|x| x.service_code.as_str()).collect();
        assert_eq!(
            codes,
            ["01", "06", "0601"],
            "seeded from the public categories"
        );
        assert_eq!(
            services[2].group_name, "城市管理",
            "grouped by the top-level class"
        );

        let mut r = at(
            "30.205",
            "115.005",
            "桂花路人行道被摊位占满，行人只能走机动车道",
        );
        r.attributes = vec![("occurred_at".into(), "2026-11-23T07:30:00+08:00".into())];
        r.media_url = "https://img.example.cn/a.jpg".into();
        let posted = s.open311_report(&key, &r).await.unwrap();
        assert!(
            posted.service_request_id.starts_with("SJ-420202-"),
            "{}",
            posted.service_request_id
        );
        let (grid, source, reporter, occurred): (String, String, String, i64) = sqlx_row(
            s,
            &format!(
                "SELECT grid_id || '|' || source || '|' || reporter_id || '|' || occurred_at \
             FROM incidents WHERE number = '{}'",
                posted.service_request_id
            ),
        )
        .await;
        assert_eq!(grid, t.g1, "the grid that holds the position");
        assert_eq!(source, "citizen");
        assert_eq!(reporter, format!("open311:{}", key.id));
        assert_eq!(occurred, 1_795_390_200_000);
        let phone = db
            .store
            .scalar_text_for_tests("SELECT phone_sealed FROM open311_requests")
            .await
            .unwrap();
        assert!(
            phone.starts_with("v1.") && !phone.contains("13812345678"),
            "sealed: {phone}"
        );
        assert_eq!(
            db.store
                .scalar_for_tests(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'incident.reported' \
                 AND actor_id LIKE 'open311:%'"
                )
                .await
                .unwrap(),
            1,
            "the door's report is on the audit chain"
        );

        let now = s.now_ms();
        let list = s.open311_requests(&j, &recent(now)).await.unwrap();
        assert_eq!(list.len(), 1);
        let one = &list[0];
        assert_eq!((one.status, one.service_code.as_str()), ("open", "0601"));
        assert_eq!(one.media_url, "https://img.example.cn/a.jpg");
        let shown = serde_json::to_string(&list).unwrap();
        for private in ["晓明", "王", "1381234", "wxm@", "open311:"] {
            assert!(
                !shown.contains(private),
                "{private} in a public answer: {shown}"
            );
        }
        // A grid worker's own report in a public category is on the list too, without its reporter.
        let mut own = gridgov_store::incidents::ReportInput {
            title: "湖滨路垃圾堆放".into(),
            category: "06".into(),
            grid_id: t.g2.clone(),
            ..Default::default()
        };
        own.description = "张三家门口".into();
        s.report_incident(&t.worker2, &own, None).await.unwrap();
        let list = s.open311_requests(&j, &recent(now)).await.unwrap();
        assert_eq!(list.len(), 2);
        assert!(!serde_json::to_string(&list).unwrap().contains("张三"));

        let token = s.open311_token(&j, &posted.token).await.unwrap();
        assert_eq!(token.map(|x| x.1), Some(posted.service_request_id.clone()));
        assert!(s.open311_token(&j, "nope").await.unwrap().is_none());
    }
);

/// One text column of one row, split at '|' into four values (the last an integer).
async fn sqlx_row(s: &gridgov_store::Store, sql: &str) -> (String, String, String, i64) {
    let v = s.scalar_text_for_tests(sql).await.unwrap();
    let p: Vec<&str> = v.split('|').collect();
    (p[0].into(), p[1].into(), p[2].into(), p[3].parse().unwrap())
}

on_both!(bad_requests_are_named_and_leave_nothing, |db| {
    let _t = town(&db.store).await;
    let s = &db.store;
    let issued = s
        .issue_open311_key(&Actor::system(), "4202", "随手拍", None)
        .await
        .unwrap();
    let key = s.open311_key(&issued.key).await.unwrap().unwrap();

    let mut unknown = at("30.205", "115.005", "x");
    unknown.service_code = "9999".into();
    let e = fields(s.open311_report(&key, &unknown).await.unwrap_err());
    assert_eq!(e, [("service_code".into(), "unknown_service".into())]);

    // Inside the city, outside every grid.
    let e = fields(
        s.open311_report(&key, &at("30.5", "115.5", "路灯不亮"))
            .await
            .unwrap_err(),
    );
    assert_eq!(e, [("long".into(), "outside_every_grid".into())]);

    let mut many = at("north", "115.005", "井盖");
    many.phone = "12345".into();
    many.email = "not-an-address".into();
    many.media_url = "ftp://x".into();
    many.attributes = vec![
        ("occurred_at".into(), "2026-11-23".into()),
        ("colour".into(), "red".into()),
    ];
    let e = fields(s.open311_report(&key, &many).await.unwrap_err());
    let named: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
    for f in [
        "lat",
        "phone",
        "email",
        "media_url",
        "attribute[occurred_at]",
        "attribute[colour]",
    ] {
        assert!(named.contains(&f), "{f} not named in {e:?}");
    }

    let nowhere = Open311Report {
        service_code: "0601".into(),
        ..Default::default()
    };
    let e = fields(s.open311_report(&key, &nowhere).await.unwrap_err());
    assert_eq!(e, [("lat".into(), "no_location".into())]);
    let mut unknown_address = nowhere.clone();
    unknown_address.address_string = "不存在路 1 号".into();
    let e = fields(s.open311_report(&key, &unknown_address).await.unwrap_err());
    assert_eq!(e, [("address_string".into(), "unknown_address".into())]);

    for table in ["incidents", "open311_requests"] {
        let n = s
            .scalar_for_tests(&format!("SELECT COUNT(*) FROM {table}"))
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} kept a half-written request");
    }

    s.revoke_open311_key(&Actor::system(), &key.id)
        .await
        .unwrap();
    assert!(
        s.open311_key(&issued.key).await.unwrap().is_none(),
        "revoked"
    );
    assert!(s.open311_key("o311_guessed").await.unwrap().is_none());
});

on_both!(the_public_list_filters_as_the_spec_says, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let issued = s
        .issue_open311_key(&Actor::system(), "4202", "随手拍", None)
        .await
        .unwrap();
    let key = s.open311_key(&issued.key).await.unwrap().unwrap();
    let j = s.open311_jurisdiction("4202").await.unwrap().unwrap();
    let first = s
        .open311_report(&key, &at("30.205", "115.005", "桂花路占道经营"))
        .await
        .unwrap();
    db.clock.advance_ms(3_600_000);
    let mut dispute = at("30.205", "115.025", "邻里噪音纠纷");
    dispute.service_code = "01".into();
    let second = s.open311_report(&key, &dispute).await.unwrap();
    // The center rejects the first: closed, with its note.
    let page = s.incidents(&t.center, &Default::default()).await.unwrap();
    let row = page
        .items
        .iter()
        .find(|i| i.number == first.service_request_id)
        .unwrap();
    let reject = ActionInput {
        action: "reject".into(),
        version: row.version,
        reason: "非本辖区事项，已告知".into(),
        ..Default::default()
    };
    s.act_on_incident(&t.center, &row.county_code, &row.id, &reject)
        .await
        .unwrap();

    let now = s.now_ms();
    let ids = |l: Vec<gridgov_store::open311::PublicRequest>| -> Vec<String> {
        l.into_iter().map(|r| r.service_request_id).collect()
    };
    let all = ids(s.open311_requests(&j, &recent(now)).await.unwrap());
    assert_eq!(
        all,
        [
            second.service_request_id.clone(),
            first.service_request_id.clone()
        ]
    );
    let mut f = recent(now);
    f.statuses = vec![PublicStatus::Closed];
    let closed = s.open311_requests(&j, &f).await.unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].status, "closed");
    assert_eq!(closed[0].status_notes.map(|n| n.1), Some("Not accepted."));
    let mut f = recent(now);
    f.service_codes = vec!["01".into()];
    assert_eq!(
        ids(s.open311_requests(&j, &f).await.unwrap()),
        [second.service_request_id.as_str()]
    );
    let mut f = recent(now);
    f.end = now - 1_800_000;
    assert_eq!(
        ids(s.open311_requests(&j, &f).await.unwrap()),
        [first.service_request_id.as_str()]
    );
    let f = RequestFilter {
        ids: vec![
            first.service_request_id.clone(),
            "SJ-999999-20260101-0001".into(),
            "x".into(),
        ],
        ..Default::default()
    };
    assert_eq!(
        ids(s.open311_requests(&j, &f).await.unwrap()),
        [first.service_request_id.as_str()]
    );
    let one = s
        .open311_request(&j, &second.service_request_id)
        .await
        .unwrap();
    assert_eq!(one.map(|r| r.service_code), Some("01".into()));
    // Another jurisdiction sees none of them.
    let changsha = s.open311_jurisdiction("4301").await.unwrap();
    assert!(
        changsha.is_none(),
        "a city without services is no jurisdiction"
    );
});

on_both!(
    the_mapping_is_edited_on_the_desk_and_bounded_by_scope,
    |db| {
        let _t = town(&db.store).await;
        let s = &db.store;
        let sys = Actor::system();
        let district = add_user(s, &sys, "district", Role::CenterOperator, "420202")
            .await
            .actor();
        let changsha = add_user(s, &sys, "changsha", Role::CenterOperator, "4301")
            .await
            .actor();
        let worker = add_user(s, &sys, "worker9", Role::GridWorker, "4202")
            .await
            .actor();
        let issued = s
            .issue_open311_key(&sys, "4202", "随手拍", None)
            .await
            .unwrap();

        // Outside the city: nothing seen, nothing changed.
        assert!(s.open311_keys(&changsha).await.unwrap().is_empty());
        assert!(matches!(
            s.revoke_open311_key(&changsha, &issued.id).await,
            Err(StoreError::NotFound)
        ));
        let e = fields(
            s.issue_open311_key(&changsha, "4202", "冒名", None)
                .await
                .unwrap_err(),
        );
        assert_eq!(e, [("region_code".into(), "unknown_city".into())]);
        assert!(s.open311_mapping(&changsha, "4202").await.is_err());
        // A district's center sees the city's key but neither revokes it nor issues for the city.
        assert_eq!(
            s.open311_keys(&district).await.unwrap().len(),
            0,
            "the key's path is the city's"
        );
        assert!(s.revoke_open311_key(&district, &issued.id).await.is_err());
        assert!(
            s.issue_open311_key(&district, "4202", "区里", None)
                .await
                .is_err()
        );
        assert!(matches!(
            s.open311_keys(&worker).await,
            Err(StoreError::Forbidden)
        ));
        assert!(
            s.open311_key(&issued.key).await.unwrap().is_some(),
            "still live"
        );

        let (_, services) = s.open311_mapping(&sys, "4202").await.unwrap();
        let street = services.iter().find(|x| x.service_code == "0601").unwrap();
        let edit = ServiceEdit {
            service_code: "STREET-VENDING".into(),
            name: "占道经营".into(),
            description: "street vending".into(),
            group_name: "市容".into(),
            keywords: "摊贩,占道,vending".into(),
            active: true,
            version: street.version,
        };
        let changed = s
            .update_open311_service(&sys, "4202", "0601", &edit)
            .await
            .unwrap();
        assert_eq!(
            (changed.service_code.as_str(), changed.version),
            ("STREET-VENDING", 2)
        );
        assert!(matches!(
            s.update_open311_service(&sys, "4202", "STREET-VENDING", &edit)
                .await,
            Err(StoreError::VersionConflict)
        ));
        let mut clash = edit.clone();
        clash.service_code = "06".into();
        clash.version = 2;
        let e = fields(
            s.update_open311_service(&sys, "4202", "STREET-VENDING", &clash)
                .await
                .unwrap_err(),
        );
        assert_eq!(e, [("service_code".into(), "taken".into())]);
        let mut off = edit.clone();
        off.active = false;
        off.version = 2;
        s.update_open311_service(&sys, "4202", "STREET-VENDING", &off)
            .await
            .unwrap();
        let offered: Vec<String> = s
            .open311_services("4202")
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.service_code)
            .collect();
        assert_eq!(
            offered,
            ["01", "06"],
            "a service not offered is gone from the list"
        );
        let key = s.open311_key(&issued.key).await.unwrap().unwrap();
        let mut r = at("30.205", "115.005", "摊贩");
        r.service_code = "STREET-VENDING".into();
        let e = fields(s.open311_report(&key, &r).await.unwrap_err());
        assert_eq!(e, [("service_code".into(), "unknown_service".into())]);
        let audited = s
            .scalar_for_tests("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'open311.%'")
            .await
            .unwrap();
        assert_eq!(audited, 4, "issued, seeded, and two changes");
    }
);
