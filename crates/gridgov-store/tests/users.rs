#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Stories of user administration: who may create, see and change whom.

use gridgov_core::auth::{Actor, Role};
use gridgov_store::testing::{PASSWORD, add_user, seed_regions};
use gridgov_store::users::{NewUserInput, UserUpdate};
use gridgov_store::{StoreError, on_both};

fn input(username: &str, role: Role, scope: &str) -> NewUserInput {
    NewUserInput {
        username: username.into(),
        display_name: "李四".into(),
        role: role.as_str().into(),
        scope: scope.into(),
        password: PASSWORD.into(),
    }
}

fn fields(e: StoreError) -> Vec<String> {
    match e {
        StoreError::Invalid(inv) => inv.0.into_iter().map(|f| f.field).collect(),
        StoreError::Conflict(f) => vec![f.field],
        other => panic!("expected field errors, got {other:?}"),
    }
}

on_both!(a_county_operator_sees_only_users_of_the_county, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let op_a = add_user(&db.store, &sys, "op-a", Role::CenterOperator, "420202")
        .await
        .actor();
    let w_a = add_user(
        &db.store,
        &sys,
        "worker-a",
        Role::GridWorker,
        "420202001001",
    )
    .await;
    let w_b = add_user(
        &db.store,
        &sys,
        "worker-b",
        Role::GridWorker,
        "420203001001",
    )
    .await;
    let names: Vec<String> = db
        .store
        .list_users(&op_a, None, 100, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["op-a", "worker-a"]);
    assert!(db.store.user(&op_a, &w_a.id).await.is_ok());
    assert!(matches!(
        db.store.user(&op_a, &w_b.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.store.user_by_username(&op_a, "worker-b").await,
        Err(StoreError::NotFound)
    ));
    // Changing someone outside the scope fails as if they did not exist.
    let up = UserUpdate {
        display_name: "x".into(),
        role: "grid_worker".into(),
        scope: "420202".into(),
        version: 1,
    };
    assert!(matches!(
        db.store.update_user(&op_a, &w_b.id, &up).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.store.set_user_disabled(&op_a, &w_b.id, true).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.store
            .reset_password(&op_a, &w_b.id, "another-pass-1")
            .await,
        Err(StoreError::NotFound)
    ));
});

on_both!(a_grid_worker_sees_nobody_but_themselves, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let w = add_user(
        &db.store,
        &sys,
        "worker-a",
        Role::GridWorker,
        "420202001001",
    )
    .await;
    let other = add_user(
        &db.store,
        &sys,
        "worker-a2",
        Role::GridWorker,
        "420202001001",
    )
    .await;
    let actor = w.actor();
    assert!(matches!(
        db.store.list_users(&actor, None, 10, 0).await,
        Err(StoreError::Forbidden)
    ));
    assert!(db.store.user(&actor, &w.id).await.is_ok());
    assert!(matches!(
        db.store.user(&actor, &other.id).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        db.store
            .create_user(&actor, &input("x-new", Role::BuildingHead, "420202001001"))
            .await,
        Err(StoreError::Forbidden)
    ));
});

on_both!(nobody_grants_a_wider_scope_or_a_higher_role, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let op = add_user(&db.store, &sys, "op-a", Role::CenterOperator, "420202")
        .await
        .actor();
    let e = db
        .store
        .create_user(&op, &input("too-wide", Role::GridWorker, "420200"))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["scope"]);
    let e = db
        .store
        .create_user(&op, &input("whole", Role::GridWorker, ""))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["scope"]);
    let e = db
        .store
        .create_user(&op, &input("boss", Role::SystemAdmin, "420202"))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["role"]);
    let ok = db
        .store
        .create_user(&op, &input("w-ok", Role::GridWorker, "420202001001"))
        .await
        .unwrap();
    assert_eq!(ok.scope_code.as_deref(), Some("420202001001"));
    // Raising an existing user above the operator is refused the same way.
    let up = UserUpdate {
        display_name: "x".into(),
        role: "system_admin".into(),
        scope: "420202".into(),
        version: ok.version,
    };
    assert_eq!(
        fields(db.store.update_user(&op, &ok.id, &up).await.unwrap_err()),
        ["role"]
    );
});

on_both!(bad_input_names_every_field_and_keeps_nothing, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let bad = NewUserInput {
        username: "x".into(),
        display_name: "".into(),
        role: "king".into(),
        scope: "999999".into(),
        password: "short".into(),
    };
    let mut f = fields(db.store.create_user(&sys, &bad).await.unwrap_err());
    f.sort();
    assert_eq!(f, ["display_name", "password", "role", "scope", "username"]);
    assert!(
        db.store
            .list_users(&sys, None, 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    add_user(&db.store, &sys, "taken", Role::GridWorker, "420202").await;
    let e = db
        .store
        .create_user(&sys, &input("TAKEN", Role::GridWorker, "420202"))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["username"]);
    assert_eq!(
        db.store.list_users(&sys, None, 10, 0).await.unwrap().len(),
        1
    );
});

on_both!(a_stale_edit_loses_with_a_version_conflict, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let u = add_user(&db.store, &sys, "worker", Role::GridWorker, "420202001001").await;
    let up = |name: &str, version| UserUpdate {
        display_name: name.into(),
        role: "grid_worker".into(),
        scope: "420202001001".into(),
        version,
    };
    let first = db
        .store
        .update_user(&sys, &u.id, &up("王五", u.version))
        .await
        .unwrap();
    assert_eq!(first.version, u.version + 1);
    assert!(matches!(
        db.store
            .update_user(&sys, &u.id, &up("赵六", u.version))
            .await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(
        db.store.user(&sys, &u.id).await.unwrap().display_name,
        "王五"
    );
});

on_both!(disabling_ends_sessions_and_blocks_login, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let op = add_user(&db.store, &sys, "op-city", Role::CenterOperator, "4202").await;
    let w = add_user(&db.store, &sys, "worker", Role::GridWorker, "420202001001").await;
    let s = db.store.create_session(&w).await.unwrap();
    assert!(db.store.session_user(&s.token).await.unwrap().is_some());
    let (_, secret) = db
        .store
        .create_api_token(&w.actor(), "phone", None)
        .await
        .unwrap();
    db.store
        .set_user_disabled(&op.actor(), &w.id, true)
        .await
        .unwrap();
    assert!(db.store.session_user(&s.token).await.unwrap().is_none());
    assert!(db.store.token_user(&secret).await.unwrap().is_none());
    assert!(matches!(
        db.store.check_login("worker", PASSWORD).await,
        Err(StoreError::BadCredentials)
    ));
    // Nobody disables themselves.
    assert_eq!(
        fields(
            db.store
                .set_user_disabled(&op.actor(), &op.id, true)
                .await
                .unwrap_err()
        ),
        ["disabled"]
    );
    db.store
        .set_user_disabled(&op.actor(), &w.id, false)
        .await
        .unwrap();
    assert!(db.store.check_login("worker", PASSWORD).await.is_ok());
});

on_both!(passwords_reset_and_change, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let w = add_user(&db.store, &sys, "worker", Role::GridWorker, "420202001001").await;
    db.store
        .reset_password(&sys, &w.id, "reset-pass-42")
        .await
        .unwrap();
    assert!(db.store.check_login("worker", PASSWORD).await.is_err());
    let me = db
        .store
        .check_login("worker", "reset-pass-42")
        .await
        .unwrap()
        .actor();
    let e = db
        .store
        .change_own_password(&me, "wrong-pass-1", "new-pass-43")
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["current_password"]);
    db.store
        .change_own_password(&me, "reset-pass-42", "new-pass-43")
        .await
        .unwrap();
    assert!(db.store.check_login("worker", "new-pass-43").await.is_ok());
});

on_both!(search_matches_names_and_usernames_literally, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    add_user(&db.store, &sys, "li_si", Role::GridWorker, "420202").await;
    add_user(&db.store, &sys, "lixsi", Role::GridWorker, "420202").await;
    let found = |q: &'static str| {
        let store = db.store.clone();
        let sys = sys.clone();
        async move {
            store
                .list_users(&sys, Some(q), 10, 0)
                .await
                .unwrap()
                .into_iter()
                .map(|u| u.username)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("li_s").await, ["li_si"]);
    assert_eq!(found("LIX").await, ["lixsi"]);
    assert_eq!(found("%").await, Vec::<String>::new());
    assert_eq!(found("测试").await.len(), 2);
});
