#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What backup and restore ask of the database: what it holds, a consistent copy or snapshot,
//! whether it is in use, and clearing a schema that was never used.

use gridgov_core::auth::{Actor, Role};
use gridgov_store::backup::{Contents, inventory_of_sqlite_file, sqlite_file_in_use};
use gridgov_store::testing::{add_user, seed_regions, test_protector};
use gridgov_store::{Backend, Store, on_both};

on_both!(an_inventory_tells_a_used_database_from_a_new_one, |db| {
    let fresh = db.store.inventory().await.unwrap();
    assert_eq!(fresh.contents(), Contents::Unused, "{fresh:?}");
    assert_eq!(
        fresh.key_check.as_deref(),
        Some(test_protector().key_check())
    );
    assert!(!fresh.migrations.is_empty());
    assert!(fresh.unknown_migrations(db.store.backend()).is_empty());
    assert_eq!(fresh.count("persons"), Some(0));

    seed_regions(&db.store).await;
    add_user(
        &db.store,
        &Actor::system(),
        "hs-op",
        Role::CenterOperator,
        "4202",
    )
    .await;
    let used = db.store.inventory().await.unwrap();
    assert_eq!(used.contents(), Contents::Data);
    assert_eq!(used.count("users"), Some(1));
    assert!(used.count("regions").unwrap() > 5);
    assert!(used.count("audit_log").unwrap() >= 2);
    assert!(used.tables.iter().any(|t| t == "verification_tasks"));
});

on_both!(a_backup_holds_what_was_committed_when_it_began, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    add_user(&db.store, &sys, "first", Role::GridWorker, "420202").await;
    match db.store.backend() {
        Backend::Sqlite => {
            let dir = tempdir();
            let copy = dir.join("copy.db");
            db.store.vacuum_into(&copy).await.unwrap();
            add_user(&db.store, &sys, "later", Role::GridWorker, "420202").await;
            let held = inventory_of_sqlite_file(&copy).await.unwrap();
            assert_eq!(held.count("users"), Some(1));
            assert_eq!(
                held.key_check.as_deref(),
                Some(test_protector().key_check())
            );
            // Reading the copy changed nothing beside it.
            let names: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names, vec![std::ffi::OsString::from("copy.db")]);
            // A file that exists and holds something is not overwritten.
            assert!(db.store.vacuum_into(&copy).await.is_err());
            std::fs::remove_dir_all(dir).unwrap();
        }
        Backend::Postgres => {
            let mut snap = db.store.export_snapshot().await.unwrap();
            assert!(!snap.id().is_empty());
            add_user(&db.store, &sys, "later", Role::GridWorker, "420202").await;
            let held = snap.inventory().await.unwrap();
            assert_eq!(held.count("users"), Some(1));
            snap.end().await.unwrap();
            assert!(db.store.server_major_version().await.unwrap() >= 12);
        }
    }
    assert_eq!(db.store.inventory().await.unwrap().count("users"), Some(2));
});

on_both!(only_a_schema_that_was_never_used_is_cleared, |db| {
    if db.store.backend() == Backend::Sqlite {
        // A SQLite restore replaces the file; nothing is cleared in place.
        assert!(db.store.clear_unused_schema().await.is_err());
        return;
    }
    let dropped = db.store.clear_unused_schema().await.unwrap();
    assert!(dropped.iter().any(|t| t == "persons"), "{dropped:?}");
    assert_eq!(
        db.store.inventory().await.unwrap().contents(),
        Contents::Empty
    );
    db.store.migrate().await.unwrap();
    seed_regions(&db.store).await;
    assert!(db.store.clear_unused_schema().await.is_err());
    assert_eq!(
        db.store.inventory().await.unwrap().contents(),
        Contents::Data
    );
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_is_in_use_while_any_connection_is_open_and_free_once_closed() {
    let dir = tempdir();
    let path = dir.join("live.db");
    let url = gridgov_store::DatabaseUrl::sqlite_file(&path);
    // A read just before closing leaves a connection on its way back to the pool, which a
    // plain pool close could miss; the store's close must not.
    for round in 0..10 {
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        if round == 0 {
            assert!(sqlite_file_in_use(&path).await.unwrap());
        }
        store.inventory().await.unwrap();
        store.close().await;
        assert!(!sqlite_file_in_use(&path).await.unwrap());
    }
    std::fs::remove_dir_all(dir).unwrap();
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("gridgov-backup-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
