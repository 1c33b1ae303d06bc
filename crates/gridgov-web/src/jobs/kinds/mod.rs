//! The kinds of job this deployment runs, one handler function each, and the registry every
//! node runs them with. A new kind is a function here and a line in [`registry`].

mod base_import;
mod bridges;
mod deadlines;
mod escalation;
mod notify;
mod suggest;
mod upkeep;

pub use base_import::{BASE_IMPORT, ImportPayload, ImportProgress, enqueue_import};

use super::Registry;

pub const AUDIT_DIGEST: &str = "audit_digest";
pub const SESSION_SWEEP: &str = "session_sweep";
pub const CLAIM_LAPSE: &str = "claim_lapse";
pub const JOBS_PURGE: &str = "jobs_purge";
pub const ESCALATION_PASS: &str = "escalation_pass";
pub const ATTACHMENTS_SWEEP: &str = "attachments_sweep";
pub use gridgov_store::bridges::BRIDGE_PUSH;
pub use gridgov_store::notices::NOTIFY_DELIVER;
pub use gridgov_store::suggestions::SUGGEST_TRAIN;

/// Every kind with its handler.
pub fn registry() -> Registry {
    Registry::default()
        .with(AUDIT_DIGEST, upkeep::audit_digest)
        .with(SESSION_SWEEP, upkeep::session_sweep)
        .with(CLAIM_LAPSE, upkeep::claim_lapse)
        .with(JOBS_PURGE, upkeep::jobs_purge)
        .with(ATTACHMENTS_SWEEP, upkeep::attachments_sweep)
        .with(ESCALATION_PASS, escalation::run)
        .with(BASE_IMPORT, base_import::run)
        .with(
            gridgov_store::incidents::DUE_RECOMPUTE,
            deadlines::due_recompute,
        )
        .with(NOTIFY_DELIVER, notify::run)
        .with(BRIDGE_PUSH, bridges::run)
        .with(SUGGEST_TRAIN, suggest::train)
}
