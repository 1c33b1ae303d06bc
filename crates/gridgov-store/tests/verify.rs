#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Source comparison and verification (人房比对, 认领核对) on both backends: a community survey
//! compared with the household records, tasks raised per grid, claimed by one worker only,
//! decided with the record, the task and the audit in one transaction, and never seen from
//! outside the grid's scope.

use std::sync::Arc;

use gridgov_core::auth::{Actor, Role};
use gridgov_core::base_data::RecordKind;
use gridgov_core::ids::id_check_char;
use gridgov_store::base::BaseImportOptions;
use gridgov_store::grids::GridInput;
use gridgov_store::on_both;
use gridgov_store::sheets::SheetReader;
use gridgov_store::testing::{add_user, seed_regions};
use gridgov_store::verify::{
    CompareOptions, ComparisonReport, Correction, Decision, TaskCounts, TaskFilter, TaskKind,
    TaskStatus, VerificationTask,
};
use gridgov_store::{Store, StoreError};

const XINJIE: &str = "420202001001";
const BAQUAN: &str = "420203001001";

/// A valid ID number born in 420202 on 1980-01-01 with this sequence (odd: male).
fn id(seq: u32) -> String {
    let first17 = format!("42020219800101{seq:03}");
    format!("{first17}{}", id_check_char(&first17).unwrap())
}

const HEADER: &str = "所属网格,姓名,公民身份号码,联系电话,户籍地址,人口类型";

/// The household records: four persons in 新街 (two grids) and one in 八泉 (another county).
fn records() -> String {
    format!(
        "{HEADER}\n\
         420202001001-G1,张三,{},13812345678,新街1号,户籍\n\
         420202001001-G1,李四,{},,新街2号,户籍\n\
         420202001001-G2,王五,{},13900000001,新街9号,户籍\n\
         420202001001-G2,赵六,{},,新街9号,流动\n\
         420203001001-G1,钱七,{},,八泉1号,户籍\n",
        id(1),
        id(3),
        id(5),
        id(7),
        id(9)
    )
}

/// The survey of 新街: 张三 with another phone and a corrected name, 李四 missing, 王五 the
/// same, 赵六 now in G1, and 孙八 whom the records lack.
fn survey() -> String {
    format!(
        "{HEADER}\n\
         420202001001-G1,张叁,{},13887654321,新街1号,户籍\n\
         420202001001-G2,王五,{},13900000001,新街9号,户籍\n\
         420202001001-G1,赵六,{},,新街9号,流动\n\
         420202001001-G2,孙八,{},,新街12号,流动\n",
        id(1),
        id(5),
        id(7),
        id(11)
    )
}

struct World {
    sys: Actor,
    op: Actor,
    worker: Actor,
    other_worker: Actor,
    outsider: Actor,
}

async fn setup(store: &Store) -> World {
    seed_regions(store).await;
    let sys = Actor::system();
    for (region, code) in [(XINJIE, "G1"), (XINJIE, "G2"), (BAQUAN, "G1")] {
        store
            .create_grid(
                &sys,
                &GridInput {
                    region: region.into(),
                    code: code.into(),
                    name: format!("{code} 网格"),
                    kind: "comprehensive".into(),
                    household_target: "400".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let source = SheetReader::from_bytes("test.csv", records().into_bytes(), 1 << 20).unwrap();
    let r = store
        .import_base(
            &sys,
            RecordKind::Persons,
            Box::new(source),
            &BaseImportOptions {
                accept_valid: false,
                source: "户籍".into(),
                file_name: "hj.csv".into(),
            },
            Arc::new(|_| {}),
        )
        .await
        .unwrap();
    assert_eq!(r.inserted, 5, "{r:?}");
    let user = |name: &'static str, role, scope: &'static str| {
        let (store, sys) = (store.clone(), sys.clone());
        async move { add_user(&store, &sys, name, role, scope).await.actor() }
    };
    World {
        op: user("op-a", Role::CenterOperator, "420202").await,
        worker: user("worker-a", Role::GridWorker, XINJIE).await,
        other_worker: user("worker-a2", Role::GridLeader, XINJIE).await,
        outsider: user("worker-b", Role::GridWorker, BAQUAN).await,
        sys,
    }
}

async fn compare(
    store: &Store,
    actor: &Actor,
    csv: &str,
    area: Option<&str>,
) -> Result<ComparisonReport, StoreError> {
    let source = SheetReader::from_bytes("test.csv", csv.as_bytes().to_vec(), 1 << 20).unwrap();
    store
        .compare_source(
            actor,
            Box::new(source),
            &CompareOptions {
                source: "社区摸排".into(),
                file_name: "survey.csv".into(),
                accept_valid: false,
                area: area.map(str::to_owned),
            },
            Arc::new(|_| {}),
        )
        .await
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    store.scalar_for_tests(sql).await.unwrap()
}

async fn open_tasks(store: &Store, actor: &Actor) -> Vec<VerificationTask> {
    store
        .verification_tasks(
            actor,
            &TaskFilter {
                limit: 100,
                ..TaskFilter::default()
            },
        )
        .await
        .unwrap()
}

fn task_of<'a>(tasks: &'a [VerificationTask], name: &str) -> &'a VerificationTask {
    tasks.iter().find(|t| t.name == name).unwrap()
}

async fn person_count(store: &Store) -> i64 {
    scalar(store, "SELECT CAST(COUNT(*) AS BIGINT) FROM persons").await
}

on_both!(a_survey_is_compared_field_by_field, |db| {
    let w = setup(&db.store).await;
    let r = compare(&db.store, &w.op, &survey(), None).await.unwrap();
    assert!(r.committed, "{r:?}");
    assert_eq!((r.rows_read, r.rows_loaded, r.rejected), (4, 4, 0));
    // 张三 and 赵六 differ, 孙八 is missing in the records, 李四 in the survey. 钱七 of 八泉 is
    // outside the operator's county and is not reported missing.
    assert_eq!(
        r.counts,
        TaskCounts {
            differs: 2,
            missing_in_records: 1,
            missing_in_source: 1,
        }
    );
    let tasks = open_tasks(&db.store, &w.worker).await;
    assert_eq!(tasks.len(), 4);
    let zhang = task_of(&tasks, "张三");
    assert_eq!(zhang.kind, TaskKind::Differs);
    assert_eq!(zhang.source, "社区摸排");
    assert_eq!(zhang.grid, "420202001001-G1");
    assert_eq!(
        zhang.fields,
        serde_json::json!([
            {"field": "name", "record": "张三", "source": "张叁"},
            {"field": "phone", "differs": true},
        ])
    );
    let zhao = task_of(&tasks, "赵六");
    assert_eq!(
        zhao.fields,
        serde_json::json!([
            {"field": "grid", "record": "420202001001-G2", "source": "420202001001-G1"},
        ])
    );
    // The record's grid checks it: 赵六 is still in G2 until someone decides.
    assert_eq!(zhao.grid, "420202001001-G2");
    let sun = task_of(&tasks, "孙八");
    assert_eq!(sun.kind, TaskKind::MissingInRecords);
    assert!(sun.person_id.is_none() && sun.source_row_no == Some(5));
    assert_eq!(task_of(&tasks, "李四").kind, TaskKind::MissingInSource);
    // Neither phones nor ID numbers appear in the clear in the tasks.
    let leaked = scalar(
        &db.store,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM verification_tasks WHERE fields LIKE '%138%' \
             OR fields LIKE '%{}%'",
            &id(1)[..10]
        ),
    )
    .await;
    assert_eq!(leaked, 0);
    let listed = db.store.comparisons(&w.op, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].differs, listed[0].missing_in_source), (2, 1));

    // A second source later loads beside the first (the table is no longer empty) and raises
    // its own tasks.
    let again = compare(&db.store, &w.op, &survey(), Some("420202001"))
        .await
        .unwrap();
    assert_eq!(again.counts, r.counts);
    assert_eq!(open_tasks(&db.store, &w.worker).await.len(), 8);
});

on_both!(a_file_with_a_fault_is_refused_whole, |db| {
    let w = setup(&db.store).await;
    let bad = format!(
        "{}420202001001-G9,周九,{},,新街3号,户籍\n",
        survey(),
        id(13)
    );
    let r = compare(&db.store, &w.op, &bad, None).await.unwrap();
    assert!(!r.committed);
    assert_eq!(r.rejected, 1);
    assert_eq!(r.faults[0].code, "unknown_grid");
    for table in ["comparisons", "source_persons", "verification_tasks"] {
        let n = scalar(
            &db.store,
            &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"),
        )
        .await;
        assert_eq!(n, 0, "{table}");
    }
    // Workers may not compare sources.
    assert!(matches!(
        compare(&db.store, &w.worker, &survey(), None).await,
        Err(StoreError::Forbidden)
    ));
});

on_both!(one_worker_claims_and_decides_each_task, |db| {
    let w = setup(&db.store).await;
    let r = compare(&db.store, &w.op, &survey(), None).await.unwrap();
    let comparison = r.comparison_id.unwrap();
    let tasks = open_tasks(&db.store, &w.worker).await;
    let zhang = task_of(&tasks, "张三").clone();

    // Deciding before claiming, claiming twice, and a second claimer.
    let early = db
        .store
        .decide_task(&w.worker, &zhang.id, &Decision::KeepRecord, "")
        .await;
    assert!(matches!(early, Err(StoreError::Conflict(e)) if e.code == "task_not_claimed"));
    let claimed = db.store.claim_task(&w.worker, &zhang.id).await.unwrap();
    assert_eq!(claimed.status, TaskStatus::Claimed);
    assert_eq!(
        claimed.claimed_by.as_deref(),
        Some(w.worker.user_id.as_str())
    );
    db.store.claim_task(&w.worker, &zhang.id).await.unwrap();
    let second = db.store.claim_task(&w.other_worker, &zhang.id).await;
    assert!(matches!(second, Err(StoreError::Conflict(e)) if e.code == "task_claimed"));
    let theirs = db
        .store
        .decide_task(&w.other_worker, &zhang.id, &Decision::TakeSource, "")
        .await;
    assert!(matches!(theirs, Err(StoreError::Conflict(_))));
    // Claimed tasks leave the open list.
    assert_eq!(open_tasks(&db.store, &w.worker).await.len(), 3);

    // Only the claimer gives a claim back; a claim left for over a week lapses.
    let not_theirs = db.store.release_task(&w.other_worker, &zhang.id).await;
    assert!(matches!(not_theirs, Err(StoreError::Conflict(e)) if e.code == "task_claimed"));
    let back = db.store.release_task(&w.worker, &zhang.id).await.unwrap();
    assert_eq!((back.status, back.claimed_by), (TaskStatus::Open, None));
    let again = db.store.release_task(&w.worker, &zhang.id).await;
    assert!(matches!(again, Err(StoreError::Conflict(e)) if e.code == "task_open"));
    db.store
        .claim_task(&w.other_worker, &zhang.id)
        .await
        .unwrap();
    assert!(db.store.claim_task(&w.worker, &zhang.id).await.is_err());
    db.clock
        .advance_ms(gridgov_store::verify::CLAIM_EXPIRES_MS + 1);
    let lapsed = db.store.claim_task(&w.worker, &zhang.id).await.unwrap();
    assert_eq!(
        lapsed.claimed_by.as_deref(),
        Some(w.worker.user_id.as_str())
    );

    // The survey is right about 张三: the record takes its name and phone, with the
    // comparison's batch as provenance.
    let done = db
        .store
        .decide_task(&w.worker, &zhang.id, &Decision::TakeSource, "入户核实")
        .await
        .unwrap();
    assert_eq!(done.status, TaskStatus::Resolved);
    assert_eq!(done.decision.as_deref(), Some("take_source"));
    assert_eq!(done.note.as_deref(), Some("入户核实"));
    let person = zhang.person_id.clone().unwrap();
    let row = scalar(
        &db.store,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM persons p JOIN import_batches b \
             ON b.id = p.updated_batch WHERE p.id = '{person}' AND p.name = '张叁' \
             AND p.version = 2 AND b.source = '社区摸排' AND b.id = '{comparison}' \
             AND p.phone_bidx = (SELECT phone_bidx FROM source_persons WHERE id = '{}')",
            zhang.source_row_id.as_deref().unwrap()
        ),
    )
    .await;
    assert_eq!(row, 1);
    let audited = scalar(
        &db.store,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE stream = 'person:{person}' \
             AND action = 'verify.decide' AND summary LIKE '%\"changed\":[\"name\",\"phone\"]%'"
        ),
    )
    .await;
    assert_eq!(audited, 1);
    let again = db
        .store
        .decide_task(&w.worker, &zhang.id, &Decision::KeepRecord, "")
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(e)) if e.code == "task_resolved"));

    // 孙八 lives here: added to the records from the survey's row.
    let sun = task_of(&tasks, "孙八");
    db.store.claim_task(&w.worker, &sun.id).await.unwrap();
    let before = person_count(&db.store).await;
    db.store
        .decide_task(&w.worker, &sun.id, &Decision::TakeSource, "")
        .await
        .unwrap();
    assert_eq!(person_count(&db.store).await, before + 1);
    let added = scalar(
        &db.store,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM persons WHERE id = '{}' AND name = '孙八' \
             AND created_batch = '{comparison}'",
            sun.source_row_id.as_deref().unwrap()
        ),
    )
    .await;
    assert_eq!(added, 1);

    // 李四 moved out: the record is deleted, the audit keeps the decision.
    let li = task_of(&tasks, "李四");
    db.store.claim_task(&w.worker, &li.id).await.unwrap();
    db.store
        .decide_task(&w.worker, &li.id, &Decision::TakeSource, "已搬走")
        .await
        .unwrap();
    assert_eq!(person_count(&db.store).await, before);
    let li_person = li.person_id.as_deref().unwrap();
    let kept = scalar(
        &db.store,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE stream = 'person:{li_person}' \
             AND summary LIKE '%deleted%'"
        ),
    )
    .await;
    assert_eq!(kept, 1);

    // 赵六 is corrected by hand: another grid and a phone; a correction on another kind of task
    // is refused.
    let zhao = task_of(&tasks, "赵六");
    db.store.claim_task(&w.worker, &zhao.id).await.unwrap();
    let fix = Decision::Correct(Correction {
        grid: Some("420202001001-G1".into()),
        phone: Some("13700001111".into()),
        ..Correction::default()
    });
    db.store
        .decide_task(&w.worker, &zhao.id, &fix, "")
        .await
        .unwrap();
    let moved = scalar(
        &db.store,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM persons p JOIN grids g ON g.id = p.grid_id \
             WHERE p.id = '{}' AND g.code = 'G1' AND p.path = g.path AND p.phone_bidx IS NOT NULL \
             AND p.version = 2",
            zhao.person_id.as_deref().unwrap()
        ),
    )
    .await;
    assert_eq!(moved, 1);
    assert!(
        db.store
            .verify_audit()
            .await
            .unwrap()
            .first_broken
            .is_none()
    );
    let resolved = db
        .store
        .verification_tasks(
            &w.worker,
            &TaskFilter {
                status: Some(TaskStatus::Resolved),
                limit: 100,
                ..TaskFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(resolved.len(), 4);
    let _ = w.sys;
});

on_both!(outside_the_grid_scope_there_are_no_tasks, |db| {
    let w = setup(&db.store).await;
    compare(&db.store, &w.op, &survey(), None).await.unwrap();
    let tasks = open_tasks(&db.store, &w.worker).await;
    assert!(open_tasks(&db.store, &w.outsider).await.is_empty());
    let t = &tasks[0];
    assert!(matches!(
        db.store.verification_task(&w.outsider, &t.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.store.claim_task(&w.outsider, &t.id).await,
        Err(StoreError::NotFound)
    ));
    db.store.claim_task(&w.worker, &t.id).await.unwrap();
    assert!(matches!(
        db.store
            .decide_task(&w.outsider, &t.id, &Decision::KeepRecord, "")
            .await,
        Err(StoreError::NotFound)
    ));
    // A correction may not move a person into a grid outside the worker's scope.
    let zhang = task_of(&tasks, "张三");
    db.store.claim_task(&w.worker, &zhang.id).await.unwrap();
    let away = Decision::Correct(Correction {
        grid: Some("420203001001-G1".into()),
        ..Correction::default()
    });
    let r = db.store.decide_task(&w.worker, &zhang.id, &away, "").await;
    assert!(matches!(r, Err(StoreError::Invalid(e)) if e.0[0].code == "unknown_grid"));
});

on_both!(a_failed_decision_leaves_nothing_half_written, |db| {
    let w = setup(&db.store).await;
    compare(&db.store, &w.op, &survey(), None).await.unwrap();
    let tasks = open_tasks(&db.store, &w.worker).await;
    let zhang = task_of(&tasks, "张三");
    let person = zhang.person_id.clone().unwrap();
    db.store.claim_task(&w.worker, &zhang.id).await.unwrap();
    let state = |store: Store, person: String, task: String| async move {
        scalar(
            &store,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM persons p, verification_tasks t \
                 WHERE p.id = '{person}' AND p.name = '张三' AND p.version = 1 \
                 AND t.id = '{task}' AND t.status = 'claimed' AND t.decision IS NULL"
            ),
        )
        .await
    };
    // A bad correction is refused whole, with every field at fault.
    let bad = Decision::Correct(Correction {
        name: Some(String::new()),
        phone: Some("123".into()),
        ..Correction::default()
    });
    let r = db.store.decide_task(&w.worker, &zhang.id, &bad, "").await;
    assert!(matches!(r, Err(StoreError::Invalid(e)) if e.0.len() == 2));
    assert_eq!(
        state(db.store.clone(), person.clone(), zhang.id.clone()).await,
        1
    );

    // The audit append fails after the record and the task were written: both roll back.
    db.store
        .execute_raw_for_tests("ALTER TABLE audit_log RENAME TO audit_log_away")
        .await
        .unwrap();
    let r = db
        .store
        .decide_task(&w.worker, &zhang.id, &Decision::TakeSource, "")
        .await;
    assert!(matches!(r, Err(StoreError::Db(_))), "{r:?}");
    db.store
        .execute_raw_for_tests("ALTER TABLE audit_log_away RENAME TO audit_log")
        .await
        .unwrap();
    assert_eq!(
        state(db.store.clone(), person.clone(), zhang.id.clone()).await,
        1
    );
    db.store
        .decide_task(&w.worker, &zhang.id, &Decision::TakeSource, "")
        .await
        .unwrap();
    assert_eq!(state(db.store.clone(), person, zhang.id.clone()).await, 0);
    assert!(
        db.store
            .verify_audit()
            .await
            .unwrap()
            .first_broken
            .is_none()
    );
});

// Three callers claim every task at once: the core table lets each of them claim an open task,
// and the guarded write lets exactly one through; the others read the task again and are told
// someone else holds it. Then the winner decides twice at once: one decision, one audit record.
on_both!(racing_claims_and_decisions_have_one_winner, |db| {
    let w = setup(&db.store).await;
    compare(&db.store, &w.op, &survey(), None).await.unwrap();
    let tasks = open_tasks(&db.store, &w.worker).await;
    assert!(!tasks.is_empty());
    for task in &tasks {
        let (a, b, c) = tokio::join!(
            db.store.claim_task(&w.worker, &task.id),
            db.store.claim_task(&w.other_worker, &task.id),
            db.store.claim_task(&w.op, &task.id),
        );
        let results = [(&w.worker, a), (&w.other_worker, b), (&w.op, c)];
        let winners: Vec<&Actor> = results
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(who, _)| *who)
            .collect();
        assert_eq!(winners.len(), 1, "task {}: {results:?}", task.name);
        for (_, r) in &results {
            if let Err(e) = r {
                assert!(
                    matches!(e, StoreError::Conflict(f) if f.code == "task_claimed"),
                    "{e:?}"
                );
            }
        }
        let stored = db.store.verification_task(&w.op, &task.id).await.unwrap();
        assert_eq!(
            stored.claimed_by.as_deref(),
            Some(winners[0].user_id.as_str())
        );

        let (first, second) = tokio::join!(
            db.store
                .decide_task(winners[0], &task.id, &Decision::KeepRecord, "甲"),
            db.store
                .decide_task(winners[0], &task.id, &Decision::KeepRecord, "乙"),
        );
        let (won, lost) = match (first, second) {
            (Ok(t), Err(e)) | (Err(e), Ok(t)) => (t, e),
            other => panic!("task {}: {other:?}", task.name),
        };
        assert!(
            matches!(&lost, StoreError::Conflict(f) if f.code == "task_resolved"),
            "{lost:?}"
        );
        let stored = db.store.verification_task(&w.op, &task.id).await.unwrap();
        assert_eq!(stored.note, won.note);
        assert_eq!(
            scalar(
                &db.store,
                &format!(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log \
                     WHERE action = 'verify.decide' AND summary LIKE '%{}%'",
                    task.id
                ),
            )
            .await,
            1
        );
    }
});

on_both!(
    the_lapse_job_opens_claims_left_past_their_time_and_only_those,
    |db| {
        let w = setup(&db.store).await;
        compare(&db.store, &w.op, &survey(), None).await.unwrap();
        let tasks = open_tasks(&db.store, &w.worker).await;
        let zhang = task_of(&tasks, "张三").clone();
        let zhao = task_of(&tasks, "赵六").clone();
        db.store.claim_task(&w.worker, &zhang.id).await.unwrap();
        db.clock
            .advance_ms(gridgov_store::verify::CLAIM_EXPIRES_MS - 1);
        // Claimed a day before the lapse pass: still within its week.
        db.store
            .claim_task(&w.other_worker, &zhao.id)
            .await
            .unwrap();
        assert_eq!(db.store.lapse_verification_claims().await.unwrap(), 0);
        db.clock.advance_ms(2);
        assert_eq!(db.store.lapse_verification_claims().await.unwrap(), 1);
        let open = open_tasks(&db.store, &w.worker).await;
        assert!(open.iter().any(|t| t.id == zhang.id));
        assert!(!open.iter().any(|t| t.id == zhao.id));
        let back = db
            .store
            .verification_task(&w.worker, &zhang.id)
            .await
            .unwrap();
        assert_eq!((back.status, back.claimed_by), (TaskStatus::Open, None));
        // A second pass finds nothing more; the lapse is on the audit trail.
        assert_eq!(db.store.lapse_verification_claims().await.unwrap(), 0);
        let audit = db
            .store
            .list_audit(&Actor::system(), 20, None)
            .await
            .unwrap();
        assert!(audit.iter().any(|r| r.action == "verify.lapse"
            && r.resource == gridgov_store::verify::LAPSE_STREAM
            && r.summary.to_string().contains(&zhang.id)));
    }
);
