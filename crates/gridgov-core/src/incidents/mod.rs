//! The incident loop (研交办督结) as data: states, actions, who may take them, the events they
//! leave and the incident number. The store persists what these tables decide.
//!
//! How a layer above uses it, for one action on one incident:
//!
//! 1. read the incident's state and work out the caller's [`Relations`] ([`relations_of`]);
//! 2. [`check`] the caller's role and relations against the state and the event's
//!    [`IncidentEvent::action`]: the answer is the next state (`None`: it stays) or a
//!    [`NotAllowed`] naming why and what the caller may do instead;
//! 3. [`IncidentEvent::check`] the event's content;
//! 4. for `handle` and `return_task`, pass the answer through [`after_task`] with the count of
//!    the incident's other live tasks; apply [`task_transition`] to the tasks the action touches;
//! 5. write the new state, the tasks and the event (with who, when, from, to) in one transaction.
//!
//! [`allowed`] lists the actions to offer a caller. [`transition`] answers for the state alone.

mod action;
pub mod duplicates;
mod event_check;
mod events;
mod kinds;
mod number;
mod refusal;
mod relations;
mod rules;
mod shirking;
mod standing;
mod state;
mod tasks;
mod transitions;
pub(crate) mod words;

#[cfg(test)]
mod event_tests;
#[cfg(test)]
mod exhaustive_tests;
#[cfg(test)]
mod story_tests;
#[cfg(test)]
mod vocab_tests;

pub use action::IncidentAction;
pub use event_check::{MAX_ATTACHMENTS, MAX_TASKS, REASON_MIN, TEXT_MAX};
pub use events::{Assignee, IncidentEvent, TaskAssignment};
pub use kinds::{Evaluation, Grade, ResolutionLevel, Source};
pub use number::IncidentNumber;
pub use refusal::{NotAllowed, Refusal};
pub use relations::{Relation, Relations};
pub use rules::{WHO, allowed, check, check_reopen};
pub use shirking::{SHIRKING_RETURNS, Shirker, is_shirking, shirkers};
pub use standing::{Caller, IncidentFacts, TaskFact, is_center_role, relations_of};
pub use state::IncidentState;
pub use tasks::{TASK_TRANSITIONS, TaskKind, TaskState, after_task, task_transition};
pub use transitions::{TRANSITIONS, possible, possible_from, transition};
pub use words::Words;
