#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The one collection form on both backends: departments register forms and publish versions,
//! grid workers fill them in on the records of their grids, values keep the version they were
//! checked against, and nobody reads or writes values outside their scope.

use gridgov_core::auth::{Actor, Role};
use gridgov_core::forms::FormTarget;
use gridgov_store::forms::Form;
use gridgov_store::grids::GridInput;
use gridgov_store::on_both;
use gridgov_store::testing::{TestDb, add_user, seed_regions};
use gridgov_store::{StoreError, StoreResult};
use serde_json::{Value, json};

/// 新街社区 (district 420202) and 八泉社区 (district 420203) in the fixture.
const XINJIE: &str = "420202001001";
const BAQUAN: &str = "420203001001";

/// The people of the stories, with the grid of each community.
struct Town {
    /// Center operator of 黄石港区: edits base data and manages forms.
    op: Actor,
    /// A department handler (民政局) over the whole country: manages forms, edits no records.
    dept: Actor,
    /// Grid workers of 新街社区 and of 八泉社区.
    worker_a: Actor,
    worker_b: Actor,
    xinjie_grid: (String, String),
    baquan_grid: (String, String),
}

async fn town(db: &TestDb) -> Town {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let user = |name: &'static str, role: Role, scope: &'static str| {
        let store = db.store.clone();
        let sys = sys.clone();
        async move { add_user(&store, &sys, name, role, scope).await.actor() }
    };
    let grid = |region: &'static str| {
        let store = db.store.clone();
        let sys = sys.clone();
        async move {
            let g = store
                .create_grid(
                    &sys,
                    &GridInput {
                        region: region.into(),
                        code: "G1".into(),
                        name: "一网格".into(),
                        household_target: "400".into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .grid;
            (g.id, g.path)
        }
    };
    Town {
        op: user("op-a", Role::CenterOperator, "420202").await,
        dept: user("minzheng", Role::DepartmentHandler, "").await,
        worker_a: user("worker-a", Role::GridWorker, XINJIE).await,
        worker_b: user("worker-b", Role::GridWorker, BAQUAN).await,
        xinjie_grid: grid(XINJIE).await,
        baquan_grid: grid(BAQUAN).await,
    }
}

/// Inserts a base-data record by plain SQL: the store has no person or house API yet.
async fn add_record(db: &TestDb, kind: FormTarget, id: &str, (grid_id, path): &(String, String)) {
    let county = path.split('/').nth(2).unwrap();
    let sql = match kind {
        FormTarget::Persons => format!(
            "INSERT INTO persons (id, county_code, grid_id, path, name, id_card_sealed, \
             id_card_bidx, gender, birth_date, id_flags, ethnicity, registered_address, \
             residence_type, tags, created_at, updated_at) VALUES ('{id}', '{county}', \
             '{grid_id}', '{path}', '张三', 'v1.x', 'bidx-{id}', 'female', '1949-12-31', '', \
             '01', '', 'registered', '', 0, 0)"
        ),
        FormTarget::Houses => format!(
            "INSERT INTO houses (id, county_code, grid_id, path, building_id, unit, number, \
             house_use, created_at, updated_at) VALUES ('{id}', '{county}', '{grid_id}', \
             '{path}', 'b1', '1', '{id}', 'rented', 0, 0)"
        ),
        FormTarget::Places => format!(
            "INSERT INTO places (id, county_code, grid_id, path, name, kind, address, \
             created_at, updated_at) VALUES ('{id}', '{county}', '{grid_id}', '{path}', \
             '{id}', 'shop', '', 0, 0)"
        ),
        FormTarget::Organizations => format!(
            "INSERT INTO organizations (id, county_code, grid_id, path, name, kind, address, \
             contact, phone, created_at, updated_at) VALUES ('{id}', '{county}', '{grid_id}', \
             '{path}', '{id}', 'enterprise', '', '', '', 0, 0)"
        ),
    };
    db.store.execute_raw_for_tests(&sql).await.unwrap();
}

/// The civil-affairs bureau's elderly-care form, version 1.
fn care_v1() -> Value {
    json!({
        "target": "persons", "key": "elderly_care", "title_zh": "居家养老服务登记",
        "title_en": "Home elderly care", "department": "民政局",
        "fields": [
            {"key": "living", "label_zh": "居住状况", "label_en": "Living", "type": "choice",
                "options": ["独居", "空巢", "与子女同住"], "required": true},
            {"key": "pension", "label_zh": "养老金（元/月）", "label_en": "Pension",
                "type": "number", "min": 0, "max": 100000},
            {"key": "note", "label_zh": "备注", "type": "text", "max_len": 100}
        ]
    })
}

/// Version 2: the pension is no longer asked, the note becomes required, a label changes.
fn care_v2() -> Value {
    json!({
        "target": "persons", "key": "elderly_care", "title_zh": "居家养老服务登记（2027版）",
        "department": "民政局",
        "fields": [
            {"key": "living", "label_zh": "居住情况", "type": "choice",
                "options": ["独居", "空巢", "与子女同住", "养老机构"], "required": true},
            {"key": "note", "label_zh": "走访记录", "type": "text", "required": true}
        ]
    })
}

fn one_field_form(target: &str, key: &str) -> Value {
    json!({
        "target": target, "key": key, "title_zh": key, "department": "住建局",
        "fields": [{"key": "checked", "label_zh": "已核查", "type": "choice",
            "options": ["是", "否"], "required": true}]
    })
}

/// The (field, code) pairs of a rejection.
fn invalid<T: std::fmt::Debug>(r: StoreResult<T>) -> Vec<(String, &'static str)> {
    match r {
        Err(StoreError::Invalid(i)) => i.0.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn pair(field: &str, code: &'static str) -> (String, &'static str) {
    (field.to_owned(), code)
}

fn not_found<T: std::fmt::Debug>(r: StoreResult<T>) {
    assert!(
        matches!(r, Err(StoreError::NotFound)),
        "expected not found, got {r:?}"
    );
}

fn labels(f: &gridgov_core::forms::FormDefinition) -> Vec<&str> {
    f.fields.iter().map(|f| f.label_zh.as_str()).collect()
}

async fn form_actions(db: &TestDb) -> Vec<(String, String, Value)> {
    db.store
        .list_audit(&Actor::system(), 500, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action.starts_with("form"))
        .map(|r| {
            let summary = serde_json::from_str(&r.summary).unwrap();
            (r.action, r.resource, summary)
        })
        .collect()
}

on_both!(departments_register_forms_and_publish_versions, |db| {
    let t = town(&db).await;
    let care: Form = db.store.create_form(&t.dept, &care_v1()).await.unwrap();
    assert_eq!(care.summary.key, "elderly_care");
    assert_eq!(care.summary.target, FormTarget::Persons);
    assert_eq!(care.summary.current_version, 1);
    assert_eq!(care.summary.created_by, t.dept.user_id);
    assert_eq!(care.versions.len(), 1);
    assert_eq!(care.current().unwrap().definition.fields.len(), 3);
    db.store
        .create_form(&t.op, &one_field_form("houses", "rental_check"))
        .await
        .unwrap();

    // Everyone who sees base data sees the forms, whatever their scope.
    let all = db.store.forms(&t.worker_b, None).await.unwrap();
    let keys: Vec<&str> = all.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["rental_check", "elderly_care"]);
    let persons = db
        .store
        .forms(&t.worker_a, Some(FormTarget::Persons))
        .await
        .unwrap();
    assert_eq!(persons.len(), 1);
    assert_eq!(persons[0].title_zh, "居家养老服务登记");
    assert_eq!(
        db.store.form(&t.worker_b, &care.summary.id).await.unwrap(),
        care
    );
    not_found(db.store.form(&t.worker_a, "no-such-form").await);

    // One form per key and target; a faulty definition names every fault.
    match db.store.create_form(&t.op, &care_v1()).await {
        Err(StoreError::Conflict(f)) => assert_eq!((f.field.as_str(), f.code), ("key", "taken")),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let mut bad = care_v1();
    bad["fields"][0]["options"] = json!(["独居", "独居"]);
    bad["fields"][1]["min"] = json!(10);
    bad["fields"][1]["max"] = json!(1);
    assert_eq!(
        invalid(db.store.create_form(&t.op, &bad).await),
        [
            pair("fields[0].options[1]", "duplicate_option"),
            pair("fields[1].min", "min_above_max"),
        ]
    );
    // Grid workers fill forms in; they do not make them.
    assert!(matches!(
        db.store
            .create_form(&t.worker_a, &one_field_form("places", "x"))
            .await,
        Err(StoreError::Forbidden)
    ));
    let sys = Actor::system();
    let informant = add_user(&db.store, &sys, "informant", Role::Informant, XINJIE).await;
    assert!(matches!(
        db.store.forms(&informant.actor(), None).await,
        Err(StoreError::Forbidden)
    ));

    // A new version keeps the form's key and target.
    let mut other = care_v2();
    other["key"] = json!("elderly_care_2");
    other["target"] = json!("houses");
    assert_eq!(
        invalid(
            db.store
                .publish_version(&t.dept, &care.summary.id, &other)
                .await
        ),
        [pair("key", "key_fixed"), pair("target", "target_fixed")]
    );
    not_found(
        db.store
            .publish_version(&t.dept, "no-such-form", &care_v2())
            .await,
    );
    let v2 = db
        .store
        .publish_version(&t.dept, &care.summary.id, &care_v2())
        .await
        .unwrap();
    assert_eq!(v2.summary.current_version, 2);
    assert_eq!(v2.summary.title_zh, "居家养老服务登记（2027版）");
    let versions: Vec<i64> = v2.versions.iter().map(|v| v.version).collect();
    assert_eq!(versions, [1, 2]);
    assert_eq!(labels(&v2.versions[0].definition)[0], "居住状况");

    let actions: Vec<(String, String)> = form_actions(&db)
        .await
        .into_iter()
        .map(|(a, r, _)| (a, r))
        .collect();
    let stream = format!("form:{}", care.summary.id);
    assert!(actions.contains(&("form.create".into(), stream.clone())));
    assert!(actions.contains(&("form.publish".into(), stream)));
});

on_both!(a_new_version_never_invalidates_stored_values, |db| {
    let t = town(&db).await;
    add_record(&db, FormTarget::Persons, "p1", &t.xinjie_grid).await;
    let care = db.store.create_form(&t.dept, &care_v1()).await.unwrap();
    let id = care.summary.id.as_str();
    let v1_values = json!({"living": "独居", "pension": "1800", "note": "腿脚不便"});
    let saved = db
        .store
        .set_values(&t.worker_a, FormTarget::Persons, "p1", id, &v1_values)
        .await
        .unwrap();
    assert_eq!(saved.version, 1);
    assert_eq!(saved.values["pension"], 1800);

    // Version 2 drops the pension and makes the note required.
    db.store
        .publish_version(&t.dept, id, &care_v2())
        .await
        .unwrap();

    // The stored values still read back whole, with version 1's labels.
    let all = db
        .store
        .values_of(&t.worker_a, FormTarget::Persons, "p1")
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let stored = &all[0];
    assert_eq!((stored.version, stored.current_version), (1, 2));
    assert_eq!(
        labels(&stored.definition),
        ["居住状况", "养老金（元/月）", "备注"]
    );
    assert_eq!(
        json!(stored.values),
        json!({"living": "独居", "pension": 1800, "note": "腿脚不便"})
    );
    assert_eq!(stored.form_key, "elderly_care");
    let one = db
        .store
        .record_form(&t.worker_a, FormTarget::Persons, "p1", id)
        .await
        .unwrap();
    assert_eq!(&one, stored);

    // Saving again must satisfy version 2.
    assert_eq!(
        invalid(
            db.store
                .set_values(&t.worker_a, FormTarget::Persons, "p1", id, &v1_values)
                .await
        ),
        [pair("pension", "unknown_field")]
    );
    assert_eq!(
        invalid(
            db.store
                .set_values(
                    &t.worker_a,
                    FormTarget::Persons,
                    "p1",
                    id,
                    &json!({"living": "空巢"})
                )
                .await
        ),
        [pair("note", "required")]
    );
    let again = db
        .store
        .set_values(
            &t.worker_a,
            FormTarget::Persons,
            "p1",
            id,
            &json!({"living": "养老机构", "note": "已入住福利院"}),
        )
        .await
        .unwrap();
    assert_eq!((again.version, again.current_version), (2, 2));
    let now = db
        .store
        .values_of(&t.worker_a, FormTarget::Persons, "p1")
        .await
        .unwrap();
    assert_eq!(now[0].version, 2);
    assert_eq!(labels(&now[0].definition), ["居住情况", "走访记录"]);
    assert_eq!(
        json!(now[0].values),
        json!({"living": "养老机构", "note": "已入住福利院"})
    );
});

on_both!(rejected_values_leave_nothing_written, |db| {
    let t = town(&db).await;
    add_record(&db, FormTarget::Persons, "p1", &t.xinjie_grid).await;
    let care = db.store.create_form(&t.dept, &care_v1()).await.unwrap();
    let id = care.summary.id.as_str();
    let audit_before = form_actions(&db).await.len();
    assert_eq!(
        invalid(
            db.store
                .set_values(
                    &t.worker_a,
                    FormTarget::Persons,
                    "p1",
                    id,
                    &json!({"pension": "很多", "note": "x".repeat(101)}),
                )
                .await
        ),
        [
            pair("living", "required"),
            pair("pension", "not_a_number"),
            pair("note", "too_long")
        ]
    );
    assert!(
        db.store
            .values_of(&t.op, FormTarget::Persons, "p1")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(form_actions(&db).await.len(), audit_before);

    // A good save, then a bad one: the good one stays.
    let good = json!({"living": "空巢"});
    db.store
        .set_values(&t.worker_a, FormTarget::Persons, "p1", id, &good)
        .await
        .unwrap();
    invalid(
        db.store
            .set_values(
                &t.worker_a,
                FormTarget::Persons,
                "p1",
                id,
                &json!({"living": "合租"}),
            )
            .await,
    );
    let stored = db
        .store
        .values_of(&t.op, FormTarget::Persons, "p1")
        .await
        .unwrap();
    assert_eq!(json!(stored[0].values), good);
    assert_eq!(
        stored[0].updated_by.as_deref(),
        Some(t.worker_a.user_id.as_str())
    );
});

on_both!(outside_the_scope_values_are_neither_read_nor_set, |db| {
    let t = town(&db).await;
    add_record(&db, FormTarget::Persons, "p1", &t.xinjie_grid).await;
    let care = db.store.create_form(&t.dept, &care_v1()).await.unwrap();
    let id = care.summary.id.as_str();
    let values = json!({"living": "独居"});
    // The grid worker of 八泉社区 and an operator of 西塞山区 get the answer a missing record gets.
    let op_b = add_user(
        &db.store,
        &Actor::system(),
        "op-b",
        Role::CenterOperator,
        "420203",
    )
    .await
    .actor();
    for outsider in [&t.worker_b, &op_b] {
        not_found(
            db.store
                .set_values(outsider, FormTarget::Persons, "p1", id, &values)
                .await,
        );
        not_found(
            db.store
                .values_of(outsider, FormTarget::Persons, "p1")
                .await,
        );
        not_found(
            db.store
                .record_form(outsider, FormTarget::Persons, "p1", id)
                .await,
        );
    }
    not_found(
        db.store
            .set_values(&t.worker_a, FormTarget::Persons, "p9", id, &values)
            .await,
    );
    assert!(
        db.store
            .values_of(&t.worker_a, FormTarget::Persons, "p1")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        form_actions(&db)
            .await
            .iter()
            .all(|(a, _, _)| a != "form_values.set")
    );

    // Inside the scope: the grid's worker, the district's operator, and the whole country.
    db.store
        .set_values(&t.worker_a, FormTarget::Persons, "p1", id, &values)
        .await
        .unwrap();
    for insider in [&t.worker_a, &t.op, &Actor::system()] {
        let v = db
            .store
            .values_of(insider, FormTarget::Persons, "p1")
            .await
            .unwrap();
        assert_eq!(json!(v[0].values), values);
    }
    // A record of 八泉社区 is the other worker's, and not the first's.
    add_record(&db, FormTarget::Persons, "p2", &t.baquan_grid).await;
    db.store
        .set_values(&t.worker_b, FormTarget::Persons, "p2", id, &values)
        .await
        .unwrap();
    not_found(
        db.store
            .values_of(&t.worker_a, FormTarget::Persons, "p2")
            .await,
    );
    // Reading needs the right to see base data, writing the right to edit it.
    let leader = add_user(
        &db.store,
        &Actor::system(),
        "leader",
        Role::Leader,
        "420202",
    )
    .await
    .actor();
    assert!(
        db.store
            .values_of(&leader, FormTarget::Persons, "p1")
            .await
            .is_ok()
    );
    assert!(matches!(
        db.store
            .set_values(&leader, FormTarget::Persons, "p1", id, &values)
            .await,
        Err(StoreError::Forbidden)
    ));
});

on_both!(every_kind_of_record_takes_its_own_forms, |db| {
    let t = town(&db).await;
    for (kind, key) in [
        (FormTarget::Houses, "rental_check"),
        (FormTarget::Places, "fire_check"),
        (FormTarget::Organizations, "party_check"),
    ] {
        add_record(&db, kind, "r1", &t.xinjie_grid).await;
        let f = db
            .store
            .create_form(&t.op, &one_field_form(kind.as_str(), key))
            .await
            .unwrap();
        // Before anything is stored, the record shows the current version, empty.
        let empty = db
            .store
            .record_form(&t.worker_a, kind, "r1", &f.summary.id)
            .await
            .unwrap();
        assert_eq!(
            (empty.version, empty.values.len(), empty.updated_at),
            (1, 0, None)
        );
        db.store
            .set_values(
                &t.worker_a,
                kind,
                "r1",
                &f.summary.id,
                &json!({"checked": "是"}),
            )
            .await
            .unwrap();
        let v = db.store.values_of(&t.worker_a, kind, "r1").await.unwrap();
        assert_eq!((v.len(), v[0].form_key.as_str()), (1, key), "{kind}");
        // The same id in another kind's table is another record, and there is none.
        not_found(
            db.store
                .values_of(&t.worker_a, FormTarget::Persons, "r1")
                .await,
        );
    }
    // A person form does not go on a house.
    let care = db.store.create_form(&t.dept, &care_v1()).await.unwrap();
    assert_eq!(
        invalid(
            db.store
                .set_values(
                    &t.worker_a,
                    FormTarget::Houses,
                    "r1",
                    &care.summary.id,
                    &json!({"living": "独居"}),
                )
                .await
        ),
        [pair("form_id", "wrong_target")]
    );
    not_found(
        db.store
            .record_form(&t.worker_a, FormTarget::Houses, "r1", &care.summary.id)
            .await,
    );
    not_found(
        db.store
            .set_values(
                &t.worker_a,
                FormTarget::Houses,
                "r1",
                "no-such-form",
                &json!({}),
            )
            .await,
    );
});

on_both!(values_are_audited_by_what_changed_not_by_content, |db| {
    let t = town(&db).await;
    add_record(&db, FormTarget::Persons, "p1", &t.xinjie_grid).await;
    let care = db.store.create_form(&t.dept, &care_v1()).await.unwrap();
    let id = care.summary.id.as_str();
    let set = |values: Value| {
        let store = db.store.clone();
        let actor = t.worker_a.clone();
        let id = id.to_owned();
        async move {
            store
                .set_values(&actor, FormTarget::Persons, "p1", &id, &values)
                .await
                .unwrap()
        }
    };
    set(json!({"living": "独居", "pension": 1800})).await;
    set(json!({"living": "独居", "pension": 1900, "note": "补发"})).await;
    // Saving what is stored writes nothing.
    db.clock.advance_ms(60_000);
    let same = set(json!({"living": "独居", "pension": "1900", "note": " 补发 "})).await;
    let sets: Vec<(String, Value)> = form_actions(&db)
        .await
        .into_iter()
        .filter(|(a, _, _)| a == "form_values.set")
        .map(|(_, r, s)| (r, s))
        .collect();
    assert_eq!(sets.len(), 2);
    assert!(same.updated_at.unwrap() < db.store.now_ms());
    // Newest first.
    assert_eq!(sets[0].0, "person:p1");
    assert_eq!(sets[0].1["changed"], json!(["note", "pension"]));
    assert_eq!(sets[1].1["changed"], json!(["living", "pension"]));
    assert_eq!(sets[0].1["version"], 1);
    assert!(!sets.iter().any(|(_, s)| s.to_string().contains("独居")));
    assert_eq!(db.store.verify_audit().await.unwrap().first_broken, None);
});
