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

// ---- Digests of every stream's head ----

use gridgov_store::audit::{AuditDigest, DIGEST_STREAM, DigestWrite};

const MINUTE: i64 = 60_000;

fn written(w: DigestWrite) -> AuditDigest {
    match w {
        DigestWrite::Written(d) => d,
        DigestWrite::Skipped(d) => panic!("expected a new digest, the latest is {d:?}"),
    }
}

/// A user with three records (create, disable, enable) in the stream `user:<id>`.
async fn three_records(db: &gridgov_store::testing::TestDb, username: &str) -> String {
    let sys = Actor::system();
    let u = add_user(&db.store, &sys, username, Role::GridWorker, "420202").await;
    db.store.set_user_disabled(&sys, &u.id, true).await.unwrap();
    db.store
        .set_user_disabled(&sys, &u.id, false)
        .await
        .unwrap();
    format!("user:{}", u.id)
}

/// The regions (one record) and a user with three.
async fn user_with_three_records(db: &gridgov_store::testing::TestDb) -> String {
    seed_regions(&db.store).await;
    three_records(db, "worker").await
}

/// Deletes a stream's records after `keep` and sets its head back to record `keep`: the cut
/// that leaves a shorter chain which still verifies on its own.
async fn cut_tail(db: &gridgov_store::testing::TestDb, stream: &str, keep: i64) {
    raw(
        db,
        &format!("DELETE FROM audit_log WHERE stream = '{stream}' AND seq > {keep}"),
    )
    .await;
    raw(
        db,
        &format!(
            "UPDATE audit_heads SET seq = {keep}, hash = (SELECT hash FROM audit_log \
             WHERE stream = '{stream}' AND seq = {keep}) WHERE stream = '{stream}'"
        ),
    )
    .await;
}

async fn broken(db: &gridgov_store::testing::TestDb) -> gridgov_store::audit::Broken {
    db.store
        .verify_audit()
        .await
        .unwrap()
        .first_broken
        .expect("tampering must be caught")
}

on_both!(a_digest_covers_what_came_before_its_cutoff, |db| {
    let stream = user_with_three_records(&db).await;
    // The cutoff trails the present: records of the last ten minutes wait for the next digest.
    let first = written(db.store.write_audit_digest().await.unwrap());
    assert_eq!((first.seq, first.streams, first.records), (1, 0, 0));
    db.clock.advance_ms(11 * MINUTE);
    let second = written(db.store.write_audit_digest().await.unwrap());
    // The region import, the user and the first digest's own record.
    assert_eq!((second.seq, second.streams, second.records), (2, 3, 5));
    assert_eq!(second.prev, first.hash);
    // Nothing new to cover at the same instant: the latest is given back.
    assert_eq!(
        db.store.write_audit_digest().await.unwrap(),
        DigestWrite::Skipped(second.clone())
    );
    // Records after the digest change nothing that it covers.
    db.store
        .set_user_disabled(&Actor::system(), stream.trim_start_matches("user:"), true)
        .await
        .unwrap();
    let rep = db.store.verify_audit().await.unwrap();
    assert_eq!(rep.first_broken, None);
    assert_eq!((rep.digests, rep.digest_cutoff), (2, Some(second.cutoff)));
    // The next covers only what changed since: the user and the digests' own stream.
    db.clock.advance_ms(11 * MINUTE);
    let third = written(db.store.write_audit_digest().await.unwrap());
    assert_eq!((third.streams, third.records), (2, 2));
    assert_eq!(db.store.verify_audit().await.unwrap().first_broken, None);
});

on_both!(a_stream_cut_short_with_its_head_rewound_is_caught, |db| {
    let before = user_with_three_records(&db).await;
    // Without a digest the cut goes unseen: that is the gap digests close.
    cut_tail(&db, &before, 2).await;
    assert_eq!(db.store.verify_audit().await.unwrap().first_broken, None);

    let stream = three_records(&db, "worker-b").await;
    db.clock.advance_ms(11 * MINUTE);
    let d = written(db.store.write_audit_digest().await.unwrap());
    cut_tail(&db, &stream, 2).await;
    let b = broken(&db).await;
    assert_eq!((b.stream.as_str(), b.seq), ("audit_digests", d.seq));
    assert!(b.reason.contains("does not match the log"), "{}", b.reason);
    assert!(
        b.reason
            .contains("it covered 6 records in 3 streams; the log now has 5 in 3"),
        "{}",
        b.reason
    );
});

on_both!(the_digest_of_the_interval_that_was_cut_is_named, |db| {
    let stream = user_with_three_records(&db).await;
    db.clock.advance_ms(11 * MINUTE);
    written(db.store.write_audit_digest().await.unwrap());
    let id = stream.trim_start_matches("user:").to_owned();
    db.store
        .set_user_disabled(&Actor::system(), &id, true)
        .await
        .unwrap();
    db.clock.advance_ms(11 * MINUTE);
    let second = written(db.store.write_audit_digest().await.unwrap());
    // Record 4 was written between the two cutoffs: only the second digest held it.
    cut_tail(&db, &stream, 3).await;
    let b = broken(&db).await;
    assert_eq!(b.seq, second.seq, "{}", b.reason);
});

on_both!(a_tail_younger_than_the_latest_cutoff_is_not_covered, |db| {
    let stream = user_with_three_records(&db).await;
    db.clock.advance_ms(11 * MINUTE);
    written(db.store.write_audit_digest().await.unwrap());
    db.store
        .set_user_disabled(&Actor::system(), stream.trim_start_matches("user:"), true)
        .await
        .unwrap();
    // Record 4 came after the cutoff: cut with its head rewound, nothing can tell until the
    // next digest would have covered it. That window (up to an hour and ten minutes) is the
    // limit of what digests protect.
    cut_tail(&db, &stream, 3).await;
    assert_eq!(db.store.verify_audit().await.unwrap().first_broken, None);
});

on_both!(an_old_record_altered_is_named_by_its_chain, |db| {
    let stream = user_with_three_records(&db).await;
    db.clock.advance_ms(11 * MINUTE);
    written(db.store.write_audit_digest().await.unwrap());
    raw(
        &db,
        &format!(
            "UPDATE audit_log SET summary = '{{\"username\":\"someone-else\"}}' \
             WHERE stream = '{stream}' AND seq = 1"
        ),
    )
    .await;
    let b = broken(&db).await;
    assert_eq!((b.stream.as_str(), b.seq), (stream.as_str(), 1));
    assert!(b.reason.contains("altered"), "{}", b.reason);
});

on_both!(
    digests_removed_or_altered_are_caught_except_the_latest_with_its_record,
    |db| {
        user_with_three_records(&db).await;
        for _ in 0..3 {
            db.clock.advance_ms(11 * MINUTE);
            written(db.store.write_audit_digest().await.unwrap());
        }
        assert_eq!(db.store.verify_audit().await.unwrap().first_broken, None);

        // The latest row alone: its record in the log still names it.
        raw(&db, "DELETE FROM audit_digests WHERE seq = 3").await;
        let b = broken(&db).await;
        assert_eq!(b.seq, 3);
        assert!(
            b.reason.contains("is missing but was recorded"),
            "{}",
            b.reason
        );

        // With its record cut from the digests' stream and that head rewound too, the trail is as
        // it was before digest 3 was written: nothing inside the database can tell. Only the hash
        // printed by `gridgov audit digest` or logged by the server, kept elsewhere, shows it.
        let keep = db
            .store
            .scalar_for_tests(&format!(
                "SELECT MAX(seq) - 1 FROM audit_log WHERE stream = '{DIGEST_STREAM}'"
            ))
            .await
            .unwrap();
        cut_tail(&db, DIGEST_STREAM, keep).await;
        assert_eq!(db.store.verify_audit().await.unwrap().first_broken, None);

        // A row in the middle breaks the digests' chain; an altered row its own hash.
        raw(
            &db,
            "UPDATE audit_digests SET records = records + 1 WHERE seq = 2",
        )
        .await;
        let b = broken(&db).await;
        assert_eq!(b.seq, 2);
        assert!(b.reason.contains("does not match its hash"), "{}", b.reason);
        raw(&db, "DELETE FROM audit_digests WHERE seq = 1").await;
        let b = broken(&db).await;
        assert_eq!(b.seq, 1);
        assert!(
            b.reason.contains("audit digest 1 is missing"),
            "{}",
            b.reason
        );
    }
);

on_both!(writers_racing_store_one_digest_without_error, |db| {
    user_with_three_records(&db).await;
    db.clock.advance_ms(11 * MINUTE);
    let runs: Vec<_> = (0..6)
        .map(|i| {
            let store = db.store.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    store.write_audit_digest().await
                } else {
                    store.write_audit_digest_if_due().await
                }
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for r in runs {
        outcomes.push(r.await.unwrap().unwrap());
    }
    let written: Vec<&AuditDigest> = outcomes
        .iter()
        .filter_map(|o| match o {
            DigestWrite::Written(d) => Some(d),
            DigestWrite::Skipped(_) => None,
        })
        .collect();
    assert_eq!(written.len(), 1, "{outcomes:?}");
    for o in &outcomes {
        let (DigestWrite::Written(d) | DigestWrite::Skipped(d)) = o;
        assert_eq!(d, written[0]);
    }
    assert_eq!(
        db.store
            .scalar_for_tests("SELECT COUNT(*) FROM audit_digests")
            .await
            .unwrap(),
        1
    );
    assert_eq!(db.store.verify_audit().await.unwrap().first_broken, None);

    // The periodic job waits until the latest is 50 minutes old.
    db.clock.advance_ms(49 * MINUTE);
    assert!(matches!(
        db.store.write_audit_digest_if_due().await.unwrap(),
        DigestWrite::Skipped(_)
    ));
    db.clock.advance_ms(MINUTE);
    assert_eq!(
        written_seq(db.store.write_audit_digest_if_due().await.unwrap()),
        2
    );
});

fn written_seq(w: DigestWrite) -> i64 {
    written(w).seq
}

on_both!(
    heads_are_taken_by_sequence_even_when_times_are_out_of_order,
    |db| {
        // Two writers of one stream take their times before they queue for its head, so a later
        // record may carry an earlier time. Written behind the store's back to set the times; the
        // chains are not checked here, only the digests.
        let now = db.store.now_ms();
        for (seq, minutes_ago) in [(1, 30), (2, 5), (3, 15)] {
            raw(
            &db,
            &format!(
                "INSERT INTO audit_log (stream, seq, at, actor_id, actor_name, action, resource, \
                 scope_path, summary, prev_hash, hash) VALUES ('x:1', {seq}, {}, 's', 's', 'a', \
                 'x:1', '', '{{}}', '', 'h{seq}')",
                now - minutes_ago * MINUTE
            ),
        )
        .await;
        }
        // Cutoff 10 minutes ago: records 1 and 3, head 3.
        let first = written(db.store.write_audit_digest().await.unwrap());
        assert_eq!((first.streams, first.records), (1, 2));
        db.clock.advance_ms(20 * MINUTE);
        // Record 2 falls in the second interval; the head as of its cutoff is still 3.
        let second = written(db.store.write_audit_digest().await.unwrap());
        assert_eq!((second.streams, second.records), (2, 2));
        let rep = db.store.verify_audit_digests().await.unwrap();
        assert_eq!(rep.first_broken, None);
        raw(
            &db,
            "DELETE FROM audit_log WHERE stream = 'x:1' AND seq = 3",
        )
        .await;
        let b = db
            .store
            .verify_audit_digests()
            .await
            .unwrap()
            .first_broken
            .unwrap();
        assert_eq!(b.seq, first.seq, "{}", b.reason);
    }
);
