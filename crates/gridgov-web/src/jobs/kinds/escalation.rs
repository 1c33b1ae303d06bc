//! The escalation pass every minute: due soon, overdue, one attempt up the ladder, the leader in
//! charge past the top. The store's pass writes the notices of each mark in the batch that made
//! it and answers what it did to each incident; the job's result keeps the counts.

use gridgov_core::escalation::Mark;
use gridgov_store::escalation::PassReport;
use serde_json::{Value, json};

use crate::jobs::{JobContext, JobError};

/// Runs the pass over everything due now.
pub async fn run(ctx: JobContext) -> Result<Value, JobError> {
    let report = ctx.store.escalation_pass().await?;
    if !report.incidents.is_empty() {
        tracing::info!(
            due_soon = report.count(Mark::DueSoon),
            overdue = report.count(Mark::Overdue),
            escalated = report.count(Mark::Escalated),
            leaders = report.count(Mark::GuarantorAssigned),
            "escalation pass"
        );
    }
    Ok(counts(&report))
}

/// The job's result: how many incidents got each mark, and the batches run.
pub fn counts(report: &PassReport) -> Value {
    json!({
        "due_soon": report.count(Mark::DueSoon),
        "overdue": report.count(Mark::Overdue),
        "escalated": report.count(Mark::Escalated),
        "guarantor_assigned": report.count(Mark::GuarantorAssigned),
        "batches": report.batches,
    })
}
