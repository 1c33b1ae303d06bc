//! The file a job reads, kept in the database in chunks beside the job, so whichever node
//! claims the job can read it: a desk upload taken by one node is imported by any.

use std::path::Path;

use sqlx::AnyConnection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::enqueue::{Enqueued, NewJob, insert};
use crate::{Store, StoreError, StoreResult};

/// Bytes per stored chunk: small enough for any driver's packet limits, large enough that a
/// file of hundreds of megabytes is a few hundred rows.
const CHUNK: usize = 1 << 20;

impl Store {
    /// Enqueues a job together with the file it reads, in one transaction: a job never exists
    /// without its whole file.
    pub async fn enqueue_job_with_file(&self, job: &NewJob, file: &Path) -> StoreResult<Enqueued> {
        let mut source = tokio::fs::File::open(file).await?;
        let mut tx = self.begin_write().await?;
        let made = insert(&mut tx, job, self.now_ms()).await?;
        if !made.created {
            return Ok(made);
        }
        let mut seq = 0_i64;
        loop {
            let mut buf = Vec::with_capacity(CHUNK);
            while buf.len() < CHUNK {
                let n = (&mut source)
                    .take((CHUNK - buf.len()) as u64)
                    .read_to_end(&mut buf)
                    .await?;
                if n == 0 {
                    break;
                }
            }
            if buf.is_empty() {
                break;
            }
            sqlx::query("INSERT INTO job_files (job_id, seq, bytes) VALUES ($1, $2, $3)")
                .bind(&made.id)
                .bind(seq)
                .bind(buf)
                .execute(&mut *tx)
                .await?;
            seq += 1;
        }
        tx.commit().await?;
        Ok(made)
    }

    /// Writes the job's file to `to` (a new file), chunk by chunk; `NotFound` when the job has
    /// none (it finished and its file was removed).
    pub async fn copy_job_file(&self, job_id: &str, to: &Path) -> StoreResult<u64> {
        let chunks: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM job_files WHERE job_id = $1")
            .bind(job_id)
            .fetch_one(&self.pool)
            .await?;
        if chunks.0 == 0 {
            return Err(StoreError::NotFound);
        }
        let mut out = tokio::fs::File::create(to).await?;
        let mut written = 0_u64;
        // One chunk at a time, so a large file never sits in memory whole.
        for seq in 0..chunks.0 {
            let (bytes,): (Vec<u8>,) =
                sqlx::query_as("SELECT bytes FROM job_files WHERE job_id = $1 AND seq = $2")
                    .bind(job_id)
                    .bind(seq)
                    .fetch_one(&self.pool)
                    .await?;
            out.write_all(&bytes).await?;
            written += bytes.len() as u64;
        }
        out.flush().await?;
        out.sync_all().await?;
        Ok(written)
    }
}

/// Removes the job's file inside the caller's transaction.
pub(super) async fn delete(conn: &mut AnyConnection, job_id: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM job_files WHERE job_id = $1")
        .bind(job_id)
        .execute(conn)
        .await?;
    Ok(())
}
