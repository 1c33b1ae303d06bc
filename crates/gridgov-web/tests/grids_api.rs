#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The grid network through the JSON API: creating grids, importing their boundaries, finding
//! the grid of a point, and what other districts and the public may see, on both databases:
//! statuses, error shapes, body limits, and that scope holds at every endpoint.

mod support;

use axum::http::{StatusCode, header};
use gridgov_core::auth::{Actor, Role};
use gridgov_geo::LngLat;
use gridgov_store::on_both;
use gridgov_store::testing::{TestDb, add_user, seed_regions};
use serde_json::{Value, json};
use support::{Client, Reply};

const VILLAGE: &str = "420202001001";

async fn seeded(db: &TestDb) {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    add_user(&db.store, &sys, "op-a", Role::CenterOperator, "420202").await;
    add_user(&db.store, &sys, "op-b", Role::CenterOperator, "420203").await;
    add_user(&db.store, &sys, "worker-a", Role::GridWorker, VILLAGE).await;
    add_user(&db.store, &sys, "police-a", Role::PoliceOfficer, VILLAGE).await;
    add_user(
        &db.store,
        &sys,
        "worker-b",
        Role::GridWorker,
        "420203001001",
    )
    .await;
}

/// A rectangular grid feature from (x0, y0) to (x1, y1), WGS84 unless converted by the caller.
fn rect(props: Value, x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!({
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]},
    })
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// Three grids tiling the square 115.00–115.02 × 30.20–30.21 of 新街社区: G01 the west half,
/// G02 and G03 the south and north quarters of the east half.
fn xinjie_network(padding: &str) -> String {
    collection(vec![
        rect(
            json!({"region": VILLAGE, "code": "G01"}),
            115.00,
            30.20,
            115.01,
            30.21,
        ),
        rect(
            json!({"region": VILLAGE, "code": "G02", "name": "新街二网格", "household_target": 350}),
            115.01,
            30.20,
            115.02,
            30.205,
        ),
        rect(
            json!({"region": VILLAGE, "code": "G03", "name": "新街三网格", "household_target": "280",
                "note": padding}),
            115.01,
            30.205,
            115.02,
            30.21,
        ),
    ])
}

async fn import(c: &mut Client, token: &str, query: &str, body: String) -> Reply {
    c.api_raw(
        "POST",
        &format!("/api/v1/grids/boundaries{query}"),
        Some(token),
        "application/geo+json",
        body,
    )
    .await
}

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

fn codes(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|g| g["code"].as_str().unwrap())
        .collect()
}

on_both!(grids_are_created_drawn_found_by_point_and_split, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let op = c.token("op-a").await;

    let r = c
        .api(
            "POST",
            "/api/v1/grids",
            Some(&op),
            Some(json!({"region": VILLAGE, "code": "g01", "name": "新街一网格", "household_target": 420})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let g01 = r.json();
    assert_eq!(
        (
            &g01["code"],
            &g01["region_name"],
            &g01["sizing"],
            &g01["staffing"],
            &g01["has_boundary"]
        ),
        (
            &json!("G01"),
            &json!("新街社区"),
            &json!("ok"),
            &json!("none"),
            &json!(false)
        )
    );
    // Grids live under villages/communities only.
    let r = c
        .api(
            "POST",
            "/api/v1/grids",
            Some(&op),
            Some(json!({"region": "420202001", "code": "G09", "name": "街道网格", "household_target": 400})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        fields(&r).contains(&("region".into(), "not_a_village".into())),
        "{}",
        r.body
    );

    // A file larger than the global body limit (64 KiB in tests) still goes through: the
    // upload route has its own.
    let padding = "补".repeat(30 * 1024);
    let big = xinjie_network(&padding);
    assert!(big.len() > 64 * 1024);
    let r = import(&mut c, &op, "?file=xinjie.geojson", big.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"features": 3, "created": 2, "updated": 1, "villages": 1, "gaps": []})
    );
    // Elsewhere the global limit holds.
    let split = format!("/api/v1/grids/{}/split", g01["id"].as_str().unwrap());
    let too_big = c
        .api_raw("POST", &split, Some(&op), "application/geo+json", big)
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_big.json()["code"], "body_too_large");
    let list = c
        .api(
            "GET",
            &format!("/api/v1/grids?region={VILLAGE}"),
            Some(&op),
            None,
        )
        .await
        .json();
    assert_eq!(codes(&list), ["G01", "G02", "G03"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|g| g["has_boundary"] == true)
    );
    let low = c
        .api("GET", "/api/v1/grids?sizing=low", Some(&op), None)
        .await
        .json();
    assert_eq!(codes(&low), ["G03"]);

    let r = c
        .api(
            "GET",
            "/api/v1/grids/locate?lat=30.2025&lng=115.015",
            Some(&op),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let at = r.json();
    assert_eq!(
        (&at["found"], &at["grid"]["code"]),
        (&json!(true), &json!("G02"))
    );
    assert_eq!(
        at["regions"].as_array().unwrap().last().unwrap()["name"],
        "新街社区"
    );
    // A phone's map reports GCJ-02, a few hundred metres off; converted, it lands in G01.
    let g = gridgov_geo::gcj02::from_wgs84(LngLat::new(115.005, 30.205));
    let at = c
        .api(
            "GET",
            &format!("/api/v1/grids/locate?lat={}&lng={}&crs=gcj02", g.lat, g.lng),
            Some(&op),
            None,
        )
        .await
        .json();
    assert_eq!(at["grid"]["code"], "G01", "{at}");
    let r = c
        .api(
            "GET",
            "/api/v1/grids/locate?lat=30.3&lng=115.015",
            Some(&op),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let out = r.json();
    assert_eq!(out["found"], false);
    assert!(
        out.get("grid").is_none()
            && out["message_en"]
                .as_str()
                .unwrap()
                .contains("outside every grid")
    );
    let bad = c
        .api(
            "GET",
            "/api/v1/grids/locate?lat=north&lng=200",
            Some(&op),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&bad),
        [
            ("lat".to_owned(), "not_a_number".to_owned()),
            ("lng".to_owned(), "out_of_range".to_owned())
        ]
    );

    let file = c
        .api(
            "GET",
            &format!("/api/v1/grids/boundaries?region={VILLAGE}"),
            Some(&op),
            None,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers[header::CONTENT_TYPE], "application/geo+json");
    let disposition = file.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("grids-420202001001.geojson")
    );
    assert_eq!(file.json()["features"].as_array().unwrap().len(), 3);

    // G03 split into a west and an east half: the old grid is retired with its lineage, and the
    // point lookup sees the new grids at once.
    let g03 = &list[2];
    let parts = collection(vec![
        rect(
            json!({"code": "G03A", "name": "新街三甲"}),
            115.01,
            30.205,
            115.015,
            30.21,
        ),
        rect(
            json!({"code": "G03B", "name": "新街三乙"}),
            115.015,
            30.205,
            115.02,
            30.21,
        ),
    ]);
    let uri = format!("/api/v1/grids/{}/split", g03["id"].as_str().unwrap());
    let r = c
        .api_raw("POST", &uri, Some(&op), "application/json", parts)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["created"].as_array().unwrap().len(), 2);
    let old = c
        .api(
            "GET",
            &format!("/api/v1/grids/{}", g03["id"].as_str().unwrap()),
            Some(&op),
            None,
        )
        .await
        .json();
    assert_eq!(old["current"], false);
    let lineage: Vec<(&str, &str)> = old["lineage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["to"]["code"].as_str().unwrap(),
                l["change"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(lineage, [("G03A", "split"), ("G03B", "split")]);
    let at = c
        .api(
            "GET",
            "/api/v1/grids/locate?lat=30.208&lng=115.018",
            Some(&op),
            None,
        )
        .await
        .json();
    assert_eq!(at["grid"]["code"], "G03B");
});

on_both!(
    a_faulty_boundary_file_is_refused_whole_with_every_fault_by_feature,
    |db| {
        seeded(&db).await;
        let mut c = Client::new(&db);
        let op = c.token("op-a").await;
        let file = collection(vec![
            rect(
                json!({"region": VILLAGE, "code": "G01", "name": "一", "household_target": 400}),
                115.00,
                30.20,
                115.01,
                30.21,
            ),
            rect(
                json!({"region": VILLAGE, "code": "G02", "name": "二", "household_target": 400}),
                115.005,
                30.20,
                115.015,
                30.21,
            ),
            rect(
                json!({"region": VILLAGE, "name": "三", "household_target": 400}),
                115.02,
                30.20,
                115.03,
                30.21,
            ),
        ]);
        let r = import(&mut c, &op, "?file=overlap.geojson", file).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let body = r.json();
        assert_eq!(body["code"], "rows_rejected");
        assert_eq!(
            fields(&r),
            [
                ("overlap.geojson:1:geometry".to_owned(), "row".to_owned()),
                ("overlap.geojson:3:code".to_owned(), "row".to_owned())
            ]
        );
        let faults = body["fields"].as_array().unwrap();
        assert!(
            faults[0]["en"]
                .as_str()
                .unwrap()
                .contains("G01 and G02 overlap"),
            "{body}"
        );
        assert!(faults.iter().all(|f| !f["zh"].as_str().unwrap().is_empty()));
        // Nothing of it was written.
        let list = c.api("GET", "/api/v1/grids", Some(&op), None).await.json();
        assert_eq!(list, json!([]));
        assert_eq!(
            c.api("GET", "/api/v1/grids/counts", Some(&op), None)
                .await
                .json()["grids"],
            0
        );
        // A body that does not say it is GeoJSON is not read at all.
        let r = c
            .api_raw(
                "POST",
                "/api/v1/grids/boundaries",
                Some(&op),
                "text/plain",
                "{}".into(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(r.json()["code"], "unsupported_media_type");
    }
);

on_both!(another_district_sees_nothing_of_the_grid, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let op = c.token("op-a").await;
    // The file only redraws G01, which is made first.
    let r = c
        .api(
            "POST",
            "/api/v1/grids",
            Some(&op),
            Some(json!({"region": VILLAGE, "code": "G01", "name": "新街一网格", "household_target": "420"})),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        import(&mut c, &op, "", xinjie_network("")).await.status,
        StatusCode::OK
    );

    let other = c.token("op-b").await;
    let r = c
        .api("GET", &format!("/api/v1/grids/{id}"), Some(&other), None)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "not_found");
    assert_eq!(
        c.api("GET", "/api/v1/grids", Some(&other), None)
            .await
            .json(),
        json!([])
    );
    assert_eq!(
        c.api("GET", "/api/v1/grids?region=420202", Some(&other), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let at = c
        .api(
            "GET",
            "/api/v1/grids/locate?lat=30.2025&lng=115.015",
            Some(&other),
            None,
        )
        .await;
    assert_eq!(at.status, StatusCode::OK);
    assert_eq!(at.json()["found"], false, "{}", at.body);
    let r = c
        .api(
            "POST",
            &format!("/api/v1/grids/{id}/staff"),
            Some(&other),
            Some(json!({"username": "worker-b", "duty": "grid_worker"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let export = c
        .api("GET", "/api/v1/grids/boundaries", Some(&other), None)
        .await;
    assert_eq!(export.json()["features"], json!([]));
    assert!(
        export.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("grids-420203.geojson")
    );
});

on_both!(the_public_card_needs_no_login_and_masks_phones, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let op = c.token("op-a").await;
    let r = c
        .api(
            "POST",
            "/api/v1/grids",
            Some(&op),
            Some(json!({"region": VILLAGE, "code": "G01", "name": "新街一网格", "household_target": 420,
                "station_address": "新街 1 号"})),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let worker = db
        .store
        .user_by_username(&Actor::system(), "worker-a")
        .await
        .unwrap();
    db.store
        .set_user_phone(&Actor::system(), &worker.id, "13812345678")
        .await
        .unwrap();
    let r = c
        .api(
            "POST",
            &format!("/api/v1/grids/{id}/staff"),
            Some(&op),
            Some(json!({"username": "worker-a", "duty": "网格员"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()[0]["duty"], "grid_worker");
    // The officer claims the grid with no body at all.
    let police = c.token("police-a").await;
    let r = c
        .api(
            "POST",
            &format!("/api/v1/grids/{id}/police"),
            Some(&police),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["police_name"], "police-a 测试");

    let mut public = Client::new(&db);
    let r = public
        .get(&format!("/api/v1/grid-cards/{VILLAGE}/g01"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let card = r.json();
    assert_eq!(card["station_address"], "新街 1 号");
    assert_eq!(
        card["regions"],
        json!(["黄石港区", "胜阳港街道", "新街社区"])
    );
    assert_eq!(
        (&card["staff"][0]["name"], &card["staff"][0]["phone"]),
        (&json!("worker-a 测试"), &json!("138****5678"))
    );
    assert_eq!(card["police"]["name"], "police-a 测试");
    assert_eq!(
        public
            .get(&format!("/api/v1/grid-cards/{VILLAGE}/G99"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Everything else about grids needs a login.
    assert_eq!(
        public.get("/api/v1/grids").await.status,
        StatusCode::UNAUTHORIZED
    );

    let doc = public.get("/api/v1/openapi.json").await.json();
    for p in [
        "/api/v1/grids/locate",
        "/api/v1/grids/boundaries",
        "/api/v1/grid-cards/{region_code}/{code}",
    ] {
        assert!(
            doc["paths"][p].is_object(),
            "{p} missing from the OpenAPI document"
        );
    }
});

on_both!(
    micro_grids_are_added_listed_and_removed_within_scope,
    |db| {
        seeded(&db).await;
        let mut c = Client::new(&db);
        let op = c.token("op-a").await;
        let r = c
        .api(
            "POST",
            "/api/v1/grids",
            Some(&op),
            Some(json!({"region": VILLAGE, "code": "G01", "name": "新街一网格", "household_target": 420})),
        )
        .await;
        let id = r.json()["id"].as_str().unwrap().to_owned();
        let micro = format!("/api/v1/grids/{id}/micro-grids");
        let body = json!({"code": "w1", "name": "一号微网格", "buildings": "3、4、5 栋"});
        let r = c.api("POST", &micro, Some(&op), Some(body.clone())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(
            (&r.json()["code"], &r.json()["buildings"]),
            (&json!("W1"), &json!("3、4、5 栋"))
        );
        // The same code again, in any case, is taken.
        let r = c.api("POST", &micro, Some(&op), Some(body)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(fields(&r), [("code".to_owned(), "taken".to_owned())]);
        let r = c
            .api("POST", &micro, Some(&op), Some(json!({"code": "W2"})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            fields(&r),
            [
                ("name".to_owned(), "required".to_owned()),
                ("buildings".to_owned(), "required".to_owned())
            ]
        );
        let list = c.api("GET", &micro, Some(&op), None).await.json();
        assert_eq!(codes(&list), ["W1"]);
        let detail = c
            .api("GET", &format!("/api/v1/grids/{id}"), Some(&op), None)
            .await
            .json();
        assert_eq!(codes(&detail["micro_grids"]), ["W1"]);

        // Another district neither sees nor changes them; a grid worker of the village may look only.
        let other = c.token("op-b").await;
        for (method, uri) in [
            ("GET", micro.clone()),
            ("POST", micro.clone()),
            ("DELETE", format!("{micro}/W1")),
        ] {
            let body = (method == "POST")
                .then(|| json!({"code": "W9", "name": "九", "buildings": "9 栋"}));
            let r = c.api(method, &uri, Some(&other), body).await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{method} {uri}: {}",
                r.body
            );
        }
        let worker = c.token("worker-a").await;
        assert_eq!(
            c.api("GET", &micro, Some(&worker), None).await.status,
            StatusCode::OK
        );
        assert_eq!(
            c.api("DELETE", &format!("{micro}/W1"), Some(&worker), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        let r = c
            .api("DELETE", &format!("{micro}/w1"), Some(&op), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(
            c.api("DELETE", &format!("{micro}/W1"), Some(&op), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.api("GET", &micro, Some(&op), None).await.json(),
            json!([])
        );
        let doc = c.get("/api/v1/openapi.json").await.json();
        assert!(doc["paths"]["/api/v1/grids/{id}/micro-grids"]["post"].is_object());
        assert!(doc["paths"]["/api/v1/grids/{id}/micro-grids/{code}"]["delete"].is_object());
    }
);
