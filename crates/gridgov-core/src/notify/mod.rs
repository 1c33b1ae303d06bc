//! Notifications as data: the kinds of notice and their sentences in both languages, the
//! channels a region sends them on (an SMS gateway, WeCom and DingTalk group robots) with their
//! checks, and the quiet hours in which SMS waits. The store keeps notices and deliveries; the
//! web crate's sender speaks HTTP.

mod channels;
mod kind;
mod quiet;
mod render;

pub use channels::{NotifyChannels, Robot, RobotChannel, SECRET_MASK, SmsGateway, check_http_url};
pub use kind::{DeliveryState, NoticeKind};
pub use quiet::QuietHours;
pub use render::{render, render_body};

/// Attempts a delivery gets before it is dead (the dead-letter list).
pub const DELIVERY_MAX_ATTEMPTS: i64 = 5;
