//! The blobs a database names (attachments' originals and thumbnails), read from the same
//! moment as the backup's copy, so the backup can carry exactly the files its rows need.

use std::path::Path;

use sqlx::{AnyConnection, Connection};

use super::snapshot::Snapshot;
use crate::db::{install_drivers, sqlite_url_path};
use crate::{Store, StoreResult};

const NAMED: &str = "SELECT blob_id FROM attachments UNION \
     SELECT thumb_blob_id FROM attachments WHERE thumb_blob_id IS NOT NULL";

/// The blob ids named on `conn`, sorted; none when the database has no attachments table (a
/// backup from before attachments).
async fn named(conn: &mut AnyConnection) -> StoreResult<Vec<String>> {
    let has: Option<String> = match conn.backend_name() {
        "PostgreSQL" => {
            sqlx::query_scalar(
                "SELECT tablename::text FROM pg_tables \
                 WHERE schemaname = current_schema() AND tablename = 'attachments'",
            )
            .fetch_optional(&mut *conn)
            .await?
        }
        _ => {
            sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'attachments'",
            )
            .fetch_optional(&mut *conn)
            .await?
        }
    };
    if has.is_none() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<String> = sqlx::query_scalar(NAMED).fetch_all(&mut *conn).await?;
    ids.sort();
    Ok(ids)
}

impl Snapshot {
    /// The blobs named as of the snapshot.
    pub async fn blob_ids(&mut self) -> StoreResult<Vec<String>> {
        named(self.conn()).await
    }
}

impl Store {
    /// The blobs the live database names.
    pub async fn blob_ids(&self) -> StoreResult<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        named(&mut conn).await
    }
}

/// The blobs a SQLite file names, opened read-only.
pub async fn blob_ids_of_sqlite_file(path: &Path) -> StoreResult<Vec<String>> {
    install_drivers();
    let url = format!("sqlite://{}?mode=ro", sqlite_url_path(path));
    let mut conn = AnyConnection::connect(&url).await?;
    let ids = named(&mut conn).await;
    conn.close().await?;
    ids
}
