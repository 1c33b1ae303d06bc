#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Duplicates on both databases, as the field meets them: a missing manhole cover reported twice
//! from the same street is suggested with why (same grid, the distance, the words both use),
//! while a noise complaint next door, a dispute told in the same words and a report a month old
//! are not; a report just across the grid border within 200 m is, one 300 m away is not; nobody
//! learns of an incident outside their doors; and when duplicates are merged, the reporter of
//! each learns how the matter ended, through a chain of merges.

use gridgov_core::auth::Actor;
use gridgov_store::incidents::{ActionInput, DispatchInput, ReportInput};
use gridgov_store::testing::town::town;
use gridgov_store::{Store, StoreError, on_both};

/// A point inside grid g1 (a square of 0.01° from 115.0, 30.2), and metres to degrees there.
const P: (f64, f64) = (115.005, 30.205);
const M_LNG: f64 = 1.0 / 96_230.0;
const M_LAT: f64 = 1.0 / 111_320.0;

fn at(east_m: f64, north_m: f64) -> (f64, f64) {
    (P.0 + east_m * M_LNG, P.1 + north_m * M_LAT)
}

fn report(title: &str, description: &str, category: &str, grid: &str) -> ReportInput {
    ReportInput {
        title: title.into(),
        description: description.into(),
        category: category.into(),
        grid_id: grid.into(),
        ..Default::default()
    }
}

fn placed(mut r: ReportInput, (lng, lat): (f64, f64)) -> ReportInput {
    r.lng = Some(lng);
    r.lat = Some(lat);
    r
}

/// The draft of the second report of the missing cover, typed at P.
fn draft() -> ReportInput {
    placed(
        report(
            "井盖丢失",
            "桂花路人行道井盖没了，有行人差点掉下去",
            "06",
            "",
        ),
        P,
    )
}

async fn numbers(s: &Store, actor: &Actor, d: &ReportInput) -> Vec<String> {
    s.suggest_duplicates(actor, d, None)
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.number)
        .collect()
}

fn act(action: &str, version: i64) -> ActionInput {
    ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    }
}

on_both!(the_same_matter_reported_twice_is_suggested_with_why, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let cover = s
        .report_incident(
            &t.worker,
            &placed(
                report(
                    "桂花路井盖缺失",
                    "桂花路12号门前人行道上的井盖丢了，晚上很危险",
                    "0601",
                    "",
                ),
                at(0.0, 50.0),
            ),
            None,
        )
        .await
        .unwrap();
    let noise = report("广场舞噪音扰民", "每晚广场舞音响声音太大", "06", &t.g1);
    s.report_incident(&t.worker, &noise, None).await.unwrap();
    // The same words filed as a dispute: another family of categories.
    let dispute = report("桂花路井盖缺失", "桂花路人行道井盖丢了", "01", &t.g1);
    s.report_incident(&t.worker, &dispute, None).await.unwrap();

    let found = s
        .suggest_duplicates(&t.worker, &draft(), None)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let first = &found[0];
    assert_eq!(first.number, cover.number);
    assert!(first.same_grid);
    assert_eq!(first.distance_m, Some(50.0));
    assert!(first.shared_words.contains(&"井盖".to_owned()), "{first:?}");
    assert!(
        first.shared_words.contains(&"人行道".to_owned()),
        "{first:?}"
    );
    assert!(first.score >= 0.15 && first.score <= 1.0, "{}", first.score);

    // A draft with nothing to compare yet suggests nothing; a limit is a limit.
    let mut empty = draft();
    (empty.title, empty.description) = ("，".into(), String::new());
    assert!(numbers(s, &t.worker, &empty).await.is_empty());
    let mut again = draft();
    again.grid_id = t.g1.clone();
    (again.lng, again.lat) = (None, None);
    assert_eq!(
        numbers(s, &t.worker, &again).await,
        [cover.number.as_str()],
        "by grid alone"
    );

    // The report's own answer: the same suggestion, itself left out.
    let second = s.report_incident(&t.worker, &draft(), None).await.unwrap();
    let possible = s
        .possible_duplicates(&t.worker, &second, None)
        .await
        .unwrap();
    assert_eq!(
        possible.iter().map(|x| &x.number).collect::<Vec<_>>(),
        [cover.number.as_str()]
    );
    // The center, who may merge it, sees the same on its page; the reporter, who may not, not.
    let page = s
        .incident_page(&t.center, &second.county_code, &second.id)
        .await
        .unwrap();
    assert_eq!(
        page.possible_duplicates
            .iter()
            .map(|x| &x.number)
            .collect::<Vec<_>>(),
        [&cover.number]
    );
    let page = s
        .incident_page(&t.worker, &second.county_code, &second.id)
        .await
        .unwrap();
    assert!(page.possible_duplicates.is_empty());
    assert_eq!(
        numbers(s, &t.worker, &draft()).await.len(),
        2,
        "both reports now"
    );
    assert_eq!(
        s.suggest_duplicates(&t.worker, &draft(), Some(1))
            .await
            .unwrap()
            .len(),
        1
    );

    // Rejected reports are no duplicates; a month later neither are these.
    let mut reject = act("reject", second.version);
    reject.reason = "与先前的报告重复".into();
    s.act_on_incident(&t.center, &second.county_code, &second.id, &reject)
        .await
        .unwrap();
    assert_eq!(
        numbers(s, &t.worker, &draft()).await,
        [cover.number.as_str()]
    );
    db.clock.advance_ms(31 * 86_400_000);
    assert!(numbers(s, &t.worker, &draft()).await.is_empty());
    // Unless the draft says it happened back then.
    let mut late = draft();
    late.occurred_at = Some(cover.reported_at + 86_400_000);
    assert_eq!(numbers(s, &t.worker, &late).await, [cover.number.as_str()]);
});

on_both!(a_report_across_the_grid_border_counts_within_200_m, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    // The district's center files two reports on the next village's grid, placed by hand, with
    // positions on this side of the border: 120 m and 300 m east of the draft.
    let near = placed(
        report("井盖缺失", "桂花路人行道井盖被偷了", "0601", &t.g2),
        at(120.0, 0.0),
    );
    let near = s.report_incident(&t.center, &near, None).await.unwrap();
    let far = placed(
        report("井盖缺失", "桂花路人行道井盖被偷了", "0601", &t.g2),
        at(300.0, 0.0),
    );
    s.report_incident(&t.center, &far, None).await.unwrap();
    let found = s
        .suggest_duplicates(&t.center, &draft(), None)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].number, near.number);
    assert!(!found[0].same_grid);
    assert_eq!(found[0].distance_m, Some(120.0));
});

on_both!(nobody_learns_of_an_incident_outside_their_doors, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let cover = s
        .report_incident(
            &t.worker,
            &placed(
                report("桂花路井盖缺失", "桂花路人行道上的井盖丢了", "0601", ""),
                at(0.0, 20.0),
            ),
            None,
        )
        .await
        .unwrap();
    let before = s
        .incident(&t.center, &cover.county_code, &cover.id)
        .await
        .unwrap();
    // The next village's worker: their own grid holds nothing alike, and they cannot place a
    // draft in the first village, by grid or by position.
    let mut theirs = draft();
    theirs.grid_id = t.g2.clone();
    (theirs.lng, theirs.lat) = (None, None);
    assert!(numbers(s, &t.worker2, &theirs).await.is_empty());
    let mut by_grid = theirs.clone();
    by_grid.grid_id = t.g1.clone();
    for d in [by_grid, draft()] {
        match s.suggest_duplicates(&t.worker2, &d, None).await {
            Err(StoreError::Invalid(e)) => {
                assert!(
                    ["unknown_grid", "outside_every_grid"].contains(&e.0[0].code),
                    "{e:?}"
                );
                assert!(!e.0[0].en.contains(&cover.number), "{e:?}");
            }
            other => panic!("{other:?}"),
        }
    }
    // A department sees an incident only once it has a task on it.
    assert!(numbers(s, &t.urban_handler, &draft()).await.is_empty());
    let accepted = s
        .act_on_incident(
            &t.center,
            &cover.county_code,
            &cover.id,
            &act("accept", cover.version),
        )
        .await
        .unwrap();
    let mut d = act("dispatch", accepted.version);
    d.dispatch = DispatchInput {
        lead_department: t.urban.clone(),
        ..Default::default()
    };
    s.act_on_incident(&t.center, &cover.county_code, &cover.id, &d)
        .await
        .unwrap();
    assert_eq!(
        numbers(s, &t.urban_handler, &draft()).await,
        [cover.number.as_str()]
    );
    assert!(numbers(s, &t.police_handler, &draft()).await.is_empty());
    // Asking changed nothing.
    let after = s
        .incident(&t.center, &cover.county_code, &cover.id)
        .await
        .unwrap();
    assert_eq!(
        after.version,
        before.version + 2,
        "the accept and the dispatch only"
    );
});

on_both!(
    every_reporter_of_a_merged_incident_learns_the_outcome,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        // A broken street light at the crossing between the two villages, reported once from the
        // next village and twice from the first.
        let a = report("路灯不亮", "湖滨路口的路灯坏了", "06", &t.g2);
        let a = s.report_incident(&t.worker2, &a, None).await.unwrap();
        let b = report("路灯坏了", "路口路灯一直不亮", "06", &t.g1);
        let b = s.report_incident(&t.worker, &b, None).await.unwrap();
        let c = report("路灯故障", "路口路灯不亮，晚上很黑", "06", &t.g1);
        let c = s.report_incident(&t.worker, &c, None).await.unwrap();

        // The center merges A into B, then B into C: a chain.
        let mut m = act("merge", a.version);
        m.into = b.number.clone();
        s.act_on_incident(&t.center, &a.county_code, &a.id, &m)
            .await
            .unwrap();
        let mut m = act("merge", b.version);
        m.into = c.number.clone();
        let b = s
            .act_on_incident(&t.center, &b.county_code, &b.id, &m)
            .await
            .unwrap();
        assert_eq!(b.state, "merged");
        assert_eq!(b.merged_into.as_deref(), Some(c.id.as_str()));
        assert_eq!(
            b.merged_into_county.as_deref(),
            Some(c.county_code.as_str())
        );

        // While C is worked on, A's reporter sees it still open, through B.
        let page = s
            .incident_page(&t.worker2, &a.county_code, &a.id)
            .await
            .unwrap();
        let on = page.carried_on.expect("A was merged");
        assert_eq!(
            (on.number.as_str(), on.state.as_str()),
            (c.number.as_str(), "reported")
        );
        assert_eq!(on.via, [b.number.as_str()]);

        // C goes round the loop on the grid's line and is closed.
        let (cc, cid) = (c.county_code.clone(), c.id.clone());
        let i = s
            .act_on_incident(&t.center, &cc, &cid, &act("accept", c.version))
            .await
            .unwrap();
        let mut d = act("dispatch", i.version);
        d.dispatch.territorial_grid = t.g1.clone();
        let i = s.act_on_incident(&t.center, &cc, &cid, &d).await.unwrap();
        let i = s
            .act_on_incident(&t.worker, &cc, &cid, &act("start", i.version))
            .await
            .unwrap();
        let mut h = act("handle", i.version);
        h.result = "已更换路口两盏路灯".into();
        let i = s.act_on_incident(&t.worker, &cc, &cid, &h).await.unwrap();
        let i = s
            .act_on_incident(&t.center, &cc, &cid, &act("confirm", i.version))
            .await
            .unwrap();
        let i = s
            .act_on_incident(&t.center, &cc, &cid, &act("approve", i.version))
            .await
            .unwrap();
        assert_eq!(i.state, "closed");

        // Both reporters of the merged incidents learn how it ended, with the handler's result.
        for (who, merged) in [(&t.worker2, &a), (&t.worker, &b)] {
            let page = s
                .incident_page(who, &merged.county_code, &merged.id)
                .await
                .unwrap();
            assert_eq!(page.incident.state, "merged");
            let on = page.carried_on.expect("merged");
            assert_eq!(on.number, c.number);
            assert_eq!(on.state, "closed");
            assert_eq!(on.resolution_level, i.resolution_level);
            assert_eq!(on.closed_at, i.closed_at);
            assert_eq!(on.results, ["已更换路口两盏路灯"]);
        }
        // The outcome only: C itself stays behind its doors for A's reporter.
        assert!(matches!(
            s.incident(&t.worker2, &cc, &cid).await,
            Err(StoreError::NotFound)
        ));
        // Both histories are kept: each incident's record ends with its merge, and C's page names
        // what was merged into it (B; A was merged into B, whose page names it).
        let pc = s.incident_page(&t.center, &cc, &cid).await.unwrap();
        assert_eq!(
            pc.merged_here.iter().map(|m| &m.number).collect::<Vec<_>>(),
            [&b.number]
        );
        assert!(pc.carried_on.is_none());
        let pb = s
            .incident_page(&t.center, &b.county_code, &b.id)
            .await
            .unwrap();
        assert_eq!(
            pb.merged_here.iter().map(|m| &m.number).collect::<Vec<_>>(),
            [&a.number]
        );
        assert_eq!(pb.timeline.last().unwrap().event["kind"], "merged");
        // The first village's worker does not see A (another village, not theirs) on B's page.
        let pb = s
            .incident_page(&t.worker, &b.county_code, &b.id)
            .await
            .unwrap();
        assert!(pb.merged_here.is_empty());
    }
);
