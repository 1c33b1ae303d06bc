#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Stories of the desk UI and the API, through the real router on both databases.

mod support;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_store::on_both;
use gridgov_store::testing::{PASSWORD, TestDb, add_user, seed_regions};
use gridgov_web::MetricsToken;
use serde_json::json;
use support::Client;

async fn seeded(db: &TestDb) {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    add_user(&db.store, &sys, "admin", Role::SystemAdmin, "").await;
    add_user(&db.store, &sys, "op-a", Role::CenterOperator, "420202").await;
    add_user(
        &db.store,
        &sys,
        "worker-b",
        Role::GridWorker,
        "420203001001",
    )
    .await;
}

on_both!(logging_in_opens_the_desk_and_logging_out_closes_it, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    assert_eq!(c.get("/").await.location(), "/login?next=%2F");
    let r = c.login("admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/");
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("nav class=\"sidebar\"") && home.body.contains("href=\"/admin/users\"")
    );
    let csrf = home.csrf();
    let out = c.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.location(), "/login?out=1");
    assert_eq!(c.get("/regions").await.status, StatusCode::SEE_OTHER);
});

on_both!(after_login_the_browser_stays_on_this_site, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    // A path of ours is followed, re-encoded as the parser writes it.
    let form = c.get("/login?next=%2Fregions%2F420202%3Fq%3D1").await;
    assert!(
        form.body
            .contains("name=\"next\" value=\"/regions/420202?q=1\"")
    );
    // Each of these is read by a browser as another host (a tab is dropped, a backslash is a
    // slash, dot segments collapse): every one goes home instead.
    for hostile in [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "https:evil.example",
        "/.//evil.example",
        "/\n/evil.example",
    ] {
        let q = serde_urlencoded::to_string([("next", hostile)]).unwrap();
        let form = c.get(&format!("/login?{q}")).await;
        assert!(
            form.body.contains("name=\"next\" value=\"/\""),
            "{hostile:?} offered on the form"
        );
        let csrf = form.csrf();
        let r = c
            .post_form(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", "admin"),
                    ("password", PASSWORD),
                    ("next", hostile),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{hostile:?}: {}", r.body);
        assert_eq!(r.location(), "/", "{hostile:?}");
    }
    // The probe's own address, exactly as it was sent.
    let form = c.get("/login?next=%2F%09%2Fevil.example").await;
    assert!(form.body.contains("name=\"next\" value=\"/\""));
});

on_both!(wrong_passwords_are_refused_then_throttled, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let r = c.login("admin", "wrong-pass-1").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("alert-error") && r.body.contains("用户名或密码错误"));
    for _ in 0..4 {
        c.login("admin", "wrong-pass-1").await;
    }
    let r = c.login("admin", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("分钟后再试"), "{}", r.body);
});

on_both!(forms_without_the_right_token_are_refused, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    // The login form itself needs its token.
    c.get("/login").await;
    let r = c
        .post_form(
            "/login",
            &[
                ("csrf", "forged"),
                ("username", "admin"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("表单已失效"));
    c.login("admin", PASSWORD).await;
    let fields = [
        ("username", "sneaky"),
        ("display_name", "x"),
        ("role", "grid_worker"),
        ("scope", ""),
        ("password", "pass-word-1"),
    ];
    let r = c.post_form("/admin/users", &fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut forged = vec![("csrf", "0000")];
    forged.extend(fields);
    assert_eq!(
        c.post_form("/admin/users", &forged).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        db.store
            .user_by_username(&Actor::system(), "sneaky")
            .await
            .is_err()
    );
});

on_both!(an_expired_session_says_so, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    c.login("op-a", PASSWORD).await;
    db.clock
        .advance_ms(gridgov_store::auth::SESSION_IDLE_MS + 1000);
    let r = c.get("/regions").await;
    assert!(
        r.location().starts_with("/login?expired=1"),
        "{}",
        r.location()
    );
    let page = c.get(r.location()).await;
    assert!(page.body.contains("会话已过期"));
});

on_both!(a_new_password_ends_the_api_tokens_made_before_it, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    // A token from the API, and two from the account page, which lists them and revokes one.
    let from_api = c.token("op-a").await;
    c.login("op-a", PASSWORD).await;
    let page = c.get("/account").await;
    assert!(
        page.body.contains("所有 API 令牌都将被吊销"),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let made = c
        .post_form("/account/tokens", &[("csrf", &csrf), ("name", "脚本")])
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let needle = "class=\"select-all\">";
    let at = made.body.find(needle).unwrap() + needle.len();
    let from_page = made.body[at..at + made.body[at..].find('<').unwrap()].to_owned();
    c.post_form("/account/tokens", &[("csrf", &csrf), ("name", "手机")])
        .await;
    let tokens = db
        .store
        .list_api_tokens(
            &db.store
                .user_by_username(&Actor::system(), "op-a")
                .await
                .unwrap()
                .actor(),
        )
        .await
        .unwrap();
    let phone = tokens.iter().find(|t| t.name == "手机").unwrap();
    let listed = c.get("/account").await;
    for t in &tokens {
        assert!(
            listed.body.contains(&t.prefix)
                && listed
                    .body
                    .contains(&format!("/account/tokens/{}/revoke", t.id)),
            "{}",
            listed.body
        );
    }
    let r = c
        .post_form(
            &format!("/account/tokens/{}/revoke", phone.id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.location(), "/account?saved=1");
    assert!(
        !c.get("/account")
            .await
            .body
            .contains(&format!("/account/tokens/{}/revoke", phone.id))
    );
    for t in [&from_api, &from_page] {
        let me = c.api("GET", "/api/v1/me", Some(t), None).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    }
    // Changing the password ends both tokens along with the session.
    let r = c
        .post_form(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "changed-pass-1"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/login?changed=1");
    assert!(
        c.get(r.location())
            .await
            .body
            .contains("API 令牌已全部吊销")
    );
    for t in [&from_api, &from_page] {
        let me = c.api("GET", "/api/v1/me", Some(t), None).await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.body);
    }

    // An administrator's reset ends the tokens of the user reset.
    let worker = c.token("worker-b").await;
    let mut admin = Client::new(&db);
    admin.login("admin", PASSWORD).await;
    let id = db
        .store
        .user_by_username(&Actor::system(), "worker-b")
        .await
        .unwrap()
        .id;
    let form = admin.get(&format!("/admin/users/{id}")).await;
    assert!(
        form.body
            .contains("该用户的所有会话都将结束，所有 API 令牌都将被吊销")
    );
    let r = admin
        .post_form(
            &format!("/admin/users/{id}/password"),
            &[("csrf", &form.csrf()), ("password", "reset-pass-42")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let me = c.api("GET", "/api/v1/me", Some(&worker), None).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
});

on_both!(the_region_browser_stays_inside_the_scope, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    c.login("op-a", PASSWORD).await;
    assert_eq!(c.get("/regions").await.location(), "/regions/420202");
    let page = c.get("/regions/420202").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<h1>黄石港区</h1>")
            && page
                .body
                .contains("class=\"region-link\" href=\"/regions/420202001\"")
    );
    // The region is named once in the breadcrumb, as the current page, not also as a link.
    assert!(
        !page.body.contains("href=\"/regions/420202\">黄石港区</a>"),
        "{}",
        page.body
    );
    let village = c.get("/regions/420202001001").await;
    assert!(village.body.contains("新街社区") && village.body.contains("没有下级区划"));
    for outside in ["/regions/420203", "/regions/4202", "/regions/43"] {
        let r = c.get(outside).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{outside}");
        assert!(r.body.contains("不在您的数据范围内"));
    }
    // The users list holds the county's people only, and the audit page its records only.
    let users = c.get("/admin/users").await;
    assert!(
        users.body.contains("op-a")
            && !users.body.contains("worker-b")
            && !users.body.contains(">admin<")
    );
    let audit = c.get("/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(
        audit.body.contains("user:op-a") && !audit.body.contains("worker-b"),
        "{}",
        audit.body
    );
});

on_both!(user_forms_show_errors_by_field_and_create_users, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    c.login("op-a", PASSWORD).await;
    let form = c.get("/admin/users/new").await;
    let csrf = form.csrf();
    assert!(
        !form.body.contains("value=\"system_admin\""),
        "no role above the operator is offered"
    );
    let bad = c
        .post_form(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "a"),
                ("display_name", "王芳"),
                ("role", "grid_worker"),
                ("scope", "420203"),
                ("password", "x"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("用户名长度应为3到32个字符")
            && bad.body.contains("不在您的范围内")
            && bad.body.contains("密码长度")
    );
    assert!(bad.body.contains("value=\"王芳\""), "typed values are kept");
    let ok = c
        .post_form(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "wang.fang"),
                ("display_name", "王芳"),
                ("role", "grid_worker"),
                ("scope", "420202001001"),
                ("password", "grid-2026"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let edit = c.get(ok.location()).await;
    assert!(edit.body.contains("用户已创建") && edit.body.contains("wang.fang"));
});

on_both!(the_api_answers_with_tokens_inside_the_scope, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let r = c
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"username": "op-a", "password": PASSWORD, "device": "测试手机"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = r.json()["token"].as_str().unwrap().to_owned();
    let me = c.api("GET", "/api/v1/me", Some(&token), None).await.json();
    assert_eq!(me["username"], "op-a");
    let root = c
        .api("GET", "/api/v1/regions", Some(&token), None)
        .await
        .json();
    assert_eq!(root["region"]["code"], "420202");
    assert_eq!(root["children"][0]["code"], "420202001");
    let out = c
        .api("GET", "/api/v1/regions/420203", Some(&token), None)
        .await;
    assert_eq!(out.status, StatusCode::NOT_FOUND);
    assert_eq!(out.json()["code"], "not_found");
    assert!(out.json()["request_id"].is_string());
    let users = c
        .api("GET", "/api/v1/users", Some(&token), None)
        .await
        .json();
    assert!(
        users
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["username"] != "worker-b")
    );
    let bad = c.api("POST", "/api/v1/users", Some(&token), Some(json!({"username": "x", "display_name": "", "role": "grid_worker", "password": "pw"}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.json();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"username")
            && fields.contains(&"display_name")
            && fields.contains(&"password")
            && fields.contains(&"scope"),
        "{fields:?}"
    );
    assert_eq!(
        c.api("GET", "/api/v1/me", Some("ggv_forged"), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
});

on_both!(oversized_and_malformed_bodies_get_clear_errors, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let big = "x".repeat(100 * 1024);
    let r = c
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"username": big, "password": "p"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["code"], "body_too_large");
    let r = c
        .api(
            "POST",
            "/api/v1/auth/token",
            None,
            Some(json!({"user": "x"})),
        )
        .await;
    assert!(r.status.is_client_error());
    assert!(
        r.json()["message_en"]
            .as_str()
            .unwrap()
            .contains("password")
            || r.json()["message_en"]
                .as_str()
                .unwrap()
                .contains("username"),
        "{}",
        r.body
    );
});

on_both!(operations_endpoints_answer, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    let h = c.get("/healthz").await;
    assert_eq!((h.status, h.body.as_str()), (StatusCode::OK, "ok"));
    assert!(h.headers.get("server-timing").is_some() && h.headers.get("x-request-id").is_some());
    let doc = c.get("/api/v1/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/regions/{code}",
        "/api/v1/users",
        "/api/v1/auth/token",
        "/api/v1/audit",
    ] {
        assert!(
            doc["paths"][p].is_object(),
            "{p} missing from the OpenAPI document"
        );
    }
    // Client generators need every operation named once.
    let mut ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|ops| ops.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "operationIds repeat: {ids:?}");
    let css = c.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(c.get("/static/nope.js").await.status, StatusCode::NOT_FOUND);
});

on_both!(metrics_are_served_apart_or_to_the_token_only, |db| {
    seeded(&db).await;
    let healthz_counted =
        "gridgov_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1";
    // No token configured: not on the public listener at all, not even for an administrator.
    let mut c = Client::new(&db);
    assert_eq!(c.get("/metrics").await.status, StatusCode::NOT_FOUND);
    let token = c.token("admin").await;
    let r = c.api("GET", "/metrics", Some(&token), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    c.login("admin", PASSWORD).await;
    assert_eq!(c.get("/metrics").await.status, StatusCode::NOT_FOUND);

    // A token configured: that token and nothing else.
    let secret = "scrape-9f1c0b8e2a7d4e6f";
    let (main, metrics) = support::web_apps(&db, |cfg| {
        cfg.metrics_token = Some(MetricsToken::parse(secret).unwrap());
    });
    let mut c = Client::on(main);
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/metrics").await.status, StatusCode::NOT_FOUND);
    for wrong in [
        "scrape-9f1c0b8e2a7d4e6",
        "scrape-9f1c0b8e2a7d4e6f0",
        "ggv_x",
    ] {
        let r = c.api("GET", "/metrics", Some(wrong), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{wrong}");
    }
    let r = c.api("GET", "/metrics", Some(secret), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(healthz_counted), "{}", r.body);

    // The separate listener shows the main router's counters and serves nothing else.
    let mut m = Client::on(metrics);
    let r = m.get("/metrics").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(healthz_counted), "{}", r.body);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(m.get("/healthz").await.status, StatusCode::NOT_FOUND);
    assert_eq!(m.get("/login").await.status, StatusCode::NOT_FOUND);
});

on_both!(the_interface_speaks_english_on_request, |db| {
    seeded(&db).await;
    let mut c = Client::new(&db);
    c.login("admin", PASSWORD).await;
    let zh = c.get("/regions").await;
    assert!(zh.body.contains("行政区划") && zh.body.contains("<h1>全国</h1>"));
    let r = c.get("/lang/en?back=/regions").await;
    assert_eq!(r.location(), "/regions");
    let en = c.get("/regions").await;
    assert!(en.body.contains(">Regions<") && en.body.contains("Whole country"));
    // Redirects go home, never to another site.
    assert_eq!(c.get("/lang/zh?back=//evil.example").await.location(), "/");
});
