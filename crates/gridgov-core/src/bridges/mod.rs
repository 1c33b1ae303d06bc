//! The 12345 hotline and 110 police bridges: which kinds there are, the statuses told back to
//! them, and the field mapping that reads an external work order (`mapping`). Signing and HTTP
//! are the web crate's; storing is the store's. See docs/architecture.md, "Bridges".

mod mapping;
mod status;

pub use mapping::{MappedOrder, Mapping};
pub use status::status_of;

use crate::incidents::Source;
use crate::vocab::vocabulary;

/// How far a signed request's timestamp may lie from the server's clock, either way: a request
/// captured and sent again later than this is refused.
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// Attempts of an outbound status push before it is dead.
pub const PUSH_MAX_ATTEMPTS: i64 = 6;

vocabulary!(
    /// Which external system a bridge speaks to.
    BridgeKind, "unknown_bridge_kind", "对接类型", "bridge kind", {
        Hotline12345 => ("hotline_12345", "12345热线", "12345 hotline"),
        Police110 => ("police_110", "110警情", "110 police"),
    }
);

impl BridgeKind {
    /// The incident source its orders are reported under.
    pub fn source(self) -> Source {
        match self {
            BridgeKind::Hotline12345 => Source::Hotline12345,
            BridgeKind::Police110 => Source::Police110,
        }
    }
}

vocabulary!(
    /// What a bridge is told of an order it sent.
    BridgeStatus, "unknown_bridge_status", "回传状态", "bridge status", {
        /// Registered by the center (受理).
        Accepted => ("accepted", "已受理", "accepted"),
        /// Given to a department or grid (派遣).
        Dispatched => ("dispatched", "已派遣", "dispatched"),
        /// Every task done (办结), with the result.
        Handled => ("handled", "已办结", "handled"),
        /// Closed by the center (结案), with the result.
        Closed => ("closed", "已结案", "closed"),
        /// Refused as outside the grid's remit and returned to the hotline (退回), with the
        /// reason.
        Returned => ("returned", "已退回", "returned"),
    }
);
