//! The job runner of a server node: it schedules the periodic jobs (once per period across
//! nodes, by key), claims due jobs from the store under a lease, runs each with the handler
//! registered for its kind, renews the lease while it runs, and records the outcome. Adding a
//! kind is one handler function and one line in [`registry`]. It stops with the server: no
//! new claims after the stop signal, running jobs get the shutdown grace, and what is still
//! running then is handed back for another node.

mod handler;
pub(crate) mod kinds;
mod periodic;
mod runner;

pub use handler::{JobContext, JobError, Registry};
pub use kinds::{BASE_IMPORT, ESCALATION_PASS, registry};
pub use periodic::PERIODIC;
pub use runner::{RunnerConfig, spawn_runner};
