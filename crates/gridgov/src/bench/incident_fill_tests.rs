//! The filler's rows read as the store's own: the store's lists, pages and actions run over a
//! filled town on both databases, and only the system may fill.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};

use gridgov_store::incidents::{ActionInput, IncidentFilter, ReportInput, WorkList};
use gridgov_store::testing::town::{HUBIN, town};
use gridgov_store::{StoreError, on_both};

use super::incident_fill::{FillSpec, fill};

const N: u64 = 3_000;

fn spec(end_ms: i64) -> FillSpec {
    FillSpec {
        incidents: N,
        years: 1,
        end_ms,
        seed: 7,
        batch: 700,
    }
}

fn list(state: &str, after: &str) -> IncidentFilter {
    IncidentFilter {
        state: state.into(),
        after: after.into(),
        limit: Some(200),
        ..Default::default()
    }
}

on_both!(a_filled_town_reads_like_one_the_loop_made, |db| {
    let s = &db.store;
    let t = town(s).await;
    let seen = AtomicU64::new(0);
    let sum = fill(s, &spec(s.now_ms()), |n| seen.store(n, Ordering::Relaxed))
        .await
        .unwrap();
    assert_eq!(sum.incidents, N);
    assert_eq!(
        seen.load(Ordering::Relaxed),
        N,
        "progress heard the last batch"
    );
    let count = |sql: &'static str| s.scalar_for_tests(sql);
    assert_eq!(
        count("SELECT COUNT(*) FROM incidents").await.unwrap(),
        N as i64
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM incident_tasks").await.unwrap(),
        sum.tasks as i64
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM incident_parties")
            .await
            .unwrap(),
        sum.parties as i64
    );
    // Numbers are unique, and the counters stand at what was given.
    assert_eq!(
        count("SELECT COUNT(DISTINCT number) FROM incidents")
            .await
            .unwrap(),
        N as i64
    );
    assert_eq!(
        count("SELECT CAST(SUM(last_seq) AS BIGINT) FROM incident_numbers")
            .await
            .unwrap(),
        N as i64
    );
    // Mostly settled, some open, and every state of the loop but the rare ones present.
    assert!(sum.open() > 0 && sum.open() < N / 10, "{:?}", sum.by_state);
    for state in ["evaluated", "closed", "rejected", "in_progress", "reported"] {
        assert!(
            sum.by_state.contains_key(state),
            "{state}: {:?}",
            sum.by_state
        );
    }

    // The center walks its whole list by keyset, newest first, each incident once.
    let mut ids = HashSet::new();
    let mut after = String::new();
    let mut last = i64::MAX;
    loop {
        let page = s.incidents(&t.center, &list("", &after)).await.unwrap();
        assert_eq!(page.total, N as i64);
        for i in &page.items {
            assert!(i.reported_at <= last, "newest first");
            last = i.reported_at;
            assert!(ids.insert(i.id.clone()), "{} twice", i.number);
        }
        match page.next {
            Some(n) => after = n,
            None => break,
        }
    }
    assert_eq!(ids.len() as u64, N);
    // Each state's list counts what was filled in it.
    for (state, n) in &sum.by_state {
        let page = s.incidents(&t.center, &list(state, "")).await.unwrap();
        assert_eq!(page.total, *n as i64, "{state}");
    }

    // Every twentieth incident of the first page: page opens, with its tasks and the actions open now.
    let all = s.incidents(&t.center, &list("", "")).await.unwrap();
    for i in all.items.iter().step_by(20) {
        let page = s
            .incident_page(&t.center, &i.county_code, &i.id)
            .await
            .unwrap();
        if page.incident.state == "in_progress" {
            assert!(!page.tasks.is_empty());
        }
    }

    // The urban bureau's handler has work: each incident on "mine" holds a live task of theirs.
    let mine = s
        .incidents(
            &t.urban_handler,
            &IncidentFilter {
                list: WorkList::Mine,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!mine.items.is_empty(), "the department has work");
    for i in &mine.items {
        let page = s
            .incident_page(&t.urban_handler, &i.county_code, &i.id)
            .await
            .unwrap();
        assert!(page.tasks.iter().any(|task| task.assignee_id == t.urban
            && matches!(task.state.as_str(), "assigned" | "accepted" | "in_progress")));
    }

    // A worker of the other village sees only that village's incidents.
    let theirs = s.incidents(&t.worker2, &list("", "")).await.unwrap();
    assert!(theirs.total > 0 && theirs.total < N as i64);
    assert!(theirs.items.iter().all(|i| i.region_code == HUBIN));

    // The loop carries on from filled rows: the center accepts a filled report, and a new
    // report today takes the next number of the day.
    let waiting = s.incidents(&t.center, &list("reported", "")).await.unwrap();
    let first = &waiting.items[0];
    let accepted = s
        .act_on_incident(
            &t.center,
            &first.county_code,
            &first.id,
            &ActionInput {
                action: "accept".into(),
                version: first.version,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(accepted.state, "accepted");
    let fresh = s
        .report_incident(
            &t.worker,
            &ReportInput {
                title: "新街路灯不亮".into(),
                category: "0601".into(),
                grid_id: t.g1.clone(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let seq: i64 = fresh.number.rsplit('-').next().unwrap().parse().unwrap();
    let before: i64 = s
        .scalar_for_tests(&format!(
            "SELECT COUNT(*) FROM incidents WHERE number LIKE '{}%'",
            &fresh.number[..fresh.number.len() - 4]
        ))
        .await
        .unwrap();
    assert_eq!(seq, before, "the day's numbers run on without a gap");
});

on_both!(only_the_system_fills, |db| {
    let s = &db.store;
    let t = town(s).await;
    for who in [&t.center, &t.worker] {
        assert!(matches!(
            s.bulk_ground(who).await,
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            s.bulk_load_incidents(who, &[Default::default()]).await,
            Err(StoreError::Forbidden)
        ));
    }
    assert_eq!(
        s.scalar_for_tests("SELECT COUNT(*) FROM incidents")
            .await
            .unwrap(),
        0
    );
});
