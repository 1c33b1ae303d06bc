//! Events: one kind per variant, the same string as the serde tag, one event per action, and
//! content checked before anything is written.

use super::*;

fn assignment(task: &str, kind: TaskKind, assignee: Assignee) -> TaskAssignment {
    TaskAssignment {
        task_id: task.into(),
        kind,
        assignee,
    }
}

fn dept(id: &str) -> Assignee {
    Assignee::Department(id.into())
}

/// One event of every kind, valid.
fn samples() -> Vec<IncidentEvent> {
    use IncidentEvent as E;
    let note = || Some("现场已处理".to_owned());
    vec![
        E::Reported {
            number: IncidentNumber::parse("n", "SJ-420202-20261122-0001").unwrap(),
            source: Source::GridPatrol,
            grade: Grade::General,
            description: "楼道堆放杂物，堵塞消防通道".into(),
            attachments: vec!["a1".into()],
        },
        E::Accepted {
            grade: Grade::Serious,
            note: None,
        },
        E::Rejected {
            reason: "不属于受理范围".into(),
        },
        E::Merged {
            into: "incident-7".into(),
            note: None,
        },
        E::Dispatched {
            tasks: vec![
                assignment("t1", TaskKind::Territorial, Assignee::Grid("g7".into())),
                assignment("t2", TaskKind::DepartmentLead, dept("fire")),
                assignment("t3", TaskKind::DepartmentAssist, dept("housing")),
            ],
            note: None,
        },
        E::Reassigned {
            cancelled: vec!["t2".into()],
            tasks: vec![assignment("t4", TaskKind::DepartmentLead, dept("urban"))],
            reason: "职责调整".into(),
        },
        E::Started {
            task_id: "t1".into(),
            note: None,
        },
        E::Handled {
            task_id: "t1".into(),
            result: "杂物已清理".into(),
            attachments: vec!["photo".into()],
        },
        E::Confirmed {
            note: note(),
            attachments: vec![],
        },
        E::Approved {
            resolution_level: ResolutionLevel::Township,
            note: None,
        },
        E::Reworked {
            task_ids: vec!["t1".into()],
            reason: "仍有杂物".into(),
        },
        E::Evaluated {
            evaluation: Evaluation::Satisfied,
            note: None,
        },
        E::Reopened {
            reason: "群众不满意".into(),
        },
        E::Suspended {
            reason: "等待法院裁定".into(),
        },
        E::Resumed { note: None },
        E::TaskReturned {
            task_id: "t3".into(),
            assignee: dept("housing"),
            reason: "不属于本部门职责".into(),
        },
        E::Whistled {
            tasks: vec![assignment("t5", TaskKind::DepartmentAssist, dept("police"))],
            note: note(),
        },
        E::ReportedIn {
            task_id: "t5".into(),
            department_id: "police".into(),
            note: None,
        },
        E::Commented {
            note: "已电话回访".into(),
            attachments: vec![],
        },
        E::GridChanged {
            from_grid: "g7".into(),
            to_grid: "g9".into(),
            change: "split".into(),
        },
        E::Reminded {
            note: "请加快办理进度".into(),
        },
        E::Supervised {
            card_id: "c1".into(),
            colour: crate::supervision::CardColour::Red,
            addressee: "department:housing".into(),
            due_at: 1_750_000_000_000,
            note: "逾期未办结，限期书面回复".into(),
        },
        E::ExtensionRequested {
            extension_id: "x1".into(),
            task_id: "t2".into(),
            days: 3,
            reason: "需等待材料到货".into(),
        },
        E::ExtensionDecided {
            extension_id: "x1".into(),
            task_id: "t2".into(),
            granted: true,
            days: 3,
            due_at: Some(1_750_000_000_000),
            note: None,
        },
        E::DueSoon { due_at: 1_000 },
        E::Overdue { due_at: 2_000 },
        E::Escalated {
            from: None,
            to: crate::escalation::Rung {
                level: 0,
                name: "楼栋长调解".into(),
                attempt: 1,
            },
            due_at: Some(3_000),
        },
        E::GuarantorAssigned {
            from: Some(crate::escalation::Rung {
                level: 4,
                name: "街道调处".into(),
                attempt: 2,
            }),
            guarantor: Some(crate::escalation::Guarantor {
                user_id: "u-1".into(),
                name: "王镇长".into(),
            }),
            due_at: None,
        },
    ]
}

#[test]
fn every_event_has_a_stable_kind_and_its_action() {
    let events = samples();
    let mut kinds = std::collections::HashSet::new();
    for e in &events {
        assert!(kinds.insert(e.kind()), "{} twice", e.kind());
        let json = serde_json::to_value(e).unwrap();
        assert_eq!(json["kind"], e.kind());
        let back: IncidentEvent = serde_json::from_value(json).unwrap();
        assert_eq!(&back, e);
        e.check().unwrap_or_else(|x| panic!("{}: {x}", e.kind()));
    }
    // One event per action; the report, the grid change, supervision's four and the pass's
    // four marks have none.
    for &action in IncidentAction::ALL {
        let n = events.iter().filter(|e| e.action() == Some(action)).count();
        assert_eq!(n, 1, "{action}");
    }
    assert_eq!(events.iter().filter(|e| e.action().is_none()).count(), 10);
    // The pass's marks are named as the core's vocabulary names them.
    for m in crate::escalation::Mark::ALL {
        assert!(events.iter().any(|e| e.kind() == m.as_str()), "{m}");
    }
    let json = serde_json::to_string(&events[2]).unwrap();
    assert_eq!(json, r#"{"kind":"rejected","reason":"不属于受理范围"}"#);
    let json = serde_json::to_string(&events[15]).unwrap();
    assert!(
        json.contains(r#""assignee":{"type":"department","id":"housing"}"#),
        "{json}"
    );
}

fn faults(e: IncidentEvent) -> Vec<(String, &'static str)> {
    e.check()
        .expect_err("the event should be refused")
        .0
        .into_iter()
        .map(|f| {
            assert!(!f.zh.is_empty() && !f.en.is_empty());
            (f.field, f.code)
        })
        .collect()
}

fn fault(field: &str, code: &'static str) -> (String, &'static str) {
    (field.to_owned(), code)
}

#[test]
fn reasons_must_say_something() {
    assert_eq!(
        faults(IncidentEvent::Rejected {
            reason: "无\u{200B} ".into()
        }),
        [fault("reason", "required")]
    );
    assert_eq!(
        faults(IncidentEvent::Commented {
            note: "x".repeat(TEXT_MAX + 1),
            attachments: vec![String::new(); MAX_ATTACHMENTS + 1],
        })
        .len(),
        2 + MAX_ATTACHMENTS + 1
    );
}

#[test]
fn dispatches_fit_their_assignees_and_lead_once() {
    let got = faults(IncidentEvent::Dispatched {
        tasks: vec![
            assignment("t1", TaskKind::Territorial, dept("fire")),
            assignment("t2", TaskKind::DepartmentLead, dept("housing")),
            assignment("t2", TaskKind::DepartmentLead, dept("housing")),
        ],
        note: None,
    });
    assert_eq!(
        got,
        [
            fault("tasks", "one_lead"),
            fault("tasks[0].kind", "kind_does_not_fit"),
            fault("tasks[2].task_id", "duplicate"),
            fault("tasks[2].assignee", "duplicate"),
        ]
    );
    assert_eq!(
        faults(IncidentEvent::Dispatched {
            tasks: vec![],
            note: None
        }),
        [fault("tasks", "required")]
    );
    assert_eq!(
        faults(IncidentEvent::Whistled {
            tasks: vec![assignment("t1", TaskKind::DepartmentLead, dept("fire"))],
            note: None,
        }),
        [fault("tasks[0].kind", "whistle_summons_departments")]
    );
}
