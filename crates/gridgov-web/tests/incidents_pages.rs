#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The incident loop walked through the desk's forms on both databases, as people do it: a grid
//! worker reports with a photo (an executable refused with its reason first), the center accepts
//! and dispatches, the department starts and handles, the center approves, the worker rates it.
//! On the way: a stale version and an action out of turn come back to the page with the reason,
//! the work lists and their totals follow, and another village's worker finds neither the page
//! nor its photo.

mod support;

use axum::http::{StatusCode, header};
use gridgov_store::on_both;
use gridgov_store::testing::town::town;
use gridgov_store::testing::{PASSWORD, TestDb, images};
use support::{Client, Reply};

async fn signed_in(db: &TestDb, username: &str) -> Client {
    let mut c = Client::new(db);
    let r = c.login(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{username}: {}", r.body);
    c
}

/// The version the page's action forms carry.
fn version(page: &Reply) -> String {
    let at = page
        .body
        .find("name=\"version\" value=\"")
        .expect("an action form");
    let rest = &page.body[at + 22..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Posts one action form of the incident page, as the browser sends it.
async fn act(c: &mut Client, at: &str, fields: &[(&str, &str)]) -> Reply {
    let page = c.get(at).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.csrf();
    let v = version(&page);
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("csrf", None, csrf.as_bytes()),
        ("version", None, v.as_bytes()),
    ];
    parts.extend(fields.iter().map(|(k, val)| (*k, None, val.as_bytes())));
    c.post_multipart(&format!("{at}/actions"), &parts).await
}

on_both!(the_loop_through_the_desk_forms, |db| {
    let t = town(&db.store).await;
    let mut worker = signed_in(&db, "worker").await;

    // The sidebar leads to the work lists; the report form offers the worker's grid and a map.
    let home = worker.get("/").await;
    assert!(home.body.contains("href=\"/incidents\""));
    let form = worker.get("/incidents/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("value=\"{}\"", t.g1)));
    assert!(
        form.body.contains("data-lng0="),
        "the map carries its projection"
    );
    assert!(form.body.contains("data-similar-incidents"));
    let csrf = form.csrf();

    // An executable posing as a photo: the form comes back with the reason, nothing is kept.
    let elf = images::elf();
    let r = worker
        .post_multipart(
            "/incidents/new",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("title", None, "小区路灯不亮".as_bytes()),
                ("category", None, b"06"),
                ("grid_id", None, t.g1.as_bytes()),
                ("files", Some("photo.jpg"), &elf),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("「photo.jpg」是Linux 可执行程序"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"小区路灯不亮\""),
        "the form keeps what was typed"
    );
    assert_eq!(
        db.store
            .scalar_for_tests("SELECT COUNT(*) FROM attachments")
            .await
            .unwrap(),
        0
    );
    // A form without its token is refused before anything is read.
    let r = worker
        .post_multipart("/incidents/new", &[("title", None, b"x")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The report with a photo and a party, on the worker's grid.
    let png = images::png(640, 480);
    let r = worker
        .post_multipart(
            "/incidents/new",
            &[
                ("csrf", None, csrf.as_bytes()),
                ("title", None, "小区路灯不亮".as_bytes()),
                ("description", None, "3 号楼前两盏路灯不亮".as_bytes()),
                ("category", None, b"06"),
                ("grid_id", None, t.g1.as_bytes()),
                ("occurred_at", None, b"2026-01-05T20:30"),
                ("party_id_card_no", None, b""),
                ("party_name", None, "李阿姨".as_bytes()),
                ("party_side", None, "反映人".as_bytes()),
                ("files", Some("路灯.png"), &png),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location().split('?').next().unwrap().to_owned();
    assert!(at.starts_with("/incidents/420202/"), "{at}");

    let page = worker.get(r.location()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("小区路灯不亮") && page.body.contains("李阿姨"));
    assert!(page.body.contains("新街一网格"), "the grid by name");
    assert!(page.body.contains("data-state=\"reported\""));
    let thumb_at = page.body.find("/thumb\"").expect("a thumbnail");
    let start = page.body[..thumb_at].rfind("/attachments/").unwrap();
    let photo = page.body[start..thumb_at].to_owned();
    let thumb = worker.get(&format!("{photo}/thumb")).await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(thumb.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        thumb.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    let original = worker.get(&photo).await;
    assert_eq!(original.headers[header::CONTENT_TYPE], "image/png");

    // Another village's worker: neither the page nor the photo, nor anything on their lists.
    let mut other = signed_in(&db, "worker2").await;
    assert_eq!(other.get(&at).await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&photo).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.get(&format!("{photo}/thumb")).await.status,
        StatusCode::NOT_FOUND
    );
    let list = other.get("/incidents").await;
    assert!(!list.body.contains("小区路灯不亮"));
    assert!(list.body.contains("<strong>0</strong>"));

    // The worker may not accept: the page comes back with the reason, nothing changed.
    let r = act(&mut worker, &at, &[("action", "accept")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("data-notice"));
    assert!(r.body.contains("data-state=\"reported\""));

    // The center: the incident awaits acceptance on its list, with the total.
    let mut center = signed_in(&db, "center").await;
    let list = center.get("/incidents?list=awaiting_acceptance").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("小区路灯不亮"));
    assert!(list.body.contains("<strong>1</strong>"));
    // The export follows the list (askama writes `&` as `&#38;`).
    assert!(
        list.body
            .contains("/api/v1/incidents/export?format=csv&#38;list=awaiting_acceptance")
    );
    let page = center.get(&at).await;
    assert!(page.body.contains("data-action=\"accept\""));
    let stale = version(&page);
    let r = act(&mut center, &at, &[("action", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A form read before that acceptance: 409, the reason and the incident as it stands now.
    let csrf = center.get(&at).await.csrf();
    let r = center
        .post_multipart(
            &format!("{at}/actions"),
            &[
                ("csrf", None, csrf.as_bytes()),
                ("action", None, b"comment"),
                ("version", None, stale.as_bytes()),
                ("note", None, "再看看".as_bytes()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("该事件已被他人处理"), "{}", r.body);
    assert!(r.body.contains("data-state=\"accepted\""));
    assert!(r.body.contains("data-action=\"dispatch\""));

    // A dispatch to nobody: the form's error beside it, 422.
    let r = act(&mut center, &at, &[("action", "dispatch")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("class=\"field-error\""));

    let r = act(
        &mut center,
        &at,
        &[("action", "dispatch"), ("lead_department", &t.urban)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let mut urban = signed_in(&db, "urban").await;
    let mine = urban.get("/incidents?list=mine").await;
    assert!(mine.body.contains("小区路灯不亮"), "the department's task");
    for fields in [
        vec![("action", "start")],
        vec![("action", "handle"), ("result", "已更换灯泡两只")],
    ] {
        let r = act(&mut urban, &at, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = act(&mut center, &at, &[("action", "approve")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = act(
        &mut worker,
        &at,
        &[("action", "evaluate"), ("evaluation", "satisfied")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let page = center.get(&at).await;
    assert!(page.body.contains("data-state=\"evaluated\""));
    assert!(page.body.contains("已更换灯泡两只"), "the task's result");
    assert!(
        page.body.contains("黄石港区城管执法局"),
        "the lead department"
    );
    assert!(page.body.contains("受理") && page.body.contains("评价"));
    let closed = center.get("/incidents?list=closed").await;
    assert!(closed.body.contains("小区路灯不亮"));
});

on_both!(work_lists_filter_and_page_by_keyset, |db| {
    let t = town(&db.store).await;
    for n in 0..3 {
        let input = gridgov_store::incidents::ReportInput {
            title: format!("井盖缺失{n}"),
            category: "06".into(),
            grid_id: t.g1.clone(),
            ..Default::default()
        };
        db.store
            .report_incident(&t.worker, &input, None)
            .await
            .unwrap();
    }
    let mut center = signed_in(&db, "center").await;
    let first = center.get("/incidents?list=all&grade=general").await;
    assert!(first.body.contains("<strong>3</strong>"));
    // A filter that matches nothing.
    let none = center.get("/incidents?list=all&grade=urgent").await;
    assert!(none.body.contains("<strong>0</strong>"));
    // The next page starts after the last row of the one before.
    let rows = |r: &Reply| r.body.matches("井盖缺失").count();
    assert_eq!(rows(&first), 3);
    let api = center.get("/api/v1/incidents?limit=2").await.json();
    let next = api["next"].as_str().unwrap().to_owned();
    let page2 = center
        .get(&format!(
            "/incidents?list=all&after={}",
            next.replace(':', "%3A")
        ))
        .await;
    assert_eq!(page2.status, StatusCode::OK);
    assert_eq!(rows(&page2), 1);
    assert!(
        page2.body.contains("href=\"/incidents?list=all\""),
        "back to the first page"
    );
    // Date filters are days in Beijing time; a bad cursor is a clear error.
    let r = center
        .get("/incidents?from=2000-01-01&until=2000-01-02")
        .await;
    assert!(r.body.contains("<strong>0</strong>"));
    let r = center.get("/incidents?after=nonsense").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
});

on_both!(
    a_rework_from_the_desk_sends_back_only_the_tasks_chosen,
    |db| {
        let t = town(&db.store).await;
        let input = gridgov_store::incidents::ReportInput {
            title: "占道经营".into(),
            category: "06".into(),
            grid_id: t.g1.clone(),
            ..Default::default()
        };
        let i = db
            .store
            .report_incident(&t.worker, &input, None)
            .await
            .unwrap();
        let at = format!("/incidents/{}/{}", i.county_code, i.id);
        let mut center = signed_in(&db, "center").await;
        for fields in [
            vec![("action", "accept")],
            vec![
                ("action", "dispatch"),
                ("lead_department", t.urban.as_str()),
                ("assist_departments", t.police.as_str()),
            ],
        ] {
            let r = act(&mut center, &at, &fields).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        for name in ["urban", "police"] {
            let mut h = signed_in(&db, name).await;
            for fields in [
                vec![("action", "start")],
                vec![("action", "handle"), ("result", "已劝离摊贩")],
            ] {
                let r = act(&mut h, &at, &fields).await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.body);
            }
        }
        // The rework form offers the two handled tasks; the center sends back the police's only.
        let page = center.get(&at).await;
        let form_at = page.body.find("data-action=\"rework\"").expect("rework");
        let form = &page.body[form_at..];
        let form = &form[..form.find("</form>").unwrap()];
        assert!(form.contains("name=\"task_ids\" multiple"), "{form}");
        assert!(form.contains("黄石港公安分局") && form.contains("黄石港区城管执法局"));
        let police_task: String = db
            .store
            .scalar_text_for_tests(&format!(
                "SELECT id FROM incident_tasks WHERE incident_id = '{}' AND assignee_id = '{}'",
                i.id, t.police
            ))
            .await
            .unwrap();
        assert!(form.contains(&format!("value=\"{police_task}\"")));
        let r = act(
            &mut center,
            &at,
            &[
                ("action", "rework"),
                ("reason", "摊贩又回来了，请再处理"),
                ("task_ids", police_task.as_str()),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let states = db
            .store
            .scalar_text_for_tests(&format!(
                "SELECT state FROM incident_tasks WHERE incident_id = '{}' AND assignee_id = '{}'",
                i.id, t.urban
            ))
            .await
            .unwrap();
        assert_eq!(states, "handled", "the urban task stays handled");
        let police_state = db
            .store
            .scalar_text_for_tests(&format!(
                "SELECT state FROM incident_tasks WHERE id = '{police_task}'"
            ))
            .await
            .unwrap();
        assert_ne!(police_state, "handled", "the police task went back");
    }
);
