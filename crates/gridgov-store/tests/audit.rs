#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The audit chain records every change and catches tampering.

use gridgov_core::auth::{Actor, Role};
use gridgov_store::testing::{add_user, seed_regions};
use gridgov_store::{StoreError, on_both};

async fn raw(db: &gridgov_store::testing::TestDb, sql: &str) {
    db.store.execute_raw_for_tests(sql).await.unwrap();
}

on_both!(changes_are_recorded_and_the_chain_verifies, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let u = add_user(&db.store, &sys, "worker", Role::GridWorker, "420202").await;
    db.store.set_user_disabled(&sys, &u.id, true).await.unwrap();
    db.store
        .set_user_disabled(&sys, &u.id, false)
        .await
        .unwrap();
    let recs = db.store.list_audit(&sys, 10, None).await.unwrap();
    let actions: Vec<&str> = recs.iter().map(|r| r.action.as_str()).collect();
    assert!(
        actions.contains(&"user.create")
            && actions.contains(&"user.disable")
            && actions.contains(&"regions.import")
    );
    let stream: Vec<i64> = recs
        .iter()
        .filter(|r| r.resource == format!("user:{}", u.id))
        .map(|r| r.seq)
        .collect();
    assert_eq!(stream.len(), 3);
    let rep = db.store.verify_audit().await.unwrap();
    assert_eq!(rep.first_broken, None);
    assert_eq!(rep.records, 4);
});

on_both!(an_edited_record_is_caught, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let u = add_user(&db.store, &sys, "worker", Role::GridWorker, "420202").await;
    db.store.set_user_disabled(&sys, &u.id, true).await.unwrap();
    raw(&db, &format!(
        "UPDATE audit_log SET summary = '{{\"username\":\"someone-else\"}}' WHERE stream = 'user:{}' AND seq = 1",
        u.id
    ))
    .await;
    let b = db
        .store
        .verify_audit()
        .await
        .unwrap()
        .first_broken
        .expect("tampering must be caught");
    assert_eq!(
        (b.stream.as_str(), b.seq),
        (format!("user:{}", u.id).as_str(), 1)
    );
    assert!(b.reason.contains("altered"), "{}", b.reason);
});

on_both!(a_deleted_record_is_caught, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let u = add_user(&db.store, &sys, "worker", Role::GridWorker, "420202").await;
    db.store.set_user_disabled(&sys, &u.id, true).await.unwrap();
    db.store
        .set_user_disabled(&sys, &u.id, false)
        .await
        .unwrap();
    // A record in the middle...
    raw(
        &db,
        &format!(
            "DELETE FROM audit_log WHERE stream = 'user:{}' AND seq = 2",
            u.id
        ),
    )
    .await;
    let b = db.store.verify_audit().await.unwrap().first_broken.unwrap();
    assert_eq!(b.seq, 3);
    // ...and the tail, which only the head still remembers.
    raw(
        &db,
        &format!(
            "DELETE FROM audit_log WHERE stream = 'user:{}' AND seq = 3",
            u.id
        ),
    )
    .await;
    let b = db.store.verify_audit().await.unwrap().first_broken.unwrap();
    assert!(b.reason.contains("head"), "{}", b.reason);
});

on_both!(the_trail_is_scoped, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let op_a = add_user(&db.store, &sys, "op-a", Role::CenterOperator, "420202")
        .await
        .actor();
    add_user(&db.store, &sys, "worker-b", Role::GridWorker, "420203").await;
    let seen = db.store.list_audit(&op_a, 50, None).await.unwrap();
    assert!(!seen.is_empty());
    assert!(
        seen.iter()
            .all(|r| r.scope_path.starts_with("42/4202/420202/")),
        "{seen:?}"
    );
    let w = add_user(&db.store, &sys, "worker-a", Role::GridWorker, "420202")
        .await
        .actor();
    assert!(matches!(
        db.store.list_audit(&w, 10, None).await,
        Err(StoreError::Forbidden)
    ));
});
