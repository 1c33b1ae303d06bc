//! Storing the files of an upload.
//!
//! Order of work: every file is checked and prepared (CPU slots), then the blobs are written,
//! then the rows in one write transaction. Blobs go first so that no row ever names missing
//! bytes; the write transaction is not held open over file I/O (on SQLite it is the one
//! writer). When anything after the blobs fails (a count refused, the database busy) the
//! blobs are left without a row: harmless, content-addressed (the same upload again reuses
//! them), and for a later sweep of blobs no row names, which must spare recent ones (a put of
//! existing content renews its time for that reason).

use std::sync::Arc;

use gridgov_core::FieldError;
use gridgov_core::auth::Actor;
use gridgov_core::error::Checker;

use super::attach::{check_owner, owner_counts};
use super::blob::BlobStore;
use super::limits::{AttachmentLimits, KindCounts};
use super::prepare::{Failure, Prepared, Upload, prepare};
use super::refusals::{self, FIELD};
use super::{AttachmentView, Placement};
use crate::grids::county_of;
use crate::{Store, StoreError, StoreResult, cpu};

impl Store {
    /// Keeps attachment bytes in `blobs` (the data directory's `blobs/` folder, by
    /// [`FsBlobStore`](super::FsBlobStore)). Clones of the store made after share it.
    pub fn with_blobs(mut self, blobs: Arc<dyn BlobStore>) -> Store {
        self.blobs = Some(blobs);
        self
    }

    pub fn with_attachment_limits(mut self, limits: AttachmentLimits) -> Store {
        self.attachment_limits = limits;
        self
    }

    pub fn attachment_limits(&self) -> &AttachmentLimits {
        &self.attachment_limits
    }

    pub(crate) fn blobs(&self) -> StoreResult<&Arc<dyn BlobStore>> {
        self.blobs.as_ref().ok_or_else(|| {
            StoreError::Config("no blob store: attachments cannot be kept by this store".into())
        })
    }

    /// Stores one file; see [`Store::store_attachments`].
    pub async fn store_attachment(
        &self,
        actor: &Actor,
        placement: &Placement,
        upload: Upload,
    ) -> StoreResult<AttachmentView> {
        self.store_attachments(actor, placement, vec![upload])
            .await?
            .pop()
            .ok_or_else(|| StoreError::Internal("an upload of one file stored none".into()))
    }

    /// Stores the files of one upload, all or none: each is judged by its content, checked
    /// against the limits, stripped of its metadata and (photos) given a thumbnail, and every
    /// refusal is reported at once, naming its file. An owner must lie inside the actor's scope
    /// (`NotFound` otherwise) and may not go over its counts.
    pub async fn store_attachments(
        &self,
        actor: &Actor,
        placement: &Placement,
        uploads: Vec<Upload>,
    ) -> StoreResult<Vec<AttachmentView>> {
        let blobs = self.blobs()?.clone();
        let limits = self.attachment_limits;
        if let Placement::Owner(owner) = placement {
            check_owner(actor, owner)?;
        }
        if uploads.is_empty() {
            return Err(FieldError::new(
                FIELD,
                "required",
                "请选择要上传的文件",
                "choose the files to upload",
            )
            .into());
        }
        // Bounds the work below before any of it is done; the kinds are counted once known.
        let most = limits.photos.saturating_add(limits.documents);
        if uploads.len() > most as usize {
            return Err(refusals::too_many_in_upload(uploads.len(), &limits).into());
        }
        limits.check_request(uploads.iter().map(|u| u.bytes.len() as u64).sum())?;

        let mut refused = Checker::new();
        let mut ready = Vec::with_capacity(uploads.len());
        for upload in uploads {
            // One file per CPU slot, so a large upload does not hold a core from everyone else.
            match cpu::run(move |cancel| prepare(upload, &limits, cancel)).await? {
                Ok(p) => ready.push(p),
                Err(Failure::Refused(e)) => refused.push(e),
                Err(Failure::Cancelled) => {
                    return Err(StoreError::Internal("the upload was abandoned".into()));
                }
                Err(Failure::Internal(m)) => return Err(StoreError::Internal(m)),
            }
        }
        refused.finish()?;
        let mut adding = KindCounts::default();
        for p in &ready {
            adding.add(p.content_type.kind());
        }
        // Checked before the blobs are written, and again in the transaction that adds the rows.
        if let Placement::Owner(owner) = placement {
            let mut conn = self.pool.acquire().await?;
            limits.check_counts(owner_counts(&mut conn, owner).await?, adding)?;
        } else {
            limits.check_counts(KindCounts::default(), adding)?;
        }

        let mut rows = Vec::with_capacity(ready.len());
        for p in ready {
            rows.push(put_blobs(blobs.as_ref(), p).await?);
        }

        let (kind, owner_id, path) = match placement {
            Placement::Pending(kind) => (*kind, None, actor.scope.as_str().to_owned()),
            Placement::Owner(o) => (o.kind, Some(o.id.clone()), o.path.as_str().to_owned()),
        };
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        if let Placement::Owner(owner) = placement {
            limits.check_counts(owner_counts(&mut tx, owner).await?, adding)?;
        }
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            let view = AttachmentView {
                id: uuid::Uuid::now_v7().to_string(),
                kind: row.kind,
                mime: row.mime.to_owned(),
                size_bytes: row.size_bytes,
                width: row.width,
                height: row.height,
                file_name: row.file_name,
                has_thumbnail: row.thumb_blob_id.is_some(),
                owner_type: kind,
                owner_id: owner_id.clone(),
                uploaded_by: actor.user_id.clone(),
                created_at: now,
            };
            sqlx::query(
                "INSERT INTO attachments (id, blob_id, thumb_blob_id, kind, mime, size_bytes, \
                 width, height, file_name, owner_type, owner_id, county_code, path, uploaded_by, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(&view.id)
            .bind(row.blob_id)
            .bind(row.thumb_blob_id)
            .bind(view.kind.as_str())
            .bind(&view.mime)
            .bind(view.size_bytes)
            .bind(view.width)
            .bind(view.height)
            .bind(&view.file_name)
            .bind(kind.as_str())
            .bind(&view.owner_id)
            .bind(county_of(&path))
            .bind(&path)
            .bind(&view.uploaded_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            views.push(view);
        }
        tx.commit().await?;
        Ok(views)
    }
}

/// Writes a prepared file's blobs: the original, and a photo's thumbnail.
async fn put_blobs(blobs: &dyn BlobStore, p: Prepared) -> StoreResult<NewRow> {
    let size_bytes = p.bytes.len() as i64;
    let blob_id = blobs.put(p.bytes).await?;
    let (thumb_blob_id, width, height) = match p.photo {
        Some(photo) => (
            Some(blobs.put(photo.thumbnail).await?.to_string()),
            Some(i64::from(photo.width)),
            Some(i64::from(photo.height)),
        ),
        None => (None, None, None),
    };
    Ok(NewRow {
        blob_id: blob_id.to_string(),
        thumb_blob_id,
        kind: p.content_type.kind(),
        mime: p.content_type.mime(),
        size_bytes,
        width,
        height,
        file_name: p.file_name,
    })
}

/// A row about to be written, its blobs stored.
struct NewRow {
    blob_id: String,
    thumb_blob_id: Option<String>,
    kind: super::AttachmentKind,
    mime: &'static str,
    size_bytes: i64,
    width: Option<i64>,
    height: Option<i64>,
    file_name: String,
}
