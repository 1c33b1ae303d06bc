//! Attachments: photos and documents that incidents (and later other records) carry.
//!
//! - **Type from the content** (`sniff`): photos (JPEG, PNG, WebP) and documents (PDF,
//!   DOCX, XLSX, plain UTF-8 text), whatever the file is called or declared to be.
//! - **Limits** ([`AttachmentLimits`]): bytes per photo and per document, per upload, files per
//!   owner, pixels per photo.
//! - **No location** (`strip`): a photo's EXIF, XMP and the like are taken out before it is
//!   stored, losslessly; a JPEG keeps only its orientation.
//! - **Thumbnails**: 320 px JPEGs made on a CPU slot, from photos whose header was checked first.
//! - **Blobs** ([`BlobStore`]): bytes are stored by their SHA-256 outside the database (today
//!   [`FsBlobStore`] under the data directory), the same content once; the `attachments` table
//!   holds what they are, whose, and where in the region tree they belong.
//!
//! An attachment is uploaded before its owner exists (a worker photographs, then reports), so
//! it starts *pending*: no owner, visible to its uploader only. The owner's code attaches it
//! (checking the counts) and from then on it is seen by whoever's scope holds the owner's path.
//! Who may upload for what is the owner's rule (reporting an incident), not this module's.

// Reachable from the crate: incidents attach inside their own transactions.
pub(crate) mod attach;
mod blob;
mod fs;
mod limits;
mod names;
mod photo;
mod prepare;
mod read;
mod refusals;
mod sniff;
mod strip;
mod sweep;
mod write;

pub use blob::{BlobFuture, BlobId, BlobStore};
pub use fs::FsBlobStore;
pub use limits::{AttachmentLimits, KindCounts};
pub use names::MAX_NAME_CHARS;
pub use photo::THUMB_SIDE;
pub use prepare::Upload;
pub use refusals::FIELD;
pub use sniff::{AttachmentKind, ContentType};
pub use sweep::{BLOB_GRACE_MS, PENDING_TTL_MS, SweepReport};

use gridgov_core::scope::ScopePath;
use serde::Serialize;

/// What an attachment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    Incident,
}

impl OwnerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Incident => "incident",
        }
    }

    /// The stored kind of a row, which only this module writes.
    pub(crate) fn of_row(s: &str) -> crate::StoreResult<OwnerKind> {
        match s {
            "incident" => Ok(OwnerKind::Incident),
            _ => Err(crate::StoreError::Internal(format!(
                "unknown owner type {s:?}"
            ))),
        }
    }
}

/// An owner in the region tree: its kind, id, and the scope path it lives at (an incident's
/// grid or community), which decides who sees its attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub kind: OwnerKind,
    pub id: String,
    pub path: ScopePath,
}

/// Where new attachments go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Not attached yet: seen by the uploader only, until [`Store::attach`](crate::Store::attach).
    Pending(OwnerKind),
    /// Straight onto an owner inside the uploader's scope (a photo added to an open incident).
    Owner(Owner),
}

/// Which bytes of an attachment to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Original,
    /// Photos only; a document has none (`NotFound`).
    Thumbnail,
}

/// An attachment as callers see it. Blob ids stay inside the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentView {
    pub id: String,
    pub kind: AttachmentKind,
    pub mime: String,
    pub size_bytes: i64,
    /// As shown: a photo taken with the phone on its side reports its upright size.
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub file_name: String,
    pub has_thumbnail: bool,
    pub owner_type: OwnerKind,
    pub owner_id: Option<String>,
    pub uploaded_by: String,
    pub created_at: i64,
}

/// The bytes of an attachment (or of its thumbnail), with what a response needs to serve them.
/// Serve them as a download or with `X-Content-Type-Options: nosniff`: their type was checked,
/// a browser's guess would not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentContent {
    pub mime: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}
