//! The only crate of gridgov that speaks SQL.
//!
//! One [`Store`] serves SQLite and PostgreSQL through sqlx's `Any` driver, so every query is written
//! once in the SQL both dialects share (numbered `$n` parameters, `ON CONFLICT`, `RETURNING`,
//! BIGINT times). Where the dialects must differ (bulk loading) the difference lives in one module,
//! [`regions::bulk`]. Every read or write of a scoped resource takes the caller's
//! [`Actor`](gridgov_core::auth::Actor) and filters by its scope here, so no handler can forget it.

pub mod attachments;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod base;
pub mod bridges;
pub mod categories;
mod clock;
pub mod cpu;
mod db;
pub mod departments;
mod error;
pub mod escalation;
pub mod forms;
pub mod grids;
pub mod incidents;
pub mod jobs;
pub mod notices;
pub mod open311;
pub mod protect;
pub mod records;
pub mod regions;
mod scope;
pub mod settings;
pub mod sheets;
pub mod suggestions;
pub mod supervision;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;
pub mod users_bulk;
pub mod verify;

pub use clock::{Clock, FixedClock, SystemClock};
pub use db::{Backend, DatabaseUrl, Store};
pub use error::{Refused, RowError, StoreError, StoreResult};
