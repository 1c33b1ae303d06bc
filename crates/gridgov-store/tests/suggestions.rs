#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Suggestions on both databases, as a center meets them: once the town's closed street-vending
//! and dispute incidents are learned, a new vending report is suggested its category and the
//! urban-management bureau as lead; a grid worker of the other village learns nothing of it;
//! the operator's decisions give the acceptance rate of the center's scope; a decision that
//! does not read is refused whole; and only the deployment itself retrains.

use gridgov_core::auth::Actor;
use gridgov_store::incidents::ReportInput;
use gridgov_store::suggestions::{CATEGORY, DEPARTMENT, Decision};
use gridgov_store::testing::suggest_history::history;
use gridgov_store::testing::town::Town;
use gridgov_store::{Store, StoreError, on_both};

pub async fn fresh_vending_report(s: &Store, t: &Town) -> (String, String) {
    let r = s
        .report_incident(
            &t.worker,
            &ReportInput {
                title: "学校门口有人摆摊".into(),
                description: "放学时间小学门口商贩占道摆摊卖零食，堵住人行道".into(),
                category: "06".into(),
                grid_id: t.g1.clone(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    (r.county_code, r.id)
}

fn decision(kind: &str, suggested: &str, chosen: &str) -> Decision {
    Decision {
        kind: kind.into(),
        suggested: suggested.into(),
        confidence: 0.8,
        chosen: chosen.into(),
    }
}

on_both!(a_new_report_is_suggested_what_the_history_says, |db| {
    let s = &db.store;
    let t = history(s).await;
    let (county, id) = fresh_vending_report(s, &t).await;
    let before = s
        .incident_suggestion(&t.center, &county, &id)
        .await
        .unwrap();
    assert!(before.categories.is_empty() && before.category_trained_at.is_none());

    let report = s.train_suggesters(&Actor::system(), false).await.unwrap();
    assert_eq!(report.trained.len(), 2, "{report:?}");
    assert_eq!(report.trained[0].examples, 24);
    let again = s.train_suggesters(&Actor::system(), false).await.unwrap();
    assert!(again.trained.is_empty(), "nothing new to learn: {again:?}");
    assert_eq!(again.skipped, [CATEGORY, DEPARTMENT]);

    let got = s
        .incident_suggestion(&t.center, &county, &id)
        .await
        .unwrap();
    assert_eq!(got.categories[0].code, "0601", "{got:?}");
    assert_eq!(got.categories[0].name, "占道经营");
    assert!(got.categories[0].confidence > got.categories[1].confidence);
    assert_eq!(got.departments[0].code, t.urban, "{got:?}");
    assert!(got.category_trained_at.is_some());
});

on_both!(only_the_deployment_retrains, |db| {
    let s = &db.store;
    let t = history(s).await;
    for who in [&t.center, &t.worker] {
        assert!(matches!(
            s.train_suggesters(who, true).await,
            Err(StoreError::Forbidden)
        ));
    }
    let forced = s.train_suggesters(&Actor::system(), true).await.unwrap();
    assert_eq!(forced.trained.len(), 2);
    let audit = s
        .list_audit(&Actor::system(), 500, Some(i64::MAX))
        .await
        .unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|r| r.action == "suggestion_model.train")
            .count(),
        2
    );
});

on_both!(
    outside_the_scope_nothing_is_learned_and_nothing_changes,
    |db| {
        let s = &db.store;
        let t = history(s).await;
        s.train_suggesters(&Actor::system(), false).await.unwrap();
        let (county, id) = fresh_vending_report(s, &t).await;
        assert!(matches!(
            s.incident_suggestion(&t.worker2, &county, &id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            s.record_suggestion_decision(
                &t.worker2,
                &county,
                &id,
                &decision(CATEGORY, "0601", "01")
            )
            .await,
            Err(StoreError::NotFound)
        ));
        // The reporting worker sees the incident but does not accept it: no decision of theirs.
        assert!(matches!(
            s.record_suggestion_decision(
                &t.worker,
                &county,
                &id,
                &decision(CATEGORY, "0601", "01")
            )
            .await,
            Err(StoreError::Forbidden)
        ));
        let rates = s.suggestion_acceptance(&t.center).await.unwrap();
        assert!(rates.iter().all(|r| r.decisions == 0), "{rates:?}");
    }
);

on_both!(decisions_make_the_acceptance_rate_of_the_scope, |db| {
    let s = &db.store;
    let t = history(s).await;
    let (county, id) = fresh_vending_report(s, &t).await;
    s.record_suggestion_decision(&t.center, &county, &id, &decision(CATEGORY, "0601", "0601"))
        .await
        .unwrap();
    s.record_suggestion_decision(&t.center, &county, &id, &decision(CATEGORY, "0601", "01"))
        .await
        .unwrap();
    s.record_suggestion_decision(
        &t.center,
        &county,
        &id,
        &decision(DEPARTMENT, &t.urban, &t.urban),
    )
    .await
    .unwrap();
    let rates = s.suggestion_acceptance(&t.center).await.unwrap();
    let category = rates.iter().find(|r| r.kind == CATEGORY).unwrap();
    assert_eq!((category.decisions, category.taken), (2, 1));
    assert_eq!(category.rate, Some(0.5));
    let department = rates.iter().find(|r| r.kind == DEPARTMENT).unwrap();
    assert_eq!(department.rate, Some(1.0));
    // The other village's worker counts the decisions of their own scope: none.
    let theirs = s.suggestion_acceptance(&t.worker2).await.unwrap();
    assert!(theirs.iter().all(|r| r.decisions == 0), "{theirs:?}");
});

on_both!(a_decision_that_does_not_read_is_refused_whole, |db| {
    let s = &db.store;
    let t = history(s).await;
    let (county, id) = fresh_vending_report(s, &t).await;
    let mut bad = decision("colour", "", "01");
    bad.confidence = 1.5;
    match s
        .record_suggestion_decision(&t.center, &county, &id, &bad)
        .await
    {
        Err(StoreError::Invalid(e)) => {
            let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(fields, ["kind", "suggested", "confidence"]);
            assert!(e.0[0].zh.contains("建议类型"), "{e:?}");
        }
        other => panic!("{other:?}"),
    }
    let rates = s.suggestion_acceptance(&t.center).await.unwrap();
    assert!(rates.iter().all(|r| r.decisions == 0));
});
