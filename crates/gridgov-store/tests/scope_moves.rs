#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Moves across the scope, on both backends: every write that changes where a record lives (its
//! grid and so its path, or what it hangs on) checks the destination as well as the source. A
//! grid worker of 新街 cannot move a record to 湖滨 next door, by form, by verification decision
//! or by import; an importer cannot overwrite a person recorded outside their scope.

mod records_support;

use std::sync::Arc;

use gridgov_core::auth::{Actor, Role};
use gridgov_core::base_data::RecordKind;
use gridgov_core::scope::ScopePath;
use gridgov_geo::features::Crs;
use gridgov_store::base::{BaseImportOptions, BaseImportReport};
use gridgov_store::grids::{BoundaryImport, GridInput, MergeInput};
use gridgov_store::records::{CameraInput, LinkInput, OrganizationInput, PlaceInput};
use gridgov_store::sheets::SheetReader;
use gridgov_store::testing::add_user;
use gridgov_store::verify::{
    CompareOptions, Correction, Decision, TaskFilter, TaskStatus, VerificationTask,
};
use gridgov_store::{Store, StoreError, on_both};
use records_support::{HUBIN, XINJIE, building, house, id_no, person, town};

/// The refusal is a field error with this field and code.
fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>, field: &str, code: &str) {
    match r {
        Err(StoreError::Invalid(i)) => {
            assert!(
                i.0.iter().any(|e| e.field == field && e.code == code),
                "{field}/{code} not in {i:?}"
            );
        }
        other => panic!("expected {field}/{code}, got {other:?}"),
    }
}

const HEADER: &str = "所属网格,姓名,公民身份号码,民族,人口类型";

/// A persons file (or survey) of (grid key, name, first 17 digits of the ID number).
fn persons_csv(rows: &[(&str, &str, &str)]) -> String {
    let mut text = format!("{HEADER}\n");
    for (grid, name, first17) in rows {
        text.push_str(&format!("{grid},{name},{},汉族,户籍\n", id_no(first17)));
    }
    text
}

fn sheet(csv: &str) -> Box<SheetReader> {
    Box::new(SheetReader::from_bytes("test.csv", csv.as_bytes().to_vec(), 1 << 20).unwrap())
}

async fn import_persons(
    store: &Store,
    actor: &Actor,
    csv: &str,
    accept_valid: bool,
) -> BaseImportReport {
    store
        .import_base(
            actor,
            RecordKind::Persons,
            sheet(csv),
            &BaseImportOptions {
                accept_valid,
                source: "社区摸排".into(),
                file_name: "persons.csv".into(),
            },
            Arc::new(|_| {}),
        )
        .await
        .unwrap()
}

async fn compare(store: &Store, actor: &Actor, csv: &str) {
    let r = store
        .compare_source(
            actor,
            sheet(csv),
            &CompareOptions {
                source: "社区摸排".into(),
                file_name: "survey.csv".into(),
                ..CompareOptions::default()
            },
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    assert!(r.committed, "{r:?}");
}

async fn task_for(store: &Store, actor: &Actor, name: &str) -> VerificationTask {
    store
        .verification_tasks(
            actor,
            &TaskFilter {
                limit: 100,
                ..TaskFilter::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no open task for {name}"))
}

const ZHANG: &str = "42020219800101001";
const LI: &str = "42020219800101003";
const WANG: &str = "42020219800101005";

on_both!(
    a_grid_worker_cannot_take_a_source_row_that_moves_a_person_to_another_village,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let p = s
            .create_person(&t.worker, &person(&t.g1, "张三", ZHANG))
            .await
            .unwrap();
        // The township's survey has 张三 in 湖滨 next door, and 李四 (new) in 新街 G2.
        let survey = persons_csv(&[
            ("420202001002-G1", "张三", ZHANG),
            ("420202001001-G2", "李四", LI),
        ]);
        compare(s, &t.center, &survey).await;
        let task = task_for(s, &t.worker, "张三").await;
        s.claim_task(&t.worker, &task.id).await.unwrap();

        // Taking the source would put 张三 where this worker cannot see: refused, by name.
        refused(
            s.decide_task(&t.worker, &task.id, &Decision::TakeSource, "")
                .await,
            "grid",
            "source_grid_outside_scope",
        );
        // Correcting to the same grid by hand is refused too.
        let by_hand = Decision::Correct(Correction {
            grid: Some("420202001002-G1".into()),
            ..Correction::default()
        });
        refused(
            s.decide_task(&t.worker, &task.id, &by_hand, "").await,
            "grid",
            "unknown_grid",
        );
        // Nothing was written: the record, its version and the claim are as they were.
        let still = s.person(&t.worker, "420202", &p.id).await.unwrap();
        assert_eq!((still.grid_id.as_str(), still.version), (t.g1.as_str(), 1));
        let task = s.verification_task(&t.worker, &task.id).await.unwrap();
        assert_eq!(task.status, TaskStatus::Claimed);
        assert!(task.decision.is_none());

        // The worker hands it up; the township center, whose scope holds both villages, decides.
        s.release_task(&t.worker, &task.id).await.unwrap();
        s.claim_task(&t.center, &task.id).await.unwrap();
        s.decide_task(&t.center, &task.id, &Decision::TakeSource, "已迁至湖滨")
            .await
            .unwrap();
        let moved = s.person(&t.center, "420202", &p.id).await.unwrap();
        assert_eq!(moved.grid_id, t.hubin);
        assert!(matches!(
            s.person(&t.worker, "420202", &p.id).await,
            Err(StoreError::NotFound)
        ));

        // A person the records lack is added in the source row's grid, inside the scope.
        let li = task_for(s, &t.worker, "李四").await;
        s.claim_task(&t.worker, &li.id).await.unwrap();
        s.decide_task(&t.worker, &li.id, &Decision::TakeSource, "")
            .await
            .unwrap();
        let found = s.search_persons(&t.worker, "李四", 10, 0).await.unwrap();
        assert_eq!(found.persons.len(), 1);
        assert_eq!(found.persons[0].grid_id, t.g2);
    }
);

on_both!(
    a_source_row_in_a_retired_grid_is_not_taken_over_the_record,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let p = s
            .create_person(&t.worker, &person(&t.g1, "王五", WANG))
            .await
            .unwrap();
        compare(
            s,
            &t.center,
            &persons_csv(&[("420202001001-G2", "王五", WANG)]),
        )
        .await;
        let g2 = s.grid(&t.center, &t.g2).await.unwrap();
        s.retire_grid(&t.center, &t.g2, "并入一网格", g2.grid.version)
            .await
            .unwrap();
        let task = task_for(s, &t.worker, "王五").await;
        s.claim_task(&t.worker, &task.id).await.unwrap();
        refused(
            s.decide_task(&t.worker, &task.id, &Decision::TakeSource, "")
                .await,
            "grid",
            "source_grid_retired",
        );
        let still = s.person(&t.worker, "420202", &p.id).await.unwrap();
        assert_eq!((still.grid_id.as_str(), still.version), (t.g1.as_str(), 1));
    }
);

on_both!(record_edits_cannot_move_a_record_to_another_village, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let w = &t.worker;
    for elsewhere in [&t.hubin, &t.baquan] {
        let p = s
            .create_person(w, &person(&t.g1, "郑十", "42020219880808009"))
            .await
            .unwrap();
        refused(
            s.update_person(
                w,
                "420202",
                &p.id,
                &person(elsewhere, "郑十", "42020219880808009"),
                p.version,
            )
            .await,
            "grid_id",
            "unknown_grid",
        );
        s.delete_person(w, "420202", &p.id, p.version)
            .await
            .unwrap();
    }

    // A building takes its houses along: neither may leave the scope.
    let b = s.create_building(w, &building(&t.g1, "B1")).await.unwrap();
    let h = s
        .create_house(w, "420202", &b.id, &house("1", "101", "自住"))
        .await
        .unwrap();
    refused(
        s.update_building(w, "420202", &b.id, &building(&t.hubin, "B1"), b.version)
            .await,
        "grid_id",
        "unknown_grid",
    );
    assert_eq!(s.house(w, "420202", &h.id).await.unwrap().grid_id, t.g1);

    let org = OrganizationInput {
        grid_id: t.g1.clone(),
        name: "新街治安巡逻队".into(),
        kind: "群防群治".into(),
        ..Default::default()
    };
    let o = s.create_organization(w, &org).await.unwrap();
    let away = OrganizationInput {
        grid_id: t.hubin.clone(),
        ..org
    };
    refused(
        s.update_organization(w, "420202", &o.id, &away, o.version)
            .await,
        "grid_id",
        "unknown_grid",
    );

    let place = PlaceInput {
        grid_id: t.g1.clone(),
        name: "青山湖".into(),
        kind: "水域".into(),
        ..Default::default()
    };
    let pl = s.create_place(w, &place).await.unwrap();
    let away = PlaceInput {
        grid_id: t.hubin.clone(),
        ..place
    };
    refused(
        s.update_place(w, "420202", &pl.id, &away, pl.version).await,
        "grid_id",
        "unknown_grid",
    );

    let cam = CameraInput {
        grid_id: t.g1.clone(),
        code: "CAM-001".into(),
        name: "桂花湾路口".into(),
        lng: "115.05".into(),
        lat: "30.21".into(),
    };
    let c = s.create_camera(w, &cam).await.unwrap();
    let away = CameraInput {
        grid_id: t.hubin.clone(),
        ..cam
    };
    refused(
        s.update_camera(w, "420202", &c.id, &away, c.version).await,
        "grid_id",
        "unknown_grid",
    );

    // Each record is where it was, unchanged; the neighbour sees none of it.
    assert_eq!(s.building(w, "420202", &b.id).await.unwrap().version, 1);
    assert_eq!(
        s.organization(w, "420202", &o.id).await.unwrap().grid_id,
        t.g1
    );
    assert_eq!(s.place(w, "420202", &pl.id).await.unwrap().grid_id, t.g1);
    assert_eq!(s.camera(w, "420202", &c.id).await.unwrap().grid_id, t.g1);
    assert!(
        s.grid_cameras(&t.neighbour, &t.hubin)
            .await
            .unwrap()
            .is_empty()
    );

    // The county center holds both villages: it may move the building, houses and all.
    let moved = s
        .update_building(
            &t.center,
            "420202",
            &b.id,
            &building(&t.hubin, "B1"),
            b.version,
        )
        .await
        .unwrap();
    assert_eq!(moved.grid_id, t.hubin);
    assert_eq!(
        s.house(&t.neighbour, "420202", &h.id)
            .await
            .unwrap()
            .grid_id,
        t.hubin
    );
});

on_both!(
    a_person_cannot_be_linked_to_a_house_outside_the_scope,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let p = s
            .create_person(&t.worker, &person(&t.g1, "郑十", "42020219880808009"))
            .await
            .unwrap();
        let b = s
            .create_building(&t.neighbour, &building(&t.hubin, "B7"))
            .await
            .unwrap();
        let h = s
            .create_house(&t.neighbour, "420202", &b.id, &house("1", "101", "自住"))
            .await
            .unwrap();
        let link = LinkInput {
            house_id: h.id.clone(),
            relation: "本人".into(),
            since: String::new(),
        };
        refused(
            s.link_person_house(&t.worker, "420202", &p.id, &link).await,
            "house_id",
            "unknown_house",
        );
        assert!(
            s.house_residents(&t.neighbour, "420202", &h.id)
                .await
                .unwrap()
                .residents
                .is_empty()
        );
    }
);

on_both!(grids_stay_in_their_village_and_staff_in_their_scope, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let sys = Actor::system();
    let admin = add_user(s, &sys, "ga-xinjie", Role::GridAdmin, XINJIE)
        .await
        .actor();
    // A merge that reaches into 湖滨: the grid there is not found from 新街.
    let across = MergeInput {
        ids: vec![t.g1.clone(), t.hubin.clone()],
        code: "G9".into(),
        name: "合并网格".into(),
    };
    assert!(matches!(
        s.merge_grids(&admin, &across).await,
        Err(StoreError::NotFound)
    ));
    // Even a center over both villages merges only within one.
    refused(
        s.merge_grids(&t.center, &across).await,
        "ids",
        "different_villages",
    );
    // An edit cannot re-place a grid: region and code are not the edit's to change.
    let g1 = s.grid(&admin, &t.g1).await.unwrap();
    let edit = GridInput {
        region: HUBIN.into(),
        code: "G7".into(),
        name: "一网格".into(),
        household_target: "400".into(),
        ..Default::default()
    };
    let after = s
        .update_grid(&admin, &t.g1, &edit, g1.grid.version)
        .await
        .unwrap();
    assert_eq!(
        (after.grid.region_code.as_str(), after.grid.path.as_str()),
        (XINJIE, g1.grid.path.as_str())
    );
    // A merge inside the village stays in the village.
    let merged = s
        .merge_grids(
            &admin,
            &MergeInput {
                ids: vec![t.g1.clone(), t.g2.clone()],
                code: "G3".into(),
                name: "合并网格".into(),
            },
        )
        .await
        .unwrap();
    let m = s.grid(&admin, &merged).await.unwrap();
    assert_eq!(m.grid.region_code, XINJIE);
    assert!(
        m.grid
            .path
            .starts_with(&g1.grid.path[..g1.grid.path.len() - 3])
    );

    // Staff and police only where their own scope reaches; micro-grids only on grids in scope.
    add_user(s, &sys, "gw-hubin2", Role::GridWorker, HUBIN).await;
    add_user(s, &sys, "police-hubin", Role::PoliceOfficer, HUBIN).await;
    refused(
        s.assign_staff(&t.center, &merged, "gw-hubin2", "grid_worker")
            .await,
        "username",
        "scope_excludes_grid",
    );
    refused(
        s.pair_police(&t.center, &merged, Some("police-hubin"))
            .await,
        "officer",
        "scope_excludes_grid",
    );
    assert!(matches!(
        s.assign_staff(&admin, &t.hubin, "gw-xinjie", "grid_worker")
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.add_micro_grid(&admin, &t.hubin, "M1", "一号微网格", "3栋")
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(s.grid_staff(&t.center, &merged).await.unwrap().is_empty());
});

on_both!(
    an_import_cannot_move_a_person_out_of_the_importers_scope,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let admin = add_user(s, &Actor::system(), "ga-xinjie", Role::GridAdmin, XINJIE)
            .await
            .actor();
        let p = s
            .create_person(&t.worker, &person(&t.g1, "张三", ZHANG))
            .await
            .unwrap();
        // Same ID number, a grid next door: the grid is unknown to 新街's importer.
        let away = persons_csv(&[("420202001002-G1", "张三", ZHANG)]);
        let r = import_persons(s, &admin, &away, true).await;
        assert_eq!((r.inserted, r.updated, r.rejected), (0, 0, 1), "{r:?}");
        assert_eq!(
            (r.faults[0].column.as_str(), r.faults[0].code.as_str()),
            ("grid", "unknown_grid")
        );
        let still = s.person(&t.worker, "420202", &p.id).await.unwrap();
        assert_eq!((still.grid_id.as_str(), still.version), (t.g1.as_str(), 1));
        // The county center holds both villages: its import moves the person.
        let r = import_persons(s, &t.center, &away, false).await;
        assert_eq!((r.updated, r.rejected), (1, 0), "{r:?}");
        let moved = s.person(&t.center, "420202", &p.id).await.unwrap();
        assert_eq!(moved.grid_id, t.hubin);
    }
);

on_both!(
    an_import_cannot_overwrite_a_person_recorded_outside_the_importers_scope,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let admin = add_user(s, &Actor::system(), "ga-xinjie", Role::GridAdmin, XINJIE)
            .await
            .actor();
        // 李四 lives in 湖滨, outside the importer's village but in the same county.
        let li = s
            .create_person(&t.neighbour, &person(&t.hubin, "李四", LI))
            .await
            .unwrap();
        s.create_person(&t.worker, &person(&t.g1, "张三", ZHANG))
            .await
            .unwrap();
        let file = persons_csv(&[
            ("420202001001-G1", "张三", ZHANG),
            ("420202001001-G1", "李肆", LI),
            ("420202001001-G2", "王五", WANG),
        ]);
        // All or nothing: the file is refused, naming the row of 李四's number.
        let r = import_persons(s, &admin, &file, false).await;
        assert!(!r.committed, "{r:?}");
        assert_eq!(r.rejected, 1, "{r:?}");
        let f = &r.faults[0];
        assert_eq!(
            (f.row, f.column.as_str(), f.code.as_str()),
            (3, "id_card_no", "id_card_unavailable")
        );
        assert!(!f.value.contains(&id_no(LI)), "the number is masked");
        // Word for word what the form answers the same importer for the same number, so the
        // report tells no more than the form (docs/security.md, "ID numbers outside the scope").
        let form = match s.create_person(&admin, &person(&t.g1, "李肆", LI)).await {
            Err(StoreError::Conflict(e)) => (e.code.to_owned(), e.zh, e.en),
            other => panic!("{other:?}"),
        };
        assert_eq!((f.code.clone(), f.zh.clone(), f.en.clone()), form);
        // Valid rows accepted: 王五 is added, 李四 is not touched, and told the same.
        let r = import_persons(s, &admin, &file, true).await;
        assert!(r.committed, "{r:?}");
        assert_eq!((r.inserted, r.rejected), (1, 1), "{r:?}");
        let f = &r.faults[0];
        assert_eq!((f.code.clone(), f.zh.clone(), f.en.clone()), form);
        let after = s.person(&t.neighbour, "420202", &li.id).await.unwrap();
        assert_eq!(
            (after.name.as_str(), after.grid_id.as_str(), after.version),
            ("李四", t.hubin.as_str(), 1)
        );
        // The county center sees both villages: the same file moves 李四 into 新街.
        let r = import_persons(s, &t.center, &file, false).await;
        assert!(r.committed, "{r:?}");
        let after = s.person(&t.center, "420202", &li.id).await.unwrap();
        assert_eq!(
            (after.name.as_str(), after.grid_id.as_str()),
            ("李肆", t.g1.as_str())
        );
    }
);

on_both!(a_split_makes_grids_only_inside_the_scope, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let sys = Actor::system();
    let square = |x: f64, d: f64| {
        format!(
            r#"{{"type":"Polygon","coordinates":[[[{x},30.2],[{x2},30.2],[{x2},30.21],[{x},30.21],[{x},30.2]]]}}"#,
            x2 = x + d
        )
    };
    let feature = |props: &str, geometry: String| {
        format!(r#"{{"type":"Feature","properties":{{{props}}},"geometry":{geometry}}}"#)
    };
    let collection = |features: &[String]| {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    };
    let g1 = collection(&[feature(
        &format!(r#""region":"{XINJIE}","code":"G1","name":"G1 网格""#),
        square(115.0, 0.01),
    )]);
    s.import_grid_boundaries(
        &sys,
        &BoundaryImport {
            file: "g1.geojson",
            text: &g1,
            crs: Crs::Wgs84,
            allow_gaps: true,
        },
    )
    .await
    .unwrap();
    // Scopes are regions today; one that reaches only a grid (as the scope type allows) must
    // not make siblings of it in the village it cannot see.
    let admin = add_user(s, &sys, "ga-xinjie", Role::GridAdmin, XINJIE)
        .await
        .actor();
    let grid_path = s.grid(&admin, &t.g1).await.unwrap().grid.path;
    let narrow = Actor {
        scope: ScopePath::from_path(grid_path),
        ..admin.clone()
    };
    let halves = collection(&[
        feature(r#""code":"G1A","name":"西""#, square(115.0, 0.005)),
        feature(r#""code":"G1B","name":"东""#, square(115.005, 0.005)),
    ]);
    refused(
        s.split_grid(&narrow, &t.g1, "parts", &halves, Crs::Wgs84)
            .await,
        "region",
        "unknown_region",
    );
    assert!(s.grid(&admin, &t.g1).await.unwrap().grid.is_current());
    // The village's own administrator splits it, inside the village.
    let split = s
        .split_grid(&admin, &t.g1, "parts", &halves, Crs::Wgs84)
        .await
        .unwrap();
    for id in &split.created {
        assert_eq!(s.grid(&admin, id).await.unwrap().grid.region_code, XINJIE);
    }
});
