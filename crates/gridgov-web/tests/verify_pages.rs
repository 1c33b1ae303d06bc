#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The desk page of verification tasks through the real router: a survey compared with the
//! records by the store, then grid workers claim, are refused and decide through forms; a
//! worker of another village sees nothing, and a role that does not verify is kept out. On both
//! databases.

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
use gridgov_store::testing::{PASSWORD, TestDb, add_user, seed_regions};
use gridgov_store::verify::CompareOptions;
use support::{Client, Reply};

const XINJIE: &str = "420202001001";

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
        ("leader", Role::Leader, "4202"),
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
    let opts = CompareOptions {
        source: "社区摸排".into(),
        file_name: "survey.csv".into(),
        ..CompareOptions::default()
    };
    let survey = csv(&[("张三", 1, "13812340000")]);
    let r = db
        .store
        .compare_source(&sys, survey, &opts, Arc::new(|_| {}))
        .await
        .unwrap();
    assert_eq!((r.counts.differs, r.counts.missing_in_source), (1, 1));
}

async fn logged_in(db: &TestDb, username: &str) -> Client {
    let mut c = Client::new(db);
    let r = c.login(username, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    c
}

/// The table row of the task of this person, with its id.
fn row_of(r: &Reply, name: &str) -> Option<(String, String)> {
    r.body.split("<tr id=\"task-").skip(1).find_map(|chunk| {
        let row = &chunk[..chunk.find("</tr>")?];
        let id = &row[..row.find('"')?];
        row.contains(name).then(|| (id.to_owned(), row.to_owned()))
    })
}

on_both!(workers_claim_and_decide_on_the_page, |db| {
    seeded(&db).await;
    let mut a = logged_in(&db, "worker-a").await;
    let home = a.get("/").await;
    assert!(
        home.body.contains("href=\"/verification\""),
        "{}",
        home.body
    );

    let r = a.get("/verification").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (task, row) = row_of(&r, "张三").expect("张三's task is open");
    assert!(
        row.contains("信息不一致") && row.contains("420202001001-G1"),
        "{row}"
    );
    assert!(row.contains("<strong>电话</strong>：不一致"), "{row}");
    assert!(!r.body.contains("1381234"), "no phone in the clear");
    let (_, li) = row_of(&r, "李四").expect("李四's task is open");
    assert!(li.contains("来源缺失"), "{li}");
    let csrf = r.csrf();

    let claim = format!("/verification/{task}/claim");
    let decide = format!("/verification/{task}/decide");
    let r = a
        .post_form(
            &claim,
            &[("csrf", &csrf), ("status", "open"), ("page", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/verification?status=mine");
    let r = a.get("/verification?status=mine").await;
    let (_, row) = row_of(&r, "张三").expect("in my claims");
    assert!(row.contains(&format!("action=\"{decide}\"")), "{row}");
    assert!(row_of(&r, "李四").is_none(), "only my claims: {}", r.body);

    // A colleague of the same grid sees it claimed, by whom, and can neither take nor decide it;
    // the refusal names the task, in the language chosen.
    let mut a2 = logged_in(&db, "worker-a2").await;
    let r = a2.get("/verification?status=claimed").await;
    let (_, row) = row_of(&r, "张三").expect("claimed, seen by the colleague");
    assert!(row.contains("worker-a") && !row.contains(&decide), "{row}");
    let r = a2.get("/verification").await;
    assert!(row_of(&r, "张三").is_none(), "no longer open: {}", r.body);
    let csrf2 = r.csrf();
    let r = a2
        .post_form(&claim, &[("csrf", &csrf2), ("status", "open")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("核对任务：该核对任务已被他人认领"),
        "{}",
        r.body
    );
    a2.get("/lang/en?back=/verification").await;
    let r = a2
        .post_form(
            &decide,
            &[
                ("csrf", &csrf2),
                ("decision", "take_source"),
                ("status", "claimed"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body
            .contains("Task: someone else has claimed this verification task"),
        "{}",
        r.body
    );

    // A faulty correction comes back with its field named and the values sent.
    let r = a
        .post_form(
            &decide,
            &[
                ("csrf", &csrf),
                ("decision", "correct"),
                ("phone", "12"),
                ("note", "核实中"),
                ("status", "mine"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("alert-error") && r.body.contains("电话："),
        "{}",
        r.body
    );
    let (_, row) = row_of(&r, "张三").unwrap();
    assert!(
        row.contains("field-error") && row.contains("value=\"核实中\""),
        "{row}"
    );

    let r = a
        .post_form(
            &decide,
            &[
                ("csrf", &csrf),
                ("decision", "take_source"),
                ("note", "电话已更换"),
                ("status", "mine"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = a.get("/verification?status=resolved").await;
    let (_, row) = row_of(&r, "张三").expect("resolved");
    assert!(
        row.contains("已处理") && row.contains("以来源为准") && row.contains("电话已更换"),
        "{row}"
    );
    assert!(!row.contains(&claim) && !row.contains(&decide), "{row}");
    let r = a.get("/verification?status=mine").await;
    assert!(row_of(&r, "张三").is_none());
});

on_both!(others_see_no_tasks, |db| {
    seeded(&db).await;
    let mut b = logged_in(&db, "worker-b").await;
    let r = b.get("/verification").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("没有核对任务"), "{}", r.body);
    assert!(!r.body.contains("张三") && !r.body.contains("李四"));

    let mut l = logged_in(&db, "leader").await;
    let home = l.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        !home.body.contains("href=\"/verification\""),
        "{}",
        home.body
    );
    let r = l.get("/verification").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
});
