//! Incidents and their work orders (研交办督结): reported, accepted, dispatched along the
//! territorial line and to departments at once, handled, reviewed, closed and rated.
//!
//! What may happen to an incident, and who may make it happen, is decided in gridgov-core
//! (`gridgov_core::incidents`: the transition and permission tables); this module reads the facts
//! those tables need (the caller's department and grids, the incident's tasks), persists what
//! core decided, and records each action as a typed event in the incident's audit stream
//! (`incident:<id>`) in the same transaction, with a version check so that of two concurrent
//! changes the second gets `VersionConflict`.
//!
//! Incidents are seen through three doors ([`crate::scope::IncidentDoors`]): the caller's
//! region range, their department's tasks, and their own reports.

pub(crate) mod act;
mod act_center;
mod act_review;
pub(crate) mod act_tasks;
mod attachments;
mod bulk;
mod bulk_ground;
pub(crate) mod clock;
mod duplicates;
mod export;
pub(crate) mod facts;
mod grid_lights;
mod input;
mod list;
mod list_sql;
mod merged;
mod numbers;
mod parties;
pub(crate) mod read;
mod recompute;
mod report;
pub(crate) mod rows;
pub(crate) mod states_sql;
pub(crate) mod words_cache;

pub use bulk::{BulkIncident, BulkParty, BulkTask};
pub use bulk_ground::{
    BulkGround, GroundCategory, GroundCenter, GroundDepartment, GroundGrid, GroundUser,
};
pub(crate) use clock::calendar_of;
pub use duplicates::DuplicateSuggestion;
pub use export::ExportFormat;
pub use input::{ActionInput, DispatchInput, PartyInput, ReportInput};
pub use list::{IncidentFilter, IncidentList, IncidentListItem, WorkList};
pub use merged::{CarriedOn, MergedHere};
pub use read::{IncidentPage, TimelineEntry};
pub use recompute::{DUE_RECOMPUTE, RecomputeReport};
pub use rows::{IncidentView, PartyView, TaskView};
