#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The 12345 and 110 bridges in the store, on both databases: an order becomes an incident of
//! the bridge's region once however often (and however concurrently) it is delivered; the
//! actions a hotline is told of write their pushes in the action's transaction, the refusal as
//! "returned" with its reason; bridges are configured with their secrets sealed, bad input named
//! and nothing half-written; an administrator of the district next door sees and changes
//! nothing of them.

use gridgov_core::auth::{Actor, Role};
use gridgov_core::bridges::MappedOrder;
use gridgov_store::bridges::{BridgeDoor, BridgeInput, PushFilter};
use gridgov_store::incidents::ActionInput;
use gridgov_store::testing::add_user;
use gridgov_store::testing::town::town;
use gridgov_store::{Store, StoreError, on_both};

const SECRET: &str = "hs12345-shared-secret-2026";

pub const MAPPING: &str = r#"{"external_no": "/gdbh", "title": "/bt", "description": "/nr",
    "category": "/lb", "category_map": {"市容环境": "06"}, "address": "/dz",
    "lng": "/jd", "lat": "/wd", "crs": "wgs84", "occurred_at": "/sj",
    "caller_name": "/ldr/xm", "caller_phone": "/ldr/dh"}"#;

async fn admin(s: &Store, name: &str, scope: &str) -> Actor {
    add_user(s, &Actor::system(), name, Role::SystemAdmin, scope)
        .await
        .actor()
}

fn input(push_url: &str) -> BridgeInput {
    BridgeInput {
        id: "hs-12345".into(),
        kind: "hotline_12345".into(),
        name: "黄石港区12345热线".into(),
        region_code: "420202".into(),
        secret: SECRET.into(),
        push_url: push_url.into(),
        mapping: MAPPING.into(),
        active: true,
        version: 0,
    }
}

async fn hotline(s: &Store, admin: &Actor, push_url: &str) -> BridgeDoor {
    s.save_bridge(admin, &input(push_url)).await.unwrap();
    s.bridge_door("hs-12345").await.unwrap()
}

fn order(no: &str) -> MappedOrder {
    MappedOrder {
        external_no: no.into(),
        title: "桂花路占道经营".into(),
        description: "来电反映早市摊贩占用人行道。".into(),
        category: "06".into(),
        address: "桂花路 12 号".into(),
        lng: Some(115.005),
        lat: Some(30.205),
        crs: "wgs84".into(),
        caller_name: "张先生".into(),
        caller_phone: "13800000001".into(),
        ..MappedOrder::default()
    }
}

fn act(action: &str, version: i64) -> ActionInput {
    ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    }
}

on_both!(an_order_is_reported_once_however_often_it_arrives, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let a = admin(s, "admin", "420202").await;
    let door = hotline(s, &a, "").await;
    assert_eq!(door.secret, SECRET);
    let first = s.receive_order(&door, &order("HS001")).await.unwrap();
    let again = s.receive_order(&door, &order("HS001")).await.unwrap();
    assert_eq!(first, again);
    // Eight deliveries of another order at once: one incident, one answer.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (s, door) = (s.clone(), door.clone());
        tasks.push(tokio::spawn(async move {
            s.receive_order(&door, &order("HS002")).await.unwrap()
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert!(answers.iter().all(|r| *r == answers[0]));
    assert_ne!(answers[0].incident_id, first.incident_id);
    assert_eq!(
        s.scalar_for_tests("SELECT COUNT(*) FROM incidents")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        s.scalar_for_tests("SELECT COUNT(*) FROM bridge_orders")
            .await
            .unwrap(),
        2
    );
    // Reported under the hotline's source by the bridge's door, in the grid at its position,
    // with the caller's phone sealed.
    let row = s
        .scalar_text_for_tests(&format!(
            "SELECT source || '|' || reporter_id || '|' || grid_id FROM incidents WHERE id = '{}'",
            first.incident_id
        ))
        .await
        .unwrap();
    assert_eq!(row, format!("hotline_12345|bridge:hs-12345|{}", t.g1));
    let sealed = s
        .scalar_text_for_tests(
            "SELECT caller_phone_sealed FROM bridge_orders WHERE external_no = 'HS001'",
        )
        .await
        .unwrap();
    assert!(sealed.starts_with("v1.") && !sealed.contains("13800000001"));
    // The center sees it like any report of its district.
    let seen = s
        .incident(&t.center, &first.county_code, &first.incident_id)
        .await
        .unwrap();
    assert_eq!(seen.number, first.incident_number);
});

on_both!(
    an_order_outside_every_grid_is_refused_and_nothing_is_kept,
    |db| {
        town(&db.store).await;
        let s = &db.store;
        let a = admin(s, "admin", "420202").await;
        let door = hotline(s, &a, "").await;
        let mut far = order("HS003");
        far.lng = Some(116.5);
        match s.receive_order(&door, &far).await {
            Err(StoreError::Invalid(inv)) => assert_eq!(inv.0[0].field, "lng"),
            other => panic!("expected a field error, got {other:?}"),
        }
        let mut unknown = order("HS004");
        unknown.category = "99".into();
        assert!(matches!(
            s.receive_order(&door, &unknown).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.scalar_for_tests("SELECT COUNT(*) FROM bridge_orders")
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            s.scalar_for_tests("SELECT COUNT(*) FROM incidents")
                .await
                .unwrap(),
            0
        );
    }
);

on_both!(the_hotline_is_told_of_acceptance_and_of_a_return, |db| {
    let t = town(&db.store).await;
    let s = &db.store;
    let a = admin(s, "admin", "420202").await;
    let door = hotline(s, &a, "http://127.0.0.1:9/push").await;
    let r = s.receive_order(&door, &order("HS010")).await.unwrap();
    let i = s
        .incident(&t.center, &r.county_code, &r.incident_id)
        .await
        .unwrap();
    let i = s
        .act_on_incident(
            &t.center,
            &r.county_code,
            &r.incident_id,
            &act("accept", i.version),
        )
        .await
        .unwrap();
    // A comment is not told.
    let mut note = act("comment", i.version);
    note.note = "已联系来电人".into();
    s.act_on_incident(&t.center, &r.county_code, &r.incident_id, &note)
        .await
        .unwrap();
    let r2 = s.receive_order(&door, &order("HS011")).await.unwrap();
    let j = s
        .incident(&t.center, &r2.county_code, &r2.incident_id)
        .await
        .unwrap();
    let mut reject = act("reject", j.version);
    reject.reason = "不属于网格受理范围，请转住建部门".into();
    s.act_on_incident(&t.center, &r2.county_code, &r2.incident_id, &reject)
        .await
        .unwrap();
    let pushes = s
        .bridge_pushes(
            &a,
            &PushFilter {
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut told: Vec<(String, String)> = pushes
        .iter()
        .map(|p| (p.external_no.clone(), p.status.clone()))
        .collect();
    told.sort();
    assert_eq!(
        told,
        [
            ("HS010".to_owned(), "accepted".to_owned()),
            ("HS011".to_owned(), "returned".to_owned())
        ]
    );
    let returned = pushes.iter().find(|p| p.status == "returned").unwrap();
    let body: serde_json::Value = serde_json::from_str(&returned.body).unwrap();
    assert_eq!(body["text"], "不属于网格受理范围，请转住建部门");
    assert_eq!(body["order_no"], "HS011");
    assert_eq!(returned.state, "pending");
    // An incident reported by a grid worker is no bridge's business.
    let own = s
        .report_incident(
            &t.worker,
            &gridgov_store::incidents::ReportInput {
                title: "井盖缺失".into(),
                category: "06".into(),
                grid_id: t.g1.clone(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    s.act_on_incident(
        &t.center,
        &own.county_code,
        &own.id,
        &act("accept", own.version),
    )
    .await
    .unwrap();
    assert_eq!(
        s.scalar_for_tests("SELECT COUNT(*) FROM bridge_pushes")
            .await
            .unwrap(),
        2
    );
});

on_both!(
    bridges_are_configured_with_sealed_secrets_and_named_faults,
    |db| {
        town(&db.store).await;
        let s = &db.store;
        let a = admin(s, "admin", "420202").await;
        let mut bad = input("ftp://x");
        bad.secret = "short".into();
        bad.mapping = r#"{"external_no": "gdbh", "title": "/bt", "category": "/lb"}"#.into();
        bad.id = "HS 12345".into();
        match s.save_bridge(&a, &bad).await {
            Err(StoreError::Invalid(inv)) => {
                let mut fields: Vec<&str> = inv.0.iter().map(|f| f.field.as_str()).collect();
                fields.sort();
                assert_eq!(fields, ["id", "mapping", "push_url", "secret"]);
                assert!(inv.0.iter().all(|f| !f.zh.is_empty() && !f.en.is_empty()));
            }
            other => panic!("expected field errors, got {other:?}"),
        }
        let mut city = input("");
        city.region_code = "4201".into();
        assert!(matches!(
            s.save_bridge(&a, &city).await,
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(
            s.scalar_for_tests("SELECT COUNT(*) FROM bridges")
                .await
                .unwrap(),
            0
        );

        let b = s.save_bridge(&a, &input("")).await.unwrap();
        assert!(b.secret_sealed.starts_with("v1.") && !b.secret_sealed.contains(SECRET));
        assert_eq!(b.secret_masked(s), "••••••••2026");
        assert!(matches!(
            s.save_bridge(&a, &input("")).await,
            Err(StoreError::Conflict(_))
        ));
        // A change without a secret keeps it; a stale version is refused.
        let mut change = input("https://12345.example.cn/status");
        change.secret.clear();
        change.version = b.version;
        let b2 = s.save_bridge(&a, &change).await.unwrap();
        assert_eq!(b2.version, 2);
        assert_eq!(s.bridge_door("hs-12345").await.unwrap().secret, SECRET);
        assert!(matches!(
            s.save_bridge(&a, &change).await,
            Err(StoreError::VersionConflict)
        ));
        // Switched off, its door is closed.
        change.active = false;
        change.version = 2;
        s.save_bridge(&a, &change).await.unwrap();
        assert!(matches!(
            s.bridge_door("hs-12345").await,
            Err(StoreError::NotFound)
        ));
        let trail = s.list_audit(&a, 50, None).await.unwrap();
        let actions: Vec<&str> = trail
            .iter()
            .filter(|r| r.action.starts_with("bridge."))
            .map(|r| r.action.as_str())
            .collect();
        assert_eq!(actions.len(), 3);
        assert!(
            trail
                .iter()
                .all(|r| !r.summary.to_string().contains(SECRET))
        );
    }
);

on_both!(
    the_district_next_door_sees_and_changes_nothing_of_a_bridge,
    |db| {
        let t = town(&db.store).await;
        let s = &db.store;
        let a = admin(s, "admin", "420202").await;
        let other = admin(s, "xisai-admin", "420203").await;
        let door = hotline(s, &a, "http://127.0.0.1:9/push").await;
        let r = s.receive_order(&door, &order("HS020")).await.unwrap();
        let i = s
            .incident(&t.center, &r.county_code, &r.incident_id)
            .await
            .unwrap();
        s.act_on_incident(
            &t.center,
            &r.county_code,
            &r.incident_id,
            &act("accept", i.version),
        )
        .await
        .unwrap();
        let push = s
            .bridge_pushes(
                &a,
                &PushFilter {
                    limit: 5,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(push.len(), 1);
        s.execute_raw_for_tests("UPDATE bridge_pushes SET state = 'dead'")
            .await
            .unwrap();

        assert!(s.bridges(&other).await.unwrap().is_empty());
        assert!(matches!(
            s.bridge(&other, "hs-12345").await,
            Err(StoreError::NotFound)
        ));
        assert!(s.bridge_orders(&other, None, 50).await.unwrap().is_empty());
        assert!(
            s.bridge_pushes(
                &other,
                &PushFilter {
                    limit: 50,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
        );
        assert!(matches!(
            s.replay_push(&other, &push[0].id).await,
            Err(StoreError::NotFound)
        ));
        let mut change = input("https://evil.example/steal");
        change.version = 1;
        // A bridge it cannot see is not there, whatever region the form names.
        assert!(matches!(
            s.save_bridge(&other, &change).await,
            Err(StoreError::NotFound)
        ));
        change.region_code = "420203".into();
        assert!(matches!(
            s.save_bridge(&other, &change).await,
            Err(StoreError::NotFound)
        ));
        // Nor can it take the id over with a bridge of its own.
        let mut theirs = input("");
        theirs.region_code = "420203".into();
        assert!(matches!(
            s.save_bridge(&other, &theirs).await,
            Err(StoreError::Conflict(_))
        ));
        // A center operator is no administrator of bridges.
        assert!(matches!(
            s.bridges(&t.center).await,
            Err(StoreError::Forbidden)
        ));
        assert_eq!(
        s.scalar_text_for_tests("SELECT push_url || '|' || state FROM bridges b JOIN bridge_pushes p ON p.bridge_id = b.id")
            .await
            .unwrap(),
        "http://127.0.0.1:9/push|dead"
    );
        // Its own administrator replays it.
        s.replay_push(&a, &push[0].id).await.unwrap();
        assert!(matches!(
            s.replay_push(&a, &push[0].id).await,
            Err(StoreError::VersionConflict)
        ));
    }
);
