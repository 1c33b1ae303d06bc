#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The one collection form through the JSON API: a department registers a form and publishes a
//! new version, a grid worker fills it in on a resident's record, on both databases: statuses,
//! error shapes, and that scope holds at every endpoint.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_store::grids::GridInput;
use gridgov_store::on_both;
use gridgov_store::testing::{TestDb, add_user, seed_regions};
use serde_json::{Value, json};
use support::{Client, Reply};

const XINJIE: &str = "420202001001";

/// Regions, a grid in 新街社区 with one resident (`p1`), and the people of the story.
async fn seeded(db: &TestDb) {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    add_user(&db.store, &sys, "minzheng", Role::DepartmentHandler, "").await;
    add_user(&db.store, &sys, "worker-a", Role::GridWorker, XINJIE).await;
    add_user(
        &db.store,
        &sys,
        "worker-b",
        Role::GridWorker,
        "420203001001",
    )
    .await;
    let g = db
        .store
        .create_grid(
            &sys,
            &GridInput {
                region: XINJIE.into(),
                code: "G01".into(),
                name: "新街一网格".into(),
                household_target: "400".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .grid;
    // The person API does not exist yet; the record goes in by plain SQL.
    db.store
        .execute_raw_for_tests(&format!(
            "INSERT INTO persons (id, county_code, grid_id, path, name, id_card_sealed, \
             id_card_bidx, gender, birth_date, id_flags, ethnicity, registered_address, \
             residence_type, tags, created_at, updated_at) VALUES ('p1', '{}', '{}', '{}', \
             '张三', 'v1.x', 'bidx-p1', 'female', '1949-12-31', '', '01', '', 'registered', '', \
             0, 0)",
            g.county_code, g.id, g.path
        ))
        .await
        .unwrap();
}

fn care(version_title: &str, note_required: bool) -> Value {
    json!({
        "target": "persons", "key": "elderly_care", "title_zh": version_title,
        "title_en": "Home elderly care", "department": "民政局",
        "fields": [
            {"key": "living", "label_zh": "居住状况", "label_en": "Living", "type": "choice",
                "options": ["独居", "空巢", "与子女同住"], "required": true},
            {"key": "pension", "label_zh": "养老金", "label_en": "Pension", "type": "number",
                "min": 0, "max": 100000},
            {"key": "note", "label_zh": "备注", "label_en": "Note", "type": "text",
                "required": note_required}
        ]
    })
}

/// The (field, code) pairs of an error body.
fn fields(r: &Reply) -> Vec<(String, String)> {
    r.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

on_both!(
    a_department_registers_a_form_and_publishes_a_version,
    |db| {
        seeded(&db).await;
        let mut c = Client::new(&db);
        let dept = c.token("minzheng").await;
        let worker = c.token("worker-a").await;

        let r = c
            .api(
                "POST",
                "/api/v1/forms",
                Some(&dept),
                Some(care("养老登记", false)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let form = r.json();
        let id = form["form"]["id"].as_str().unwrap().to_owned();
        assert_eq!(form["form"]["target"], "persons");
        assert_eq!(form["form"]["target_zh"], "人口");
        assert_eq!(form["form"]["current_version"], 1);
        assert_eq!(
            form["versions"][0]["definition"]["fields"][1]["type"],
            "number"
        );

        // The same key again is a conflict; a faulty definition names every fault by place.
        let r = c
            .api(
                "POST",
                "/api/v1/forms",
                Some(&dept),
                Some(care("再来", false)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(fields(&r), [pair("key", "taken")]);
        let mut bad = care("错的", false);
        bad["key"] = json!("Elderly");
        bad["fields"][0]["options"] = json!(["独居", ""]);
        let r = c.api("POST", "/api/v1/forms", Some(&dept), Some(bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            fields(&r),
            [
                pair("key", "bad_key"),
                pair("fields[0].options[1]", "empty_option")
            ]
        );
        assert!(
            r.json()["fields"][1]["zh"]
                .as_str()
                .unwrap()
                .contains("选项不能为空")
        );
        // Grid workers fill forms in; they do not make them.
        let r = c
            .api(
                "POST",
                "/api/v1/forms",
                Some(&worker),
                Some(care("x", false)),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Listed for everyone who sees base data, by target.
        let r = c
            .api("GET", "/api/v1/forms?target=persons", Some(&worker), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json().as_array().unwrap().len(), 1);
        let r = c
            .api("GET", "/api/v1/forms?target=houses", Some(&worker), None)
            .await;
        assert_eq!(r.json(), json!([]));
        let r = c
            .api("GET", "/api/v1/forms?target=cars", Some(&worker), None)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&r), [pair("target", "unknown_target")]);
        assert_eq!(
            c.api("GET", "/api/v1/forms/nope", Some(&worker), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // A new version: key and target stay; the old version stays readable.
        let mut moved = care("换对象", false);
        moved["target"] = json!("houses");
        let r = c
            .api(
                "POST",
                &format!("/api/v1/forms/{id}/versions"),
                Some(&dept),
                Some(moved),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&r), [pair("target", "target_fixed")]);
        let r = c
            .api(
                "POST",
                &format!("/api/v1/forms/{id}/versions"),
                Some(&dept),
                Some(care("养老登记（二版）", true)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = c
            .api("GET", &format!("/api/v1/forms/{id}"), Some(&worker), None)
            .await;
        let f = r.json();
        assert_eq!(f["form"]["current_version"], 2);
        assert_eq!(f["form"]["title_zh"], "养老登记（二版）");
        assert_eq!(f["versions"].as_array().unwrap().len(), 2);
        assert_eq!(f["versions"][0]["definition"]["title_zh"], "养老登记");
    }
);

on_both!(a_grid_worker_fills_in_a_form_on_a_resident, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let dept = c.token("minzheng").await;
    let worker = c.token("worker-a").await;
    let other = c.token("worker-b").await;
    let r = c
        .api(
            "POST",
            "/api/v1/forms",
            Some(&dept),
            Some(care("养老登记", false)),
        )
        .await;
    let id = r.json()["form"]["id"].as_str().unwrap().to_owned();
    let at = format!("/api/v1/records/persons/p1/forms/{id}");

    // Nothing stored yet: the current version, no values.
    let r = c.api("GET", &at, Some(&worker), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["values"], json!({}));
    assert_eq!(r.json()["updated_at"], Value::Null);

    // Faults come back by key, in both languages, and nothing is stored.
    let r = c
        .api(
            "PUT",
            &at,
            Some(&worker),
            Some(json!({"values": {"pension": "很多", "pet": "猫"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&r),
        [
            pair("living", "required"),
            pair("pension", "not_a_number"),
            pair("pet", "unknown_field"),
        ]
    );
    let body = r.json();
    let first = &body["fields"][0];
    assert_eq!(first["zh"], "居住状况：必填");
    assert_eq!(first["en"], "Living: is required");
    let r = c
        .api(
            "GET",
            "/api/v1/records/persons/p1/forms",
            Some(&worker),
            None,
        )
        .await;
    assert_eq!(r.json(), json!([]));
    let r = c.api("PUT", &at, Some(&worker), Some(json!({}))).await;
    assert_eq!(fields(&r), [pair("values", "not_an_object")]);

    let r = c
        .api(
            "PUT",
            &at,
            Some(&worker),
            Some(json!({"values": {"living": "独居", "pension": "1800.0"}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json()["values"],
        json!({"living": "独居", "pension": 1800})
    );
    assert_eq!(r.json()["outdated"], false);

    // A new version that makes the note required leaves the stored values as they were.
    c.api(
        "POST",
        &format!("/api/v1/forms/{id}/versions"),
        Some(&dept),
        Some(care("养老登记（二版）", true)),
    )
    .await;
    let r = c.api("GET", &at, Some(&worker), None).await;
    let v = r.json();
    assert_eq!(
        (v["version"].clone(), v["current_version"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(v["outdated"], true);
    assert_eq!(v["definition"]["fields"][2]["required"], false);
    assert_eq!(v["values"]["pension"], 1800);
    let r = c
        .api(
            "PUT",
            &at,
            Some(&worker),
            Some(json!({"values": {"living": "独居"}})),
        )
        .await;
    assert_eq!(fields(&r), [pair("note", "required")]);
    let list = c
        .api(
            "GET",
            "/api/v1/records/persons/p1/forms",
            Some(&worker),
            None,
        )
        .await;
    assert_eq!(list.json()[0]["form_key"], "elderly_care");
    assert_eq!(list.json()[0]["version"], 1);

    // Another grid's worker gets what a missing record gets, reading and writing.
    for (method, body) in [
        ("GET", None),
        ("PUT", Some(json!({"values": {"living": "空巢"}}))),
    ] {
        let r = c.api(method, &at, Some(&other), body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(r.json()["code"], "not_found");
    }
    let r = c
        .api(
            "GET",
            "/api/v1/records/persons/p1/forms",
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let missing = format!("/api/v1/records/persons/p2/forms/{id}");
    assert_eq!(
        c.api("GET", &missing, Some(&worker), None).await.status,
        StatusCode::NOT_FOUND
    );
    let cars = format!("/api/v1/records/cars/p1/forms/{id}");
    assert_eq!(
        c.api("GET", &cars, Some(&worker), None).await.status,
        StatusCode::NOT_FOUND
    );
    let r = c.api("GET", &at, Some(&worker), None).await;
    assert_eq!(r.json()["values"]["living"], "独居");
    // Without a token: 401.
    assert_eq!(
        c.api("GET", &at, None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
});

on_both!(the_form_endpoints_are_documented, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let doc = c.get("/api/v1/openapi.json").await.json();
    let paths = &doc["paths"];
    for (p, ops) in [
        ("/api/v1/forms", &["get", "post"][..]),
        ("/api/v1/forms/{id}", &["get"]),
        ("/api/v1/forms/{id}/versions", &["post"]),
        ("/api/v1/records/{kind}/{id}/forms", &["get"]),
        (
            "/api/v1/records/{kind}/{id}/forms/{form_id}",
            &["get", "put"],
        ),
    ] {
        for op in ops {
            assert!(paths[p][op]["operationId"].is_string(), "{op} {p}");
        }
    }
    let schemas = &doc["components"]["schemas"];
    for s in [
        "FormDefinitionDoc",
        "FormFieldDoc",
        "FormDetail",
        "RecordFormView",
        "SetValues",
    ] {
        assert!(schemas[s].is_object(), "schema {s} missing");
    }
    assert!(schemas["FormFieldDoc"]["properties"]["type"].is_object());
});
