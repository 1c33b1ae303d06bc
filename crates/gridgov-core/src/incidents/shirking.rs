//! Shirking (推诿): a matter sent back again and again. Counted per assignee, so assessment can
//! name who kept sending it back.

use serde::Serialize;

use super::events::{Assignee, IncidentEvent};

/// Returns by one assignee on one incident that make it shirking: the second return means the
/// matter came back to them and they sent it back again.
pub const SHIRKING_RETURNS: usize = 2;

/// An assignee that returned its task on the incident at least [`SHIRKING_RETURNS`] times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shirker {
    pub assignee: Assignee,
    pub returns: usize,
}

/// The assignees that shirked on one incident, given its events (any order), ordered by
/// assignee. Only `task_returned` events count: a reassignment by the center is not the
/// assignee's doing.
pub fn shirkers<'a>(events: impl IntoIterator<Item = &'a IncidentEvent>) -> Vec<Shirker> {
    let mut counts: std::collections::BTreeMap<&Assignee, usize> = Default::default();
    for e in events {
        if let IncidentEvent::TaskReturned { assignee, .. } = e {
            *counts.entry(assignee).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= SHIRKING_RETURNS)
        .map(|(a, returns)| Shirker {
            assignee: a.clone(),
            returns,
        })
        .collect()
}

/// Whether the incident is flagged as shirking (推诿).
pub fn is_shirking<'a>(events: impl IntoIterator<Item = &'a IncidentEvent>) -> bool {
    !shirkers(events).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn returned(task: &str, dept: &str) -> IncidentEvent {
        IncidentEvent::TaskReturned {
            task_id: task.into(),
            assignee: Assignee::Department(dept.into()),
            reason: "不属于本部门职责".into(),
        }
    }

    #[test]
    fn a_second_return_by_the_same_department_is_shirking() {
        let once = [returned("t1", "housing")];
        assert!(!is_shirking(&once));
        let twice = [returned("t1", "housing"), returned("t2", "housing")];
        assert_eq!(
            shirkers(&twice),
            [Shirker {
                assignee: Assignee::Department("housing".into()),
                returns: 2
            }]
        );
    }

    #[test]
    fn returns_by_different_departments_are_not_shirking_each() {
        let events = [
            returned("t1", "housing"),
            returned("t2", "urban_management"),
            IncidentEvent::Commented {
                note: "退回了两次吗？".into(),
                attachments: vec![],
            },
        ];
        assert!(!is_shirking(&events));
    }
}
