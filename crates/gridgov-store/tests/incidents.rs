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
