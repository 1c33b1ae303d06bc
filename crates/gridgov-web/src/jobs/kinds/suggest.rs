//! Retraining the suggestion models: hourly, it retrains a model once enough new labelled
//! incidents accumulated since its last training (the store decides); a job enqueued with
//! `{"force": true}` retrains every model that has enough examples at all.

use gridgov_core::auth::Actor;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::jobs::{JobContext, JobError};

#[derive(Deserialize, Default)]
struct Payload {
    #[serde(default)]
    force: bool,
}

pub async fn train(ctx: JobContext) -> Result<Value, JobError> {
    let p: Payload = ctx.payload()?;
    let report = ctx
        .store
        .train_suggesters(&Actor::system(), p.force)
        .await?;
    for t in &report.trained {
        tracing::info!(kind = %t.kind, examples = t.examples, labels = t.labels, "suggestion model trained");
    }
    Ok(json!({ "trained": report.trained, "skipped": report.skipped }))
}
