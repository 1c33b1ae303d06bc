#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The data scope over base data, on both backends: a grid worker of one village gets nothing of
//! another village's records, for every kind of record and every way of reaching it; and counts
//! per grid, village, township and county, feeding the grid sizing flag.

mod records_support;

use gridgov_store::StoreError;
use gridgov_store::grids::GridFilter;
use gridgov_store::on_both;
use gridgov_store::protect::FieldKind;
use gridgov_store::records::{CameraInput, CountLevel, LinkInput, OrganizationInput, PlaceInput};
use records_support::{building, house, person, town};

fn not_found<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    assert!(matches!(r, Err(StoreError::NotFound)), "{what}: {r:?}");
}

on_both!(a_worker_of_another_village_gets_nothing, |db| {
    let t = town(&db.store).await;
    let (w, out) = (&t.worker, &t.neighbour);
    let s = &db.store;
    let p = s
        .create_person(w, &person(&t.g1, "郑十", "42020219880808009"))
        .await
        .unwrap();
    let b = s.create_building(w, &building(&t.g1, "B1")).await.unwrap();
    let h = s
        .create_house(w, "420202", &b.id, &house("1", "101", "自住"))
        .await
        .unwrap();
    let link = LinkInput {
        house_id: h.id.clone(),
        relation: "本人".into(),
        since: String::new(),
    };
    s.link_person_house(w, "420202", &p.id, &link)
        .await
        .unwrap();
    let org = OrganizationInput {
        grid_id: t.g1.clone(),
        name: "新街治安巡逻队".into(),
        kind: "群防群治".into(),
        ..Default::default()
    };
    let o = s.create_organization(w, &org).await.unwrap();
    let pl = s
        .create_place(
            w,
            &PlaceInput {
                grid_id: t.g1.clone(),
                name: "青山湖".into(),
                kind: "水域".into(),
                lng: "115.05".into(),
                lat: "30.21".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let c = s
        .create_camera(
            w,
            &CameraInput {
                grid_id: t.g1.clone(),
                code: "CAM-001".into(),
                name: "桂花湾路口".into(),
                lng: "115.05".into(),
                lat: "30.21".into(),
            },
        )
        .await
        .unwrap();

    // Reads.
    not_found(s.person(out, "420202", &p.id).await, "person");
    not_found(s.person_page(out, "420202", &p.id).await, "person page");
    not_found(s.building(out, "420202", &b.id).await, "building");
    not_found(
        s.building_houses(out, "420202", &b.id).await,
        "building houses",
    );
    not_found(s.house(out, "420202", &h.id).await, "house");
    not_found(
        s.house_residents(out, "420202", &h.id).await,
        "house residents",
    );
    not_found(s.organization(out, "420202", &o.id).await, "organization");
    not_found(s.place(out, "420202", &pl.id).await, "place");
    not_found(s.camera(out, "420202", &c.id).await, "camera");
    not_found(s.grid_buildings(out, &t.g1).await, "grid buildings");
    not_found(s.grid_residents(out, &t.g1, 50, 0).await, "grid residents");
    // A grid elsewhere has no lists at all, rather than empty ones.
    not_found(s.grid_organizations(out, &t.g1).await, "grid organizations");
    not_found(s.grid_places(out, &t.g1).await, "grid places");
    not_found(s.grid_cameras(out, &t.g1).await, "grid cameras");
    assert!(
        s.search_persons(out, "郑", 50, 0)
            .await
            .unwrap()
            .persons
            .is_empty()
    );
    not_found(
        s.unmask_person_field(out, "420202", &p.id, FieldKind::IdCardNo, "入户核查身份")
            .await,
        "unmask",
    );
    // Writes.
    let edit = person(&t.g1, "郑十", "42020219880808009");
    not_found(
        s.update_person(out, "420202", &p.id, &edit, 1).await,
        "edit person",
    );
    not_found(
        s.delete_person(out, "420202", &p.id, 1).await,
        "delete person",
    );
    not_found(
        s.update_building(out, "420202", &b.id, &building("", "B1"), 1)
            .await,
        "edit building",
    );
    not_found(
        s.delete_building(out, "420202", &b.id, 1).await,
        "delete building",
    );
    not_found(
        s.create_house(out, "420202", &b.id, &house("1", "102", "自住"))
            .await,
        "house in a building elsewhere",
    );
    not_found(
        s.update_house(out, "420202", &h.id, &house("1", "101", "出租"), 1)
            .await,
        "edit house",
    );
    not_found(
        s.delete_house(out, "420202", &h.id, 1).await,
        "delete house",
    );
    not_found(
        s.link_person_house(out, "420202", &p.id, &link).await,
        "link",
    );
    not_found(
        s.unlink_person_house(out, "420202", &p.id, &h.id).await,
        "unlink",
    );
    not_found(
        s.update_organization(out, "420202", &o.id, &org, 1).await,
        "edit organization",
    );
    not_found(
        s.delete_organization(out, "420202", &o.id, 1).await,
        "delete organization",
    );
    not_found(
        s.delete_place(out, "420202", &pl.id, 1).await,
        "delete place",
    );
    not_found(
        s.delete_camera(out, "420202", &c.id, 1).await,
        "delete camera",
    );
    // A neighbour's own grid cannot take a record into this scope's grid either.
    let moved = s
        .update_place(
            w,
            "420202",
            &pl.id,
            &PlaceInput {
                grid_id: t.hubin.clone(),
                name: "青山湖".into(),
                kind: "水域".into(),
                ..Default::default()
            },
            pl.version,
        )
        .await
        .unwrap_err();
    assert!(matches!(moved, StoreError::Invalid(_)), "{moved:?}");
    // Counts and exports of the neighbour hold none of it.
    let counts = s.population_counts(out, None).await.unwrap();
    assert_eq!(counts.total.population, 0);
    assert!(counts.areas.iter().all(|a| a.population == 0));
    assert_eq!(s.export_persons(out, None, None).await.unwrap().rows, 0);

    // Everything is still there for its own worker, and the county center sees it too.
    assert_eq!(s.grid_organizations(w, &t.g1).await.unwrap().len(), 1);
    assert_eq!(s.grid_places(&t.center, &t.g1).await.unwrap().len(), 1);
    assert_eq!(
        s.grid_cameras(&t.center, &t.g1).await.unwrap()[0].code,
        "CAM-001"
    );
    assert_eq!(
        s.person(&t.center, "420202", &p.id).await.unwrap().name,
        "郑十"
    );
});

on_both!(
    organizations_places_and_cameras_are_checked_and_versioned,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let w = &t.worker;
        let bad = s
            .create_organization(
                w,
                &OrganizationInput {
                    grid_id: t.g1.clone(),
                    name: "某公司".into(),
                    kind: "企业".into(),
                    credit_code: "91350100M000100Y44".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        match bad {
            StoreError::Invalid(i) => assert_eq!(i.0[0].field, "credit_code"),
            other => panic!("{other:?}"),
        }
        let input = OrganizationInput {
            grid_id: t.g1.clone(),
            name: "某公司".into(),
            kind: "企业".into(),
            credit_code: "91350100M000100Y43".into(),
            phone: "0714-6251234".into(),
            ..Default::default()
        };
        let o = s.create_organization(w, &input).await.unwrap();
        assert_eq!(o.kind, "enterprise");
        assert!(matches!(
            s.create_organization(w, &input).await,
            Err(StoreError::Conflict(_))
        ));
        let o2 = s
            .update_organization(w, "420202", &o.id, &input, o.version)
            .await
            .unwrap();
        assert_eq!(o2.version, 2);
        assert!(matches!(
            s.update_organization(w, "420202", &o.id, &input, o.version)
                .await,
            Err(StoreError::VersionConflict)
        ));
        let cam = CameraInput {
            grid_id: t.g1.clone(),
            code: "CAM-9".into(),
            name: "路口".into(),
            lng: "115.05".into(),
            lat: String::new(),
        };
        match s.create_camera(w, &cam).await.unwrap_err() {
            StoreError::Invalid(i) => assert_eq!(i.0[0].field, "lat"),
            other => panic!("{other:?}"),
        }
        let half_place = PlaceInput {
            grid_id: t.g1.clone(),
            name: "市场".into(),
            kind: "市场".into(),
            lng: "115.05".into(),
            ..Default::default()
        };
        assert!(matches!(
            s.create_place(w, &half_place).await,
            Err(StoreError::Invalid(_))
        ));
        s.delete_organization(w, "420202", &o.id, o2.version)
            .await
            .unwrap();
        let trail = s.list_audit(&t.center, 50, None).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
        for a in [
            "organization.create",
            "organization.update",
            "organization.delete",
        ] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
    }
);

on_both!(counts_roll_up_and_feed_the_sizing_flag, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let w = &t.worker;
    let b = s.create_building(w, &building(&t.g1, "B1")).await.unwrap();
    // Three houses: one lived in, one rented out with nobody recorded, one vacant.
    let lived = s
        .create_house(w, "420202", &b.id, &house("1", "101", "空置"))
        .await
        .unwrap();
    s.create_house(w, "420202", &b.id, &house("1", "102", "出租"))
        .await
        .unwrap();
    s.create_house(w, "420202", &b.id, &house("1", "103", "空置"))
        .await
        .unwrap();
    let mut floating = person(&t.g1, "冯一", "42020219900101001");
    floating.residence_type = "流动".into();
    let f = s.create_person(w, &floating).await.unwrap();
    s.create_person(w, &person(&t.g1, "陈二", "42020219900101028"))
        .await
        .unwrap();
    s.create_person(w, &person(&t.g2, "褚三", "42020219900101036"))
        .await
        .unwrap();
    s.create_person(&t.far, &person(&t.baquan, "卫四", "42020319900101004"))
        .await
        .unwrap();
    s.link_person_house(
        w,
        "420202",
        &f.id,
        &LinkInput {
            house_id: lived.id.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let c = s.population_counts(&t.center, None).await.unwrap();
    assert_eq!(
        (c.total.population, c.total.floating, c.total.households),
        (3, 1, 2)
    );
    assert_eq!(c.total.houses, 3);
    let find = |level: CountLevel, code: &str| {
        c.areas
            .iter()
            .find(|a| a.level == level && a.code == code)
            .unwrap_or_else(|| panic!("{level:?} {code} in {:?}", c.areas))
    };
    let county = find(CountLevel::County, "420202");
    assert_eq!((county.population, county.name.as_str()), (3, "黄石港区"));
    let village = find(CountLevel::Village, "420202001001");
    assert_eq!((village.population, village.households), (3, 2));
    assert!((village.floating_share() - 1.0 / 3.0).abs() < 1e-9);
    let g1 = c
        .areas
        .iter()
        .find(|a| a.grid_id.as_deref() == Some(&t.g1))
        .unwrap();
    assert_eq!(
        (g1.population, g1.households, g1.household_target),
        (2, 2, 400)
    );
    // 八泉社区 is another county, outside the center's scope.
    assert!(
        c.areas
            .iter()
            .all(|a| !a.path.starts_with("42/4202/420203/"))
    );
    // A worker's own village only: no county or township row with a partial count.
    let mine = s.population_counts(w, None).await.unwrap();
    assert!(
        mine.areas.iter().all(|a| a.level >= CountLevel::Village),
        "{:?}",
        mine.areas
    );

    // The sizing flag: G1 has houses, so its 2 counted households replace the target of 400;
    // G2 has none and keeps its target.
    let g1 = s.grid(&t.center, &t.g1).await.unwrap();
    assert_eq!(g1.grid.households(), 2);
    assert_eq!(g1.grid.sizing(), gridgov_core::grids::Sizing::Low);
    let g2 = s.grid(&t.center, &t.g2).await.unwrap();
    assert_eq!(g2.grid.households(), 350);
    let low = s
        .grids(
            &t.center,
            &GridFilter {
                sizing: Some(gridgov_core::grids::Sizing::Low),
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let low: Vec<&str> = low.iter().map(|g| g.grid.id.as_str()).collect();
    assert_eq!(low, [t.g1.as_str()]);
    let gc = s.grid_counts(&t.center, None).await.unwrap();
    assert_eq!((gc.below_band, gc.households), (1, 2 + 350 + 420));
    let map = s.grid_map_rows(&t.center, None).await.unwrap();
    let g1_map = map.iter().find(|m| m.id == t.g1).unwrap();
    assert_eq!(g1_map.sizing(), gridgov_core::grids::Sizing::Low);
});

on_both!(
    residents_outside_the_scope_are_neither_listed_nor_counted,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let b = s
            .create_building(&t.worker, &building(&t.g1, "B1"))
            .await
            .unwrap();
        let h = s
            .create_house(&t.worker, "420202", &b.id, &house("1", "101", "出租"))
            .await
            .unwrap();
        let link = LinkInput {
            house_id: h.id.clone(),
            relation: "租户".into(),
            since: String::new(),
        };
        // Two residents recorded in the worker's village, and a third recorded in the next village
        // (湖滨), linked into the same house by the county center, who sees both villages.
        for (name, first17) in [("甲", "42020219800101011"), ("乙", "42020219800101021")] {
            let p = s
                .create_person(&t.worker, &person(&t.g1, name, first17))
                .await
                .unwrap();
            s.link_person_house(&t.worker, "420202", &p.id, &link)
                .await
                .unwrap();
        }
        let elsewhere = s
            .create_person(&t.neighbour, &person(&t.hubin, "丙", "42020219800101031"))
            .await
            .unwrap();
        s.link_person_house(&t.center, "420202", &elsewhere.id, &link)
            .await
            .unwrap();

        // The worker: two listed, two counted, in the building's and the grid's lists alike.
        let listed = s
            .house_residents(&t.worker, "420202", &h.id)
            .await
            .unwrap()
            .residents;
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|r| r.person.name != "丙"));
        let houses = s
            .building_houses(&t.worker, "420202", &b.id)
            .await
            .unwrap()
            .houses;
        assert_eq!(houses[0].residents, 2);
        let buildings = s.grid_buildings(&t.worker, &t.g1).await.unwrap().buildings;
        assert_eq!((buildings[0].houses, buildings[0].residents), (1, 2));

        // The center sees all three, listed and counted.
        assert_eq!(
            s.house_residents(&t.center, "420202", &h.id)
                .await
                .unwrap()
                .residents
                .len(),
            3
        );
        assert_eq!(
            s.building_houses(&t.center, "420202", &b.id)
                .await
                .unwrap()
                .houses[0]
                .residents,
            3
        );
        assert_eq!(
            s.grid_buildings(&t.center, &t.g1).await.unwrap().buildings[0].residents,
            3
        );
    }
);
on_both!(the_lists_of_a_grid_elsewhere_are_not_found, |db| {
    // Organizations, places and cameras of a grid outside the scope used to answer an empty
    // list, as for a grid with none: the grid is not found, like its buildings and residents,
    // and so is a grid that does not exist.
    let t = town(&db.store).await;
    let s = &db.store;
    let (w, far) = (&t.worker, &t.far);
    let o = OrganizationInput {
        grid_id: t.g1.clone(),
        name: "新街治安巡逻队".into(),
        kind: "群防群治".into(),
        ..Default::default()
    };
    s.create_organization(w, &o).await.unwrap();
    for grid in [&t.g1, &t.hubin, &"no-such-grid".to_owned()] {
        not_found(s.grid_organizations(far, grid).await, "organizations");
        not_found(s.grid_places(far, grid).await, "places");
        not_found(s.grid_cameras(far, grid).await, "cameras");
    }
    assert_eq!(s.grid_organizations(w, &t.g1).await.unwrap().len(), 1);
    assert!(s.grid_places(w, &t.g1).await.unwrap().is_empty());
    assert!(s.grid_cameras(&t.center, &t.g1).await.unwrap().is_empty());
    // A grid of the caller's scope without records is an empty list, not missing.
    assert!(s.grid_organizations(w, &t.g2).await.unwrap().is_empty());
});
