//! How much may be attached: per file, per upload, per owner, and how large a photo may be
//! once decoded.

use gridgov_core::error::Checker;
use gridgov_core::{FieldError, Invalid};
use serde::Serialize;

use super::refusals;
use super::sniff::AttachmentKind;

const MIB: u64 = 1024 * 1024;

/// The limits in force; [`Default`] gives the deployment's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    /// Bytes per photo: a phone's full-resolution JPEG is 3–8 MiB.
    pub photo_bytes: u64,
    /// Bytes per document: a scanned PDF of a few pages.
    pub document_bytes: u64,
    /// Photos per owner (an incident): nine, what a phone's share sheet sends at once.
    pub photos: u32,
    /// Documents per owner.
    pub documents: u32,
    /// Bytes per upload, all files together.
    pub request_bytes: u64,
    /// Pixels a photo may declare. 50 million admits the 48 and 50 megapixel cameras of
    /// current phones; larger is refused from the header, before anything is decoded.
    pub photo_pixels: u64,
    /// Memory a photo's decoder may take (a 16-bit PNG takes 8 bytes a pixel).
    pub decode_bytes: u64,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        AttachmentLimits {
            photo_bytes: 10 * MIB,
            document_bytes: 20 * MIB,
            photos: 9,
            documents: 5,
            request_bytes: 50 * MIB,
            photo_pixels: 50_000_000,
            decode_bytes: 256 * MIB,
        }
    }
}

/// Photos and documents, counted apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    pub photos: u32,
    pub documents: u32,
}

impl KindCounts {
    pub fn add(&mut self, kind: AttachmentKind) {
        match kind {
            AttachmentKind::Photo => self.photos += 1,
            AttachmentKind::Document => self.documents += 1,
        }
    }
}

impl AttachmentLimits {
    pub fn max_bytes(&self, kind: AttachmentKind) -> u64 {
        match kind {
            AttachmentKind::Photo => self.photo_bytes,
            AttachmentKind::Document => self.document_bytes,
        }
    }

    /// The most any one file may hold, whatever it turns out to be: checked before anything
    /// else is done with it.
    pub fn max_file_bytes(&self) -> u64 {
        self.photo_bytes.max(self.document_bytes)
    }

    /// One file's size against its kind's limit.
    pub fn check_size(
        &self,
        name: &str,
        kind: AttachmentKind,
        bytes: u64,
    ) -> Result<(), FieldError> {
        let limit = self.max_bytes(kind);
        if bytes > limit {
            return Err(refusals::file_too_large(name, Some(kind), bytes, limit));
        }
        Ok(())
    }

    /// An upload's total size.
    pub fn check_request(&self, total_bytes: u64) -> Result<(), FieldError> {
        if total_bytes > self.request_bytes {
            return Err(refusals::request_too_large(total_bytes, self.request_bytes));
        }
        Ok(())
    }

    /// Whether an owner that has `current` attachments may take `adding` more. The owner's code
    /// (incidents) calls this with its current count, read in the transaction that attaches.
    pub fn check_counts(&self, current: KindCounts, adding: KindCounts) -> Result<(), Invalid> {
        let mut c = Checker::new();
        for (kind, now, more, limit) in [
            (
                AttachmentKind::Photo,
                current.photos,
                adding.photos,
                self.photos,
            ),
            (
                AttachmentKind::Document,
                current.documents,
                adding.documents,
                self.documents,
            ),
        ] {
            if more > 0 && now.saturating_add(more) > limit {
                c.push(refusals::too_many(kind, now, more, limit));
            }
        }
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked_per_kind_against_what_is_there() {
        let l = AttachmentLimits::default();
        let n = |photos, documents| KindCounts { photos, documents };
        assert!(l.check_counts(n(0, 0), n(9, 5)).is_ok());
        assert!(l.check_counts(n(8, 5), n(1, 0)).is_ok());
        let e = l.check_counts(n(8, 5), n(2, 1)).unwrap_err();
        assert_eq!(e.0.len(), 2);
        assert!(
            e.0[0].en.contains("at most 9 photos: 8 already, 2 more"),
            "{}",
            e.0[0].en
        );
        assert!(e.0[1].zh.contains("文档最多 5 个"), "{}", e.0[1].zh);
        // Already over (the limit was lowered): nothing more, but nothing refused for adding none.
        assert!(l.check_counts(n(12, 0), n(0, 1)).is_ok());
    }

    #[test]
    fn sizes_are_checked_per_kind_and_per_upload() {
        let l = AttachmentLimits::default();
        assert!(
            l.check_size("a.pdf", AttachmentKind::Document, 15 * MIB)
                .is_ok()
        );
        let e = l
            .check_size("a.jpg", AttachmentKind::Photo, 15 * MIB)
            .unwrap_err();
        assert_eq!(e.code, "file_too_large");
        assert!(l.check_request(50 * MIB).is_ok());
        assert_eq!(
            l.check_request(50 * MIB + 1).unwrap_err().code,
            "request_too_large"
        );
    }
}
