#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The grid network on both backends: creating, importing boundaries with network checks,
//! locating points, splitting and merging, staff and police, and the data scope.

use gridgov_core::auth::{Actor, Role};
use gridgov_geo::LngLat;
use gridgov_geo::features::Crs;
use gridgov_store::grids::{
    BoundaryImport, GridFilter, GridInput, MergeInput, PhoneDisplay, Staffing,
};
use gridgov_store::on_both;
use gridgov_store::testing::{add_user, seed_regions};
use gridgov_store::{Store, StoreError};

/// 新街社区 and 湖滨社区 (district 420202) and 八泉社区 (district 420203) in the fixture.
const XINJIE: &str = "420202001001";
const HUBIN: &str = "420202001002";
const BAQUAN: &str = "420203001001";

/// A square of `d` degrees at (x, y) as a GeoJSON Polygon.
fn square(x: f64, y: f64, d: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y2}],[{x},{y}]]]}}"#,
        x2 = x + d,
        y2 = y + d
    )
}

fn feature(props: &str, geometry: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{{{props}}},"geometry":{geometry}}}"#)
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// Two new grids tiling the 0.02° × 0.01° rectangle at (115.0, 30.2) in 新街社区.
fn two_grids() -> String {
    collection(&[
        feature(
            &format!(r#""region":"{XINJIE}","code":"G1","name":"一网格","household_target":420"#),
            &square(115.0, 30.2, 0.01),
        ),
        feature(
            &format!(r#""region":"{XINJIE}","code":"G2","name":"二网格","household_target":380"#),
            &square(115.01, 30.2, 0.01),
        ),
    ])
}

fn import<'a>(text: &'a str) -> BoundaryImport<'a> {
    BoundaryImport {
        file: "grids.geojson",
        text,
        crs: Crs::Wgs84,
        allow_gaps: false,
    }
}

fn input(region: &str, code: &str) -> GridInput {
    GridInput {
        region: region.into(),
        code: code.into(),
        name: format!("{code} 网格"),
        kind: "comprehensive".into(),
        household_target: "400".into(),
        ..Default::default()
    }
}

async fn current(store: &Store, actor: &Actor) -> Vec<String> {
    store
        .grids(
            actor,
            &GridFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.grid.code)
        .collect()
}

on_both!(grids_live_under_villages_with_unique_codes, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let g = db
        .store
        .create_grid(&sys, &input(XINJIE, "g0007"))
        .await
        .unwrap();
    assert_eq!(g.grid.code, "G0007");
    assert_eq!(g.grid.path, "42/4202/420202/420202001/420202001001/G0007/");
    assert_eq!(g.grid.county_code, "420202");
    assert_eq!(g.region_name, "新街社区");

    // Under a township: refused, naming the field.
    let e = db
        .store
        .create_grid(&sys, &input("420202001", "G1"))
        .await
        .unwrap_err();
    match e {
        StoreError::Invalid(i) => {
            assert_eq!(i.0[0].field, "region");
            assert_eq!(i.0[0].code, "not_a_village");
        }
        other => panic!("expected a field error, got {other:?}"),
    }
    // The same code in the same village: a conflict; in another village: fine.
    let e = db
        .store
        .create_grid(&sys, &input(XINJIE, "G0007"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Conflict(f) if f.field == "code"),
        "{e:?}"
    );
    db.store
        .create_grid(&sys, &input(HUBIN, "G0007"))
        .await
        .unwrap();
    // Bad fields are all reported at once.
    let mut bad = input(XINJIE, "G/8");
    bad.household_target = "many".into();
    bad.kind = "special".into();
    match db.store.create_grid(&sys, &bad).await.unwrap_err() {
        StoreError::Invalid(i) => {
            let fields: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["code", "kind", "household_target"]);
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    // An edit with a stale version loses.
    let mut edit = input(XINJIE, "G0007");
    edit.name = "新名".into();
    let v = g.grid.version;
    db.store
        .update_grid(&sys, &g.grid.id, &edit, v)
        .await
        .unwrap();
    let e = db
        .store
        .update_grid(&sys, &g.grid.id, &edit, v)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::VersionConflict));
});

on_both!(boundaries_import_and_every_point_finds_one_grid, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let r = db
        .store
        .import_grid_boundaries(&sys, &import(&two_grids()))
        .await
        .unwrap();
    assert_eq!((r.created, r.updated, r.villages), (2, 0, 1));
    let hit = db
        .store
        .locate(&sys, LngLat::new(115.005, 30.205))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hit.grid.grid.code, "G1");
    assert_eq!(hit.regions.last().unwrap().code, XINJIE);
    assert_eq!(hit.regions.len(), 5);
    let hit = db
        .store
        .locate(&sys, LngLat::new(115.015, 30.205))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hit.grid.grid.code, "G2");
    // On the shared edge: exactly one of the two.
    assert!(
        db.store
            .locate(&sys, LngLat::new(115.01, 30.205))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        db.store
            .locate(&sys, LngLat::new(116.0, 30.205))
            .await
            .unwrap()
            .is_none()
    );
    let g1 = db.store.grid_by_code(&sys, XINJIE, "g1").await.unwrap();
    let area = g1.grid.area_m2.unwrap();
    // 0.01° × 0.01° at 30.2°N is about 1113 m × 962 m.
    assert!((area - 1.071e6).abs() < 0.02e6, "{area}");

    // Re-importing replaces boundaries and is idempotent in effect.
    let again = db
        .store
        .import_grid_boundaries(&sys, &import(&two_grids()))
        .await
        .unwrap();
    assert_eq!((again.created, again.updated), (0, 2));

    // Export reads back as an import of the same grids.
    let out = db.store.export_grid_boundaries(&sys, None).await.unwrap();
    let back = db
        .store
        .import_grid_boundaries(&sys, &import(&out))
        .await
        .unwrap();
    assert_eq!((back.created, back.updated), (0, 2));
    assert_eq!(current(&db.store, &sys).await, ["G1", "G2"]);
});

on_both!(a_rejected_file_names_each_fault_and_changes_nothing, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let text = collection(&[
        feature(
            &format!(r#""region":"{XINJIE}","code":"A","name":"甲","household_target":400"#),
            &square(115.0, 30.2, 0.01),
        ),
        // Overlaps A by half.
        feature(
            &format!(r#""region":"{XINJIE}","code":"B","name":"乙","household_target":400"#),
            &square(115.005, 30.2, 0.01),
        ),
        // A township is not a village.
        feature(
            r#""region":"420202001","code":"C","name":"丙","household_target":400"#,
            &square(115.1, 30.2, 0.01),
        ),
        // No name for a new grid.
        feature(
            &format!(r#""region":"{HUBIN}","code":"D""#),
            &square(115.2, 30.2, 0.01),
        ),
    ]);
    let e = db
        .store
        .import_grid_boundaries(&sys, &import(&text))
        .await
        .unwrap_err();
    let StoreError::Rows(rows) = e else {
        panic!("expected row errors, got {e:?}")
    };
    let lines: Vec<(u64, &str)> = rows.iter().map(|r| (r.line, r.field.as_str())).collect();
    assert!(lines.contains(&(1, "geometry")), "{rows:?}");
    assert!(lines.contains(&(3, "region")), "{rows:?}");
    assert!(lines.contains(&(4, "name")), "{rows:?}");
    let overlap = rows.iter().find(|r| r.field == "geometry").unwrap();
    assert!(
        overlap.en.contains('A') && overlap.en.contains('B'),
        "{overlap:?}"
    );
    assert!(current(&db.store, &sys).await.is_empty());

    // A self-crossing polygon is refused by feature.
    let bow = r#"{"type":"Polygon","coordinates":[[[115,30.2],[115.01,30.21],[115.01,30.2],[115,30.21],[115,30.2]]]}"#;
    let text = collection(&[feature(
        &format!(r#""region":"{XINJIE}","code":"E","name":"戊","household_target":400"#),
        bow,
    )]);
    let StoreError::Rows(rows) = db
        .store
        .import_grid_boundaries(&sys, &import(&text))
        .await
        .unwrap_err()
    else {
        panic!("expected row errors")
    };
    assert_eq!(rows[0].line, 1);
    assert!(current(&db.store, &sys).await.is_empty());
});

on_both!(
    gaps_inside_a_village_boundary_are_faults_unless_allowed,
    |db| {
        seed_regions(&db.store).await;
        let sys = Actor::system();
        // The village is the 0.03° × 0.01° rectangle; two grids leave its last third uncovered.
        let village = collection(&[feature(
            &format!(r#""code":"{XINJIE}""#),
            r#"{"type":"Polygon","coordinates":[[[115,30.2],[115.03,30.2],[115.03,30.21],[115,30.21],[115,30.2]]]}"#,
        )]);
        db.store
            .import_region_boundaries(&sys, &import(&village))
            .await
            .unwrap();
        let StoreError::Rows(rows) = db
            .store
            .import_grid_boundaries(&sys, &import(&two_grids()))
            .await
            .unwrap_err()
        else {
            panic!("expected a gap")
        };
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].field, "coverage");
        let text = two_grids();
        let mut allowed = import(&text);
        allowed.allow_gaps = true;
        let r = db
            .store
            .import_grid_boundaries(&sys, &allowed)
            .await
            .unwrap();
        assert_eq!((r.created, r.gaps.len()), (2, 1));
        // A grid reaching outside the village.
        let out = collection(&[feature(
            &format!(r#""region":"{XINJIE}","code":"G3","name":"三","household_target":400"#),
            &square(115.02, 30.205, 0.01),
        )]);
        let mut o = import(&out);
        o.allow_gaps = true;
        let StoreError::Rows(rows) = db.store.import_grid_boundaries(&sys, &o).await.unwrap_err()
        else {
            panic!("expected a part outside")
        };
        assert!(rows.iter().any(|r| r.en.contains("outside")), "{rows:?}");
    }
);

on_both!(split_and_merge_retire_grids_and_keep_lineage, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    db.store
        .import_grid_boundaries(&sys, &import(&two_grids()))
        .await
        .unwrap();
    let worker = add_user(&db.store, &sys, "gw1", Role::GridWorker, XINJIE).await;
    let g1 = db.store.grid_by_code(&sys, XINJIE, "G1").await.unwrap();
    db.store
        .assign_staff(&sys, &g1.grid.id, "gw1", "grid_worker")
        .await
        .unwrap();

    // Halves that overlap are refused; exact halves are taken.
    let bad = collection(&[
        feature(r#""code":"G1A","name":"北""#, &square(115.0, 30.2, 0.006)),
        feature(r#""code":"G1B","name":"南""#, &square(115.004, 30.2, 0.006)),
    ]);
    assert!(matches!(
        db.store
            .split_grid(&sys, &g1.grid.id, "parts", &bad, Crs::Wgs84)
            .await,
        Err(StoreError::Rows(_))
    ));
    let halves = collection(&[
        feature(
            r#""code":"G1A","name":"西""#,
            r#"{"type":"Polygon","coordinates":[[[115,30.2],[115.005,30.2],[115.005,30.21],[115,30.21],[115,30.2]]]}"#,
        ),
        feature(
            r#""code":"G1B","name":"东""#,
            r#"{"type":"Polygon","coordinates":[[[115.005,30.2],[115.01,30.2],[115.01,30.21],[115.005,30.21],[115.005,30.2]]]}"#,
        ),
    ]);
    let split = db
        .store
        .split_grid(&sys, &g1.grid.id, "parts", &halves, Crs::Wgs84)
        .await
        .unwrap();
    assert_eq!(split.created.len(), 2);
    assert_eq!(current(&db.store, &sys).await, ["G1A", "G1B", "G2"]);
    let old = db.store.grid(&sys, &g1.grid.id).await.unwrap();
    assert!(!old.grid.is_current());
    let west = db
        .store
        .locate(&sys, LngLat::new(115.002, 30.205))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(west.grid.grid.code, "G1A");
    // The targets are shared by area; staff carried over.
    assert_eq!(west.grid.grid.household_target, 210);
    let mine = db.store.grids_of_user(&sys, &worker.id).await.unwrap();
    assert_eq!(mine.len(), 2);

    let merged = db
        .store
        .merge_grids(
            &sys,
            &MergeInput {
                ids: split.created.clone(),
                code: "G1".into(),
                name: "一网格".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(current(&db.store, &sys).await, ["G1", "G2"]);
    let m = db.store.grid(&sys, &merged).await.unwrap();
    assert_eq!(m.grid.household_target, 420);
    assert!((m.grid.area_m2.unwrap() - g1.grid.area_m2.unwrap()).abs() < 1.0);
    let lineage = db.store.grid_lineage(&sys, &merged).await.unwrap();
    assert_eq!(lineage.len(), 2);
    assert!(
        lineage
            .iter()
            .all(|(_, to, change, _)| to.id == merged && change == "merge")
    );
    assert_eq!(
        db.store
            .grids_of_user(&sys, &worker.id)
            .await
            .unwrap()
            .len(),
        1
    );

    // Retiring needs a reason and leaves the point uncovered.
    let e = db
        .store
        .retire_grid(&sys, &merged, " ", m.grid.version)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)));
    db.store
        .retire_grid(&sys, &merged, "并入二网格", m.grid.version)
        .await
        .unwrap();
    assert!(
        db.store
            .locate(&sys, LngLat::new(115.002, 30.205))
            .await
            .unwrap()
            .is_none()
    );
});

on_both!(staff_and_police_pairing, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    db.store
        .import_grid_boundaries(&sys, &import(&two_grids()))
        .await
        .unwrap();
    let g1 = db.store.grid_by_code(&sys, XINJIE, "G1").await.unwrap();
    add_user(&db.store, &sys, "leader", Role::GridLeader, XINJIE).await;
    add_user(&db.store, &sys, "far", Role::GridWorker, BAQUAN).await;
    let p1 = add_user(&db.store, &sys, "police1", Role::PoliceOfficer, "420202").await;
    let p2 = add_user(&db.store, &sys, "police2", Role::PoliceOfficer, "420202").await;
    db.store
        .assign_staff(&sys, &g1.grid.id, "leader", "网格长")
        .await
        .unwrap();
    // Twice: a conflict. Someone whose scope excludes the grid: refused.
    let e = db
        .store
        .assign_staff(&sys, &g1.grid.id, "leader", "grid_leader")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
    let e = db
        .store
        .assign_staff(&sys, &g1.grid.id, "far", "grid_worker")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(i) if i.0[0].code == "scope_excludes_grid"));
    let staff = db.store.grid_staff(&sys, &g1.grid.id).await.unwrap();
    assert_eq!(staff.len(), 1);
    let rows = db.store.grid_map_rows(&sys, None).await.unwrap();
    let staffing: Vec<Staffing> = rows.iter().map(|r| r.staffing()).collect();
    assert_eq!(staffing, [Staffing::Partial, Staffing::None]);
    add_user(&db.store, &sys, "worker1", Role::GridWorker, XINJIE).await;
    db.store
        .assign_staff(&sys, &g1.grid.id, "worker1", "grid_worker")
        .await
        .unwrap();
    let rows = db
        .store
        .grid_map_rows(&sys, Some("42/4202/"))
        .await
        .unwrap();
    assert_eq!(rows[0].staffing(), Staffing::Full);
    assert_eq!((rows[0].code.as_str(), rows[0].has_boundary), ("G1", 1));

    // Police claim grids for themselves; a claimed grid is not another's to take.
    db.store
        .pair_police(&p1.actor(), &g1.grid.id, None)
        .await
        .unwrap();
    let e = db
        .store
        .pair_police(&p2.actor(), &g1.grid.id, None)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
    let unpaired = db
        .store
        .grids(
            &sys,
            &GridFilter {
                unpaired: true,
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(unpaired.len(), 1);
    assert_eq!(unpaired[0].grid.code, "G2");
    // A center reassigns; a grid leader cannot pair.
    db.store
        .pair_police(&sys, &g1.grid.id, Some("police2"))
        .await
        .unwrap();
    let row = db.store.grid(&sys, &g1.grid.id).await.unwrap();
    assert_eq!(row.grid.police_user_id.as_deref(), Some(p2.id.as_str()));
    let e = db
        .store
        .unpair_police(&p1.actor(), &g1.grid.id)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden));
    db.store
        .unpair_police(&p2.actor(), &g1.grid.id)
        .await
        .unwrap();

    // The public card: staff with masked phones.
    let leader = db.store.user_by_username(&sys, "leader").await.unwrap();
    db.store
        .set_user_phone(&sys, &leader.id, "138 1234 5678")
        .await
        .unwrap();
    let card = db
        .store
        .grid_card(XINJIE, "g1", PhoneDisplay::Masked)
        .await
        .unwrap();
    assert_eq!(card.staff.len(), 2);
    assert_eq!(card.staff[0].phone, "138****5678");
    assert_eq!(card.staff[0].duty_zh, "网格长");
    assert_eq!(card.regions, ["黄石港区", "胜阳港街道", "新街社区"]);
    assert!(card.police.is_none());
    assert!(matches!(
        db.store
            .grid_card(XINJIE, "nope", PhoneDisplay::Masked)
            .await,
        Err(StoreError::NotFound)
    ));
});

on_both!(users_outside_the_scope_get_nothing, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    db.store
        .import_grid_boundaries(&sys, &import(&two_grids()))
        .await
        .unwrap();
    let g1 = db.store.grid_by_code(&sys, XINJIE, "G1").await.unwrap();
    let other = add_user(&db.store, &sys, "op2", Role::CenterOperator, "420203")
        .await
        .actor();
    assert!(matches!(
        db.store.grid(&other, &g1.grid.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.store.grid_by_code(&other, XINJIE, "G1").await,
        Err(StoreError::NotFound)
    ));
    assert!(current(&db.store, &other).await.is_empty());
    assert!(
        db.store
            .grid_map_rows(&other, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.store.grid_counts(&other, None).await.unwrap().grids, 0);
    assert!(
        db.store
            .locate(&other, LngLat::new(115.005, 30.205))
            .await
            .unwrap()
            .is_none()
    );
    let out = db.store.export_grid_boundaries(&other, None).await.unwrap();
    assert!(!out.contains("G1"), "{out}");
    assert!(matches!(
        db.store.grid_staff(&other, &g1.grid.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.store
            .retire_grid(&other, &g1.grid.id, "x", g1.grid.version)
            .await,
        Err(StoreError::NotFound)
    ));
    // Creating or importing into a village outside the scope is refused by field.
    let e = db
        .store
        .create_grid(&other, &input(XINJIE, "X1"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(i) if i.0[0].field == "region"));
    let StoreError::Rows(rows) = db
        .store
        .import_grid_boundaries(&other, &import(&two_grids()))
        .await
        .unwrap_err()
    else {
        panic!("expected row errors")
    };
    assert!(rows.iter().all(|r| r.field == "region"));
    // A grid worker sees grids but changes none.
    let w = add_user(&db.store, &sys, "gw9", Role::GridWorker, XINJIE)
        .await
        .actor();
    assert_eq!(current(&db.store, &w).await.len(), 2);
    assert!(matches!(
        db.store.create_grid(&w, &input(XINJIE, "X2")).await,
        Err(StoreError::Forbidden)
    ));
});

async fn path_of(store: &Store, code: &str) -> String {
    store
        .resolve_region(&Actor::system(), "region", code)
        .await
        .unwrap()
        .path
}

on_both!(
    the_network_view_holds_only_the_grids_inside_the_scope,
    |db| {
        seed_regions(&db.store).await;
        let sys = Actor::system();
        let file = collection(&[
            feature(
                &format!(
                    r#""region":"{XINJIE}","code":"G1","name":"一网格","household_target":400"#
                ),
                &square(115.0, 30.2, 0.01),
            ),
            feature(
                &format!(
                    r#""region":"{XINJIE}","code":"G2","name":"二网格","household_target":400"#
                ),
                &square(115.01, 30.2, 0.01),
            ),
            feature(
                &format!(
                    r#""region":"{BAQUAN}","code":"G1","name":"八泉一网格","household_target":400"#
                ),
                &square(115.1, 30.2, 0.01),
            ),
        ]);
        db.store
            .import_grid_boundaries(&sys, &import(&file))
            .await
            .unwrap();
        let district = path_of(&db.store, "420202").await;
        let xinjie = path_of(&db.store, XINJIE).await;
        let baquan = path_of(&db.store, BAQUAN).await;
        let all = db.store.network_view(&sys, None).await.unwrap();
        assert_eq!((all.path(), all.len()), ("", 3));

        // A district's operator sees the district's two grids; the other district is not there.
        let op = add_user(&db.store, &sys, "op1", Role::CenterOperator, "420202")
            .await
            .actor();
        let mine = db.store.network_view(&op, None).await.unwrap();
        assert_eq!((mine.path(), mine.len()), (district.as_str(), 2));
        assert!(mine.iter().all(|g| g.path.starts_with(&xinjie)));
        let village = db.store.network_view(&op, Some(&xinjie)).await.unwrap();
        assert_eq!((village.path(), village.len()), (xinjie.as_str(), 2));
        assert!(matches!(
            db.store.network_view(&op, Some(&baquan)).await,
            Err(StoreError::NotFound)
        ));

        // A village's worker asking for the whole district is given the village: the view narrows.
        let w = add_user(&db.store, &sys, "gw1", Role::GridWorker, XINJIE)
            .await
            .actor();
        let narrowed = db.store.network_view(&w, Some(&district)).await.unwrap();
        assert_eq!((narrowed.path(), narrowed.len()), (xinjie.as_str(), 2));
        let other = add_user(&db.store, &sys, "op2", Role::CenterOperator, "420203")
            .await
            .actor();
        let theirs = db.store.network_view(&other, None).await.unwrap();
        assert_eq!(theirs.len(), 1);
        assert!(theirs.iter().all(|g| g.path.starts_with(&baquan)));
    }
);

on_both!(one_grid_per_village_fills_only_empty_villages, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    db.store
        .create_grid(&sys, &input(XINJIE, "G1"))
        .await
        .unwrap();
    let r = db
        .store
        .one_grid_per_village(&sys, "420202", 150)
        .await
        .unwrap();
    assert_eq!((r.villages, r.created, r.skipped), (2, 1, 1));
    let hubin = db.store.grid_by_code(&sys, HUBIN, "01").await.unwrap();
    assert_eq!(hubin.grid.name, "湖滨社区网格");
    assert_eq!(hubin.grid.sizing(), gridgov_core::grids::Sizing::Low);
    let again = db
        .store
        .one_grid_per_village(&sys, "420202", 150)
        .await
        .unwrap();
    assert_eq!(again.created, 0);
    let counts = db.store.grid_counts(&sys, None).await.unwrap();
    assert_eq!(
        (counts.grids, counts.below_band, counts.unpaired),
        (2, 1, 2)
    );
    let e = db
        .store
        .one_grid_per_village(&sys, XINJIE, 150)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(i) if i.0[0].code == "too_low"));
});

on_both!(micro_grids_belong_to_their_grid, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let g = db
        .store
        .create_grid(&sys, &input(XINJIE, "G1"))
        .await
        .unwrap();
    let id = g.grid.id.as_str();
    let m = db
        .store
        .add_micro_grid(&sys, id, "m1", "一号楼微网格", "1、2 栋")
        .await
        .unwrap();
    assert_eq!(m.code, "M1");
    let e = db
        .store
        .add_micro_grid(&sys, id, "M1", "重复", "3 栋")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
    let e = db
        .store
        .add_micro_grid(&sys, id, "M2", "", "")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(i) if i.0.len() == 2));
    assert_eq!(db.store.micro_grids(&sys, id).await.unwrap().len(), 1);
    let other = add_user(&db.store, &sys, "op3", Role::CenterOperator, "420203")
        .await
        .actor();
    assert!(matches!(
        db.store.micro_grids(&other, id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.store.remove_micro_grid(&other, id, "M1").await,
        Err(StoreError::NotFound)
    ));
    db.store.remove_micro_grid(&sys, id, "m1").await.unwrap();
    assert!(db.store.micro_grids(&sys, id).await.unwrap().is_empty());
});
