//! Sending notices out: the channels behind one interface, and the delivery pass the
//! `notify_deliver` job runs.
//!
//! The channels are an enum ([`Outbound`]), not a trait: the set is closed and chosen by data
//! (a region's `notify_channels` setting names which are on, a delivery row names its channel),
//! so a match over the variants is checked complete by the compiler and each variant carries
//! its setting's own type; nothing is boxed, and one HTTP client is shared by all. The inbox is
//! the channel that is always on and needs no sending: its row is written in the transaction of
//! the event (`gridgov_store::notices`), so a notice can never be lost however the others fare.

mod deliver;
mod outbound;

pub use deliver::{CONCURRENCY, DeliveryPass, deliver_due};
pub use outbound::{Outbound, Sender, dingtalk_signed_url};
