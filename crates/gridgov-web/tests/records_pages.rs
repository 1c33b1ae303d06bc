#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The desk pages of base data, through the real router on both databases: a grid worker finds
//! a person, opens their page and walks grid → building → house; numbers stay masked unless a
//! reason is given; a worker of the next village and a role without base data see nothing; a
//! center operator reads the counts, exports, and imports files in the background.

mod support;

use std::time::Duration;

use axum::http::StatusCode;
use gridgov_core::auth::{Actor, Role};
use gridgov_core::ids::id_check_char;
use gridgov_store::grids::GridInput;
use gridgov_store::on_both;
use gridgov_store::records::{BuildingInput, HouseInput, LinkInput, PersonInput};
use gridgov_store::testing::{PASSWORD, TestDb, add_user, seed_regions};
use support::{Client, Reply};

/// 新街社区 and 湖滨社区, two communities of district 420202 in the fixture.
const XINJIE: &str = "420202001001";
const HUBIN: &str = "420202001002";

fn id_no(first17: &str) -> String {
    format!("{first17}{}", id_check_char(first17).unwrap())
}

/// What the pages are tried on: the grid, its county, and one person living in one house.
struct Seeded {
    grid: String,
    county: String,
    person: String,
    building: String,
    house: String,
    full_id: String,
}

async fn seeded(db: &TestDb) -> Seeded {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let worker = add_user(&db.store, &sys, "worker", Role::GridWorker, XINJIE)
        .await
        .actor();
    for (name, role, scope) in [
        ("other", Role::GridWorker, HUBIN),
        ("leader", Role::Leader, "4202"),
        ("center", Role::CenterOperator, "420202"),
        ("informant", Role::Informant, XINJIE),
    ] {
        add_user(&db.store, &sys, name, role, scope).await;
    }
    let g = db
        .store
        .create_grid(
            &sys,
            &GridInput {
                region: XINJIE.into(),
                code: "G1".into(),
                name: "一网格".into(),
                household_target: "400".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let grid = g.grid.id;
    // The records are made as the grid's worker: collecting them is a worker's job.
    let sys = worker;
    let full_id = id_no("42020219800101001");
    let p = db
        .store
        .create_person(
            &sys,
            &PersonInput {
                grid_id: grid.clone(),
                name: "张三".into(),
                id_card_no: full_id.clone(),
                phone: "13812345678".into(),
                residence_type: "流动".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let b = db
        .store
        .create_building(
            &sys,
            &BuildingInput {
                grid_id: grid.clone(),
                code: "B7".into(),
                address: "桂花湾路7号".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let h = db
        .store
        .create_house(
            &sys,
            &p.county_code,
            &b.id,
            &HouseInput {
                unit: "2".into(),
                number: "302".into(),
                house_use: "出租".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    db.store
        .link_person_house(
            &sys,
            &p.county_code,
            &p.id,
            &LinkInput {
                house_id: h.id.clone(),
                relation: "租户".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    Seeded {
        grid,
        county: p.county_code,
        person: p.id,
        building: b.id,
        house: h.id,
        full_id,
    }
}

async fn logged_in(db: &TestDb, username: &str) -> Client {
    let mut c = Client::new(db);
    let r = c.login(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    c
}

fn ok(r: &Reply, what: &str) {
    assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
}

on_both!(a_worker_finds_a_person_and_walks_the_grid_masked, |db| {
    let s = seeded(&db).await;
    let mut w = logged_in(&db, "worker").await;
    let home = w.get("/").await;
    assert!(
        home.body.contains("href=\"/people\""),
        "sidebar: {}",
        home.body
    );

    let r = w.get("/people").await;
    ok(&r, "search page");
    let r = w.get("/people?q=%E5%BC%A0").await;
    ok(&r, "name search");
    let person_href = format!("/people/{}/{}", s.county, s.person);
    assert!(r.body.contains(&person_href), "{}", r.body);
    assert!(r.body.contains("420202********"), "masked id: {}", r.body);
    assert!(r.body.contains("138****5678"), "masked phone: {}", r.body);
    assert!(!r.body.contains(&s.full_id) && !r.body.contains("13812345678"));
    let r = w.get(&format!("/people?q={}", s.full_id)).await;
    assert!(r.body.contains(&person_href), "by ID number: {}", r.body);
    // A wrong check digit is said on the box, not "nobody".
    let r = w.get("/people?q=420202198001010010").await;
    ok(&r, "bad number");
    assert!(r.body.contains("field-error"), "{}", r.body);

    let r = w.get(&person_href).await;
    ok(&r, "person page");
    assert!(
        r.body.contains("张三") && r.body.contains("302"),
        "{}",
        r.body
    );
    assert!(!r.body.contains(&s.full_id) && !r.body.contains("13812345678"));
    assert!(
        r.body
            .contains(&format!("/buildings/{}/{}", s.county, s.building))
    );
    assert!(r.body.contains("person.create"), "history: {}", r.body);

    let r = w.get(&format!("/grids/{}", s.grid)).await;
    assert!(
        r.body.contains(&format!("/grids/{}/base", s.grid)),
        "{}",
        r.body
    );
    let r = w.get(&format!("/grids/{}/base", s.grid)).await;
    ok(&r, "grid base data");
    assert!(
        r.body.contains("B7") && r.body.contains("张三"),
        "{}",
        r.body
    );
    let r = w
        .get(&format!("/buildings/{}/{}", s.county, s.building))
        .await;
    ok(&r, "building");
    assert!(
        r.body
            .contains(&format!("/houses/{}/{}", s.county, s.house))
    );
    let r = w.get(&format!("/houses/{}/{}", s.county, s.house)).await;
    ok(&r, "house");
    assert!(
        r.body.contains("租户") && r.body.contains(&person_href),
        "{}",
        r.body
    );
    assert!(!r.body.contains(&s.full_id));

    // The next village: searches find nobody, every address is 404.
    let mut o = logged_in(&db, "other").await;
    let r = o.get("/people?q=%E5%BC%A0").await;
    ok(&r, "other's search");
    assert!(!r.body.contains(&person_href), "{}", r.body);
    for uri in [
        person_href.clone(),
        format!("/grids/{}/base", s.grid),
        format!("/buildings/{}/{}", s.county, s.building),
        format!("/houses/{}/{}", s.county, s.house),
    ] {
        assert_eq!(o.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }

    // A role without base data: no sidebar entry, refused pages.
    let mut i = logged_in(&db, "informant").await;
    assert!(!i.get("/").await.body.contains("href=\"/people\""));
    for uri in ["/people", "/people/counts", person_href.as_str()] {
        assert_eq!(i.get(uri).await.status, StatusCode::FORBIDDEN, "{uri}");
    }
});

on_both!(a_full_number_needs_a_reason_and_is_shown_once, |db| {
    let s = seeded(&db).await;
    let person_href = format!("/people/{}/{}", s.county, s.person);
    let unmask = format!("{person_href}/unmask");
    let log = "SELECT CAST(COUNT(*) AS BIGINT) FROM unmask_log";

    // The leader sees the person but may not unmask: no form, and a post is refused.
    let mut l = logged_in(&db, "leader").await;
    let page = l.get(&person_href).await;
    ok(&page, "leader's view");
    assert!(!page.body.contains(&unmask), "{}", page.body);
    let r = l
        .post_form(
            &unmask,
            &[
                ("csrf", &page.csrf()),
                ("field", "id_card_no"),
                ("reason", "入户核查身份"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let mut w = logged_in(&db, "worker").await;
    let page = w.get(&person_href).await;
    assert!(page.body.contains(&unmask), "{}", page.body);
    let csrf = page.csrf();
    // No reason: 422 naming the field, nothing revealed, nothing logged.
    let r = w
        .post_form(
            &unmask,
            &[("csrf", &csrf), ("field", "id_card_no"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("field-error"), "{}", r.body);
    assert!(!r.body.contains(&s.full_id));
    assert_eq!(db.store.scalar_for_tests(log).await.unwrap(), 0);
    // Without the token: refused before anything happens.
    let r = w
        .post_form(
            &unmask,
            &[("field", "id_card_no"), ("reason", "入户核查身份")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let r = w
        .post_form(
            &unmask,
            &[
                ("csrf", &csrf),
                ("field", "id_card_no"),
                ("reason", "入户核查身份"),
            ],
        )
        .await;
    ok(&r, "unmask");
    assert!(r.body.contains(&s.full_id), "{}", r.body);
    assert_eq!(r.headers["cache-control"], "no-store");
    assert_eq!(db.store.scalar_for_tests(log).await.unwrap(), 1);
    let r = w
        .post_form(
            &unmask,
            &[
                ("csrf", &csrf),
                ("field", "phone"),
                ("reason", "联系本人核实"),
            ],
        )
        .await;
    assert!(r.body.contains("13812345678"), "{}", r.body);
    assert_eq!(db.store.scalar_for_tests(log).await.unwrap(), 2);
    // Once: the page read again is masked, and the history names the unmasking.
    let r = w.get(&person_href).await;
    assert!(!r.body.contains(&s.full_id) && !r.body.contains("13812345678"));
    assert!(r.body.contains("person.unmask"), "{}", r.body);

    // The next village cannot unmask what it cannot see.
    let mut o = logged_in(&db, "other").await;
    let csrf = o.get("/people").await.csrf();
    let r = o
        .post_form(
            &unmask,
            &[
                ("csrf", &csrf),
                ("field", "id_card_no"),
                ("reason", "入户核查身份"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(db.store.scalar_for_tests(log).await.unwrap(), 2);
});

on_both!(counts_show_the_sizing_flag_and_export_is_masked, |db| {
    let s = seeded(&db).await;
    let mut c = logged_in(&db, "center").await;
    let r = c.get("/people/counts").await;
    ok(&r, "district counts");
    assert!(
        r.body.contains("/people/counts?region=420202001"),
        "{}",
        r.body
    );
    let r = c.get(&format!("/people/counts?region={XINJIE}")).await;
    ok(&r, "village counts");
    // One household against a band of 300–500: the grid is flagged.
    assert!(
        r.body.contains(&format!("/grids/{}/base", s.grid)),
        "{}",
        r.body
    );
    assert!(r.body.contains("偏少"), "{}", r.body);
    assert!(r.body.contains("100.0%"), "floating share: {}", r.body);

    // The worker of the next village sees no counts of this one.
    let mut o = logged_in(&db, "other").await;
    let r = o.get(&format!("/people/counts?region={XINJIE}")).await;
    assert!(!r.body.contains("一网格"), "{}", r.body);
    assert_ne!(r.status, StatusCode::OK);

    let csrf = c.get("/people").await.csrf();
    let r = c.post_form("/people/export", &[("csrf", &csrf)]).await;
    ok(&r, "export");
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.body.contains("张三") && r.body.contains("420202********"),
        "{}",
        r.body
    );
    assert!(!r.body.contains(&s.full_id));
    let csrf = o.get("/people").await.csrf();
    let r = o.post_form("/people/export", &[("csrf", &csrf)]).await;
    ok(&r, "other's export");
    assert!(!r.body.contains("张三"), "{}", r.body);
});

/// Follows an import's status until it is over.
async fn wait_for(c: &mut Client, job: &str) {
    for _ in 0..400 {
        let r = c.get(&format!("{job}/status")).await;
        ok(&r, "status");
        if r.json()["state"] != "running" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the import did not finish");
}

async fn upload(c: &mut Client, csrf: &str, source: &str, csv: &str, accept_valid: bool) -> Reply {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("csrf", None, csrf.as_bytes()),
        ("kind", None, b"persons"),
        ("source", None, source.as_bytes()),
    ];
    if accept_valid {
        parts.push(("accept_valid", None, b"1"));
    }
    parts.push(("file", Some("社区摸排.csv"), csv.as_bytes()));
    c.post_multipart("/import", &parts).await
}

fn persons_csv(rows: &[(&str, &str)]) -> String {
    let mut s = String::from("所属网格,姓名,公民身份号码,人口类型\n");
    for (name, id) in rows {
        s.push_str(&format!("{XINJIE}-G1,{name},{id},户籍\n"));
    }
    s
}

on_both!(an_uploaded_file_is_imported_in_the_background, |db| {
    seeded(&db).await;
    let persons = "SELECT CAST(COUNT(*) AS BIGINT) FROM persons";
    let mut c = logged_in(&db, "center").await;
    let form = c.get("/import").await;
    ok(&form, "import form");
    let r = c.get("/import/template/persons.csv").await;
    ok(&r, "template");
    assert!(r.body.contains("公民身份号码"), "{}", r.body);
    let mut w = logged_in(&db, "worker").await;
    assert_eq!(w.get("/import").await.status, StatusCode::FORBIDDEN);

    let csrf = form.csrf();
    // Without the token the upload is refused before the file is read.
    let r = c
        .post_multipart(
            "/import",
            &[("kind", None, b"persons"), ("file", Some("a.csv"), b"x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // A missing source is named on the form.
    let good = persons_csv(&[
        ("李四", &id_no("42020219900202002")),
        ("王五", &id_no("42020219850303003")),
    ]);
    let r = upload(&mut c, &csrf, "", &good, false).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("field-error"), "{}", r.body);

    let r = upload(&mut c, &csrf, "社区摸排", &good, false).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let job = r.location().to_owned();
    assert!(job.starts_with("/import/"), "{job}");
    wait_for(&mut c, &job).await;
    let r = c.get(&job).await;
    ok(&r, "finished import");
    assert!(r.body.contains("alert-success"), "{}", r.body);
    assert_eq!(db.store.scalar_for_tests(persons).await.unwrap(), 3);
    // Someone else's import is not theirs to see.
    assert_eq!(w.get(&job).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.get(&format!("{job}/status")).await.status,
        StatusCode::NOT_FOUND
    );

    // The imported person's page names the batch: source, file, who.
    let r = c.get("/people?q=%E6%9D%8E%E5%9B%9B").await;
    let at = r.body.find("href=\"/people/420202/").expect("a result");
    let href: String = r.body[at + 6..]
        .chars()
        .take_while(|ch| *ch != '"')
        .collect();
    let r = c.get(&href).await;
    ok(&r, "imported person");
    assert!(
        r.body.contains("社区摸排") && r.body.contains("社区摸排.csv"),
        "{}",
        r.body
    );
    assert!(r.body.contains("center 测试"), "{}", r.body);
});

on_both!(a_bad_file_shows_its_faults_and_writes_nothing, |db| {
    seeded(&db).await;
    let persons = "SELECT CAST(COUNT(*) AS BIGINT) FROM persons";
    let mut c = logged_in(&db, "center").await;
    let csrf = c.get("/import").await.csrf();
    let bad = persons_csv(&[
        ("李四", &id_no("42020219900202002")),
        ("赵六", "420202199001010010"),
    ]);
    let r = upload(&mut c, &csrf, "户籍", &bad, false).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let job = r.location().to_owned();
    wait_for(&mut c, &job).await;
    let r = c.get(&job).await;
    ok(&r, "refused import");
    assert!(r.body.contains("alert-error"), "{}", r.body);
    assert!(r.body.contains("id_card_no"), "fault table: {}", r.body);
    assert!(r.body.contains(&format!("{job}/report.csv")), "{}", r.body);
    assert_eq!(db.store.scalar_for_tests(persons).await.unwrap(), 1);
    let r = c.get(&format!("{job}/report.csv")).await;
    ok(&r, "report");
    assert!(
        r.body.contains("行 row") && r.body.contains("\n3,"),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("420202199001010010"),
        "numbers masked: {}",
        r.body
    );

    // Accepting the valid rows keeps the good one.
    let r = upload(&mut c, &csrf, "户籍", &bad, true).await;
    let job = r.location().to_owned();
    wait_for(&mut c, &job).await;
    assert_eq!(db.store.scalar_for_tests(persons).await.unwrap(), 2);
});

on_both!(exports_and_reports_hand_no_formula_to_excel, |db| {
    let s = seeded(&db).await;
    let worker = db
        .store
        .user_by_username(&Actor::system(), "worker")
        .await
        .unwrap()
        .actor();
    db.store
        .create_person(
            &worker,
            &PersonInput {
                grid_id: s.grid.clone(),
                name: "=HYPERLINK(\"http://x\",\"y\")".into(),
                id_card_no: id_no("42020219900202002"),
                registered_address: "+cmd|' /C calc'!A0".into(),
                residence_type: "户籍".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut c = logged_in(&db, "center").await;
    let csrf = c.get("/people").await.csrf();
    let r = c.post_form("/people/export", &[("csrf", &csrf)]).await;
    ok(&r, "export");
    assert!(
        r.body
            .contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",")
            && r.body.contains(",'+cmd|' /C calc'!A0,"),
        "{}",
        r.body
    );

    // A value typed into an uploaded file comes back in the fault report, neutralised too.
    let csrf = c.get("/import").await.csrf();
    let bad = format!(
        "所属网格,姓名,公民身份号码,人口类型\n@SUM(1+1),李四,{},户籍\n",
        id_no("42020219850303003")
    );
    let r = upload(&mut c, &csrf, "户籍", &bad, false).await;
    let job = r.location().to_owned();
    wait_for(&mut c, &job).await;
    let r = c.get(&format!("{job}/report.csv")).await;
    ok(&r, "report");
    assert!(
        r.body.contains("\n2,所属网格 (grid),'@SUM(1+1),"),
        "{}",
        r.body
    );
    // The template goes through the same writer and reads as before.
    let r = c.get("/import/template/persons.csv").await;
    assert!(
        r.body.starts_with("\u{feff}所属网格,姓名,公民身份号码"),
        "{}",
        r.body
    );
});
