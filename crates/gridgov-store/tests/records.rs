#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Base data record by record on both backends: persons with masked numbers and one record per
//! ID number in a county, buildings, houses and who lives where, search, unmasking with its log,
//! and versions. Scope and counts live in `records_scope.rs`, exports in `records_export.rs`.

mod records_support;

use gridgov_store::StoreError;
use gridgov_store::on_both;
use gridgov_store::protect::FieldKind;
use gridgov_store::records::{LinkInput, PersonInput, SearchKind};
use records_support::{building, house, id_no, person, town};

fn field_error(e: StoreError) -> (String, &'static str, String) {
    match e {
        StoreError::Invalid(i) => (i.0[0].field.clone(), i.0[0].code, i.0[0].en.clone()),
        StoreError::Conflict(f) => (f.field, f.code, f.en),
        other => panic!("expected a field error, got {other:?}"),
    }
}

on_both!(persons_are_shown_masked_and_unique_per_county, |db| {
    let t = town(&db.store).await;
    let mut input = person(&t.g1, "张三", "42020219800101001");
    input.phone = "138 1234 5678".into();
    let p = db.store.create_person(&t.worker, &input).await.unwrap();
    let full = id_no("42020219800101001");
    assert_eq!(p.id_card_masked, format!("420202********{}", &full[14..]));
    assert_eq!(p.phone_masked.as_deref(), Some("138****5678"));
    assert_eq!(
        (p.gender.as_str(), p.birth_date.as_str()),
        ("male", "1980-01-01")
    );
    assert_eq!(
        (p.ethnicity.as_str(), p.ethnicity_zh.as_str()),
        ("01", "汉族")
    );
    assert_eq!(p.residence_type, "registered");
    assert_eq!(p.county_code, "420202");
    let shown = format!("{p:?}");
    assert!(
        !shown.contains(&full) && !shown.contains("13812345678"),
        "{shown}"
    );

    // The same number again in the county: refused on the field, naming the record in scope.
    let (field, code, en) = field_error(
        db.store
            .create_person(&t.worker, &person(&t.g2, "张三丰", "42020219800101001"))
            .await
            .unwrap_err(),
    );
    assert_eq!((field.as_str(), code), ("id_card_no", "duplicate_id_card"));
    assert!(en.contains(&p.id), "{en}");
    // From a neighbouring village of the same county: refused without saying where.
    let (field, _, en) = field_error(
        db.store
            .create_person(&t.neighbour, &person(&t.hubin, "张三", "42020219800101001"))
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "id_card_no");
    assert_eq!(
        en, "this ID number cannot be registered here; ask the county center",
        "neither the record nor where it lies"
    );
    // Another county keeps its own record of the same person.
    db.store
        .create_person(&t.far, &person(&t.baquan, "张三", "42020219800101001"))
        .await
        .unwrap();

    // Bad input names each field; a grid outside the scope is unknown to the form.
    let mut bad = person(&t.g1, "", "42020219800101001");
    bad.id_card_no = "420202198001010010".into();
    bad.residence_type = "外地".into();
    match db.store.create_person(&t.worker, &bad).await.unwrap_err() {
        StoreError::Invalid(i) => {
            let fields: Vec<&str> = i.0.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["name", "id_card_no", "residence_type"]);
        }
        other => panic!("{other:?}"),
    }
    let (field, code, _) = field_error(
        db.store
            .create_person(&t.worker, &person(&t.hubin, "李四", "42020219800101021"))
            .await
            .unwrap_err(),
    );
    assert_eq!((field.as_str(), code), ("grid_id", "unknown_grid"));
    // A leader reads but does not edit.
    assert!(matches!(
        db.store
            .create_person(&t.leader, &person(&t.g1, "李四", "42020219800101021"))
            .await,
        Err(StoreError::Forbidden)
    ));
});

on_both!(edits_check_versions_and_keep_their_history, |db| {
    let t = town(&db.store).await;
    let p = db
        .store
        .create_person(&t.worker, &person(&t.g1, "王五", "42020219900202003"))
        .await
        .unwrap();
    let edit = PersonInput {
        name: "王五".into(),
        grid_id: t.g2.clone(),
        residence_type: "流动".into(),
        tags: "独居老人".into(),
        ..person(&t.g2, "王五", "42020219900202003")
    };
    let moved = db
        .store
        .update_person(&t.worker, "420202", &p.id, &edit, p.version)
        .await
        .unwrap();
    assert_eq!((moved.grid_id.as_str(), moved.version), (t.g2.as_str(), 2));
    assert_eq!(moved.residence_type, "floating");
    // The same stale version again: someone else changed it meanwhile.
    assert!(matches!(
        db.store
            .update_person(&t.worker, "420202", &p.id, &edit, p.version)
            .await,
        Err(StoreError::VersionConflict)
    ));
    assert!(matches!(
        db.store.delete_person(&t.worker, "420202", &p.id, 1).await,
        Err(StoreError::VersionConflict)
    ));
    let page = db
        .store
        .person_page(&t.worker, "420202", &p.id)
        .await
        .unwrap();
    let actions: Vec<&str> = page.history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["person.update", "person.create"]);
    // The trail names protected fields but never holds them in full.
    let full = id_no("42020219900202003");
    assert!(page.history.iter().all(|h| !h.summary.contains(&full)));
    assert!(page.provenance.is_empty(), "made by hand, not by an import");
    db.store
        .delete_person(&t.worker, "420202", &p.id, 2)
        .await
        .unwrap();
    assert!(matches!(
        db.store.person(&t.worker, "420202", &p.id).await,
        Err(StoreError::NotFound)
    ));
});

on_both!(grid_buildings_houses_and_residents, |db| {
    let t = town(&db.store).await;
    let w = &t.worker;
    let b = db
        .store
        .create_building(w, &building(&t.g1, "B03"))
        .await
        .unwrap();
    assert_eq!((b.grid_id.as_str(), b.floors), (t.g1.as_str(), Some(7)));
    let (field, code, _) = field_error(
        db.store
            .create_building(w, &building(&t.g1, "B03"))
            .await
            .unwrap_err(),
    );
    assert_eq!((field.as_str(), code), ("code", "taken"));
    let h1 = db
        .store
        .create_house(w, "420202", &b.id, &house("1", "302", "自住"))
        .await
        .unwrap();
    let h2 = db
        .store
        .create_house(w, "420202", &b.id, &house("1", "402", "空置"))
        .await
        .unwrap();
    assert_eq!(
        (h1.building_code.as_str(), h1.house_use.as_str()),
        ("B03", "own")
    );
    let zhao = db
        .store
        .create_person(w, &person(&t.g1, "赵六", "42020219700303005"))
        .await
        .unwrap();
    let qian = db
        .store
        .create_person(w, &person(&t.g1, "钱七", "42020219720404006"))
        .await
        .unwrap();
    for (p, relation) in [(&zhao, "本人"), (&qian, "配偶")] {
        db.store
            .link_person_house(
                w,
                "420202",
                &p.id,
                &LinkInput {
                    house_id: h1.id.clone(),
                    relation: relation.into(),
                    since: "2019/6/1".into(),
                },
            )
            .await
            .unwrap();
    }
    // Linking again changes the relation rather than adding a second link.
    let l = db
        .store
        .link_person_house(
            w,
            "420202",
            &qian.id,
            &LinkInput {
                house_id: h1.id.clone(),
                relation: "妻子".into(),
                since: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!((l.relation.as_str(), l.since), ("妻子", None));
    let (field, code, _) = field_error(
        db.store
            .link_person_house(
                w,
                "420202",
                &zhao.id,
                &LinkInput {
                    house_id: h2.id.clone(),
                    since: "2099-01-01".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err(),
    );
    assert_eq!((field.as_str(), code), ("since", "in_future"));

    let gb = db.store.grid_buildings(w, &t.g1).await.unwrap();
    assert_eq!(gb.buildings.len(), 1);
    assert_eq!((gb.buildings[0].houses, gb.buildings[0].residents), (2, 2));
    let bp = db.store.building_houses(w, "420202", &b.id).await.unwrap();
    let per_house: Vec<(&str, i64)> = bp
        .houses
        .iter()
        .map(|h| (h.number.as_str(), h.residents))
        .collect();
    assert_eq!(per_house, [("302", 2), ("402", 0)]);
    let hp = db.store.house_residents(w, "420202", &h1.id).await.unwrap();
    let names: Vec<(&str, &str)> = hp
        .residents
        .iter()
        .map(|r| (r.person.name.as_str(), r.relation.as_str()))
        .collect();
    assert_eq!(names, [("赵六", "本人"), ("钱七", "妻子")]);
    assert!(hp.residents[0].person.id_card_masked.contains("********"));
    let residents = db.store.grid_residents(w, &t.g1, 10, 0).await.unwrap();
    assert_eq!(residents.len(), 2);
    let second_page = db.store.grid_residents(w, &t.g1, 1, 1).await.unwrap();
    assert_eq!(second_page[0].id, residents[1].id);

    let page = db.store.person_page(w, "420202", &zhao.id).await.unwrap();
    assert_eq!(page.houses.len(), 1);
    assert_eq!(
        (
            page.houses[0].house.number.as_str(),
            page.houses[0].relation.as_str()
        ),
        ("302", "本人")
    );
    assert_eq!(page.houses[0].house.grid_code, "G1");
    assert_eq!(page.history[0].action, "person.link");

    // A house with residents stays; a building with houses stays.
    assert!(matches!(
        db.store.delete_house(w, "420202", &h1.id, h1.version).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.store
            .delete_building(w, "420202", &b.id, b.version)
            .await,
        Err(StoreError::Conflict(_))
    ));
    db.store
        .unlink_person_house(w, "420202", &zhao.id, &h1.id)
        .await
        .unwrap();
    db.store
        .delete_person(w, "420202", &qian.id, qian.version)
        .await
        .unwrap();
    db.store
        .delete_house(w, "420202", &h1.id, h1.version)
        .await
        .unwrap();
    let h2b = db
        .store
        .update_house(w, "420202", &h2.id, &house("2", "402", "出租"), h2.version)
        .await
        .unwrap();
    assert_eq!(
        (h2b.unit.as_str(), h2b.house_use.as_str(), h2b.version),
        ("2", "rented", 2)
    );
});

on_both!(search_by_number_phone_or_name_inside_the_scope, |db| {
    let t = town(&db.store).await;
    let mut a = person(&t.g1, "孙小明", "42020219850505007");
    a.phone = "13912345678".into();
    let a = db.store.create_person(&t.worker, &a).await.unwrap();
    db.store
        .create_person(&t.worker, &person(&t.g2, "孙大明", "42020219850505015"))
        .await
        .unwrap();
    db.store
        .create_person(&t.worker, &person(&t.g1, "周明", "42020219850505023"))
        .await
        .unwrap();
    let full = id_no("42020219850505007");
    let spaced = format!("{} {} {}", &full[..6], &full[6..14], &full[14..]).to_lowercase();
    let s = db
        .store
        .search_persons(&t.worker, &spaced, 20, 0)
        .await
        .unwrap();
    assert_eq!(s.kind, SearchKind::IdCardNo);
    assert_eq!(s.persons.len(), 1);
    assert_eq!(s.persons[0].id, a.id);
    let s = db
        .store
        .search_persons(&t.worker, "139-1234-5678", 20, 0)
        .await
        .unwrap();
    assert_eq!((s.kind, s.persons.len()), (SearchKind::Phone, 1));
    let s = db
        .store
        .search_persons(&t.worker, "孙", 20, 0)
        .await
        .unwrap();
    let names: Vec<&str> = s.persons.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(s.kind, SearchKind::Name);
    assert_eq!(names, ["孙大明", "孙小明"]);
    // LIKE's wildcards are matched literally.
    assert!(
        db.store
            .search_persons(&t.worker, "%", 20, 0)
            .await
            .unwrap()
            .persons
            .is_empty()
    );
    // A wrong check digit is told as such, not answered with nobody.
    let mut typo = full.clone();
    typo.replace_range(17.., if full.ends_with('0') { "1" } else { "0" });
    assert!(matches!(
        db.store.search_persons(&t.worker, &typo, 20, 0).await,
        Err(StoreError::Invalid(_))
    ));
    // Outside the scope nobody is found, by number, phone or name.
    for q in [full.as_str(), "13912345678", "孙"] {
        assert!(
            db.store
                .search_persons(&t.neighbour, q, 20, 0)
                .await
                .unwrap()
                .persons
                .is_empty()
        );
        assert!(
            db.store
                .search_persons(&t.far, q, 20, 0)
                .await
                .unwrap()
                .persons
                .is_empty()
        );
    }
});

on_both!(unmasking_needs_a_reason_and_leaves_a_trace, |db| {
    let t = town(&db.store).await;
    let mut input = person(&t.g1, "吴九", "42020219600606008");
    input.phone = "0714-6251234".into();
    let p = db.store.create_person(&t.worker, &input).await.unwrap();
    let full = id_no("42020219600606008");
    let reason = "入户核查身份信息";
    assert!(matches!(
        db.store
            .unmask_person_field(&t.leader, "420202", &p.id, FieldKind::IdCardNo, reason)
            .await,
        Err(StoreError::Forbidden)
    ));
    let (field, code, _) = field_error(
        db.store
            .unmask_person_field(&t.worker, "420202", &p.id, FieldKind::IdCardNo, "看看")
            .await
            .unwrap_err(),
    );
    assert_eq!((field.as_str(), code), ("reason", "too_short"));
    assert!(matches!(
        db.store
            .unmask_person_field(&t.neighbour, "420202", &p.id, FieldKind::IdCardNo, reason)
            .await,
        Err(StoreError::NotFound)
    ));
    // Nothing was revealed so far, so nothing is logged.
    assert!(
        db.store
            .unmask_log(&t.center, None, 50, None)
            .await
            .unwrap()
            .is_empty()
    );
    let id = db
        .store
        .unmask_person_field(&t.worker, "420202", &p.id, FieldKind::IdCardNo, reason)
        .await
        .unwrap();
    assert_eq!(id, full);
    let phone = db
        .store
        .unmask_person_field(&t.worker, "420202", &p.id, FieldKind::Phone, reason)
        .await
        .unwrap();
    assert_eq!(phone, "0714-6251234");
    let log = db
        .store
        .unmask_log(&t.center, None, 50, None)
        .await
        .unwrap();
    let fields: Vec<&str> = log.iter().map(|l| l.field.as_str()).collect();
    assert_eq!(fields.len(), 2);
    assert!(fields.contains(&"id_card_no") && fields.contains(&"phone"));
    assert!(
        log.iter()
            .all(|l| l.reason == reason && l.actor_id == t.worker.user_id)
    );
    assert_eq!(log[0].person_name.as_deref(), Some("吴九"));
    let of_person = db
        .store
        .unmask_log(&t.center, Some(("420202", &p.id)), 50, None)
        .await
        .unwrap();
    assert_eq!(of_person.len(), 2);
    // Auditors of another county see none of it; grid workers do not read the log at all.
    let far_center = gridgov_core::auth::Actor {
        scope: gridgov_core::scope::ScopePath::from_path("43/"),
        ..t.center.clone()
    };
    assert!(
        db.store
            .unmask_log(&far_center, None, 50, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        db.store.unmask_log(&t.worker, None, 50, None).await,
        Err(StoreError::Forbidden)
    ));
    let page = db
        .store
        .person_page(&t.worker, "420202", &p.id)
        .await
        .unwrap();
    assert_eq!(page.history[0].action, "person.unmask");
    assert!(page.history.iter().all(|h| !h.summary.contains(&full)));
    let report = db.store.verify_audit().await.unwrap();
    assert!(report.first_broken.is_none(), "{:?}", report.first_broken);
});

on_both!(invisible_characters_make_no_reason_and_no_name, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let p = s
        .create_person(&t.worker, &person(&t.g1, "冯十一", "42020219600606016"))
        .await
        .unwrap();
    let zero_width = "\u{200B}\u{200B}\u{200B}\u{200B}";
    for hollow in [
        zero_width,
        "\u{200B}\u{200C}\u{200D}\u{FEFF}\u{2060}",
        "\u{202E}\u{200F}查看\u{3000}\u{3000}",
    ] {
        let (field, code, _) = field_error(
            s.unmask_person_field(&t.worker, "420202", &p.id, FieldKind::IdCardNo, hollow)
                .await
                .unwrap_err(),
        );
        assert_eq!(field, "reason", "{hollow:?}");
        // Nothing that shows is no reason at all; two characters that show are too short.
        assert!(
            ["required", "too_short"].contains(&code),
            "{hollow:?}: {code}"
        );
        let e = s
            .export_persons(&t.worker, None, Some(hollow))
            .await
            .err()
            .unwrap();
        assert_eq!(field_error(e).0, "reason", "{hollow:?}");
    }
    // Nothing was revealed, so nothing is logged.
    assert!(
        s.unmask_log(&t.center, None, 50, None)
            .await
            .unwrap()
            .is_empty()
    );
    // Four characters that show are enough, whatever invisible ones surround them.
    assert!(
        s.unmask_person_field(
            &t.worker,
            "420202",
            &p.id,
            FieldKind::IdCardNo,
            "\u{200B}核查身份\u{200B}"
        )
        .await
        .is_ok()
    );

    // The same rule holds wherever text is required: a person's name, a token's name.
    let (field, code, _) = field_error(
        s.create_person(
            &t.worker,
            &person(&t.g1, "\u{FEFF}\u{200B}", "42020219600606024"),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!((field.as_str(), code), ("name", "required"));
    let (field, _, _) = field_error(
        s.create_api_token(&t.worker, zero_width, None)
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "name");
});
