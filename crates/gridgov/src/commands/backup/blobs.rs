//! The attachment files a backup carries. Beside `city.backup` a folder `city.backup.blobs/`
//! holds every blob the backed-up rows name (photos, their thumbnails, documents), in the same
//! layout as the data directory's `blobs/`, so a backup is the database file and that folder.
//!
//! Both directions go through the blob store itself: reading checks each blob against its hash
//! (a damaged file is named, not copied), and writing is complete-or-absent per file, private.
//! The folder is written under a temporary name and renamed when whole. A restore puts the
//! backup's blobs into the data directory before the database is replaced: adding
//! content-addressed files changes nothing a running server shows, and a blob no row names is
//! removed by the daily sweep.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use gridgov_store::attachments::{BlobId, BlobStore, FsBlobStore};
use indicatif::{ProgressBar, ProgressStyle};

use super::file::check_new_output;

/// `city.backup` → `city.backup.blobs`.
pub fn dir_beside(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".blobs");
    file.with_file_name(name)
}

/// What was carried.
#[derive(Debug, Default)]
pub struct Carried {
    pub files: u64,
    pub bytes: u64,
    /// Named by a row but not found (removed by hand, or a pending upload swept meanwhile).
    pub missing: Vec<String>,
}

impl Carried {
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} files / 个文件, {}",
            self.files,
            super::file::human_size(self.bytes)
        );
        if !self.missing.is_empty() {
            s.push_str(&format!(
                "; {} named but missing / 缺失 {} 个 (first: {})",
                self.missing.len(),
                self.missing.len(),
                self.missing[0]
            ));
        }
        s
    }
}

fn bar(n: u64, doing: &str) -> ProgressBar {
    let bar = ProgressBar::new(n);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} {elapsed}") {
        bar.set_style(style);
    }
    bar.set_message(doing.to_owned());
    bar
}

/// Copies the blobs `ids` from the data directory's `blobs/` into the folder beside `out`.
pub async fn carry_out(ids: &[String], data_blobs: &Path, out: &Path) -> Result<Carried> {
    let target = dir_beside(out);
    check_new_output(&target)?;
    let partial = target.with_file_name(format!(
        ".{}.partial-{}",
        target.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let copied = copy_into(ids, data_blobs, &partial).await;
    match copied {
        Ok(c) => {
            std::fs::rename(&partial, &target).with_context(|| {
                format!("renaming {} to {}", partial.display(), target.display())
            })?;
            Ok(c)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

async fn copy_into(ids: &[String], from: &Path, to: &Path) -> Result<Carried> {
    let source = FsBlobStore::open(from)?;
    let dest = FsBlobStore::open(to)?;
    let mut carried = Carried::default();
    let bar = bar(ids.len() as u64, "attachments / 附件");
    for id in ids {
        let blob = BlobId::parse(id)?;
        let bytes = match source.get(&blob).await {
            Ok(b) => b,
            Err(gridgov_store::StoreError::NotFound) => {
                carried.missing.push(id.clone());
                bar.inc(1);
                continue;
            }
            Err(e) => return Err(e).with_context(|| format!("reading the blob {id}")),
        };
        carried.bytes += bytes.len() as u64;
        dest.put(bytes).await?;
        carried.files += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(carried)
}

/// Every blob file under a folder laid out as `ab/cd/<id>`.
fn listed(dir: &Path) -> Result<Vec<BlobId>> {
    let mut ids = Vec::new();
    let read = |d: &Path| -> Result<Vec<std::fs::DirEntry>> {
        Ok(std::fs::read_dir(d)
            .with_context(|| format!("reading {}", d.display()))?
            .collect::<std::io::Result<Vec<_>>>()?)
    };
    for a in read(dir)? {
        if !a.file_type()?.is_dir() {
            continue;
        }
        for b in read(&a.path())? {
            if !b.file_type()?.is_dir() {
                continue;
            }
            for f in read(&b.path())? {
                if let Ok(id) = BlobId::parse(&f.file_name().to_string_lossy()) {
                    ids.push(id);
                }
            }
        }
    }
    Ok(ids)
}

/// Puts the blobs of the folder beside the backup `from` into the data directory's `blobs/`,
/// each checked against its name. `None` when the backup has no such folder.
pub async fn carry_in(from: &Path, data_blobs: &Path) -> Result<Option<Carried>> {
    let dir = dir_beside(from);
    if !dir.is_dir() {
        return Ok(None);
    }
    let ids = listed(&dir)?;
    let source = FsBlobStore::open(&dir)?;
    let dest = FsBlobStore::open(data_blobs)?;
    let mut carried = Carried::default();
    let bar = bar(ids.len() as u64, "attachments / 附件");
    for id in &ids {
        let bytes = match source.get(id).await {
            Ok(b) => b,
            Err(e) => bail!(
                "the backup's attachment file {id} is damaged ({e}); nothing was restored / \
                 备份中的附件文件已损坏，未做任何恢复"
            ),
        };
        carried.bytes += bytes.len() as u64;
        dest.put(bytes).await?;
        carried.files += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(Some(carried))
}

/// The blobs `ids` not in the data directory's `blobs/`.
pub async fn missing(ids: &[String], data_blobs: &Path) -> Result<Vec<String>> {
    let store = FsBlobStore::open(data_blobs)?;
    let mut out = Vec::new();
    for id in ids {
        if !store.exists(&BlobId::parse(id)?).await? {
            out.push(id.clone());
        }
    }
    Ok(out)
}
