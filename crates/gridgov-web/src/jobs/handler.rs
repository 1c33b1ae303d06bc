//! What a handler is: an async function from the claimed job to its result (JSON) or an
//! error, registered under the job's kind.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use gridgov_store::jobs::Job;
use gridgov_store::{Store, StoreError};
use serde::de::DeserializeOwned;

/// Everything a handler gets: the store and the job as claimed.
#[derive(Clone)]
pub struct JobContext {
    pub store: Store,
    pub job: Job,
}

impl JobContext {
    /// The job's payload as the handler's input type; a payload that does not read is a
    /// permanent failure (no retry makes it read).
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, JobError> {
        serde_json::from_str(&self.job.payload).map_err(|e| {
            JobError::permanent(format!("payload does not read / 任务参数无法读取: {e}"))
        })
    }

    /// Records progress for the job's page; a failure to record it does not stop the job.
    pub async fn progress(&self, value: &serde_json::Value) {
        if let Err(e) = self
            .store
            .report_job_progress(&self.job, &value.to_string())
            .await
        {
            tracing::debug!(job = %self.job.id, error = %e, "job progress not recorded");
        }
    }
}

/// Why an attempt failed, and whether another attempt could succeed.
#[derive(Debug, Clone)]
pub struct JobError {
    pub message: String,
    pub permanent: bool,
}

impl JobError {
    /// Worth another attempt after the backoff (a busy database, a gateway down).
    pub fn retry(message: impl Into<String>) -> JobError {
        JobError {
            message: message.into(),
            permanent: false,
        }
    }

    /// Will fail the same way every time: straight to the failure list.
    pub fn permanent(message: impl Into<String>) -> JobError {
        JobError {
            message: message.into(),
            permanent: true,
        }
    }
}

impl From<StoreError> for JobError {
    /// Input refused and things not there stay refused; anything else may pass.
    fn from(e: StoreError) -> JobError {
        match e {
            StoreError::Invalid(_)
            | StoreError::NotFound
            | StoreError::Forbidden
            | StoreError::Rows(_) => JobError::permanent(e.to_string()),
            other => JobError::retry(other.to_string()),
        }
    }
}

pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<serde_json::Value, JobError>> + Send>>;
pub type Handler = Arc<dyn Fn(JobContext) -> HandlerFuture + Send + Sync>;

/// The handlers of one node, by kind.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Handler>,
}

impl Registry {
    pub fn with<F, Fut>(mut self, kind: &'static str, handler: F) -> Registry
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<serde_json::Value, JobError>> + Send + 'static,
    {
        self.handlers
            .insert(kind, Arc::new(move |ctx| Box::pin(handler(ctx))));
        self
    }

    /// The same registry with only these kinds (a test that runs imports and nothing else).
    pub fn only(mut self, kinds: &[&str]) -> Registry {
        self.handlers.retain(|k, _| kinds.contains(k));
        self
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        let mut k: Vec<&'static str> = self.handlers.keys().copied().collect();
        k.sort_unstable();
        k
    }

    pub fn get(&self, kind: &str) -> Option<Handler> {
        self.handlers.get(kind).cloned()
    }
}
