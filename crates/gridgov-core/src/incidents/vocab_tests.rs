//! The closed lists round-trip through their codes, labels and serde, and events keep their
//! kinds and actions in step.

use super::*;

/// Checks one list: codes unique and snake_case, labels present, parse by code and by Chinese
/// label, serde under the code, an unknown value refused naming the field.
macro_rules! round_trips {
    ($($t:ty),+ $(,)?) => {$(
        let mut codes = std::collections::HashSet::new();
        for &v in <$t>::ALL {
            let code = v.as_str();
            assert!(codes.insert(code), "{code} twice");
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            assert!(!v.label_zh().is_empty() && !v.label_en().is_empty());
            assert_eq!(<$t>::parse("f", code).unwrap(), v);
            assert_eq!(<$t>::parse("f", &format!(" {} ", v.label_zh())).unwrap(), v);
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{code}\""));
            assert_eq!(serde_json::from_str::<$t>(&format!("\"{code}\"")).unwrap(), v);
            assert_eq!(v.to_string(), code);
        }
        let e = <$t>::parse("field", "no_such_thing").unwrap_err();
        assert_eq!(e.field, "field");
        assert!(e.en.contains(<$t>::ALL[0].as_str()) && e.zh.contains(<$t>::ALL[0].label_zh()));
    )+};
}

#[test]
fn every_vocabulary_round_trips() {
    round_trips!(
        IncidentState,
        IncidentAction,
        Grade,
        Source,
        Evaluation,
        ResolutionLevel,
        TaskKind,
        TaskState,
        Relation,
    );
    assert_eq!(Source::Hotline12345.as_str(), "hotline_12345");
    assert_eq!(
        Source::parse("source", "110警情").unwrap(),
        Source::Police110
    );
    assert_eq!(IncidentState::ALL.len(), 11);
    assert_eq!(IncidentAction::ALL.len(), 18);
}

#[test]
fn open_and_closed_states() {
    let open: Vec<&str> = IncidentState::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect();
    assert_eq!(
        open,
        [
            "reported",
            "accepted",
            "dispatched",
            "in_progress",
            "handled",
            "under_review",
            "suspended"
        ]
    );
    for s in IncidentState::ALL {
        assert!(!(s.is_open() && s.is_terminal()), "{s}");
    }
}

#[test]
fn resolution_levels_follow_the_closing_center() {
    use crate::regions::RegionLevel as L;
    assert_eq!(
        ResolutionLevel::of_region(L::Village),
        ResolutionLevel::Village
    );
    assert_eq!(
        ResolutionLevel::of_region(L::Township),
        ResolutionLevel::Township
    );
    assert_eq!(
        ResolutionLevel::of_region(L::Province),
        ResolutionLevel::City
    );
    let local: Vec<_> = ResolutionLevel::ALL
        .iter()
        .filter(|l| l.within_township())
        .collect();
    assert_eq!(local.len(), 3);
}

#[test]
fn live_tasks_and_task_transitions() {
    let live: Vec<_> = TaskState::ALL.iter().filter(|s| s.is_live()).collect();
    assert_eq!(live.len(), 3);
    // Every row starts from live tasks or handled ones and never revives an ended task.
    for &(action, from, _) in TASK_TRANSITIONS {
        for s in from {
            assert!(s.is_live() || *s == TaskState::Handled, "{action} from {s}");
        }
    }
    for &action in [
        IncidentAction::Approve,
        IncidentAction::Merge,
        IncidentAction::Reassign,
    ]
    .iter()
    {
        for &s in TaskState::ALL {
            let r = task_transition(s, action);
            assert_eq!(r.is_ok(), s.is_live(), "{action} on {s}");
        }
    }
    let e = task_transition(TaskState::Assigned, IncidentAction::Comment).unwrap_err();
    assert_eq!(e.code, "not_a_task_action");
    let e = task_transition(TaskState::Handled, IncidentAction::Handle).unwrap_err();
    assert_eq!(e.code, "task_not_from_state");
}

#[test]
fn relations_form_sets() {
    assert_eq!(Relations::every_set().count(), 1 << Relation::ALL.len());
    let rs: Relations = [Relation::Reporter, Relation::HigherCenter]
        .into_iter()
        .collect();
    assert!(rs.contains(Relation::HigherCenter) && !rs.contains(Relation::GridStaff));
    assert!(rs.intersects(Relations::CENTERS));
    assert_eq!(
        serde_json::to_string(&rs).unwrap(),
        r#"["reporter","higher_center"]"#
    );
    assert!(Relations::NONE.is_empty());
    assert_eq!(Relations::ANY.iter().count(), Relation::ALL.len());
}
