//! Which incident events a bridge is told of. The loop's refusal (`reject`, 不予受理) is what a
//! bridge calls returning the order as outside the grid's remit (退回): the reason goes back.

use super::BridgeStatus;
use crate::incidents::{IncidentEvent, IncidentState};

/// The status to push for an event, given the incident's state after it, with the text that
/// goes with it (a result, a reason, a note). A task handled while others are still open is
/// not yet the order handled; other events are not told.
pub fn status_of(
    event: &IncidentEvent,
    after: IncidentState,
) -> Option<(BridgeStatus, Option<String>)> {
    match event {
        IncidentEvent::Accepted { note, .. } => Some((BridgeStatus::Accepted, note.clone())),
        IncidentEvent::Dispatched { note, .. } => Some((BridgeStatus::Dispatched, note.clone())),
        IncidentEvent::Handled { result, .. } if after == IncidentState::Handled => {
            Some((BridgeStatus::Handled, Some(result.clone())))
        }
        IncidentEvent::Approved { note, .. } => Some((BridgeStatus::Closed, note.clone())),
        IncidentEvent::Rejected { reason } => Some((BridgeStatus::Returned, Some(reason.clone()))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::{Evaluation, ResolutionLevel};

    #[test]
    fn the_loop_s_steps_map_to_what_a_hotline_is_told() {
        let rejected = IncidentEvent::Rejected {
            reason: "不属于网格受理范围".into(),
        };
        assert_eq!(
            status_of(&rejected, IncidentState::Rejected),
            Some((BridgeStatus::Returned, Some("不属于网格受理范围".into())))
        );
        let handled = IncidentEvent::Handled {
            task_id: "t1".into(),
            result: "已清理".into(),
            attachments: vec![],
        };
        assert_eq!(status_of(&handled, IncidentState::InProgress), None);
        assert_eq!(
            status_of(&handled, IncidentState::Handled),
            Some((BridgeStatus::Handled, Some("已清理".into())))
        );
        let approved = IncidentEvent::Approved {
            resolution_level: ResolutionLevel::Grid,
            note: None,
        };
        assert_eq!(
            status_of(&approved, IncidentState::Closed),
            Some((BridgeStatus::Closed, None))
        );
        let rated = IncidentEvent::Evaluated {
            evaluation: Evaluation::Satisfied,
            note: None,
        };
        assert_eq!(status_of(&rated, IncidentState::Evaluated), None);
    }
}
