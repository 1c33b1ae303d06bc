#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The desk pages of departments and the category tree, through the real router on both
//! databases: a district's center creates a department, adds its handler and fixes a typo in a
//! form; the district next door gets 404; the sidebar offers both pages to everyone; a system
//! administrator adds and deactivates a category, others only read the tree.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_store::departments::DepartmentInput;
use gridgov_store::on_both;
use gridgov_store::testing::{PASSWORD, TestDb, add_user, seed_regions};
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

async fn signed_in(db: &TestDb, username: &str) -> Client {
    let mut c = Client::new(db);
    let r = c.login(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{username}: {}", r.body);
    c
}

on_both!(a_center_makes_a_department_and_gives_it_a_handler, |db| {
    seeded(&db).await;
    let mut op = signed_in(&db, "gang-op").await;
    let list = op.get("/departments").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("href=\"/departments/new\""));
    let form = op.get("/departments/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    // A typo first: the form comes back with what was typed and the reason on the field.
    let r = op
        .post_form(
            "/departments",
            &[
                ("csrf", &csrf),
                ("name", "\u{200B}"),
                ("sector", "urban_management"),
                ("region_code", "420202"),
                ("phone", "0714-6251234"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("部门名称不能为空"), "{}", r.body);
    assert!(r.body.contains("0714-6251234"));
    let r = op
        .post_form(
            "/departments",
            &[
                ("csrf", &csrf),
                ("name", "黄石港区城管执法局"),
                ("sector", "urban_management"),
                ("region_code", "420202"),
                ("phone", "0714-6251234"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location().split('?').next().unwrap().to_owned();
    let page = op.get(r.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("部门已创建"));
    assert!(page.body.contains("添加办理人"));

    let r = op
        .post_form(
            &format!("{at}/members"),
            &[("csrf", &csrf), ("username", "worker")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不是部门办理人"), "{}", r.body);
    let r = op
        .post_form(
            &format!("{at}/members"),
            &[("csrf", &csrf), ("username", "gang-cg")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = op.get(&at).await;
    assert!(page.body.contains("<code>gang-cg</code>"));

    // A stale edit says so and shows the latest values.
    let r = op
        .post_form(
            &at,
            &[
                ("csrf", &csrf),
                ("name", "改名"),
                ("sector", "urban_management"),
                ("region_code", "420202"),
                ("phone", ""),
                ("version", "7"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("已被他人修改"));
    let r = op
        .post_form(
            &format!("{at}/deactivate"),
            &[("csrf", &csrf), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(op.get(&at).await.body.contains("pill-off"));

    // The handler's list names their department; next door it does not exist.
    let mut handler = signed_in(&db, "gang-cg").await;
    let mine = handler.get("/departments").await;
    assert!(mine.body.contains("您所在部门"), "{}", mine.body);
    let mut next_door = signed_in(&db, "xisai-op").await;
    assert_eq!(next_door.get(&at).await.status, StatusCode::NOT_FOUND);
    let list = next_door.get("/departments?inactive=1").await;
    assert!(!list.body.contains("黄石港区城管执法局"));
});

on_both!(
    the_sidebar_offers_departments_and_categories_to_everyone,
    |db| {
        seeded(&db).await;
        let d = db
            .store
            .create_department(
                &Actor::system(),
                &DepartmentInput {
                    name: "黄石港区住建局".into(),
                    sector: "住建".into(),
                    region_code: "420202".into(),
                    phone: String::new(),
                },
            )
            .await
            .unwrap();
        let mut w = signed_in(&db, "worker").await;
        let home = w.get("/").await;
        assert!(home.body.contains("href=\"/departments\""));
        assert!(home.body.contains("href=\"/categories\""));
        let list = w.get("/departments").await;
        assert!(list.body.contains("黄石港区住建局"));
        assert!(!list.body.contains("/departments/new"));
        let page = w.get(&format!("/departments/{}", d.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("添加办理人"));
        let csrf = page.csrf();
        let r = w
            .post_form(
                &format!("/departments/{}/members", d.id),
                &[("csrf", &csrf), ("username", "gang-cg")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            w.get("/departments/new").await.status,
            StatusCode::FORBIDDEN
        );
        let tree = w.get("/categories").await;
        assert_eq!(tree.status, StatusCode::OK);
        assert!(tree.body.contains("电动自行车违规充电"));
        assert!(!tree.body.contains("action=\"/categories\""));
    }
);

on_both!(an_administrator_keeps_the_category_tree, |db| {
    seeded(&db).await;
    let mut a = signed_in(&db, "admin").await;
    let tree = a.get("/categories").await;
    assert!(tree.body.contains("action=\"/categories\""));
    let csrf = tree.csrf();
    let r = a
        .post_form(
            "/categories",
            &[
                ("csrf", &csrf),
                ("code", "03080101"),
                ("name", "第四级"),
                ("default_grade", "general"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("最多 3 级"), "{}", r.body);
    let r = a
        .post_form(
            "/categories",
            &[
                ("csrf", &csrf),
                ("code", "0308"),
                ("parent_code", "03"),
                ("name", "人员密集场所"),
                ("name_en", "Crowded places"),
                ("default_grade", "serious"),
                ("sectors", "emergency_management"),
                ("sectors", "fire_rescue"),
                ("evidence_required", "1"),
                ("public", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/categories/0308?created=1");
    let page = a.get("/categories/0308").await;
    assert!(page.body.contains("应急管理、消防救援"), "{}", page.body);
    let r = a
        .post_form(
            "/categories/0308",
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("name", "人员密集场所安全"),
                ("default_grade", "major"),
                ("sectors", "emergency_management"),
                ("public", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = a.get("/categories/0308").await;
    assert!(page.body.contains("人员密集场所安全") && page.body.contains("重大"));
    let r = a
        .post_form(
            "/categories/03/deactivate",
            &[("csrf", &csrf), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(a.get("/categories/0308").await.body.contains("上级已停用"));
    let mut w = signed_in(&db, "worker").await;
    let tree = w.get("/categories").await;
    assert!(
        !tree.body.contains("人员密集场所"),
        "out of use, out of the worker's tree"
    );
    let csrf = tree.csrf();
    let r = w
        .post_form(
            "/categories/03/activate",
            &[("csrf", &csrf), ("version", "2")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});
