//! Open311 GeoReport v2 as rules without I/O: how an incident's state reads to the public
//! (`open` / `closed`, with a note), the attributes every service asks for, and the limits of
//! the spec that the server decides (the default window and count of a request list).

mod attributes;
mod status;
mod w3c;

pub use attributes::{ATTRIBUTES, Attribute, AttributeValue};
pub use status::{PublicStatus, public_status, states_of};
pub use w3c::{format_w3c, parse_w3c};

/// The spec's default and widest window of a request list: 90 days.
pub const WINDOW_MS: i64 = 90 * 24 * 3_600_000;
/// The spec's default (and here the largest) number of requests in one answer.
pub const LIST_MAX: i64 = 1000;
/// The spec limits a description to 4,000 characters.
pub const DESCRIPTION_MAX: usize = 4000;
