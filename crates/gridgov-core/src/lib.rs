//! The domain of gridgov without I/O: codes that parse, the region hierarchy and its paths,
//! roles and the permission matrix, the incident loop and verification tasks as tables, and the
//! rules of the audit chain, the working-day calendar and its time arithmetic.

pub mod audit;
pub mod auth;
pub mod base_data;
pub mod bridges;
pub mod deadlines;
pub mod departments;
pub mod error;
pub mod escalation;
pub mod forms;
pub mod grids;
pub mod ids;
pub mod incidents;
pub mod jobs;
pub mod notify;
pub mod open311;
pub mod regions;
pub mod scope;
pub mod settings;
pub mod suggest;
pub mod supervision;
pub mod text;
pub mod users;
pub mod verify;
mod vocab;
pub mod workdays;

pub use error::{FieldError, Invalid};
