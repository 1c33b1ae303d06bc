//! How the incident pages name the loop's codes: states, grades, sources, actions and work lists
//! in the reader's language, from the vocabularies of `gridgov-core` (so a code added there is
//! labelled here without a second list), and the options of the selects built from them.

use gridgov_core::incidents::{
    Evaluation, Grade, IncidentAction, IncidentState, ResolutionLevel, Source, TaskKind, TaskState,
};
use gridgov_store::incidents::WorkList;

use crate::i18n::{IncidentTexts, Lang};

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The label of a code of a vocabulary, or the code itself when it is not one (an old row).
macro_rules! label_of {
    ($fn:ident, $ty:ty) => {
        pub fn $fn(lang: Lang, code: &str) -> String {
            <$ty>::ALL.iter().find(|v| v.as_str() == code).map_or_else(
                || code.to_owned(),
                |v| lang.pick(v.label_zh(), v.label_en()).to_owned(),
            )
        }
    };
}

label_of!(state_label, IncidentState);
label_of!(grade_label, Grade);
label_of!(source_label, Source);
label_of!(action_label, IncidentAction);
label_of!(evaluation_label, Evaluation);
label_of!(level_label, ResolutionLevel);
label_of!(task_kind_label, TaskKind);
label_of!(task_state_label, TaskState);

/// Every value of a vocabulary as options, `selected` chosen, after an empty "any" option when
/// `any` is given.
macro_rules! choices_of {
    ($fn:ident, $ty:ty) => {
        pub fn $fn(lang: Lang, selected: &str, any: Option<&str>) -> Vec<Choice> {
            let mut out: Vec<Choice> = any
                .map(|label| Choice {
                    value: String::new(),
                    label: label.to_owned(),
                    selected: selected.is_empty(),
                })
                .into_iter()
                .collect();
            out.extend(<$ty>::ALL.iter().map(|v| Choice {
                value: v.as_str().to_owned(),
                label: lang.pick(v.label_zh(), v.label_en()).to_owned(),
                selected: v.as_str() == selected,
            }));
            out
        }
    };
}

choices_of!(state_choices, IncidentState);
choices_of!(grade_choices, Grade);
choices_of!(source_choices, Source);
choices_of!(evaluation_choices, Evaluation);
choices_of!(level_choices, ResolutionLevel);

/// The tab label of a work list.
pub fn list_label(it: &IncidentTexts, l: WorkList) -> &'static str {
    match l {
        WorkList::All => it.list_all,
        WorkList::Mine => it.list_mine,
        WorkList::AwaitingAcceptance => it.list_awaiting_acceptance,
        WorkList::AwaitingDispatch => it.list_awaiting_dispatch,
        WorkList::InProgress => it.list_in_progress,
        WorkList::AwaitingReview => it.list_awaiting_review,
        WorkList::Returned => it.list_returned,
        WorkList::Whistles => it.list_whistles,
        WorkList::Closed => it.list_closed,
    }
}

/// The inputs an action's form shows, beside the version and a note every action may carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionFields {
    pub reason: bool,
    pub grade: bool,
    pub into: bool,
    pub dispatch: bool,
    pub task: bool,
    pub result: bool,
    pub evaluation: bool,
    pub summon: bool,
    pub files: bool,
    /// A choice among the handled tasks (rework: which to send back; none chosen means all).
    pub handled: bool,
}

/// What each action asks for, as `ActionInput` reads it (see its field documentation).
pub fn action_fields(action: IncidentAction) -> ActionFields {
    use IncidentAction as A;
    let none = ActionFields::default();
    match action {
        A::Accept => ActionFields {
            grade: true,
            ..none
        },
        A::Reject | A::Reopen | A::Suspend => ActionFields {
            reason: true,
            ..none
        },
        A::Rework => ActionFields {
            reason: true,
            handled: true,
            ..none
        },
        A::Merge => ActionFields { into: true, ..none },
        A::Dispatch => ActionFields {
            dispatch: true,
            ..none
        },
        A::Reassign => ActionFields {
            dispatch: true,
            reason: true,
            ..none
        },
        A::Start | A::ReportIn => ActionFields { task: true, ..none },
        A::Handle => ActionFields {
            task: true,
            result: true,
            files: true,
            ..none
        },
        A::ReturnTask => ActionFields {
            task: true,
            reason: true,
            ..none
        },
        A::Evaluate => ActionFields {
            evaluation: true,
            ..none
        },
        A::Whistle => ActionFields {
            summon: true,
            ..none
        },
        A::Confirm | A::Approve | A::Comment => ActionFields {
            files: true,
            ..none
        },
        A::Resume => none,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_in_both_languages_and_unknown_ones_as_they_are() {
        assert_eq!(state_label(Lang::Zh, "reported"), "待受理");
        assert_eq!(state_label(Lang::En, "in_progress"), "in progress");
        assert_eq!(grade_label(Lang::Zh, "nonsense"), "nonsense");
    }

    #[test]
    fn selects_offer_any_then_every_value() {
        let c = grade_choices(Lang::Zh, "serious", Some("不限"));
        assert_eq!(c.len(), Grade::ALL.len() + 1);
        assert!(c[0].value.is_empty() && !c[0].selected);
        assert!(c.iter().any(|x| x.value == "serious" && x.selected));
    }

    #[test]
    fn every_action_that_needs_a_reason_asks_for_one() {
        for a in [
            IncidentAction::Reject,
            IncidentAction::Rework,
            IncidentAction::Reopen,
            IncidentAction::Suspend,
            IncidentAction::ReturnTask,
            IncidentAction::Reassign,
        ] {
            assert!(action_fields(a).reason, "{a}");
        }
        assert!(action_fields(IncidentAction::Handle).result);
        assert!(action_fields(IncidentAction::Dispatch).dispatch);
    }
}
