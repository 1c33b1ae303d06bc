//! Why an action was refused, in both languages, with what the caller may do instead.

use serde::Serialize;

use super::{IncidentAction, IncidentState};
use crate::error::FieldError;

/// The three reasons an action is refused, checked in this order. The web layer answers the
/// first with 409 (the incident moved on: reload), the other two with 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The action does not lead anywhere from the incident's state.
    NotFromState,
    /// No rule gives this action to the caller's role.
    NotForRole,
    /// The role may take it, but not on an incident it stands in no such relation to (not the
    /// dispatching center, not an assigned department …).
    NotForRelation,
}

impl Refusal {
    /// The stable machine code of the error.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotFromState => "action_not_from_state",
            Refusal::NotForRole => "action_not_for_role",
            Refusal::NotForRelation => "action_not_for_relation",
        }
    }
}

/// A refused action: which, from which state, why, and the actions the caller may take now
/// (for `transition`, which knows no caller: those possible from the state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{en}")]
pub struct NotAllowed {
    pub action: IncidentAction,
    pub state: IncidentState,
    pub reason: Refusal,
    pub allowed: Vec<IncidentAction>,
    pub zh: String,
    pub en: String,
}

impl NotAllowed {
    pub(super) fn new(
        state: IncidentState,
        action: IncidentAction,
        reason: Refusal,
        allowed: Vec<IncidentAction>,
    ) -> NotAllowed {
        let (why_zh, why_en) = match reason {
            Refusal::NotFromState => (
                format!(
                    "事件处于「{}」状态，不能「{}」",
                    state.label_zh(),
                    action.label_zh()
                ),
                format!(
                    "an incident that is {} cannot be given {}",
                    state.as_str(),
                    action.as_str()
                ),
            ),
            Refusal::NotForRole => (
                format!("您的角色不能对事件执行「{}」", action.label_zh()),
                format!("your role may not {} an incident", action.as_str()),
            ),
            Refusal::NotForRelation => (
                format!("您与该事件的关系不允许执行「{}」", action.label_zh()),
                format!(
                    "your relation to this incident does not allow {}",
                    action.as_str()
                ),
            ),
        };
        let (now_zh, now_en) = if allowed.is_empty() {
            (
                "当前无可执行的操作".to_owned(),
                "nothing is allowed now".to_owned(),
            )
        } else {
            (
                format!(
                    "当前可执行: {}",
                    allowed
                        .iter()
                        .map(|a| a.label_zh())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                format!(
                    "allowed now: {}",
                    allowed
                        .iter()
                        .map(|a| a.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        };
        NotAllowed {
            action,
            state,
            reason,
            allowed,
            zh: format!("{why_zh}；{now_zh}"),
            en: format!("{why_en}; {now_en}"),
        }
    }

    pub(super) fn not_from_state(
        state: IncidentState,
        action: IncidentAction,
        allowed: Vec<IncidentAction>,
    ) -> NotAllowed {
        NotAllowed::new(state, action, Refusal::NotFromState, allowed)
    }

    pub fn code(&self) -> &'static str {
        self.reason.code()
    }
}

impl From<NotAllowed> for FieldError {
    /// The refusal as the field error every layer renders, on the field `action`.
    fn from(e: NotAllowed) -> FieldError {
        FieldError::new("action", e.reason.code(), e.zh, e.en)
    }
}
