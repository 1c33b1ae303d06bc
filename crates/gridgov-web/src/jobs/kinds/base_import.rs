//! The desk's base-data imports as jobs. The upload is stored with the job (in the database),
//! so any node may run it, and its progress, report or failure is on the job's row, so its
//! page reads the same on every node. The import runs as the user who sent the file, inside
//! their scope as it is when the job runs (a user disabled meanwhile imports nothing).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gridgov_core::auth::Actor;
use gridgov_core::base_data::RecordKind;
use gridgov_store::base::{BaseImportOptions, BaseImportProgress};
use gridgov_store::jobs::NewJob;
use gridgov_store::sheets::SheetReader;
use gridgov_store::{Store, StoreError, StoreResult};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::jobs::{JobContext, JobError};
use crate::pages::base_import::{UPLOAD_LIMIT, parse_kind};
use crate::pages::upload_spool::SpooledFile;

pub const BASE_IMPORT: &str = "base_import";

/// Attempts an import gets: one that fails for a busy database or a node that died is run
/// again from its stored file; a refused file is not retried at all (a permanent failure).
const MAX_ATTEMPTS: i64 = 3;

/// What the import needs besides its file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportPayload {
    pub user_id: String,
    pub kind: String,
    pub source: String,
    pub file_name: String,
    pub accept_valid: bool,
}

/// A running import's progress as stored on its job.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum ImportProgress {
    Reading { done: u64, total: u64 },
    Written { rows: u64 },
    Indexing,
    Committing,
}

impl From<BaseImportProgress> for ImportProgress {
    fn from(p: BaseImportProgress) -> Self {
        match p {
            BaseImportProgress::Reading { done, total } => ImportProgress::Reading { done, total },
            BaseImportProgress::Written { rows } => ImportProgress::Written { rows },
            BaseImportProgress::Indexing => ImportProgress::Indexing,
            BaseImportProgress::Committing => ImportProgress::Committing,
        }
    }
}

impl From<ImportProgress> for BaseImportProgress {
    fn from(p: ImportProgress) -> Self {
        match p {
            ImportProgress::Reading { done, total } => BaseImportProgress::Reading { done, total },
            ImportProgress::Written { rows } => BaseImportProgress::Written { rows },
            ImportProgress::Indexing => BaseImportProgress::Indexing,
            ImportProgress::Committing => BaseImportProgress::Committing,
        }
    }
}

/// Queues the import of the spooled upload as `actor`; the job's id.
pub async fn enqueue_import(
    store: &Store,
    actor: &Actor,
    payload: &ImportPayload,
    file: &Path,
) -> StoreResult<String> {
    let job = NewJob {
        kind: BASE_IMPORT.to_owned(),
        payload: serde_json::to_value(payload)
            .map_err(|e| StoreError::Internal(format!("import payload: {e}")))?,
        unique_key: None,
        scope_path: actor.scope.as_str().to_owned(),
        created_by: actor.user_id.clone(),
        run_at: None,
        max_attempts: MAX_ATTEMPTS,
    };
    Ok(store.enqueue_job_with_file(&job, file).await?.id)
}

/// How often the latest progress is written to the job while the import runs.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

pub async fn run(ctx: JobContext) -> Result<Value, JobError> {
    let p: ImportPayload = ctx.payload()?;
    let kind: RecordKind = parse_kind(&p.kind)
        .ok_or_else(|| JobError::permanent(format!("unknown record kind {:?}", p.kind)))?;
    let user = ctx.store.user(&Actor::system(), &p.user_id).await?;
    if user.disabled {
        return Err(JobError::permanent(
            "发送文件的用户已停用，未导入任何数据 / the user who sent the file is disabled; nothing was imported",
        ));
    }
    let actor = user.actor();
    let path =
        std::env::temp_dir().join(format!("gridgov-job-{}-{}", ctx.job.id, ctx.job.attempts));
    ctx.store.copy_job_file(&ctx.job.id, &path).await?;
    let file = SpooledFile::adopt(path.clone());
    // Opening an XLSX converts its cells: blocking work, off the async threads.
    let reader = tokio::task::spawn_blocking(move || SheetReader::open(&path, UPLOAD_LIMIT as u64))
        .await
        .map_err(|e| JobError::retry(format!("opening the file: {e}")))?
        .map_err(|e| JobError::permanent(format!("{} / {}", e.zh, e.en)))?;

    let latest: Arc<Mutex<Option<BaseImportProgress>>> = Arc::default();
    let seen = latest.clone();
    let progress = Arc::new(move |p: BaseImportProgress| {
        *seen.lock().unwrap_or_else(|e| e.into_inner()) = Some(p);
    });
    let flusher = {
        let (ctx, latest) = (ctx.clone(), latest.clone());
        tokio::spawn(async move {
            let mut written = None;
            loop {
                tokio::time::sleep(PROGRESS_EVERY).await;
                let now = *latest.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(p) = now
                    && written != Some(p)
                {
                    if let Ok(v) = serde_json::to_value(ImportProgress::from(p)) {
                        ctx.progress(&v).await;
                    }
                    written = Some(p);
                }
            }
        })
    };
    let opts = BaseImportOptions {
        accept_valid: p.accept_valid,
        source: p.source,
        file_name: p.file_name,
    };
    let result = ctx
        .store
        .import_base(&actor, kind, Box::new(reader), &opts, progress)
        .await;
    flusher.abort();
    drop(file);
    match result {
        Ok(report) => serde_json::to_value(&report)
            .map_err(|e| JobError::permanent(format!("the report does not serialise: {e}"))),
        Err(StoreError::Invalid(inv)) => {
            let zh: Vec<&str> = inv.0.iter().map(|e| e.zh.as_str()).collect();
            let en: Vec<&str> = inv.0.iter().map(|e| e.en.as_str()).collect();
            Err(JobError::permanent(format!(
                "{} / {}",
                zh.join("；"),
                en.join("; ")
            )))
        }
        Err(e) => Err(e.into()),
    }
}
