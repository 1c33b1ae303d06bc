//! Notifications (`notices`, `notice_deliveries`, migration 0018): each user's inbox, and the
//! outbound deliveries of each notice on the channels its region sets (SMS gateway, WeCom and
//! DingTalk group robots).
//!
//! A notice is written in the transaction of what it tells of ([`enqueue_notices`], one call;
//! the incident actions call it through [`for_event`]), with one delivery row per channel and
//! target. The `notify_deliver` job claims due deliveries by lease, the web crate's sender sends
//! them, and each is marked sent or failed by a write guarded by the lease as claimed
//! (`deliver.rs`); after its last attempt a delivery is dead, listed for resending (`dead.rs`).
//! The inbox is its recipient's alone: every read and change filters by the caller's user id.

mod dead;
mod deliver;
mod enqueue;
mod events;
mod holders;
mod inbox;

pub use dead::{DeadDelivery, DeadFilter};
pub use deliver::{ClaimedDelivery, DeliveryClaim, DeliveryOutcome};
pub use enqueue::{NewNotice, Planned, enqueue_batch, enqueue_notices};
pub(crate) use events::for_event;
pub(crate) use holders::{Held, Holders, addressed};
pub use inbox::{Notice, NoticePage, UNREAD_CAP};

/// The job kind that sends due deliveries.
pub const NOTIFY_DELIVER: &str = "notify_deliver";
