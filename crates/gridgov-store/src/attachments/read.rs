//! Reading attachments, inside the caller's scope: an attached one when its owner's path lies
//! in the scope, a pending one by its uploader only. Anything else is `NotFound`, the same
//! answer as no attachment at all.

use gridgov_core::auth::Actor;

use super::blob::BlobId;
use super::sniff::AttachmentKind;
use super::{AttachmentContent, AttachmentView, Owner, OwnerKind, Which};
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

const COLUMNS: &str = "id, blob_id, thumb_blob_id, kind, mime, size_bytes, width, height, \
                       file_name, owner_type, owner_id, uploaded_by, created_at";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    blob_id: String,
    thumb_blob_id: Option<String>,
    kind: String,
    mime: String,
    size_bytes: i64,
    width: Option<i64>,
    height: Option<i64>,
    file_name: String,
    owner_type: String,
    owner_id: Option<String>,
    uploaded_by: String,
    created_at: i64,
}

impl Row {
    fn view(&self) -> StoreResult<AttachmentView> {
        Ok(AttachmentView {
            id: self.id.clone(),
            kind: match self.kind.as_str() {
                "photo" => AttachmentKind::Photo,
                _ => AttachmentKind::Document,
            },
            mime: self.mime.clone(),
            size_bytes: self.size_bytes,
            width: self.width,
            height: self.height,
            file_name: self.file_name.clone(),
            has_thumbnail: self.thumb_blob_id.is_some(),
            owner_type: OwnerKind::of_row(&self.owner_type)?,
            owner_id: self.owner_id.clone(),
            uploaded_by: self.uploaded_by.clone(),
            created_at: self.created_at,
        })
    }
}

impl Store {
    pub async fn attachment(&self, actor: &Actor, id: &str) -> StoreResult<AttachmentView> {
        self.visible_attachment(actor, id).await?.view()
    }

    /// The bytes of an attachment, or of its thumbnail (a JPEG; `NotFound` for a document).
    pub async fn attachment_content(
        &self,
        actor: &Actor,
        id: &str,
        which: Which,
    ) -> StoreResult<AttachmentContent> {
        let row = self.visible_attachment(actor, id).await?;
        let (blob, mime) = match which {
            Which::Original => (row.blob_id.as_str(), row.mime.as_str()),
            Which::Thumbnail => match &row.thumb_blob_id {
                Some(t) => (t.as_str(), "image/jpeg"),
                None => return Err(StoreError::NotFound),
            },
        };
        let blob = BlobId::parse(blob)?;
        let bytes = match self.blobs()?.get(&blob).await {
            // The row says the bytes are there: their absence is damage, not a wrong address.
            Err(StoreError::NotFound) => {
                return Err(StoreError::Internal(format!(
                    "attachment {id}: its blob {blob} is missing"
                )));
            }
            r => r?,
        };
        Ok(AttachmentContent {
            mime: mime.to_owned(),
            file_name: row.file_name,
            bytes,
        })
    }

    /// An owner's attachments in the order they came, when the owner lies inside the scope.
    pub async fn attachments_of(
        &self,
        actor: &Actor,
        owner: &Owner,
    ) -> StoreResult<Vec<AttachmentView>> {
        let scope = ScopeRange::of(actor);
        let rows = sqlx::query_as::<_, Row>(&format!(
            "SELECT {COLUMNS} FROM attachments WHERE owner_type = $1 AND owner_id = $2 AND {} \
             ORDER BY created_at, id",
            scope.sql("path", 3)
        ))
        .bind(owner.kind.as_str())
        .bind(&owner.id)
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Row::view).collect()
    }

    async fn visible_attachment(&self, actor: &Actor, id: &str) -> StoreResult<Row> {
        let scope = ScopeRange::of(actor);
        sqlx::query_as::<_, Row>(&format!(
            "SELECT {COLUMNS} FROM attachments WHERE id = $1 \
             AND ((owner_id IS NOT NULL AND {}) OR (owner_id IS NULL AND uploaded_by = $4))",
            scope.sql("path", 2)
        ))
        .bind(id)
        .bind_scope(&scope)
        .bind(&actor.user_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)
    }
}
