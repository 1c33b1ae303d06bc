#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Background jobs on both backends: enqueued once per key, claimed by one node under a lease,
//! taken over when the lease runs out, retried after a backoff, put on the failure list after
//! the last attempt, retried from it by an administrator, and never seen from outside the
//! administrator's scope.

use std::collections::HashSet;

use gridgov_core::auth::{Actor, Role};
use gridgov_core::jobs::{BACKOFF_BASE_MS, JobState};
use gridgov_store::jobs::{Claim, Ended, Job, JobFilter, NewJob};
use gridgov_store::testing::{add_user, seed_regions};
use gridgov_store::{Store, StoreError, on_both};
use serde_json::json;

const LEASE: i64 = 60_000;

async fn claim(store: &Store, owner: &str, limit: i64) -> Vec<Job> {
    store
        .claim_jobs(&Claim {
            owner,
            kinds: &["work", "other"],
            lease_ms: LEASE,
            limit,
        })
        .await
        .unwrap()
}

fn work(n: u32) -> NewJob {
    NewJob::system("work", json!({ "n": n }))
}

on_both!(a_key_makes_one_job_however_often_it_is_enqueued, |db| {
    let key = "work:2026-11-23T08";
    let first = db.store.enqueue_job(&work(1).keyed(key)).await.unwrap();
    let second = db.store.enqueue_job(&work(2).keyed(key)).await.unwrap();
    assert!(first.created && !second.created);
    assert_eq!(first.id, second.id);
    // Jobs without a key never collide.
    let a = db.store.enqueue_job(&work(3)).await.unwrap();
    let b = db.store.enqueue_job(&work(3)).await.unwrap();
    assert!(a.created && b.created && a.id != b.id);
    // The key's job keeps what the first enqueue gave it.
    let all = db
        .store
        .jobs(
            &Actor::system(),
            &JobFilter {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let keyed = all.iter().find(|j| j.id == first.id).unwrap();
    assert_eq!(keyed.payload, r#"{"n":1}"#);
    // Even enqueued at once from many tasks, one key is one job.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..16 {
        let store = db.store.clone();
        set.spawn(async move {
            store
                .enqueue_job(&work(i).keyed("work:race"))
                .await
                .unwrap()
        });
    }
    let mut ids = HashSet::new();
    let mut made = 0;
    while let Some(r) = set.join_next().await {
        let e = r.unwrap();
        made += usize::from(e.created);
        ids.insert(e.id);
    }
    assert_eq!((made, ids.len()), (1, 1));
});

on_both!(a_job_is_held_by_one_node_until_its_lease_runs_out, |db| {
    let id = db.store.enqueue_job(&work(1)).await.unwrap().id;
    let a = claim(&db.store, "node-a", 10).await;
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].id.as_str(), a[0].attempts), (id.as_str(), 1));
    assert_eq!(a[0].lease_owner.as_deref(), Some("node-a"));
    // Node b finds nothing while a's lease holds, even when a renews it past its first term.
    assert!(claim(&db.store, "node-b", 10).await.is_empty());
    db.clock.advance_ms(LEASE - 1);
    assert!(db.store.renew_job_lease(&a[0], LEASE).await.unwrap());
    db.clock.advance_ms(LEASE - 1);
    assert!(claim(&db.store, "node-b", 10).await.is_empty());
    // Node a dies: nobody renews, the lease runs out, node b takes the job over.
    db.clock.advance_ms(2);
    let b = claim(&db.store, "node-b", 10).await;
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].id.as_str(), b[0].attempts), (id.as_str(), 2));
    // Node a's late answers change nothing: the job is b's now.
    assert!(!db.store.renew_job_lease(&a[0], LEASE).await.unwrap());
    assert_eq!(
        db.store.complete_job(&a[0], "\"late\"").await.unwrap(),
        Ended::Lost
    );
    assert_eq!(
        db.store.fail_job(&a[0], "late", false).await.unwrap(),
        Ended::Lost
    );
    assert_eq!(
        db.store.complete_job(&b[0], "\"ok\"").await.unwrap(),
        Ended::Done
    );
    let done = db.store.job(&Actor::system(), &id).await.unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.result.as_deref(), Some("\"ok\""));
    assert_eq!(done.lease_owner.as_deref(), Some("node-b"));
    // A done job is never claimed again.
    db.clock.advance_ms(10 * LEASE);
    assert!(claim(&db.store, "node-c", 10).await.is_empty());
});

on_both!(
    a_failed_attempt_waits_its_backoff_and_the_last_one_fails_the_job,
    |db| {
        let mut new = work(1);
        new.max_attempts = 3;
        let id = db.store.enqueue_job(&new).await.unwrap().id;
        let first = claim(&db.store, "n", 1).await.remove(0);
        let now = db.store.now_ms();
        assert_eq!(
            db.store
                .fail_job(&first, "gateway down", false)
                .await
                .unwrap(),
            Ended::Retry {
                at: now + BACKOFF_BASE_MS
            }
        );
        // Not before its backoff.
        db.clock.advance_ms(BACKOFF_BASE_MS - 1);
        assert!(claim(&db.store, "n", 1).await.is_empty());
        db.clock.advance_ms(1);
        let second = claim(&db.store, "n", 1).await.remove(0);
        assert_eq!(second.attempts, 2);
        let now = db.store.now_ms();
        // The second wait is twice the first.
        assert_eq!(
            db.store
                .fail_job(&second, "gateway down", false)
                .await
                .unwrap(),
            Ended::Retry {
                at: now + 2 * BACKOFF_BASE_MS
            }
        );
        db.clock.advance_ms(2 * BACKOFF_BASE_MS);
        let third = claim(&db.store, "n", 1).await.remove(0);
        assert_eq!(
            db.store
                .fail_job(&third, "still down", false)
                .await
                .unwrap(),
            Ended::Failed
        );
        db.clock.advance_ms(10 * BACKOFF_BASE_MS);
        assert!(claim(&db.store, "n", 1).await.is_empty());

        // On the failure list, with the last error; an administrator retries it.
        let sys = Actor::system();
        let failed = db
            .store
            .jobs(
                &sys,
                &JobFilter {
                    state: Some(JobState::Failed),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(
            (
                failed[0].id.as_str(),
                failed[0].last_error.as_deref(),
                failed[0].attempts
            ),
            (id.as_str(), Some("still down"), 3)
        );
        assert_eq!(db.store.job_counts(&sys).await.unwrap().failed, 1);
        let retried = db.store.retry_job(&sys, &id).await.unwrap();
        assert_eq!((retried.state, retried.attempts), (JobState::Queued, 0));
        // Retrying what is not failed is refused by name, and nothing changes.
        let again = db.store.retry_job(&sys, &id).await;
        assert!(matches!(again, Err(StoreError::Conflict(e)) if e.code == "job_not_failed"));
        let back = claim(&db.store, "n", 1).await.remove(0);
        assert_eq!(back.attempts, 1);
        // A permanent failure goes to the list at once.
        assert_eq!(
            db.store.fail_job(&back, "bad payload", true).await.unwrap(),
            Ended::Failed
        );
        // The retry is on the audit trail.
        let audit = db.store.list_audit(&sys, 10, None).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|r| r.action == "job.retry" && r.resource == format!("job:{id}"))
        );
    }
);

on_both!(
    a_lease_that_runs_out_on_the_last_attempt_fails_the_job,
    |db| {
        let mut new = work(1);
        new.max_attempts = 1;
        let id = db.store.enqueue_job(&new).await.unwrap().id;
        assert_eq!(claim(&db.store, "dies", 1).await.len(), 1);
        db.clock.advance_ms(LEASE + 1);
        // Nobody takes it again; it is failed with the reason.
        assert!(claim(&db.store, "other", 1).await.is_empty());
        let j = db.store.job(&Actor::system(), &id).await.unwrap();
        assert_eq!(j.state, JobState::Failed);
        assert!(j.last_error.unwrap().contains("lease expired"));
    }
);

on_both!(
    a_node_stopping_hands_its_job_back_without_spending_an_attempt,
    |db| {
        db.store.enqueue_job(&work(1)).await.unwrap();
        let held = claim(&db.store, "stopping", 1).await.remove(0);
        assert!(db.store.release_job(&held).await.unwrap());
        let next = claim(&db.store, "next", 1).await.remove(0);
        assert_eq!((next.id, next.attempts), (held.id, 1));
    }
);

on_both!(concurrent_claimers_never_share_a_job, |db| {
    for i in 0..60 {
        db.store.enqueue_job(&work(i)).await.unwrap();
    }
    let mut set = tokio::task::JoinSet::new();
    for node in 0..6 {
        let store = db.store.clone();
        set.spawn(async move {
            let owner = format!("node-{node}");
            let mut mine = Vec::new();
            loop {
                let got = store
                    .claim_jobs(&Claim {
                        owner: &owner,
                        kinds: &["work"],
                        lease_ms: LEASE,
                        limit: 4,
                    })
                    .await
                    .unwrap();
                if got.is_empty() {
                    return mine;
                }
                mine.extend(got.into_iter().map(|j| j.id));
            }
        });
    }
    let mut seen = Vec::new();
    while let Some(r) = set.join_next().await {
        seen.extend(r.unwrap());
    }
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), distinct.len()), (60, 60));
});

on_both!(a_node_claims_only_the_kinds_it_can_run, |db| {
    db.store
        .enqueue_job(&NewJob::system("unknown_kind", json!({})))
        .await
        .unwrap();
    assert!(claim(&db.store, "n", 5).await.is_empty());
});

on_both!(a_jobs_file_travels_with_it_and_goes_when_it_is_done, |db| {
    let dir = tempdir();
    let upload = dir.join("upload.csv");
    // Over two chunks, so the pieces must come back in order.
    let bytes: Vec<u8> = (0..(2 * 1024 * 1024 + 100))
        .map(|i| (i % 251) as u8)
        .collect();
    std::fs::write(&upload, &bytes).unwrap();
    let id = db
        .store
        .enqueue_job_with_file(&work(1), &upload)
        .await
        .unwrap()
        .id;
    let copy = dir.join("copy.csv");
    assert_eq!(
        db.store.copy_job_file(&id, &copy).await.unwrap(),
        bytes.len() as u64
    );
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    let held = claim(&db.store, "n", 1).await.remove(0);
    db.store.complete_job(&held, "{}").await.unwrap();
    let gone = db.store.copy_job_file(&id, &dir.join("again.csv")).await;
    assert!(matches!(gone, Err(StoreError::NotFound)));
    let _ = std::fs::remove_dir_all(dir);
});

on_both!(
    finished_jobs_are_purged_after_their_time_and_the_rest_stay,
    |db| {
        let done = db.store.enqueue_job(&work(1)).await.unwrap().id;
        let j = claim(&db.store, "n", 1).await.remove(0);
        db.store.complete_job(&j, "{}").await.unwrap();
        let queued = db.store.enqueue_job(&work(2)).await.unwrap().id;
        db.clock.advance_ms(gridgov_store::jobs::DONE_KEPT_MS + 1);
        let mut failing = work(3);
        failing.max_attempts = 1;
        let failed = db.store.enqueue_job(&failing).await.unwrap().id;
        // Claims the due ones oldest first: the queued one, then the failing one.
        let held = claim(&db.store, "n", 2).await;
        let f = held.iter().find(|j| j.id == failed).unwrap();
        db.store.fail_job(f, "no", false).await.unwrap();
        let q = held.iter().find(|j| j.id == queued).unwrap();
        db.store.release_job(q).await.unwrap();
        assert_eq!(db.store.purge_finished_jobs().await.unwrap(), 1);
        let sys = Actor::system();
        assert!(matches!(
            db.store.job(&sys, &done).await,
            Err(StoreError::NotFound)
        ));
        assert!(db.store.job(&sys, &queued).await.is_ok());
        assert!(db.store.job(&sys, &failed).await.is_ok());
    }
);

on_both!(
    an_administrator_sees_and_retries_only_the_jobs_of_their_scope,
    |db| {
        seed_regions(&db.store).await;
        let sys = Actor::system();
        let city_admin = add_user(&db.store, &sys, "city-admin", Role::SystemAdmin, "4202").await;
        let operator = add_user(&db.store, &sys, "operator", Role::CenterOperator, "4202").await;
        let (admin, operator) = (city_admin.actor(), operator.actor());
        // One job of the deployment, one of the city, both failed.
        let mut whole = work(1);
        whole.max_attempts = 1;
        let mut city = work(2);
        city.max_attempts = 1;
        city.scope_path = admin.scope.as_str().to_owned();
        let whole = db.store.enqueue_job(&whole).await.unwrap().id;
        let city = db.store.enqueue_job(&city).await.unwrap().id;
        for j in claim(&db.store, "n", 5).await {
            db.store.fail_job(&j, "no", false).await.unwrap();
        }
        let seen = db
            .store
            .jobs(
                &admin,
                &JobFilter {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            seen.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
            [city.as_str()]
        );
        assert_eq!(db.store.job_counts(&admin).await.unwrap().failed, 1);
        // The deployment's job is as good as absent for them, and stays failed.
        assert!(matches!(
            db.store.job(&admin, &whole).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.store.retry_job(&admin, &whole).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            db.store.job(&sys, &whole).await.unwrap().state,
            JobState::Failed
        );
        db.store.retry_job(&admin, &city).await.unwrap();
        // Other roles may not look at all.
        let filter = JobFilter {
            limit: 10,
            ..Default::default()
        };
        assert!(matches!(
            db.store.jobs(&operator, &filter).await,
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            db.store.retry_job(&operator, &city).await,
            Err(StoreError::Forbidden)
        ));
    }
);

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("gridgov-jobs-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
