//! Supervision (督办) and extensions (延期): reminders and supervision cards from a higher
//! center on an open incident, listed supervision of many at once (挂牌督办), the desk of
//! everything under supervision in the caller's scope, and more time on a task asked by its
//! handler and decided by the dispatching center.
//!
//! Who may do what is decided in `gridgov_core::supervision` and from core's relations to the
//! incident (`higher_center`, `dispatching_center`); this module reads the facts, writes what
//! was decided and records it, in one transaction each: a card on its own audit stream
//! (`supervision_card:<id>`), its issue, every reminder and every extension on the incident's
//! (`incident:<id>`). Cards and extensions are reached only through the incident's doors
//! (`scope::IncidentDoors`): outside them they are not found.

mod card_act;
mod desk;
mod extend;
mod input;
mod issue;
mod listed;
mod on_incident;
mod remind;
mod rows;
mod seen;

pub use desk::{DeskCounts, DeskFilter, DeskView, SupervisionDesk};
pub use input::{CardActionInput, CardInput, ExtensionDecision, ExtensionInput, ListedInput};
pub use on_incident::IncidentSupervision;
pub use rows::{CardListItem, CardView, ExtensionView};
pub use seen::CardPage;

pub(crate) use on_incident::on_incident;
