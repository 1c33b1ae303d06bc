//! The state lists the store's SQL filters on, written once and checked against core's rules
//! (`IncidentState::is_open`, `TaskState::is_live`), so no query keeps a list of its own.

/// The states of an incident still being worked, for `state IN {OPEN_STATES}`.
pub(crate) const OPEN_STATES: &str = "('reported', 'accepted', 'dispatched', 'in_progress', \
     'handled', 'under_review', 'suspended')";

/// The states of a live task, for `state IN {LIVE_TASK_STATES}`.
pub(crate) const LIVE_TASK_STATES: &str = "('assigned', 'accepted', 'in_progress')";

#[cfg(test)]
mod tests {
    use gridgov_core::incidents::{IncidentState, TaskState};

    fn listed(sql: &str) -> Vec<String> {
        sql.trim_matches(|c| c == '(' || c == ')')
            .split(',')
            .map(|s| s.trim().trim_matches('\'').to_owned())
            .collect()
    }

    #[test]
    fn the_lists_are_cores_rules() {
        let open: Vec<String> = IncidentState::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str().to_owned())
            .collect();
        assert_eq!(listed(super::OPEN_STATES), open);
        let live: Vec<String> = TaskState::ALL
            .iter()
            .filter(|s| s.is_live())
            .map(|s| s.as_str().to_owned())
            .collect();
        assert_eq!(listed(super::LIVE_TASK_STATES), live);
    }
}
