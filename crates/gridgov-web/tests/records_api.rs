#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Base data records through the JSON API: a grid worker records a person, a building and a
//! house, finds the person again, unmasks a number with a reason; numbers are masked everywhere
//! else; a worker of another village gets 404 at every address; exports are masked by default.
//! On both databases.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_core::ids::id_check_char;
use gridgov_store::grids::GridInput;
use gridgov_store::on_both;
use gridgov_store::testing::{TestDb, add_user, seed_regions};
use serde_json::json;
use support::Client;

fn id_no(first17: &str) -> String {
    format!("{first17}{}", id_check_char(first17).unwrap())
}

/// A grid in 新街社区, its worker, a worker of 湖滨社区 and a city leader.
async fn seeded(db: &TestDb) -> String {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let g = db
        .store
        .create_grid(
            &sys,
            &GridInput {
                region: "420202001001".into(),
                code: "G1".into(),
                name: "一网格".into(),
                household_target: "400".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    add_user(&db.store, &sys, "worker", Role::GridWorker, "420202001001").await;
    add_user(&db.store, &sys, "other", Role::GridWorker, "420202001002").await;
    add_user(&db.store, &sys, "leader", Role::Leader, "4202").await;
    add_user(&db.store, &sys, "center", Role::CenterOperator, "420202").await;
    g.grid.id
}

on_both!(a_worker_records_finds_and_unmasks_a_person, |db| {
    let grid = seeded(&db).await;
    let mut c = Client::new(&db);
    let w = c.token("worker").await;
    let other = c.token("other").await;
    let full = id_no("42020219800101001");
    let person = json!({"grid_id": grid, "name": "张三", "id_card_no": full,
        "phone": "13812345678", "residence_type": "户籍"});
    let r = c
        .api("POST", "/api/v1/persons", Some(&w), Some(person.clone()))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(
        !r.body.contains(&full) && !r.body.contains("13812345678"),
        "{}",
        r.body
    );
    let p = r.json();
    let (county, id) = (
        p["county_code"].as_str().unwrap(),
        p["id"].as_str().unwrap(),
    );
    assert_eq!(p["phone_masked"], "138****5678");
    let at = format!("/api/v1/persons/{county}/{id}");

    // Again: 409 on the field.
    let r = c
        .api("POST", "/api/v1/persons", Some(&w), Some(person))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("id_card_no"), "{}", r.body);
    // Bad input: 422 naming the field.
    let r = c
        .api("POST", "/api/v1/persons", Some(&w),
            Some(json!({"grid_id": grid, "name": "李四", "id_card_no": "420202198001010010", "residence_type": "户籍"})))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id_card_no"));

    // Search by number and by name.
    let r = c
        .api("GET", &format!("/api/v1/persons?q={full}"), Some(&w), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["kind"], "id_card_no");
    assert_eq!(r.json()["persons"][0]["id"], id);
    let r = c
        .api("GET", "/api/v1/persons?q=%E5%BC%A0", Some(&w), None)
        .await;
    assert_eq!(r.json()["persons"].as_array().unwrap().len(), 1);

    // A building, a house, and the person living there.
    let r = c
        .api(
            "POST",
            "/api/v1/buildings",
            Some(&w),
            Some(json!({"grid_id": grid, "code": "B1", "address": "桂花湾路1号", "floors": "6"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let b = r.json()["id"].as_str().unwrap().to_owned();
    let r = c
        .api(
            "POST",
            &format!("/api/v1/buildings/{county}/{b}/houses"),
            Some(&w),
            Some(json!({"unit": "1", "number": "101", "house_use": "自住"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let h = r.json()["id"].as_str().unwrap().to_owned();
    let r = c
        .api(
            "POST",
            &format!("{at}/houses"),
            Some(&w),
            Some(json!({"house_id": h, "relation": "本人"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = c
        .api(
            "GET",
            &format!("/api/v1/grids/{grid}/buildings"),
            Some(&w),
            None,
        )
        .await;
    assert_eq!(r.json()["buildings"][0]["residents"], 1);
    let r = c
        .api(
            "GET",
            &format!("/api/v1/houses/{county}/{h}"),
            Some(&w),
            None,
        )
        .await;
    assert_eq!(r.json()["residents"][0]["person"]["name"], "张三");
    let r = c.api("GET", &at, Some(&w), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["houses"][0]["number"], "101");
    assert!(!r.body.contains(&full));

    // Unmasking: a reason, then the value; the leader may not; the other village finds nothing.
    let r = c
        .api(
            "POST",
            &format!("{at}/unmask"),
            Some(&w),
            Some(json!({"field": "id_card_no", "reason": ""})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let leader = c.token("leader").await;
    let ask = json!({"field": "id_card_no", "reason": "入户核查身份"});
    let r = c
        .api(
            "POST",
            &format!("{at}/unmask"),
            Some(&leader),
            Some(ask.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = c
        .api("POST", &format!("{at}/unmask"), Some(&w), Some(ask.clone()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["value"], full);
    let center = c.token("center").await;
    let r = c
        .api("GET", "/api/v1/unmask-log", Some(&center), None)
        .await;
    assert_eq!(r.json()[0]["reason"], "入户核查身份");

    // Another village: 404 everywhere, nothing in searches.
    for uri in [
        at.clone(),
        format!("/api/v1/buildings/{county}/{b}"),
        format!("/api/v1/houses/{county}/{h}"),
        format!("/api/v1/grids/{grid}/buildings"),
        format!("/api/v1/grids/{grid}/residents"),
    ] {
        let r = c.api("GET", &uri, Some(&other), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.body);
    }
    let r = c
        .api("POST", &format!("{at}/unmask"), Some(&other), Some(ask))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .api(
            "GET",
            &format!("/api/v1/persons?q={full}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.json()["persons"].as_array().unwrap().len(), 0);

    // A stale edit is 409; the current one goes through.
    let edit = json!({"version": 1, "name": "张三", "id_card_no": full, "residence_type": "流动"});
    let r = c.api("PATCH", &at, Some(&w), Some(edit)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let edit = json!({"version": 1, "name": "张三", "id_card_no": full, "residence_type": "户籍"});
    let r = c.api("PATCH", &at, Some(&w), Some(edit)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Counts and exports.
    let r = c
        .api("GET", "/api/v1/population-counts", Some(&center), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["total"]["population"], 1);
    assert_eq!(r.json()["total"]["floating"], 1);
    let r = c
        .api("POST", "/api/v1/persons/export", Some(&w), Some(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["x-rows"], "1");
    assert!(
        r.body.contains("420202********") && !r.body.contains(&full),
        "{}",
        r.body
    );
    let r = c
        .api(
            "POST",
            "/api/v1/persons/export",
            Some(&w),
            Some(json!({"reason": "年度核查比对"})),
        )
        .await;
    assert!(r.body.contains(&full), "{}", r.body);
});

on_both!(a_grid_outside_the_scope_has_no_lists, |db| {
    let grid = seeded(&db).await;
    add_user(
        &db.store,
        &Actor::system(),
        "far-center",
        Role::CenterOperator,
        "420203",
    )
    .await;
    let mut c = Client::new(&db);
    let w = c.token("worker").await;
    for (path, body) in [
        (
            "/api/v1/organizations",
            json!({"grid_id": grid, "name": "新街治安巡逻队", "kind": "群防群治组织"}),
        ),
        (
            "/api/v1/places",
            json!({"grid_id": grid, "name": "青山湖", "kind": "水域"}),
        ),
        (
            "/api/v1/cameras",
            json!({"grid_id": grid, "code": "CAM-1", "name": "路口", "lng": "115.05", "lat": "30.21"}),
        ),
        (
            "/api/v1/buildings",
            json!({"grid_id": grid, "code": "B1", "address": "桂花湾路1号"}),
        ),
        (
            "/api/v1/persons",
            json!({"grid_id": grid, "name": "张三",
                "id_card_no": id_no("42020219800101001"), "residence_type": "户籍"}),
        ),
    ] {
        let r = c.api("POST", path, Some(&w), Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.body);
    }
    let lists = [
        "organizations",
        "places",
        "cameras",
        "buildings",
        "residents",
    ];
    for list in lists {
        let r = c
            .api(
                "GET",
                &format!("/api/v1/grids/{grid}/{list}"),
                Some(&w),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{list}: {}", r.body);
        assert!(
            r.body.contains(&grid),
            "{list} of the worker's own grid: {}",
            r.body
        );
    }
    // Another district's center, and the worker of the next village: the grid does not exist
    // for them, whichever of its lists they ask for.
    for outsider in ["far-center", "other"] {
        let t = c.token(outsider).await;
        for list in lists {
            let r = c
                .api(
                    "GET",
                    &format!("/api/v1/grids/{grid}/{list}"),
                    Some(&t),
                    None,
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{outsider} {list}: {}",
                r.body
            );
            assert_eq!(r.json()["code"], "not_found");
        }
    }
});
