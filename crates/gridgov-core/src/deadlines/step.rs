//! The steps a time limit applies to, and a limit's amount and unit.

use serde::{Deserialize, Serialize};

use crate::incidents::IncidentState;
use crate::vocab::vocabulary;

vocabulary!(
    /// A step of the loop that runs against a limit. Accept, dispatch and review are the
    /// center's; handle is each assignee's (every task has its own clock) and the incident's as
    /// a whole.
    Step, "unknown_step", "环节", "step", {
        Accept => ("accept", "受理", "accept"),
        Dispatch => ("dispatch", "派遣", "dispatch"),
        Handle => ("handle", "办理", "handle"),
        Review => ("review", "结案审核", "review"),
    }
);

impl Step {
    /// The step an incident in this state is in: the one whose limit runs. Suspended and the
    /// closed states have none (a suspended incident's clock is paused, not in another step).
    pub fn of_state(state: IncidentState) -> Option<Step> {
        use IncidentState as S;
        match state {
            S::Reported => Some(Step::Accept),
            S::Accepted => Some(Step::Dispatch),
            S::Dispatched | S::InProgress => Some(Step::Handle),
            S::Handled | S::UnderReview => Some(Step::Review),
            S::Suspended | S::Closed | S::Evaluated | S::Rejected | S::Merged => None,
        }
    }
}

vocabulary!(
    /// How a limit is counted.
    LimitUnit, "unknown_limit_unit", "时限单位", "limit unit", {
        /// Whole working days; due at 24:00 of the last (see `Calendar::add_working_days`).
        WorkingDays => ("working_days", "工作日", "working days"),
        /// Working hours, counted inside the working periods of working days.
        WorkingHours => ("working_hours", "工作小时", "working hours"),
    }
);

/// A time limit: so many working days or working hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimit {
    pub amount: i64,
    pub unit: LimitUnit,
}

impl TimeLimit {
    pub const fn days(amount: i64) -> Self {
        TimeLimit {
            amount,
            unit: LimitUnit::WorkingDays,
        }
    }

    pub const fn hours(amount: i64) -> Self {
        TimeLimit {
            amount,
            unit: LimitUnit::WorkingHours,
        }
    }

    /// `5 个工作日` / `5 working days`.
    pub fn label_zh(&self) -> String {
        format!("{} 个{}", self.amount, self.unit.label_zh())
    }

    pub fn label_en(&self) -> String {
        format!("{} {}", self.amount, self.unit.label_en())
    }
}
