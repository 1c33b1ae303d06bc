//! The deployment's own periodic work: the audit digest, sweeps of sessions and login counts,
//! lapsed verification claims, old jobs, and uploads left behind.

use gridgov_store::audit::DigestWrite;
use serde_json::{Value, json};

use crate::jobs::{JobContext, JobError};

/// Writes an audit digest when one is due. The digest's hash goes to the log, where a copy
/// kept away from the database can later show the trail was not rewound.
pub async fn audit_digest(ctx: JobContext) -> Result<Value, JobError> {
    Ok(match ctx.store.write_audit_digest_if_due().await? {
        DigestWrite::Written(d) => {
            tracing::info!(
                seq = d.seq,
                cutoff_ms = d.cutoff,
                streams = d.streams,
                records = d.records,
                hash = %d.hash,
                "audit digest written"
            );
            json!({ "written": true, "seq": d.seq, "hash": d.hash })
        }
        DigestWrite::Skipped(d) => json!({ "written": false, "latest": d.seq }),
    })
}

/// Removes expired sessions and stale login attempt counts.
pub async fn session_sweep(ctx: JobContext) -> Result<Value, JobError> {
    let sessions = ctx.store.purge_expired_sessions().await?;
    let attempts = ctx.store.purge_stale_attempts().await?;
    Ok(json!({ "sessions": sessions, "attempts": attempts }))
}

/// Removes pending uploads never attached and blobs no attachment names.
pub async fn attachments_sweep(ctx: JobContext) -> Result<Value, JobError> {
    let r = ctx.store.sweep_attachments().await?;
    if r.pending_removed > 0 || r.blobs_removed > 0 {
        tracing::info!(
            pending_removed = r.pending_removed,
            blobs_removed = r.blobs_removed,
            "attachments swept"
        );
    }
    Ok(serde_json::to_value(r).unwrap_or_default())
}

/// Opens verification tasks whose claim lapsed.
pub async fn claim_lapse(ctx: JobContext) -> Result<Value, JobError> {
    let lapsed = ctx.store.lapse_verification_claims().await?;
    Ok(json!({ "lapsed": lapsed }))
}

/// Removes finished jobs past their keeping time.
pub async fn jobs_purge(ctx: JobContext) -> Result<Value, JobError> {
    let removed = ctx.store.purge_finished_jobs().await?;
    Ok(json!({ "removed": removed }))
}
