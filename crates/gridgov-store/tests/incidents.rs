#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The closed loop on both databases, as the field lives it: a grid worker reports a matter, the
//! district center accepts it and dispatches it along both lines, the grid and a department
//! handle their parts, the center approves and the reporter rates it; and what must not happen:
//! an action out of turn, a stale version, a department seeing another's work, numbers that
//! repeat under concurrent reports, a place outside every grid.

use gridgov_store::incidents::{ActionInput, DispatchInput, IncidentFilter, ReportInput, WorkList};
use gridgov_store::testing::town::town;
use gridgov_store::{StoreError, on_both};

fn report(grid: &str) -> ReportInput {
    ReportInput {
        title: "桂花路占道经营".into(),
        description: "早市摊贩占用人行道，行人只能走机动车道。".into(),
        category: "06".into(),
        grid_id: grid.into(),
        address: "桂花路 12 号门前".into(),
        ..Default::default()
    }
}

fn act(action: &str, version: i64) -> ActionInput {
    ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    }
}

on_both!(a_matter_goes_round_the_whole_loop, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let i = s
        .report_incident(&t.worker, &report(&t.g1), None)
        .await
        .unwrap();
    assert_eq!(i.state, "reported");
    assert_eq!(i.grade, "general", "the category's default grade");
    assert_eq!(i.source, "grid_patrol");
    assert!(
        i.number.starts_with("SJ-420202-") && i.number.ends_with("-0001"),
        "{}",
        i.number
    );
    let (c, id) = (i.county_code.clone(), i.id.clone());

    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    assert_eq!(i.state, "accepted");
    assert_eq!(i.center_path, "42/4202/420202/");
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        territorial_grid: t.g1.clone(),
        lead_department: t.urban.clone(),
        assist_departments: vec![t.police.clone()],
        ..Default::default()
    };
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    assert_eq!(i.state, "dispatched");
    let page = s.incident_page(&t.urban_handler, &c, &id).await.unwrap();
    assert_eq!(page.tasks.len(), 3);
    assert_eq!(page.allowed, ["start", "return_task", "comment"]);

    // The department works its part; the incident is in progress and stays there while the
    // other two tasks are live.
    let i = s
        .act_on_incident(&t.urban_handler, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    assert_eq!(i.state, "in_progress");
    let mut h = act("handle", i.version);
    h.result = "已劝离摊贩，设置临时疏导点".into();
    let i = s
        .act_on_incident(&t.urban_handler, &c, &id, &h)
        .await
        .unwrap();
    assert_eq!(i.state, "in_progress");
    // The police's assisting part and the grid's territorial part.
    let i = s
        .act_on_incident(&t.police_handler, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    let mut h = act("handle", i.version);
    h.result = "配合维持秩序".into();
    let i = s
        .act_on_incident(&t.police_handler, &c, &id, &h)
        .await
        .unwrap();
    let i = s
        .act_on_incident(&t.worker, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    let mut h = act("handle", i.version);
    h.result = "复查无摊贩".into();
    let i = s.act_on_incident(&t.worker, &c, &id, &h).await.unwrap();
    assert_eq!(i.state, "handled", "the last live task ended");

    let i = s
        .act_on_incident(&t.center, &c, &id, &act("approve", i.version))
        .await
        .unwrap();
    assert_eq!(i.state, "closed");
    assert_eq!(i.resolution_level.as_deref(), Some("grid"));
    assert!(i.closed_at.is_some());
    let mut e = act("evaluate", i.version);
    e.evaluation = "satisfied".into();
    let i = s.act_on_incident(&t.worker, &c, &id, &e).await.unwrap();
    assert_eq!(i.state, "evaluated");
    assert_eq!(i.evaluation.as_deref(), Some("satisfied"));

    // The record: every step, in order, with the states it moved between; the chain intact.
    let page = s.incident_page(&t.center, &c, &id).await.unwrap();
    let kinds: Vec<&str> = page
        .timeline
        .iter()
        .map(|e| e.event["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "reported",
            "accepted",
            "dispatched",
            "started",
            "handled",
            "started",
            "handled",
            "started",
            "handled",
            "approved",
            "evaluated"
        ]
    );
    assert_eq!(page.timeline[1].from.as_deref(), Some("reported"));
    assert_eq!(page.timeline[1].to.as_deref(), Some("accepted"));
    assert!(s.verify_audit().await.unwrap().first_broken.is_none());
    assert!(
        page.allowed.is_empty() || page.allowed == ["comment"],
        "{:?}",
        page.allowed
    );
});

on_both!(
    actions_out_of_turn_and_stale_versions_are_refused_with_what_is_open,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let i = s
            .report_incident(&t.worker, &report(&t.g1), None)
            .await
            .unwrap();
        let (c, id) = (i.county_code.clone(), i.id.clone());
        // Approving what nobody accepted: not from this state; the refusal lists what is open.
        match s
            .act_on_incident(&t.center, &c, &id, &act("approve", i.version))
            .await
        {
            Err(StoreError::Refused(r)) => {
                assert_eq!(r.code, "action_not_from_state");
                assert!(r.is_conflict());
                assert!(r.allowed.contains(&"accept".to_owned()), "{:?}", r.allowed);
                assert_eq!(r.state, "reported");
            }
            other => panic!("{other:?}"),
        }
        // A grid worker may not accept.
        match s
            .act_on_incident(&t.worker, &c, &id, &act("accept", i.version))
            .await
        {
            Err(StoreError::Refused(r)) => assert_eq!(r.code, "action_not_for_role"),
            other => panic!("{other:?}"),
        }
        let accepted = s
            .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
            .await
            .unwrap();
        // The same version again: someone got there first.
        match s
            .act_on_incident(&t.center, &c, &id, &act("reject", i.version))
            .await
        {
            Err(StoreError::Refused(r)) => {
                assert_eq!(r.code, "version_conflict");
                assert_eq!(r.version, accepted.version);
                assert_eq!(r.state, "accepted");
            }
            other => panic!("{other:?}"),
        }
        // A rejection needs its reason; nothing changes without it.
        let mut m = act("merge", accepted.version);
        m.into = accepted.number.clone();
        match s.act_on_incident(&t.center, &c, &id, &m).await {
            Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].code, "merge_into_itself"),
            other => panic!("{other:?}"),
        }
        let still = s.incident(&t.center, &c, &id).await.unwrap();
        assert_eq!(still.version, accepted.version);
    }
);

on_both!(
    each_caller_sees_incidents_through_their_own_doors_only,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let i = s
            .report_incident(&t.worker, &report(&t.g1), None)
            .await
            .unwrap();
        let (c, id) = (i.county_code.clone(), i.id.clone());
        // The next village's worker, and departments before any task: nothing.
        for outsider in [&t.worker2, &t.urban_handler, &t.police_handler] {
            assert!(matches!(
                s.incident(outsider, &c, &id).await,
                Err(StoreError::NotFound)
            ));
            let list = s
                .incidents(outsider, &IncidentFilter::default())
                .await
                .unwrap();
            assert_eq!(list.total, 0);
            assert!(matches!(
                s.act_on_incident(outsider, &c, &id, &act("comment", i.version))
                    .await,
                Err(StoreError::NotFound)
            ));
        }
        let i = s
            .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
            .await
            .unwrap();
        let mut d = act("dispatch", i.version);
        d.dispatch.lead_department = t.urban.clone();
        s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
        // The department with a task sees it, the other still does not.
        assert!(s.incident(&t.urban_handler, &c, &id).await.is_ok());
        assert!(matches!(
            s.incident(&t.police_handler, &c, &id).await,
            Err(StoreError::NotFound)
        ));
        let mine = s
            .incidents(
                &t.urban_handler,
                &IncidentFilter {
                    list: WorkList::Mine,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(mine.items.len(), 1);
        // The reporter keeps seeing their report.
        assert_eq!(
            s.incidents(&t.worker, &IncidentFilter::default())
                .await
                .unwrap()
                .total,
            1
        );
    }
);

on_both!(
    concurrent_reports_get_numbers_without_gaps_or_repeats,
    |db| {
        let t = town(&db.store).await;
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (s, w, g) = (db.store.clone(), t.worker.clone(), t.g1.clone());
            tasks.push(tokio::spawn(async move {
                s.report_incident(&w, &report(&g), None).await
            }));
        }
        let mut seqs = Vec::new();
        for task in tasks {
            let i = task.await.unwrap().unwrap();
            seqs.push(i.number.rsplit('-').next().unwrap().parse::<u32>().unwrap());
        }
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
    }
);

on_both!(a_repeated_report_with_its_key_is_the_same_incident, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let a = s
        .report_incident(&t.worker, &report(&t.g1), Some("phone-42-1"))
        .await
        .unwrap();
    let b = s
        .report_incident(&t.worker, &report(&t.g1), Some("phone-42-1"))
        .await
        .unwrap();
    assert_eq!(a.id, b.id);
    let c = s
        .report_incident(&t.worker, &report(&t.g1), Some("phone-42-2"))
        .await
        .unwrap();
    assert_ne!(a.id, c.id);
    assert_eq!(
        s.incidents(&t.center, &IncidentFilter::default())
            .await
            .unwrap()
            .total,
        2
    );
});

on_both!(
    a_place_is_resolved_to_a_grid_or_refused_naming_the_nearest,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let mut r = report("");
        r.lng = Some(115.005);
        r.lat = Some(30.205);
        let i = s.report_incident(&t.worker, &r, None).await.unwrap();
        assert_eq!(i.grid_id.as_deref(), Some(t.g1.as_str()));
        // In the next village's grid: outside the worker's scope, so the nearest of theirs is named.
        r.lng = Some(115.025);
        match s.report_incident(&t.worker, &r, None).await {
            Err(StoreError::Invalid(e)) => {
                assert_eq!(e.0[0].code, "outside_every_grid");
                assert!(e.0[0].zh.contains("新街一网格"), "{}", e.0[0].zh);
                assert!(!e.0[0].zh.contains("湖滨"), "{}", e.0[0].zh);
            }
            other => panic!("{other:?}"),
        }
        // Bad input names its fields, and nothing is written.
        let bad = ReportInput {
            title: "\u{200b}\u{200b}".into(),
            category: "77".into(),
            grid_id: t.g2.clone(),
            ..Default::default()
        };
        match s.report_incident(&t.worker, &bad, None).await {
            Err(StoreError::Invalid(e)) => {
                let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
                assert_eq!(fields, ["title", "category"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            s.incidents(&t.center, &IncidentFilter::default())
                .await
                .unwrap()
                .total,
            1
        );
    }
);

on_both!(
    a_department_sending_its_task_back_twice_is_flagged_shirking,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let i = s
            .report_incident(&t.worker, &report(&t.g1), None)
            .await
            .unwrap();
        let (c, id) = (i.county_code.clone(), i.id.clone());
        let mut i = s
            .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
            .await
            .unwrap();
        for round in 0..2 {
            let mut d = act("dispatch", i.version);
            d.dispatch.lead_department = t.urban.clone();
            i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
            let mut back = act("return_task", i.version);
            back.reason = "不属于本部门职责".into();
            i = s
                .act_on_incident(&t.urban_handler, &c, &id, &back)
                .await
                .unwrap();
            assert_eq!(i.state, "accepted", "round {round}: back for dispatch");
            assert_eq!(i.shirking, i64::from(round == 1));
        }
        assert_eq!(i.return_count, 2);
        let returned = s
            .incidents(
                &t.center,
                &IncidentFilter {
                    list: WorkList::Returned,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(returned.total, 1);
    }
);

on_both!(an_unsatisfied_rating_reopens_the_matter, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
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
    d.dispatch.territorial_grid = t.g1.clone();
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    let i = s
        .act_on_incident(&t.worker, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    let mut h = act("handle", i.version);
    h.result = "已处理".into();
    let i = s.act_on_incident(&t.worker, &c, &id, &h).await.unwrap();
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("approve", i.version))
        .await
        .unwrap();
    // Reopening needs an unsatisfied rating first.
    let mut r = act("reopen", i.version);
    r.reason = "摊贩又回来了".into();
    assert!(s.act_on_incident(&t.center, &c, &id, &r).await.is_err());
    let mut e = act("evaluate", i.version);
    e.evaluation = "unsatisfied".into();
    let i = s.act_on_incident(&t.worker, &c, &id, &e).await.unwrap();
    r.version = i.version;
    let i = s.act_on_incident(&t.center, &c, &id, &r).await.unwrap();
    assert_eq!(i.state, "accepted");
    assert_eq!(i.reopen_count, 1);
    assert_eq!(i.evaluation, None);
});

on_both!(evidence_is_required_where_the_category_says_so, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let mut r = report(&t.g1);
    r.category = "0601".into();
    let i = s.report_incident(&t.worker, &r, None).await.unwrap();
    let (c, id) = (i.county_code.clone(), i.id.clone());
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    let mut d = act("dispatch", i.version);
    d.dispatch.lead_department = t.urban.clone();
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    let i = s
        .act_on_incident(&t.urban_handler, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    let mut h = act("handle", i.version);
    h.result = "已清理".into();
    match s.act_on_incident(&t.urban_handler, &c, &id, &h).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].code, "evidence_required"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s.incident(&t.center, &c, &id).await.unwrap().state,
        "in_progress"
    );
});

on_both!(
    open_work_moves_with_the_grid_when_it_is_split_or_merged,
    |db| {
        use gridgov_core::auth::Actor;
        use gridgov_geo::features::Crs;
        use gridgov_store::grids::MergeInput;
        let t = town(&db.store).await;
        let s = &db.store;
        let sys = Actor::system();
        // Two open matters in G1, east and west, and one closed.
        let mut east = report("");
        east.lng = Some(115.008);
        east.lat = Some(30.205);
        let east = s.report_incident(&t.worker, &east, None).await.unwrap();
        let mut west = report("");
        west.lng = Some(115.002);
        west.lat = Some(30.205);
        let west = s.report_incident(&t.worker, &west, None).await.unwrap();
        let mut done = act("reject", 1);
        done.reason = "重复反映".into();
        let closed = s
            .report_incident(&t.worker, &report(&t.g1), None)
            .await
            .unwrap();
        s.act_on_incident(&t.center, &closed.county_code, &closed.id, &done)
            .await
            .unwrap();

        // Retiring G1 is refused while it holds open work, naming it.
        let g1 = s.grid(&sys, &t.g1).await.unwrap();
        match s.retire_grid(&sys, &t.g1, "撤销", g1.grid.version).await {
            Err(StoreError::Invalid(e)) => {
                assert_eq!(e.0[0].code, "open_incidents");
                assert!(e.0[0].zh.contains(&east.number), "{}", e.0[0].zh);
            }
            other => panic!("{other:?}"),
        }

        let halves = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"code":"G1A","name":"西"},"geometry":{"type":"Polygon","coordinates":[[[115,30.2],[115.005,30.2],[115.005,30.21],[115,30.21],[115,30.2]]]}},
        {"type":"Feature","properties":{"code":"G1B","name":"东"},"geometry":{"type":"Polygon","coordinates":[[[115.005,30.2],[115.01,30.2],[115.01,30.21],[115.005,30.21],[115.005,30.2]]]}}]}"#;
        let split = s
            .split_grid(&sys, &t.g1, "halves", halves, Crs::Wgs84)
            .await
            .unwrap();
        let (g1a, g1b) = (&split.created[0], &split.created[1]);
        let now = |i: &gridgov_store::incidents::IncidentView| {
            let s = s.clone();
            let (c, id) = (i.county_code.clone(), i.id.clone());
            async move { s.incident(&Actor::system(), &c, &id).await.unwrap() }
        };
        assert_eq!(now(&east).await.grid_id.as_deref(), Some(g1b.as_str()));
        assert_eq!(now(&west).await.grid_id.as_deref(), Some(g1a.as_str()));
        assert_eq!(
            now(&closed).await.grid_id.as_deref(),
            Some(t.g1.as_str()),
            "history stays"
        );
        // The move is on the incident's record.
        let page = s
            .incident_page(&t.center, &east.county_code, &east.id)
            .await
            .unwrap();
        assert_eq!(page.timeline.last().unwrap().event["kind"], "grid_changed");

        // Merged back: both matters follow into the one grid.
        let merged = s
            .merge_grids(
                &sys,
                &MergeInput {
                    ids: split.created.clone(),
                    code: "G9".into(),
                    name: "新街合并网格".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(now(&east).await.grid_id.as_deref(), Some(merged.as_str()));
        assert_eq!(now(&west).await.grid_id.as_deref(), Some(merged.as_str()));
        assert!(s.verify_audit().await.unwrap().first_broken.is_none());
    }
);

on_both!(records_move_with_a_merge_unless_their_keys_clash, |db| {
    use gridgov_core::auth::Actor;
    use gridgov_store::grids::MergeInput;
    use gridgov_store::records::BuildingInput;
    let t = town(&db.store).await;
    let s = &db.store;
    let sys = Actor::system();
    // A neighbour of G1 in the same village (east of it), both with a building.
    let g2_file = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"region":"420202001001","code":"G2","name":"新街二网格","household_target":300}},"geometry":{{"type":"Polygon","coordinates":{}}}}}]}}"#,
        gridgov_store::testing::town::square(115.01, 30.2)
    );
    s.import_grid_boundaries(
        &sys,
        &gridgov_store::grids::BoundaryImport {
            file: "g2.geojson",
            text: &g2_file,
            crs: gridgov_geo::features::Crs::Wgs84,
            allow_gaps: true,
        },
    )
    .await
    .unwrap();
    let g2 = s
        .grids(
            &sys,
            &gridgov_store::grids::GridFilter {
                text: Some("新街二".into()),
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap()[0]
        .grid
        .id
        .clone();
    let building = |grid: &str, code: &str| BuildingInput {
        grid_id: grid.into(),
        code: code.into(),
        address: format!("新街{code}"),
        ..Default::default()
    };
    s.create_building(&t.center, &building(&t.g1, "B1"))
        .await
        .unwrap();
    s.create_building(&t.center, &building(&g2, "B1"))
        .await
        .unwrap();
    let merge = MergeInput {
        ids: vec![t.g1.clone(), g2.clone()],
        code: "G9".into(),
        name: "合并".into(),
    };
    match s.merge_grids(&sys, &merge).await {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.0[0].code, "records_clash");
            assert!(e.0[0].zh.contains("B1"));
        }
        other => panic!("{other:?}"),
    }
    s.create_building(&t.center, &building(&g2, "B2"))
        .await
        .unwrap();
    s.execute_raw_for_tests("DELETE FROM buildings WHERE code = 'B1' AND grid_id <> ''")
        .await
        .ok();
    s.create_building(&t.center, &building(&t.g1, "B1"))
        .await
        .unwrap();
    let merged = s.merge_grids(&sys, &merge).await.unwrap();
    let moved = s
        .scalar_for_tests(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM buildings WHERE grid_id = '{merged}'"
        ))
        .await
        .unwrap();
    assert_eq!(moved, 2, "both grids' buildings are in the merged grid");
    // A grid holding records cannot be retired without a successor.
    let g = s.grid(&sys, &merged).await.unwrap();
    match s.retire_grid(&sys, &merged, "撤销", g.grid.version).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].code, "holds_records"),
        other => panic!("{other:?}"),
    }
});

on_both!(photos_go_with_the_report_and_the_result, |db| {
    use gridgov_store::attachments::{OwnerKind, Placement, Upload};
    use gridgov_store::testing::images;
    let t = town(&db.store).await;
    let s = &db.store;
    let photo = |name: &str| Upload {
        file_name: name.into(),
        bytes: images::with_gps_exif(&images::jpeg(64, 48), 1),
    };
    let pending = Placement::Pending(OwnerKind::Incident);
    let a = s
        .store_attachment(&t.worker, &pending, photo("现场.jpg"))
        .await
        .unwrap();
    let mut r = report(&t.g1);
    r.attachments = vec![a.id.clone()];
    let i = s.report_incident(&t.worker, &r, None).await.unwrap();
    let (c, id) = (i.county_code.clone(), i.id.clone());
    // The center sees the photo with the incident; the next village's worker sees neither.
    let page = s.incident_page(&t.center, &c, &id).await.unwrap();
    assert_eq!(page.attachments.len(), 1);
    assert_eq!(page.attachments[0], a.id);
    assert!(s.attachment(&t.center, &a.id).await.is_ok());
    assert!(matches!(
        s.attachment(&t.worker2, &a.id).await,
        Err(StoreError::NotFound)
    ));
    // Someone else's upload cannot be attached, nor one attached already.
    let theirs = s
        .store_attachment(&t.worker2, &pending, photo("别处.jpg"))
        .await
        .unwrap();
    let mut again = report(&t.g1);
    again.attachments = vec![theirs.id.clone()];
    match s.report_incident(&t.worker, &again, None).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].code, "unknown_attachment"),
        other => panic!("{other:?}"),
    }
    again.attachments = vec![a.id.clone()];
    assert!(s.report_incident(&t.worker, &again, None).await.is_err());
    // Evidence with a result: the category that asks for it is satisfied by a photo.
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    let mut d = act("dispatch", i.version);
    d.dispatch.territorial_grid = t.g1.clone();
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    let i = s
        .act_on_incident(&t.worker, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    let proof = s
        .store_attachment(&t.worker, &pending, photo("处理后.jpg"))
        .await
        .unwrap();
    let mut h = act("handle", i.version);
    h.result = "已清理".into();
    h.attachments = vec![proof.id.clone()];
    s.act_on_incident(&t.worker, &c, &id, &h).await.unwrap();
    let page = s.incident_page(&t.center, &c, &id).await.unwrap();
    assert_eq!(page.attachments.len(), 2);
    let handled = page
        .timeline
        .iter()
        .find(|e| e.event["kind"] == "handled")
        .unwrap();
    assert_eq!(handled.event["attachments"][0], proof.id);
});

on_both!(
    an_incident_behind_several_doors_is_listed_once_and_counted_once,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        // The urban handler reports one (their own-report door) that then reaches their
        // department (the department door); the worker reports three in their village (their
        // range door and their own-report door at once).
        let own = s
            .report_incident(&t.urban_handler, &report(&t.g1), None)
            .await
            .unwrap();
        let own = s
            .act_on_incident(
                &t.center,
                &own.county_code,
                &own.id,
                &act("accept", own.version),
            )
            .await
            .unwrap();
        let mut d = act("dispatch", own.version);
        d.dispatch.lead_department = t.urban.clone();
        s.act_on_incident(&t.center, &own.county_code, &own.id, &d)
            .await
            .unwrap();
        for _ in 0..3 {
            s.report_incident(&t.worker, &report(&t.g1), None)
                .await
                .unwrap();
        }
        let handler = s
            .incidents(&t.urban_handler, &IncidentFilter::default())
            .await
            .unwrap();
        assert_eq!((handler.total, handler.items.len()), (1, 1));
        assert_eq!(handler.items[0].id, own.id);
        // A page at a time, one row each: every incident once, newest first, then the end.
        let mut seen = Vec::new();
        let mut after = String::new();
        loop {
            let page = s
                .incidents(
                    &t.worker,
                    &IncidentFilter {
                        limit: Some(1),
                        after: after.clone(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(page.total, 4);
            seen.extend(page.items.iter().map(|i| (i.reported_at, i.id.clone())));
            match page.next {
                Some(next) => after = next,
                None => break,
            }
        }
        let mut sorted = seen.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        sorted.dedup();
        assert_eq!(seen, sorted);
        assert_eq!(seen.len(), 4);
    }
);

on_both!(
    a_regions_task_is_its_centers_not_a_handlers_of_the_same_region,
    |db| {
        // The center and the urban handler are both scoped to district 420202. Dispatched to
        // the district's own line and to urban management, the handler's `start` (naming no
        // task) must take the department's task: the district's task is the center's.
        let t = town(&db.store).await;
        let s = &db.store;
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
        d.dispatch.territorial_region = "420202".into();
        d.dispatch.lead_department = t.urban.clone();
        let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
        let i = s
            .act_on_incident(&t.urban_handler, &c, &id, &act("start", i.version))
            .await
            .unwrap();
        let page = s.incident_page(&t.center, &c, &id).await.unwrap();
        let states: Vec<(String, String)> = page
            .tasks
            .iter()
            .map(|t| (t.assignee_type.clone(), t.state.clone()))
            .collect();
        assert!(
            states.contains(&("department".into(), "in_progress".into())),
            "{states:?}"
        );
        assert!(
            states.contains(&("region".into(), "assigned".into())),
            "{states:?}"
        );
        assert_eq!(i.state, "in_progress");
    }
);

on_both!(each_answer_is_the_incident_as_a_fresh_read_shows_it, |db| {
    // Reports and actions answer with the row as their write returned it (and the clock as
    // the action set it), not with a second read: it must be the same thing.
    let t = town(&db.store).await;
    let s = &db.store;
    let same = |answer: &gridgov_store::incidents::IncidentView,
                read: &gridgov_store::incidents::IncidentView| {
        assert_eq!(
            serde_json::to_value(answer).unwrap(),
            serde_json::to_value(read).unwrap()
        );
    };
    let i = s
        .report_incident(&t.worker, &report(&t.g1), None)
        .await
        .unwrap();
    let (c, id) = (i.county_code.clone(), i.id.clone());
    same(&i, &s.incident(&t.worker, &c, &id).await.unwrap());
    let i = s
        .act_on_incident(&t.center, &c, &id, &act("accept", i.version))
        .await
        .unwrap();
    same(&i, &s.incident(&t.center, &c, &id).await.unwrap());
    let mut d = act("dispatch", i.version);
    d.dispatch = DispatchInput {
        lead_department: t.urban.clone(),
        ..Default::default()
    };
    let i = s.act_on_incident(&t.center, &c, &id, &d).await.unwrap();
    same(&i, &s.incident(&t.center, &c, &id).await.unwrap());
    let i = s
        .act_on_incident(&t.urban_handler, &c, &id, &act("start", i.version))
        .await
        .unwrap();
    same(&i, &s.incident(&t.urban_handler, &c, &id).await.unwrap());
});

on_both!(
    of_two_actions_at_one_version_the_second_is_refused_with_the_state_now,
    |db| {
        // Both read the incident before either writes (the reads are outside the write lock on
        // SQLite): whichever comes second is refused as stale, with the incident as it stands.
        let t = town(&db.store).await;
        let i = db
            .store
            .report_incident(&t.worker, &report(&t.g1), None)
            .await
            .unwrap();
        let mut racers = Vec::new();
        for _ in 0..4 {
            let (s, center, c, id, v) = (
                db.store.clone(),
                t.center.clone(),
                i.county_code.clone(),
                i.id.clone(),
                i.version,
            );
            racers.push(tokio::spawn(async move {
                s.act_on_incident(&center, &c, &id, &act("accept", v)).await
            }));
        }
        let mut won = 0;
        for r in racers {
            match r.await.unwrap() {
                Ok(i) => {
                    won += 1;
                    assert_eq!(i.state, "accepted");
                }
                Err(StoreError::Refused(r)) => {
                    assert_eq!(r.code, "version_conflict");
                    assert_eq!(r.state, "accepted");
                    assert_eq!(r.version, i.version + 1);
                }
                Err(other) => panic!("{other:?}"),
            }
        }
        assert_eq!(won, 1);
        let page = db
            .store
            .incident_page(&t.center, &i.county_code, &i.id)
            .await
            .unwrap();
        assert_eq!(page.timeline.len(), 2, "one report, one acceptance");
    }
);
