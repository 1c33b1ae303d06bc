//! The public status of a request. GeoReport v2 knows two: `open` (reported, someone will act)
//! and `closed` (resolved, or not going to be). The loop's eleven states map onto them by
//! [`IncidentState::is_open`], the same line the deadlines draw, and the note says which way it
//! closed, as FixMyStreet's server and the spec's examples do ("Duplicate request.").

use crate::incidents::IncidentState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicStatus {
    Open,
    Closed,
}

impl PublicStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PublicStatus::Open => "open",
            PublicStatus::Closed => "closed",
        }
    }

    /// The spec's filter value; anything else is not a status.
    pub fn parse(s: &str) -> Option<PublicStatus> {
        match s {
            "open" => Some(PublicStatus::Open),
            "closed" => Some(PublicStatus::Closed),
            _ => None,
        }
    }
}

/// How an incident in `state` reads to the public: its status and a note on it (Chinese,
/// English), or none where the status says all.
pub fn public_status(state: IncidentState) -> (PublicStatus, Option<(&'static str, &'static str)>) {
    use IncidentState as S;
    let status = if state.is_open() {
        PublicStatus::Open
    } else {
        PublicStatus::Closed
    };
    let note = match state {
        S::Reported => Some(("已收到，等待受理", "Received; waiting to be accepted.")),
        S::Accepted | S::Dispatched => Some(("已受理，正在安排处理", "Accepted; being assigned.")),
        S::InProgress => Some(("正在处理", "Work in progress.")),
        S::Handled | S::UnderReview => Some(("已处理，正在核查", "Work done; being checked.")),
        S::Suspended => Some(("暂缓处理", "On hold.")),
        S::Closed | S::Evaluated => Some(("已办结", "Resolved.")),
        S::Rejected => Some(("不予受理", "Not accepted.")),
        S::Merged => Some(("重复上报，已合并处理", "Duplicate request.")),
    };
    (status, note)
}

/// The states a public status stands for, for a list's filter.
pub fn states_of(status: PublicStatus) -> Vec<IncidentState> {
    IncidentState::ALL
        .iter()
        .copied()
        .filter(|s| public_status(*s).0 == status)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_is_open_or_closed_and_the_two_lists_split_them() {
        let open = states_of(PublicStatus::Open);
        let closed = states_of(PublicStatus::Closed);
        assert_eq!(open.len() + closed.len(), IncidentState::ALL.len());
        assert!(open.contains(&IncidentState::Suspended));
        assert!(closed.contains(&IncidentState::Merged));
        assert!(closed.contains(&IncidentState::Evaluated));
        assert!(!open.iter().any(|s| closed.contains(s)));
    }

    #[test]
    fn a_merged_request_reads_as_a_closed_duplicate() {
        let (s, note) = public_status(IncidentState::Merged);
        assert_eq!(s.as_str(), "closed");
        assert_eq!(note.map(|n| n.1), Some("Duplicate request."));
        assert_eq!(PublicStatus::parse("open"), Some(PublicStatus::Open));
        assert_eq!(PublicStatus::parse("Open"), None);
    }
}
