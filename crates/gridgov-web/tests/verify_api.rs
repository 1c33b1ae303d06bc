#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Verification tasks through the JSON API: a survey compared with the records by the store,
//! then a grid worker lists, claims and decides over HTTP, on both databases: statuses, error
//! shapes and scope at each endpoint, and a decision that would move a person out of scope.

mod support;

use std::sync::Arc;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_core::base_data::RecordKind;
use gridgov_core::ids::id_check_char;
use gridgov_store::base::BaseImportOptions;
use gridgov_store::grids::GridInput;
use gridgov_store::on_both;
use gridgov_store::sheets::SheetReader;
use gridgov_store::testing::{TestDb, add_user, seed_regions};
use gridgov_store::verify::CompareOptions;
use serde_json::json;
use support::Client;

const XINJIE: &str = "420202001001";
const HUBIN: &str = "420202001002";

fn id(seq: u32) -> String {
    let first17 = format!("42020219800101{seq:03}");
    format!("{first17}{}", id_check_char(&first17).unwrap())
}

fn csv(rows: &[(&str, u32, &str)]) -> Box<SheetReader> {
    let mut text = "所属网格,姓名,公民身份号码,联系电话,人口类型\n".to_owned();
    for (name, seq, phone) in rows {
        text.push_str(&format!(
            "420202001001-G1,{name},{},{phone},户籍\n",
            id(*seq)
        ));
    }
    Box::new(SheetReader::from_bytes("test.csv", text.into_bytes(), 1 << 20).unwrap())
}

/// Records of 张三 and 李四 in 新街 G1, a survey that changes 张三's phone and lacks 李四.
async fn seeded(db: &TestDb) {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    for (name, role, scope) in [
        ("worker-a", Role::GridWorker, XINJIE),
        ("worker-a2", Role::GridWorker, XINJIE),
        ("worker-b", Role::GridWorker, "420203001001"),
    ] {
        add_user(&db.store, &sys, name, role, scope).await;
    }
    db.store
        .create_grid(
            &sys,
            &GridInput {
                region: XINJIE.into(),
                code: "G1".into(),
                name: "新街一网格".into(),
                household_target: "400".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let opts = BaseImportOptions {
        accept_valid: false,
        source: "户籍".into(),
        file_name: "hj.csv".into(),
    };
    let records = csv(&[("张三", 1, "13812345678"), ("李四", 3, "")]);
    let r = db
        .store
        .import_base(&sys, RecordKind::Persons, records, &opts, Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(r.committed, "{r:?}");
    let survey = csv(&[("张三", 1, "13812340000")]);
    let opts = CompareOptions {
        source: "社区摸排".into(),
        file_name: "survey.csv".into(),
        ..CompareOptions::default()
    };
    let r = db
        .store
        .compare_source(&sys, survey, &opts, Arc::new(|_| {}))
        .await
        .unwrap();
    assert_eq!(
        (r.counts.differs, r.counts.missing_in_source),
        (1, 1),
        "{r:?}"
    );
}

on_both!(a_worker_claims_and_decides_over_http, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let worker = c.token("worker-a").await;
    let colleague = c.token("worker-a2").await;
    let outsider = c.token("worker-b").await;

    let r = c
        .api("GET", "/api/v1/verification/tasks", Some(&worker), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let tasks = r.json();
    assert_eq!(tasks.as_array().unwrap().len(), 2);
    let zhang = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "张三")
        .unwrap()
        .clone();
    assert_eq!(zhang["kind"], "differs");
    assert_eq!(
        zhang["fields"],
        json!([{"field": "phone", "differs": true}])
    );
    assert!(!r.body.contains("138"), "no phone in the clear");
    let task = zhang["id"].as_str().unwrap().to_owned();

    let r = c
        .api(
            "GET",
            "/api/v1/verification/tasks?kind=lost",
            Some(&worker),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .api("GET", "/api/v1/verification/tasks", Some(&outsider), None)
        .await;
    assert_eq!(r.json(), json!([]));
    let claim = format!("/api/v1/verification/tasks/{task}/claim");
    let decide = format!("/api/v1/verification/tasks/{task}/decision");
    assert_eq!(
        c.api("POST", &claim, Some(&outsider), None).await.status,
        StatusCode::NOT_FOUND
    );
    let r = c.api("POST", &claim, Some(&worker), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "claimed");
    let r = c.api("POST", &claim, Some(&colleague), None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["fields"][0]["code"], "task_claimed");

    // A faulty correction names its field; an unknown decision is refused.
    let bad = json!({"decision": "correct", "values": {"phone": "12"}});
    let r = c.api("POST", &decide, Some(&worker), Some(bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "phone");
    let odd = json!({"decision": "shrug"});
    let r = c.api("POST", &decide, Some(&worker), Some(odd)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let take = json!({"decision": "take_source", "note": "电话已更换"});
    assert_eq!(
        c.api("POST", &decide, Some(&outsider), Some(take.clone()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = c
        .api("POST", &decide, Some(&worker), Some(take.clone()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "resolved");
    assert_eq!(r.json()["decision"], "take_source");
    let r = c.api("POST", &decide, Some(&worker), Some(take)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The spec lists the endpoints with unique operation ids.
    let doc = c
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    assert_eq!(
        doc["paths"]["/api/v1/verification/tasks/{id}/decision"]["post"]["operationId"],
        "decide_verification_task"
    );
});

/// 张三 recorded in 新街 G1; the county center's survey has him in 湖滨 G1 next door.
async fn survey_across_villages(db: &TestDb) {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    add_user(&db.store, &sys, "worker-a", Role::GridWorker, XINJIE).await;
    add_user(&db.store, &sys, "op-a", Role::CenterOperator, "420202").await;
    for region in [XINJIE, HUBIN] {
        db.store
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
            .unwrap();
    }
    let opts = BaseImportOptions {
        accept_valid: false,
        source: "户籍".into(),
        file_name: "hj.csv".into(),
    };
    let records = csv(&[("张三", 1, "")]);
    let r = db
        .store
        .import_base(&sys, RecordKind::Persons, records, &opts, Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(r.committed, "{r:?}");
    let survey = format!(
        "所属网格,姓名,公民身份号码,人口类型\n420202001002-G1,张三,{},户籍\n",
        id(1)
    );
    let survey = SheetReader::from_bytes("s.csv", survey.into_bytes(), 1 << 20).unwrap();
    let opts = CompareOptions {
        source: "社区摸排".into(),
        file_name: "survey.csv".into(),
        ..CompareOptions::default()
    };
    let r = db
        .store
        .compare_source(&sys, Box::new(survey), &opts, Arc::new(|_| {}))
        .await
        .unwrap();
    assert_eq!(r.counts.differs, 1, "{r:?}");
}

on_both!(
    a_worker_cannot_take_a_source_row_that_moves_a_person_away,
    |db| {
        survey_across_villages(&db).await;
        let mut c = Client::new(&db);
        let worker = c.token("worker-a").await;
        let center = c.token("op-a").await;
        let tasks = c
            .api("GET", "/api/v1/verification/tasks", Some(&worker), None)
            .await
            .json();
        let task = tasks[0]["id"].as_str().unwrap().to_owned();
        let person = format!(
            "/api/v1/persons/420202/{}",
            tasks[0]["person_id"].as_str().unwrap()
        );
        let claim = format!("/api/v1/verification/tasks/{task}/claim");
        let decide = format!("/api/v1/verification/tasks/{task}/decision");
        let take = json!({"decision": "take_source", "note": "已搬到湖滨"});
        assert_eq!(
            c.api("POST", &claim, Some(&worker), None).await.status,
            StatusCode::OK
        );

        // Refused by name, in both languages; nothing written, the task still the worker's.
        let r = c
            .api("POST", &decide, Some(&worker), Some(take.clone()))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let field = &r.json()["fields"][0];
        assert_eq!(
            (field["field"].as_str(), field["code"].as_str()),
            (Some("grid"), Some("source_grid_outside_scope"))
        );
        assert!(field["zh"].as_str().unwrap().contains("管辖范围"));
        assert!(field["en"].as_str().unwrap().contains("outside your scope"));
        let r = c
            .api(
                "GET",
                &format!("/api/v1/verification/tasks/{task}"),
                Some(&worker),
                None,
            )
            .await;
        assert_eq!(r.json()["status"], "claimed");
        let r = c.api("GET", &person, Some(&worker), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let kept = &r.json()["person"];
        assert_eq!(
            (kept["version"].as_i64(), kept["grid_code"].as_str()),
            (Some(1), Some("G1"))
        );
        assert!(kept["path"].as_str().unwrap().contains(XINJIE));

        // Handed up, the county center takes the source; the person leaves the worker's sight.
        let release = format!("/api/v1/verification/tasks/{task}/release");
        assert_eq!(
            c.api("POST", &release, Some(&worker), None).await.status,
            StatusCode::OK
        );
        assert_eq!(
            c.api("POST", &claim, Some(&center), None).await.status,
            StatusCode::OK
        );
        let r = c.api("POST", &decide, Some(&center), Some(take)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            c.api("GET", &person, Some(&worker), None).await.status,
            StatusCode::NOT_FOUND
        );
    }
);
