//! Blobs as files under one directory (the data directory's `blobs/`), fanned out by the first
//! two pairs of hex digits (`ab/cd/abcd…`) so no directory grows past 65,536 entries' worth of
//! neighbours.
//!
//! A blob is complete or absent: written to a temporary file in its final directory, synced,
//! renamed into place and the directory synced. Files are mode 600 and directories 700: they
//! hold residents' photos. All I/O runs on blocking threads, never on the async ones.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::blob::{BlobFuture, BlobId, BlobStore};
use crate::{Clock, StoreError, StoreResult, SystemClock};

#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: Arc<PathBuf>,
    verify_reads: bool,
    /// Stamps each blob with the time it was last put, which a sweep of unreferenced blobs
    /// compares with the same clock.
    clock: Arc<dyn Clock>,
}

impl FsBlobStore {
    /// The store under `root`, created (mode 700) when missing. Reads check each blob's hash;
    /// see [`FsBlobStore::verify_reads`].
    pub fn open(root: impl Into<PathBuf>) -> StoreResult<FsBlobStore> {
        let root = root.into();
        make_dirs(&root)?;
        Ok(FsBlobStore {
            root: Arc::new(root),
            verify_reads: true,
            clock: Arc::new(SystemClock),
        })
    }

    /// The clock that stamps blobs (the store's, so tests can fix it).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> FsBlobStore {
        self.clock = clock;
        self
    }

    /// Whether `get` hashes what it read and refuses a blob whose bytes no longer match its
    /// name (a damaged disk, a file changed by hand). On by default: it costs one SHA-256 of
    /// at most a few tens of MiB, and a damaged photo served as evidence is worse.
    pub fn verify_reads(mut self, verify: bool) -> FsBlobStore {
        self.verify_reads = verify;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `root/ab/cd/abcd…`.
    fn path_of(root: &Path, id: &BlobId) -> PathBuf {
        let s = id.as_str();
        root.join(&s[0..2]).join(&s[2..4]).join(s)
    }
}

/// Runs blocking file work on a blocking thread.
fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> BlobFuture<'static, T> {
    Box::pin(async move {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| StoreError::Internal(format!("blob I/O failed: {e}")))?
    })
}

impl BlobStore for FsBlobStore {
    fn put(&self, bytes: Vec<u8>) -> BlobFuture<'_, BlobId> {
        let root = self.root.clone();
        let now = at_ms(self.clock.now_ms());
        blocking(move || put(&root, &bytes, now))
    }

    fn get<'a>(&'a self, id: &'a BlobId) -> BlobFuture<'a, Vec<u8>> {
        let (path, id, verify) = (
            FsBlobStore::path_of(&self.root, id),
            id.clone(),
            self.verify_reads,
        );
        blocking(move || {
            let bytes = match fs::read(&path) {
                Err(e) if e.kind() == ErrorKind::NotFound => return Err(StoreError::NotFound),
                r => r?,
            };
            if verify && BlobId::of(&bytes) != id {
                return Err(StoreError::Internal(format!(
                    "blob {id} is damaged: its content no longer matches its hash"
                )));
            }
            Ok(bytes)
        })
    }

    fn exists<'a>(&'a self, id: &'a BlobId) -> BlobFuture<'a, bool> {
        let path = FsBlobStore::path_of(&self.root, id);
        blocking(move || Ok(path.try_exists()?))
    }

    fn delete<'a>(&'a self, id: &'a BlobId) -> BlobFuture<'a, bool> {
        let path = FsBlobStore::path_of(&self.root, id);
        blocking(move || match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        })
    }

    fn put_before(&self, before_ms: i64) -> BlobFuture<'_, Vec<BlobId>> {
        let root = self.root.clone();
        blocking(move || put_before(&root, at_ms(before_ms)))
    }

    fn delete_if_put_before<'a>(&'a self, id: &'a BlobId, before_ms: i64) -> BlobFuture<'a, bool> {
        let path = FsBlobStore::path_of(&self.root, id);
        blocking(move || {
            match fs::metadata(&path) {
                Ok(m) if m.modified()? < at_ms(before_ms) => {}
                Ok(_) => return Ok(false),
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
                Err(e) => return Err(e.into()),
            }
            match fs::remove_file(&path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
                Err(e) => Err(e.into()),
            }
        })
    }
}

/// A Unix time in ms as the files' clock.
fn at_ms(ms: i64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// Walks `root/ab/cd/`: blobs put before `before`, and temporary files as old removed.
fn put_before(root: &Path, before: SystemTime) -> StoreResult<Vec<BlobId>> {
    let mut found = Vec::new();
    let entries = |dir: &Path| -> StoreResult<Vec<fs::DirEntry>> {
        match fs::read_dir(dir) {
            Ok(rd) => Ok(rd.collect::<Result<Vec<_>, _>>()?),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    };
    for first in entries(root)? {
        if !first.file_type()?.is_dir() {
            continue;
        }
        for second in entries(&first.path())? {
            if !second.file_type()?.is_dir() {
                continue;
            }
            for file in entries(&second.path())? {
                let meta = file.metadata()?;
                if !meta.is_file() || meta.modified()? >= before {
                    continue;
                }
                let name = file.file_name();
                let name = name.to_string_lossy();
                if let Ok(id) = BlobId::parse(&name) {
                    found.push(id);
                } else if name.starts_with('.') && name.contains(".tmp-") {
                    // A write that never finished (the process died before its rename).
                    let _ = fs::remove_file(file.path());
                }
            }
        }
    }
    Ok(found)
}

fn put(root: &Path, bytes: &[u8], now: SystemTime) -> StoreResult<BlobId> {
    let id = BlobId::of(bytes);
    let target = FsBlobStore::path_of(root, &id);
    if let Some(file) = open_existing(&target)? {
        // Already stored. Its time is renewed so that a sweep of unreferenced blobs, which
        // spares recent ones, does not remove it before the row naming it is written.
        file.set_modified(now)?;
        return Ok(id);
    }
    let dir = target
        .parent()
        .ok_or_else(|| StoreError::Internal("a blob path without a directory".into()))?;
    make_dirs(dir)?;
    let tmp = dir.join(format!(".{id}.tmp-{}", uuid::Uuid::now_v7().simple()));
    let written = write_synced(&tmp, bytes, now).and_then(|()| {
        // Two uploads of the same content may race here; either rename leaves the same bytes.
        fs::rename(&tmp, &target)?;
        sync_dir(dir)
    });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written?;
    Ok(id)
}

fn open_existing(path: &Path) -> StoreResult<Option<File>> {
    match OpenOptions::new().write(true).open(path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn write_synced(path: &Path, bytes: &[u8], now: SystemTime) -> StoreResult<()> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(path)?;
    // The mode asked for above is narrowed by the umask only; set it outright all the same.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.set_modified(now)?;
    file.sync_all()?;
    Ok(())
}

fn make_dirs(dir: &Path) -> StoreResult<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    Ok(builder.create(dir)?)
}

/// Makes a rename in `dir` durable (on Unix; elsewhere the rename is all there is).
fn sync_dir(dir: &Path) -> StoreResult<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root() -> PathBuf {
        std::env::temp_dir().join(format!("gridgov-blobs-{}", uuid::Uuid::now_v7().simple()))
    }

    #[tokio::test]
    async fn blobs_are_stored_once_fanned_out_private_and_checked_on_read() {
        let root = temp_root();
        let store = FsBlobStore::open(&root).unwrap();
        let id = store.put(b"a photo".to_vec()).await.unwrap();
        assert_eq!(store.put(b"a photo".to_vec()).await.unwrap(), id);
        let path = root
            .join(&id.as_str()[..2])
            .join(&id.as_str()[2..4])
            .join(id.as_str());
        assert!(path.is_file());
        // One file in its directory: no temporary file left behind.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(store.exists(&id).await.unwrap());
        assert_eq!(store.get(&id).await.unwrap(), b"a photo");

        fs::write(&path, b"another photo").unwrap();
        assert!(matches!(store.get(&id).await, Err(StoreError::Internal(_))));
        let trusting = store.clone().verify_reads(false);
        assert_eq!(trusting.get(&id).await.unwrap(), b"another photo");

        assert!(store.delete(&id).await.unwrap());
        assert!(!store.delete(&id).await.unwrap());
        assert!(!store.exists(&id).await.unwrap());
        assert!(matches!(store.get(&id).await, Err(StoreError::NotFound)));
        fs::remove_dir_all(&root).unwrap();
    }
}
