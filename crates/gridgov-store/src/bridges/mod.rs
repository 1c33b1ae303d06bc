//! The 12345 hotline and 110 police bridges (`bridges`, `bridge_orders`, `bridge_pushes`,
//! migration 0022).
//!
//! Inbound, an order is reported as an incident by the bridge's own door actor
//! (`Actor::door`, `bridge:<id>`) over the bridge's region, and its external number is claimed
//! in `bridge_orders` in the report's own transaction (`receive.rs`): a repeated delivery finds
//! it and stores nothing; two at once cannot both insert it, and the loser answers with the
//! winner's incident. Outbound, the incident actions that a bridge is told of write a push in
//! the action's transaction (`outbox.rs`); the `bridge_push` job claims due pushes by lease and
//! the web crate's sender signs and sends them; each is marked sent or failed by a write guarded
//! by the lease (`push.rs`); after its last attempt a push is dead, listed on the desk and
//! replayed from there (`log.rs`). Bridges are configured by system administrators with their
//! secrets sealed (`config.rs`).

mod config;
mod log;
mod outbox;
mod push;
mod receive;

pub use config::{Bridge, BridgeInput};
pub use log::{OrderRow, PushFilter, PushRow};
pub(crate) use outbox::push_for_event;
pub use push::{ClaimedPush, PushClaim, PushOutcome};
pub use receive::{BridgeDoor, Received};
pub(crate) use receive::{OrderClaim, incident_of_order, take_order};

/// The job kind that sends due pushes.
pub const BRIDGE_PUSH: &str = "bridge_push";

/// The door actor's id for a bridge.
pub fn door_id(bridge_id: &str) -> String {
    format!("bridge:{bridge_id}")
}
