//! Content-addressed blob storage, behind a trait an object store (S3, MinIO) could implement.
//!
//! A blob's name is the SHA-256 of its bytes, computed by the store that keeps it, so nothing
//! can be filed under a wrong name and the same content is kept once however often it arrives.
//! Blobs are immutable; deleting is for the sweep of blobs no attachment refers to (`sweep.rs`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use sha2::{Digest, Sha256};

use crate::{StoreError, StoreResult};

/// The SHA-256 of a blob's bytes, as 64 lowercase hex digits. Parsed, never taken on trust:
/// an id read back from the database becomes a file name, so it must not hold a `/` or `..`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlobId(String);

impl BlobId {
    /// The address of these bytes.
    pub fn of(bytes: &[u8]) -> BlobId {
        BlobId(hex::encode(Sha256::digest(bytes)))
    }

    pub fn parse(s: &str) -> StoreResult<BlobId> {
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(BlobId(s.to_owned()))
        } else {
            Err(StoreError::Internal(format!("not a blob id: {s:?}")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What every [`BlobStore`] call returns: a boxed future, so the trait can be used as
/// `Arc<dyn BlobStore>` (a native `async fn` in a trait cannot) and an implementation on an
/// asynchronous client (an object store's) needs no thread of its own.
pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = StoreResult<T>> + Send + 'a>>;

/// Where attachment bytes live. Implementations must not block the caller's thread: a file
/// system one does its I/O on blocking threads (see [`FsBlobStore`](super::FsBlobStore)).
///
/// Blobs are held whole in memory: attachments are bounded at tens of MiB (see
/// [`AttachmentLimits`](super::AttachmentLimits)). A streaming `get` can be added beside this
/// one when something larger needs it.
pub trait BlobStore: fmt::Debug + Send + Sync {
    /// Stores the bytes under their SHA-256 and returns it. Storing content already there
    /// succeeds without a second copy.
    fn put(&self, bytes: Vec<u8>) -> BlobFuture<'_, BlobId>;

    /// The bytes of a blob; `NotFound` when there is none.
    fn get<'a>(&'a self, id: &'a BlobId) -> BlobFuture<'a, Vec<u8>>;

    fn exists<'a>(&'a self, id: &'a BlobId) -> BlobFuture<'a, bool>;

    /// Removes a blob; true when there was one. Only for a sweep that knows no attachment
    /// refers to it any more.
    fn delete<'a>(&'a self, id: &'a BlobId) -> BlobFuture<'a, bool>;

    /// The blobs last put before `before_ms` (Unix ms, on the clock that stamps them): the
    /// candidates of a sweep. Leftovers of writes that never finished, as old, are removed on
    /// the way.
    fn put_before(&self, before_ms: i64) -> BlobFuture<'_, Vec<BlobId>>;

    /// Removes a blob unless it was put again since `before_ms`: the sweep's last look, so an
    /// upload of the same content that renewed it while the sweep ran keeps its bytes.
    fn delete_if_put_before<'a>(&'a self, id: &'a BlobId, before_ms: i64) -> BlobFuture<'a, bool>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_sha256_and_nothing_else_parses() {
        let id = BlobId::of(b"abc");
        assert_eq!(
            id.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(BlobId::parse(id.as_str()).unwrap(), id);
        for bad in [
            "",
            "../etc/passwd",
            &id.as_str().to_uppercase(),
            &id.as_str()[1..],
        ] {
            assert!(BlobId::parse(bad).is_err(), "{bad}");
        }
    }
}
