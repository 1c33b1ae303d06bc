#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Departments and the category tree through the JSON API, on both databases: a district's
//! center sets up a department and its handler, a stale edit and a move next door are refused,
//! the district next door gets 404 at every address; everyone reads the category tree, only a
//! system administrator changes it.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_core::departments::CATEGORY_SEED;
use gridgov_store::on_both;
use gridgov_store::testing::{TestDb, add_user, seed_regions};
use serde_json::json;
use support::Client;

async fn seeded(db: &TestDb) {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    for (name, role, scope) in [
        ("gang-op", Role::CenterOperator, "420202"),
        ("xisai-op", Role::CenterOperator, "420203"),
        ("worker", Role::GridWorker, "420202001001"),
        ("gang-cg", Role::DepartmentHandler, "420202"),
        ("admin", Role::SystemAdmin, ""),
    ] {
        add_user(&db.store, &sys, name, role, scope).await;
    }
    db.store.seed_categories(&sys).await.unwrap();
}

fn list_of(q: &[(&str, &str)]) -> String {
    format!(
        "/api/v1/departments?{}",
        serde_urlencoded::to_string(q).unwrap()
    )
}

on_both!(a_center_sets_up_a_department_and_its_handler, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let op = c.token("gang-op").await;
    let next_door = c.token("xisai-op").await;
    let worker = c.token("worker").await;
    let r = c
        .api(
            "POST",
            "/api/v1/departments",
            Some(&op),
            Some(
                json!({"name": "黄石港区城管执法局", "sector": "城管", "region_code": "420202",
                "phone": "0714-6251234"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let d = r.json();
    let id = d["id"].as_str().unwrap().to_owned();
    assert_eq!(d["sector"], "urban_management");
    assert_eq!(d["sector_zh"], "城管");
    assert_eq!(d["region_name"], "黄石港区");
    assert_eq!(d["version"], 1);
    let at = format!("/api/v1/departments/{id}");

    // Refused: another district, a name of nothing, a stale version, a move next door.
    let r = c
        .api(
            "POST",
            "/api/v1/departments",
            Some(&op),
            Some(json!({"name": "西塞山区城管执法局", "sector": "城管", "region_code": "420203"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "region_code");
    let r = c
        .api(
            "POST",
            "/api/v1/departments",
            Some(&op),
            Some(json!({"name": "\u{200B}\u{200B}", "sector": "城管", "region_code": "420202"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let f = &r.json()["fields"][0];
    assert_eq!(
        (f["field"].as_str(), f["code"].as_str()),
        (Some("name"), Some("required"))
    );
    assert!(f["zh"].as_str().unwrap().contains("部门名称"));
    let edit = |version: i64, region: &str| {
        json!({"version": version, "name": "黄石港区城市管理执法局", "sector": "urban_management",
            "region_code": region, "phone": ""})
    };
    let r = c.api("PATCH", &at, Some(&op), Some(edit(1, ""))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["version"], 2);
    let r = c.api("PATCH", &at, Some(&op), Some(edit(1, ""))).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["code"], "version_conflict");
    let r = c
        .api("PATCH", &at, Some(&op), Some(edit(2, "420203")))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "region_code");

    // Its handler.
    let members = format!("{at}/members");
    let r = c
        .api(
            "POST",
            &members,
            Some(&op),
            Some(json!({"username": "gang-cg"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let handler_id = r.json()["user_id"].as_str().unwrap().to_owned();
    let r = c
        .api(
            "POST",
            &members,
            Some(&op),
            Some(json!({"username": "worker"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["code"], "not_a_handler");
    let r = c.api("GET", &members, Some(&worker), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()[0]["username"], "gang-cg");
    let r = c
        .api(
            "POST",
            &members,
            Some(&worker),
            Some(json!({"username": "gang-cg"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The district next door sees none of it.
    for (method, uri, body) in [
        ("GET", at.clone(), None),
        ("PATCH", at.clone(), Some(edit(2, ""))),
        (
            "POST",
            format!("{at}/deactivate"),
            Some(json!({"version": 2})),
        ),
        ("GET", members.clone(), None),
        (
            "POST",
            members.clone(),
            Some(json!({"username": "gang-cg"})),
        ),
        ("DELETE", format!("{members}/{handler_id}"), None),
    ] {
        let r = c.api(method, &uri, Some(&next_door), body).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {uri}: {}",
            r.body
        );
    }
    let r = c
        .api("GET", "/api/v1/departments", Some(&next_door), None)
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), 0);
    let r = c
        .api("GET", "/api/v1/departments?region=420203", Some(&op), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A community's grid worker sees the district's department; filters work.
    let r = c
        .api(
            "GET",
            &list_of(&[("sector", "城管"), ("q", "执法")]),
            Some(&worker),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()[0]["id"], id.as_str());
    assert_eq!(r.json()[0]["members"], 1);
    let r = c
        .api("GET", &list_of(&[("sector", "财政")]), Some(&worker), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Remove, deactivate, reactivate.
    let r = c
        .api(
            "DELETE",
            &format!("{members}/{handler_id}"),
            Some(&op),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = c
        .api(
            "POST",
            &format!("{at}/deactivate"),
            Some(&op),
            Some(json!({"version": 2})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["active"], false);
    let r = c.api("GET", "/api/v1/departments", Some(&op), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 0);
    let r = c
        .api(
            "GET",
            "/api/v1/departments?include_inactive=true",
            Some(&op),
            None,
        )
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    let r = c
        .api(
            "POST",
            &format!("{at}/activate"),
            Some(&op),
            Some(json!({"version": 3})),
        )
        .await;
    assert_eq!(r.json()["active"], true);
});

on_both!(
    everyone_reads_the_category_tree_and_only_admins_change_it,
    |db| {
        seeded(&db).await;
        let mut c = Client::new(&db);
        let admin = c.token("admin").await;
        let op = c.token("gang-op").await;
        let worker = c.token("worker").await;
        let r = c
            .api("GET", "/api/v1/incident-categories", Some(&worker), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let tree = r.json();
        assert_eq!(tree.as_array().unwrap().len(), CATEGORY_SEED.len());
        assert_eq!(tree[0]["code"], "01");
        assert_eq!(tree[1]["parent_code"], "01");
        let r = c
            .api(
                "GET",
                "/api/v1/incident-categories/030202",
                Some(&worker),
                None,
            )
            .await;
        let leaf = r.json();
        assert_eq!(leaf["level"], 3);
        assert_eq!(leaf["sectors"], json!(["fire_rescue", "urban_management"]));
        assert_eq!(leaf["evidence_required"], true);

        let new = json!({"code": "0308", "parent_code": "03", "name": "人员密集场所",
        "name_en": "Crowded places", "default_grade": "较大", "sectors": ["应急管理", "fire_rescue"],
        "evidence_required": true});
        let r = c
            .api(
                "POST",
                "/api/v1/incident-categories",
                Some(&op),
                Some(new.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = c
            .api(
                "POST",
                "/api/v1/incident-categories",
                Some(&admin),
                Some(new),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["default_grade"], "serious");
        assert_eq!(r.json()["public"], true);
        for (body, field, code) in [
            (
                json!({"code": "0402", "parent_code": "03", "name": "错位"}),
                "code",
                "not_under_parent",
            ),
            (
                json!({"code": "03080101", "name": "第四级"}),
                "code",
                "too_deep",
            ),
            (
                json!({"code": "1101", "name": "无上级"}),
                "parent_code",
                "unknown_parent",
            ),
        ] {
            let r = c
                .api(
                    "POST",
                    "/api/v1/incident-categories",
                    Some(&admin),
                    Some(body),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
            let f = &r.json()["fields"][0];
            assert_eq!(
                (f["field"].as_str(), f["code"].as_str()),
                (Some(field), Some(code))
            );
        }
        let at = "/api/v1/incident-categories/0308";
        let edit = json!({"version": 1, "name": "人员密集场所安全", "sectors": ["应急管理"]});
        let r = c.api("PATCH", at, Some(&admin), Some(edit.clone())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["sectors"], json!(["emergency_management"]));
        let r = c.api("PATCH", at, Some(&admin), Some(edit)).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = c
            .api(
                "POST",
                "/api/v1/incident-categories/03/deactivate",
                Some(&admin),
                Some(json!({"version": 1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = c.api("GET", at, Some(&worker), None).await;
        assert_eq!(r.json()["in_use"], false);
        assert_eq!(r.json()["active"], true);
        let r = c
            .api("GET", "/api/v1/incident-categories", Some(&worker), None)
            .await;
        assert!(
            r.json()
                .as_array()
                .unwrap()
                .iter()
                .all(|c| !c["code"].as_str().unwrap().starts_with("03"))
        );
        let r = c
            .api(
                "GET",
                "/api/v1/incident-categories/0388",
                Some(&worker),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let doc = c
            .api("GET", "/api/v1/openapi.json", None, None)
            .await
            .json();
        for path in [
            "/api/v1/departments",
            "/api/v1/departments/{id}/members/{user_id}",
            "/api/v1/incident-categories/{code}/deactivate",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
    }
);
