#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The incident category tree on both backends: the 综治 tree loaded once and only once, the
//! shape of the tree held (a child extends its parent's code, three levels at most), changes by
//! system administrators only, with versions; what a report reads of a category.

use gridgov_core::auth::{Actor, Role};
use gridgov_core::departments::{CATEGORY_SEED, Sector};
use gridgov_core::incidents::Grade;
use gridgov_store::categories::CategoryInput;
use gridgov_store::testing::{add_user, seed_regions};
use gridgov_store::{StoreError, on_both};

fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>, field: &str, code: &str) {
    match r {
        Err(StoreError::Invalid(i)) => assert!(
            i.0.iter().any(|e| e.field == field && e.code == code),
            "{field}/{code} not in {i:?}"
        ),
        other => panic!("expected {field}/{code}, got {other:?}"),
    }
}

fn new(code: &str, parent: &str, name: &str) -> CategoryInput {
    CategoryInput {
        code: code.into(),
        parent_code: parent.into(),
        name: name.into(),
        sectors: vec!["住建".into()],
        ..Default::default()
    }
}

const COUNT: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM incident_categories";
const AUDITS: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log";
const VERSIONS: &str = "SELECT CAST(SUM(version) AS BIGINT) FROM incident_categories";

on_both!(seeding_twice_changes_nothing, |db| {
    let s = &db.store;
    let sys = Actor::system();
    assert_eq!(s.seed_categories(&sys).await.unwrap(), CATEGORY_SEED.len());
    let counts = [COUNT, AUDITS, VERSIONS];
    let mut before = Vec::new();
    for q in counts {
        before.push(s.scalar_for_tests(q).await.unwrap());
    }
    assert_eq!(before[0], CATEGORY_SEED.len() as i64);
    assert_eq!(s.seed_categories(&sys).await.unwrap(), 0);
    for (q, b) in counts.iter().zip(&before) {
        assert_eq!(s.scalar_for_tests(q).await.unwrap(), *b, "{q}");
    }
    // An administrator's change survives a reseed; a missing category comes back.
    let c = s.category(&sys, "0601").await.unwrap();
    let mut edit = new("", "", "占道经营（含夜市）");
    edit.sectors = vec!["城管".into(), "市场监管".into()];
    s.update_category(&sys, "0601", &edit, c.version)
        .await
        .unwrap();
    s.execute_raw_for_tests("DELETE FROM incident_categories WHERE code = '99'")
        .await
        .unwrap();
    assert_eq!(s.seed_categories(&sys).await.unwrap(), 1);
    let c = s.category(&sys, "0601").await.unwrap();
    assert_eq!(c.name, "占道经营（含夜市）");
    assert_eq!(
        c.sectors,
        [Sector::UrbanManagement, Sector::MarketSupervision]
    );
    assert!(s.verify_audit().await.unwrap().first_broken.is_none());
});

on_both!(the_tree_comes_in_order_with_levels, |db| {
    let s = &db.store;
    seed_regions(s).await;
    let sys = Actor::system();
    s.seed_categories(&sys).await.unwrap();
    let worker = add_user(s, &sys, "bhead", Role::BuildingHead, "420202001001").await;
    let tree = s.category_tree(&worker.actor(), false).await.unwrap();
    let codes: Vec<&str> = tree.iter().map(|c| c.code.as_str()).collect();
    let seeded: Vec<&str> = CATEGORY_SEED.iter().map(|c| c.code).collect();
    assert_eq!(codes, seeded, "parents first, then children, by code");
    let levels: Vec<i64> = tree.iter().take(8).map(|c| c.level).collect();
    assert_eq!(levels, [1, 2, 2, 2, 2, 3, 3, 2]);
    let gas_leak = tree.iter().find(|c| c.code == "030101").unwrap();
    assert_eq!(gas_leak.parent_code.as_deref(), Some("0301"));
    assert_eq!(gas_leak.default_grade, Grade::Urgent);
    // A category placed by its own order comes where it says.
    let mut first = new("0309", "03", "桥梁隧道");
    first.sort_order = "0".into();
    s.create_category(&sys, &first).await.unwrap();
    let tree = s.category_tree(&worker.actor(), false).await.unwrap();
    let at = tree.iter().position(|c| c.code == "03").unwrap();
    assert_eq!(tree[at + 1].code, "0309");
});

on_both!(
    a_child_extends_its_parent_and_the_tree_stops_at_three,
    |db| {
        let s = &db.store;
        let sys = Actor::system();
        s.seed_categories(&sys).await.unwrap();
        refused(
            s.create_category(&sys, &new("0402", "03", "错位")).await,
            "code",
            "not_under_parent",
        );
        refused(
            s.create_category(&sys, &new("1101", "", "无上级")).await,
            "parent_code",
            "unknown_parent",
        );
        refused(
            s.create_category(&sys, &new("03010101", "030101", "第四级"))
                .await,
            "code",
            "too_deep",
        );
        refused(
            s.create_category(&sys, &new("03010101", "", "第四级"))
                .await,
            "code",
            "too_deep",
        );
        match s.create_category(&sys, &new("0301", "03", "重复")).await {
            Err(StoreError::Conflict(f)) => {
                assert_eq!((f.field.as_str(), f.code), ("code", "taken"))
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let made = s
            .create_category(&sys, &new("030103", "0301", "燃气管道占压"))
            .await
            .unwrap();
        assert_eq!((made.level, made.sort_order, made.version), (3, 3, 1));
        assert_eq!(made.parent_code.as_deref(), Some("0301"));
        assert_eq!(made.sectors, [Sector::HousingConstruction]);
        assert!(made.public && made.in_use);
    }
);

on_both!(only_system_administrators_change_the_tree, |db| {
    let s = &db.store;
    seed_regions(s).await;
    let sys = Actor::system();
    s.seed_categories(&sys).await.unwrap();
    let op = add_user(s, &sys, "city-op", Role::CenterOperator, "4202")
        .await
        .actor();
    let admin = add_user(s, &sys, "admin2", Role::SystemAdmin, "420202")
        .await
        .actor();
    assert!(matches!(
        s.create_category(&op, &new("0310", "03", "新增")).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        s.seed_categories(&op).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        s.set_category_active(&op, "03", false, 1).await,
        Err(StoreError::Forbidden)
    ));
    assert!(!s.category_tree(&op, false).await.unwrap().is_empty());
    // A stale version, a code that cannot change.
    let c = s.category(&admin, "0302").await.unwrap();
    let mut edit = new("", "", "用电安全隐患");
    edit.default_grade = "major".into();
    edit.evidence_required = true;
    let v2 = s
        .update_category(&admin, "0302", &edit, c.version)
        .await
        .unwrap();
    assert_eq!((v2.version, v2.default_grade), (2, Grade::Major));
    assert!(matches!(
        s.update_category(&admin, "0302", &edit, c.version).await,
        Err(StoreError::VersionConflict)
    ));
    let mut moved = edit.clone();
    moved.code = "0402".into();
    refused(
        s.update_category(&admin, "0302", &moved, 2).await,
        "code",
        "fixed",
    );
    assert!(matches!(
        s.update_category(&admin, "0388", &edit, 1).await,
        Err(StoreError::NotFound)
    ));
});

on_both!(a_deactivated_class_takes_its_children_out_of_use, |db| {
    let s = &db.store;
    let sys = Actor::system();
    s.seed_categories(&sys).await.unwrap();
    let rule = s.category_for_report_for_tests("030202").await.unwrap();
    assert_eq!(rule.default_grade, Grade::Serious);
    assert!(rule.evidence_required && rule.active && rule.public && !rule.has_children);
    assert_eq!(rule.sectors, [Sector::FireRescue, Sector::UrbanManagement]);
    assert!(
        s.category_for_report_for_tests("03")
            .await
            .unwrap()
            .has_children
    );
    let top = s.category(&sys, "03").await.unwrap();
    s.set_category_active(&sys, "03", false, top.version)
        .await
        .unwrap();
    let rule = s.category_for_report_for_tests("030202").await.unwrap();
    assert!(!rule.active, "its class is out of use");
    let child = s.category(&sys, "030202").await.unwrap();
    assert!(
        child.active && !child.in_use,
        "the child itself was not changed"
    );
    let in_use = s.category_tree(&sys, false).await.unwrap();
    assert!(in_use.iter().all(|c| !c.code.starts_with("03")));
    assert_eq!(
        s.category_tree(&sys, true).await.unwrap().len(),
        CATEGORY_SEED.len()
    );
    s.set_category_active(&sys, "03", true, top.version + 1)
        .await
        .unwrap();
    assert!(
        s.category_for_report_for_tests("030202")
            .await
            .unwrap()
            .active
    );
    assert!(matches!(
        s.category_for_report_for_tests("0388").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.category_for_report_for_tests("not a code").await,
        Err(StoreError::NotFound)
    ));
});
