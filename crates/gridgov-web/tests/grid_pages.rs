#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The grid pages of the desk UI and the public grid card, through the real router on both
//! databases.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_store::on_both;
use gridgov_store::testing::{PASSWORD, TestDb, add_user, seed_regions};
use support::Client;

/// 新街社区, a community of district 420202 in the fixture.
const XINJIE: &str = "420202001001";

async fn seeded(db: &TestDb) {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    add_user(&db.store, &sys, "op-a", Role::CenterOperator, "420202").await;
    add_user(&db.store, &sys, "worker-a", Role::GridWorker, XINJIE).await;
    add_user(
        &db.store,
        &sys,
        "worker-b",
        Role::GridWorker,
        "420203001001",
    )
    .await;
}

async fn logged_in(db: &TestDb, username: &str) -> Client {
    let mut c = Client::new(db);
    let r = c.login(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    c
}

/// Creates a grid through the form as a browser would; returns the new grid's id.
async fn create_grid(c: &mut Client, code: &str, name: &str, households: &str) -> String {
    let csrf = c.get("/grids/new").await.csrf();
    let r = c
        .post_form(
            "/grids",
            &[
                ("csrf", &csrf),
                ("region", XINJIE),
                ("code", code),
                ("name", name),
                ("kind", "comprehensive"),
                ("household_target", households),
                ("party_branch", "新街社区第一党支部"),
                ("station_address", "新街 8 号"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r
        .location()
        .strip_prefix("/grids/")
        .and_then(|rest| rest.strip_suffix("?created=1"))
        .unwrap_or_else(|| panic!("unexpected redirect {}", r.location()));
    id.to_owned()
}

/// A square of `d` degrees at (x, y) as a feature of a grid of 新街社区.
fn feature(code: &str, name: &str, x: f64, y: f64, d: f64) -> String {
    let (x2, y2) = (x + d, y + d);
    format!(
        r#"{{"type":"Feature","properties":{{"region":"{XINJIE}","code":"{code}","name":"{name}","household_target":420}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y2}],[{x},{y}]]]}}}}"#
    )
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

on_both!(the_list_shows_an_operator_the_grids_of_the_district, |db| {
    seeded(&db).await;
    let mut c = logged_in(&db, "op-a").await;
    create_grid(&mut c, "G1", "一网格", "120").await;
    let list = c.get("/grids").await;
    assert_eq!(list.status, StatusCode::OK);
    let b = &list.body;
    // The district is the operator's scope, so the list opens there, with its links and counts.
    assert!(b.contains("<h1>黄石港区 · 网格</h1>"), "{b}");
    assert!(b.contains("href=\"/map?region=420202\""));
    assert!(b.contains("href=\"/api/v1/grids/boundaries?region=420202\""));
    assert!(b.contains("href=\"/grids/import\"") && b.contains("href=\"/grids/new\""));
    assert!(b.contains("action=\"/grids/one-per-village\""));
    // 120 households is below the band, and no grid worker serves the grid yet.
    assert!(b.contains("<code>G1</code>") && b.contains("一网格") && b.contains("新街社区"));
    assert!(b.contains("pill-warn") && b.contains(">偏少<"));
    assert!(b.contains("s-none"));
    // The filters narrow the list.
    let high = c.get("/grids?region=420202&sizing=high").await;
    assert!(high.body.contains("暂无网格") && !high.body.contains("<code>G1</code>"));
    let searched = c.get("/grids?region=420202&q=g1").await;
    assert!(searched.body.contains("<code>G1</code>"));
});

on_both!(a_grid_worker_cannot_open_the_new_grid_form, |db| {
    seeded(&db).await;
    let mut c = logged_in(&db, "worker-b").await;
    assert_eq!(c.get("/grids/new").await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.get("/grids/import").await.status, StatusCode::FORBIDDEN);
    // The list itself is open to them, without the links to change anything.
    let list = c.get("/grids").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("href=\"/grids/new"), "{}", list.body);
});

on_both!(a_grid_created_through_the_form_is_listed, |db| {
    seeded(&db).await;
    let mut c = logged_in(&db, "op-a").await;
    let id = create_grid(&mut c, "g7", "七网格", "420").await;
    let page = c.get(&format!("/grids/{id}?created=1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("网格已创建") && page.body.contains("新街 8 号"));
    let list = c.get(&format!("/grids?region={XINJIE}")).await;
    assert!(
        list.body
            .contains(&format!("href=\"/grids/{id}\"><code>G7</code>"))
    );
    // The same code again is refused on the form, which keeps what was typed.
    let csrf = list.csrf();
    let again = c
        .post_form(
            "/grids",
            &[
                ("csrf", &csrf),
                ("region", XINJIE),
                ("code", "G7"),
                ("name", "重复"),
                ("kind", "school"),
                ("household_target", "300"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.body.contains("已有编码为 G7 的网格"),
        "{}",
        again.body
    );
    assert!(again.body.contains("value=\"重复\""));
    assert!(again.body.contains("<option value=\"school\" selected>"));
});

on_both!(imported_boundaries_are_drawn_on_the_map, |db| {
    seeded(&db).await;
    let mut c = logged_in(&db, "op-a").await;
    let csrf = c.get("/grids/import").await.csrf();
    // Overlapping squares are refused, and the page names the faulty feature.
    let overlapping = collection(&[
        feature("G1", "一网格", 115.0, 30.2, 0.01),
        feature("G2", "二网格", 115.005, 30.2, 0.01),
    ]);
    let r = c
        .post_form(
            "/grids/import",
            &[("csrf", &csrf), ("geojson", &overlapping), ("crs", "wgs84")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("class=\"faults\"") && r.body.contains("<code>geometry</code>"));
    let tiled = collection(&[
        feature("G1", "一网格", 115.0, 30.2, 0.01),
        feature("G2", "二网格", 115.01, 30.2, 0.01),
    ]);
    let r = c
        .post_form(
            "/grids/import",
            &[("csrf", &csrf), ("geojson", &tiled), ("crs", "wgs84")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("导入完成"));
    let g1 = db
        .store
        .grid_by_code(&Actor::system(), XINJIE, "G1")
        .await
        .unwrap();
    let map = c.get("/map?region=420202&layer=sizing").await;
    assert_eq!(map.status, StatusCode::OK);
    assert!(map.body.contains("<svg") && map.body.contains("class=\"gmap\""));
    assert!(
        map.body.contains(&format!(
            "<a href=\"/grids/{}\"><path class=\"h-ok\"",
            g1.grid.id
        )),
        "{}",
        map.body
    );
    assert!(map.body.contains("src=\"/static/map.js?v=1\""));
    // Both grids are in the sizing legend's middle class.
    assert!(
        map.body.contains(
            "<span class=\"swatch h-ok\"></span>规定户数内 <span class=\"muted\">2</span>"
        )
    );
    // The lights layer: no open incident yet, so both grids have no running deadline.
    let map = c.get("/map?region=420202&layer=lights").await;
    assert_eq!(map.status, StatusCode::OK);
    assert!(
        map.body.contains(&format!(
            "<a href=\"/grids/{}\"><path class=\"l-none\"",
            g1.grid.id
        )),
        "{}",
        map.body
    );
    assert!(
        map.body
            .contains("<span class=\"swatch l-red\"></span>红灯：已超期")
    );
    let js = c.get("/static/map.js?v=1").await;
    assert_eq!(js.status, StatusCode::OK);
});

on_both!(the_public_card_needs_no_login, |db| {
    seeded(&db).await;
    let mut c = logged_in(&db, "op-a").await;
    let id = create_grid(&mut c, "G3", "三网格", "400").await;
    // Staff are added on the grid's page.
    let csrf = c.get(&format!("/grids/{id}")).await.csrf();
    let r = c
        .post_form(
            &format!("/grids/{id}/staff"),
            &[
                ("csrf", &csrf),
                ("username", "worker-a"),
                ("duty", "grid_worker"),
            ],
        )
        .await;
    assert_eq!(r.location(), format!("/grids/{id}?saved=1"), "{}", r.body);
    let mut anyone = Client::new(&db);
    let card = anyone.get(&format!("/card/{XINJIE}/g3")).await;
    assert_eq!(card.status, StatusCode::OK);
    let b = &card.body;
    assert!(
        b.contains("<h1>三网格</h1>") && b.contains("网格公示牌"),
        "{b}"
    );
    assert!(b.contains("新街社区第一党支部") && b.contains("新街 8 号"));
    assert!(b.contains("worker-a 测试") && b.contains("网格员"));
    assert!(!b.contains("nav class=\"sidebar\""));
    assert_eq!(
        anyone.get(&format!("/card/{XINJIE}/G404")).await.status,
        StatusCode::NOT_FOUND
    );
});

on_both!(a_grid_outside_the_scope_is_not_found, |db| {
    seeded(&db).await;
    let mut op = logged_in(&db, "op-a").await;
    let id = create_grid(&mut op, "G5", "五网格", "400").await;
    let mut c = logged_in(&db, "worker-b").await;
    let r = c.get(&format!("/grids/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("不在您的数据范围内"));
    assert_eq!(
        c.get("/map?region=420202").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/grids?region=420202").await.status,
        StatusCode::NOT_FOUND
    );
});

on_both!(grids_split_on_their_page_and_merge_from_the_list, |db| {
    seeded(&db).await;
    let sys = Actor::system();
    let tiled = collection(&[
        feature("G1", "一网格", 115.0, 30.2, 0.01),
        feature("G2", "二网格", 115.01, 30.2, 0.01),
    ]);
    db.store
        .import_grid_boundaries(
            &sys,
            &gridgov_store::grids::BoundaryImport {
                file: "grids.geojson",
                text: &tiled,
                crs: gridgov_geo::features::Crs::Wgs84,
                allow_gaps: false,
            },
        )
        .await
        .unwrap();
    let g1 = db.store.grid_by_code(&sys, XINJIE, "G1").await.unwrap();
    let g2 = db.store.grid_by_code(&sys, XINJIE, "G2").await.unwrap();
    let mut c = logged_in(&db, "op-a").await;
    let page = c.get(&format!("/grids/{}", g1.grid.id)).await;
    assert!(
        page.body
            .contains(&format!("action=\"/grids/{}/split\"", g1.grid.id))
    );
    // Two halves of G1, drawn as rectangles.
    let half = |code: &str, x: f64| {
        let x2 = x + 0.005;
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","name":"{code} 网格"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},30.2],[{x2},30.2],[{x2},30.21],[{x},30.21],[{x},30.2]]]}}}}"#
        )
    };
    let parts = collection(&[half("G1A", 115.0), half("G1B", 115.005)]);
    let r = c
        .post_form(
            &format!("/grids/{}/split", g1.grid.id),
            &[
                ("csrf", &page.csrf()),
                ("geojson", &parts),
                ("crs", "wgs84"),
            ],
        )
        .await;
    assert_eq!(
        r.location(),
        format!("/grids/{}?split=1", g1.grid.id),
        "{}",
        r.body
    );
    let old = c.get(r.location()).await;
    let g1b = db.store.grid_by_code(&sys, XINJIE, "G1B").await.unwrap();
    assert!(
        old.body.contains("拆分为")
            && old
                .body
                .contains(&format!("href=\"/grids/{}\"", g1b.grid.id))
    );
    // Merge G1B and G2 with the list's checkboxes.
    let list = c.get(&format!("/grids?region={XINJIE}")).await;
    let r = c
        .post_form(
            "/grids/merge",
            &[
                ("csrf", &list.csrf()),
                ("region", XINJIE),
                ("ids", &g1b.grid.id),
                ("ids", &g2.grid.id),
                ("code", "G9"),
                ("name", "九网格"),
            ],
        )
        .await;
    assert!(r.location().ends_with("?merged=1"), "{}", r.body);
    let merged = c.get(r.location()).await;
    assert!(merged.body.contains("<h1>九网格") && merged.body.contains("合并自"));
    assert!(
        merged
            .body
            .contains(&format!("href=\"/grids/{}\"", g2.grid.id))
    );
    // One grid alone is no merge, and the list says so.
    let r = c
        .post_form(
            "/grids/merge",
            &[
                ("csrf", &list.csrf()),
                ("region", XINJIE),
                ("ids", &g1b.grid.id),
                ("code", "G8"),
                ("name", "八网格"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("合并至少需要两个网格"), "{}", r.body);
});

on_both!(micro_grids_and_the_card_qr_code_on_the_grid_page, |db| {
    seeded(&db).await;
    let mut c = logged_in(&db, "op-a").await;
    let id = create_grid(&mut c, "G6", "六网格", "400").await;
    let page = c.get(&format!("/grids/{id}")).await;
    let action = format!("/grids/{id}/micro-grids");
    assert!(page.body.contains(&format!("action=\"{action}\"")));
    let add = |code: &'static str| {
        [
            ("code", code),
            ("name", "六一微网格"),
            ("buildings", "3、4、5 栋"),
        ]
    };
    let csrf = page.csrf();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(add("w1"));
    let r = c.post_form(&action, &form).await;
    assert_eq!(r.location(), format!("/grids/{id}?saved=1"), "{}", r.body);
    // The same code again is refused by the code field, which keeps what was typed.
    let again = c.post_form(&action, &form).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let b = &again.body;
    assert!(
        b.contains("<small class=\"field-error\">该网格已有编码为 W1 的微网格</small>"),
        "{b}"
    );
    assert!(b.contains("name=\"code\" value=\"w1\""));

    let page = c.get(&format!("/grids/{id}")).await;
    let b = &page.body;
    assert!(
        b.contains("<td><code>W1</code></td><td>六一微网格</td><td>3、4、5 栋</td>"),
        "{b}"
    );
    assert!(b.contains(&format!("action=\"{action}/remove\"")));
    // The card's QR code is drawn inline, with a button to print it alone.
    assert!(b.contains("<svg class=\"qr-code\"") && b.contains("data-print=\"card-qr\""));
    assert!(b.contains(&format!("/card/{XINJIE}/G6")));
    assert!(!b.contains(" style="));

    let r = c
        .post_form(
            &format!("{action}/remove"),
            &[("csrf", &page.csrf()), ("code", "W1")],
        )
        .await;
    assert_eq!(r.location(), format!("/grids/{id}?saved=1"), "{}", r.body);
    assert!(
        !c.get(&format!("/grids/{id}"))
            .await
            .body
            .contains("<code>W1</code>")
    );

    // The printed card carries the same code.
    let card = Client::new(&db).get(&format!("/card/{XINJIE}/g6")).await;
    assert!(
        card.body.contains("<svg class=\"qr-code\"") && card.body.contains("扫码查看网格公示牌")
    );
});
