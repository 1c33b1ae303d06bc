#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Sessions, tokens and login throttling, with the clock under the test's control.

use gridgov_core::auth::{Actor, Role};
use gridgov_store::auth::{SESSION_IDLE_MS, SESSION_MAX_MS};
use gridgov_store::testing::{PASSWORD, add_user, seed_regions};
use gridgov_store::{StoreError, on_both};

on_both!(sessions_expire_when_idle_and_at_most_after_a_day, |db| {
    seed_regions(&db.store).await;
    let w = add_user(
        &db.store,
        &Actor::system(),
        "worker",
        Role::GridWorker,
        "420202",
    )
    .await;
    let s = db.store.create_session(&w).await.unwrap();
    assert_eq!(
        db.store.session_user(&s.token).await.unwrap().unwrap().id,
        w.id
    );
    assert!(
        db.store
            .session_user("not-a-session")
            .await
            .unwrap()
            .is_none()
    );
    // Activity keeps it alive past the first idle limit...
    db.clock.advance_ms(SESSION_IDLE_MS - 60_000);
    assert!(db.store.session_user(&s.token).await.unwrap().is_some());
    db.clock.advance_ms(SESSION_IDLE_MS - 60_000);
    assert!(db.store.session_user(&s.token).await.unwrap().is_some());
    // ...but never past the absolute limit.
    db.clock.advance_ms(SESSION_MAX_MS);
    assert!(db.store.session_user(&s.token).await.unwrap().is_none());
    let idle = db.store.create_session(&w).await.unwrap();
    db.clock.advance_ms(SESSION_IDLE_MS + 1);
    assert!(db.store.session_user(&idle.token).await.unwrap().is_none());
    assert!(db.store.purge_expired_sessions().await.unwrap() >= 1);
});

on_both!(logout_ends_the_session, |db| {
    seed_regions(&db.store).await;
    let w = add_user(
        &db.store,
        &Actor::system(),
        "worker",
        Role::GridWorker,
        "420202",
    )
    .await;
    let s = db.store.create_session(&w).await.unwrap();
    db.store.logout(&s.token).await.unwrap();
    assert!(db.store.session_user(&s.token).await.unwrap().is_none());
    let trail = db
        .store
        .list_audit(&Actor::system(), 10, None)
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|r| r.action == "session.logout" && r.resource == format!("user:{}", w.id))
    );
    // Logging out twice, or with a forged cookie, is harmless.
    db.store.logout(&s.token).await.unwrap();
    db.store.logout("forged").await.unwrap();
});

on_both!(repeated_failures_lock_the_username_for_a_while, |db| {
    seed_regions(&db.store).await;
    add_user(
        &db.store,
        &Actor::system(),
        "worker",
        Role::GridWorker,
        "420202",
    )
    .await;
    for _ in 0..5 {
        assert!(matches!(
            db.store.check_login("worker", "wrong-guess-1").await,
            Err(StoreError::BadCredentials)
        ));
    }
    // Locked: even the right password waits.
    match db.store.check_login("worker", PASSWORD).await {
        Err(StoreError::Throttled { retry_after_secs }) => {
            assert!(retry_after_secs > 0 && retry_after_secs <= 900)
        }
        other => panic!("expected throttling, got {other:?}"),
    }
    db.clock.advance_ms(15 * 60 * 1000 + 1);
    assert!(db.store.check_login("worker", PASSWORD).await.is_ok());
    // Unknown usernames get the same answer as wrong passwords.
    assert!(matches!(
        db.store.check_login("nobody-here", PASSWORD).await,
        Err(StoreError::BadCredentials)
    ));
});

on_both!(
    api_tokens_act_for_their_user_until_revoked_or_expired,
    |db| {
        seed_regions(&db.store).await;
        let w = add_user(
            &db.store,
            &Actor::system(),
            "worker",
            Role::GridWorker,
            "420202",
        )
        .await;
        let other = add_user(
            &db.store,
            &Actor::system(),
            "other",
            Role::GridWorker,
            "420202",
        )
        .await;
        let (tok, secret) = db
            .store
            .create_api_token(&w.actor(), "phone", Some(30))
            .await
            .unwrap();
        assert!(secret.starts_with("ggv_"));
        assert_eq!(
            db.store.token_user(&secret).await.unwrap().unwrap().id,
            w.id
        );
        assert!(db.store.token_user("ggv_forged").await.unwrap().is_none());
        // Somebody else's token cannot be revoked by id.
        assert!(matches!(
            db.store.revoke_api_token(&other.actor(), &tok.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(
            db.store
                .list_api_tokens(&other.actor())
                .await
                .unwrap()
                .is_empty()
        );
        db.store
            .revoke_api_token(&w.actor(), &tok.id)
            .await
            .unwrap();
        assert!(db.store.token_user(&secret).await.unwrap().is_none());
        let (_, short) = db
            .store
            .create_api_token(&w.actor(), "short", Some(1))
            .await
            .unwrap();
        db.clock.advance_ms(86_400_000 + 1);
        assert!(db.store.token_user(&short).await.unwrap().is_none());
        let e = db
            .store
            .create_api_token(&w.actor(), " ", None)
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::Invalid(ref i) if i.0[0].field == "name"),
            "{e:?}"
        );
    }
);

on_both!(parallel_guesses_get_five_hashes_between_them, |db| {
    seed_regions(&db.store).await;
    add_user(
        &db.store,
        &Actor::system(),
        "worker",
        Role::GridWorker,
        "420202",
    )
    .await;
    // Forty guesses at once, the right password among the last of them: the attempts are
    // counted before any is hashed, so only five are checked at all and the rest are refused.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = db.store.clone();
        let pw = if i == 35 { PASSWORD } else { "wrong-guess" };
        tasks.push(tokio::spawn(async move {
            store.check_login("worker", pw).await
        }));
    }
    let (mut ok, mut bad, mut throttled) = (0, 0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::BadCredentials) => bad += 1,
            Err(StoreError::Throttled { .. }) => throttled += 1,
            Err(e) => panic!("no attempt may fail otherwise: {e:?}"),
        }
    }
    assert!(
        ok + bad <= 5,
        "{ok} accepted and {bad} refused after hashing"
    );
    assert_eq!(ok + bad + throttled, 40);
    if ok == 0 {
        // The right password came too late: the name stays locked for it too.
        assert!(matches!(
            db.store.check_login("worker", PASSWORD).await,
            Err(StoreError::Throttled { .. })
        ));
    }
});

on_both!(names_that_cannot_exist_cost_nothing, |db| {
    // Not a username at all: refused at once, with no count kept that could pile up.
    let long = "x".repeat(10_000);
    for name in ["", "a", long.as_str(), "name with spaces", "名字"] {
        assert!(matches!(
            db.store.check_login(name, "whatever").await,
            Err(StoreError::BadCredentials)
        ));
    }
    assert_eq!(
        db.store
            .scalar_for_tests("SELECT COUNT(*) FROM login_failures")
            .await
            .unwrap(),
        0
    );
    // Unknown but well-formed names are counted (so they cost what a real one does), and the
    // counts are swept once their window has passed.
    assert!(db.store.check_login("nobody-here", "x").await.is_err());
    assert_eq!(db.store.purge_stale_attempts().await.unwrap(), 0);
    db.clock.advance_ms(15 * 60 * 1000 + 1);
    assert_eq!(db.store.purge_stale_attempts().await.unwrap(), 1);
});

on_both!(guesses_at_the_current_password_are_throttled, |db| {
    seed_regions(&db.store).await;
    let w = add_user(
        &db.store,
        &Actor::system(),
        "worker",
        Role::GridWorker,
        "420202",
    )
    .await;
    let me = w.actor();
    for _ in 0..5 {
        assert!(matches!(
            db.store
                .change_own_password(&me, "not-it", "new-pass-2026-x")
                .await,
            Err(StoreError::Invalid(_))
        ));
    }
    // The sixth guess is not even checked, the right one neither, until the lock passes.
    assert!(matches!(
        db.store
            .change_own_password(&me, PASSWORD, "new-pass-2026-x")
            .await,
        Err(StoreError::Throttled { .. })
    ));
    // The login is a separate door and stays open.
    assert!(db.store.check_login("worker", PASSWORD).await.is_ok());
    db.clock.advance_ms(15 * 60 * 1000 + 1);
    db.store
        .change_own_password(&me, PASSWORD, "new-pass-2026-x")
        .await
        .unwrap();
});

on_both!(a_new_password_revokes_every_api_token_of_the_user, |db| {
    seed_regions(&db.store).await;
    let sys = Actor::system();
    let w = add_user(&db.store, &sys, "worker", Role::GridWorker, "420202").await;
    let other = add_user(&db.store, &sys, "other", Role::GridWorker, "420202").await;
    let (_, others) = db
        .store
        .create_api_token(&other.actor(), "phone", None)
        .await
        .unwrap();
    let revoked_in_audit = |db: &gridgov_store::testing::TestDb| {
        let store = db.store.clone();
        async move {
            store
                .list_audit(&Actor::system(), 500, None)
                .await
                .unwrap()
                .into_iter()
                .filter(|r| r.action.ends_with("password"))
                .map(|r| {
                    let v: serde_json::Value = serde_json::from_str(&r.summary).unwrap();
                    (r.action, v["tokens_revoked"].as_i64().unwrap())
                })
                .collect::<Vec<_>>()
        }
    };

    // The user changes their own password: both of their tokens stop, another user's does not.
    let (_, phone) = db
        .store
        .create_api_token(&w.actor(), "phone", None)
        .await
        .unwrap();
    let (_, script) = db
        .store
        .create_api_token(&w.actor(), "script", Some(30))
        .await
        .unwrap();
    db.store
        .change_own_password(&w.actor(), PASSWORD, "changed-pass-1")
        .await
        .unwrap();
    assert!(db.store.token_user(&phone).await.unwrap().is_none());
    assert!(db.store.token_user(&script).await.unwrap().is_none());
    assert!(db.store.token_user(&others).await.unwrap().is_some());
    let listed = db.store.list_api_tokens(&w.actor()).await.unwrap();
    assert!(listed.len() == 2 && listed.iter().all(|t| t.revoked_at.is_some()));
    assert_eq!(
        revoked_in_audit(&db).await,
        [("user.change_password".to_owned(), 2)]
    );

    // An administrator resets it: the token made since stops too.
    let (_, later) = db
        .store
        .create_api_token(&w.actor(), "later", None)
        .await
        .unwrap();
    db.store
        .reset_password(&sys, &w.id, "reset-pass-42")
        .await
        .unwrap();
    assert!(db.store.token_user(&later).await.unwrap().is_none());
    assert!(db.store.token_user(&others).await.unwrap().is_some());
    let mut audit = revoked_in_audit(&db).await;
    audit.sort();
    assert_eq!(
        audit,
        [
            ("user.change_password".to_owned(), 2),
            ("user.reset_password".to_owned(), 1)
        ]
    );
});
