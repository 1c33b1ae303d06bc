//! Files that are either complete or absent: written under a temporary name beside where they
//! belong, readable by their owner only, synced, then renamed into place. A failed or interrupted
//! run leaves nothing that looks like a finished backup (or a restored database).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

/// What a backup file is, read from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    Sqlite,
    PgArchive,
}

impl BackupKind {
    pub fn sniff(path: &Path) -> Result<BackupKind> {
        let mut head = [0u8; 16];
        let mut f = File::open(path)
            .with_context(|| format!("opening the backup {} / 无法打开备份文件", path.display()))?;
        let n =
            read_up_to(&mut f, &mut head).with_context(|| format!("reading {}", path.display()))?;
        if head[..n].starts_with(b"SQLite format 3\0") {
            Ok(BackupKind::Sqlite)
        } else if head[..n].starts_with(b"PGDMP") {
            Ok(BackupKind::PgArchive)
        } else {
            bail!(
                "{} is not a gridgov backup: neither a SQLite database nor a pg_dump archive in \
                 custom format / 该文件不是 gridgov 备份（既不是 SQLite 数据库，也不是 pg_dump \
                 自定义格式归档）",
                path.display()
            )
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            BackupKind::Sqlite => "a SQLite backup / SQLite 备份",
            BackupKind::PgArchive => "a PostgreSQL backup (pg_dump archive) / PostgreSQL 备份",
        }
    }
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Refuses an output path that exists or whose directory does not: a backup never replaces
/// another file, and a typing mistake does not create directories.
pub fn check_new_output(out: &Path) -> Result<()> {
    if out.exists() {
        bail!(
            "{} already exists; choose a new name (a backup never replaces a file) / 文件已存在，\
             请换一个文件名（备份不会覆盖已有文件）",
            out.display()
        );
    }
    let dir = parent_of(out);
    if !dir.is_dir() {
        bail!(
            "the directory {} does not exist / 目录不存在",
            dir.display()
        );
    }
    Ok(())
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A file being written under a temporary name; removed when dropped unless [`finish`]ed.
///
/// [`finish`]: Partial::finish
pub struct Partial {
    path: PathBuf,
    done: bool,
}

impl Partial {
    /// Creates `.<name>.<tag>-<pid>` empty beside `target`, mode 600.
    pub fn beside(target: &Path, tag: &str) -> Result<(Partial, File)> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "gridgov".into());
        let path = parent_of(target).join(format!(".{name}.{tag}-{}", std::process::id()));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts
            .open(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        // The mode asked for above is narrowed by the umask only; set it outright all the same.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("making {} private", path.display()))?;
        }
        Ok((Partial { path, done: false }, file))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Syncs the file and renames it to `target`; `replace` allows an existing target (a
    /// restored database replacing the old one), otherwise an existing target is refused.
    pub fn finish(mut self, target: &Path, replace: bool) -> Result<()> {
        File::open(&self.path)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("syncing {}", self.path.display()))?;
        if !replace {
            check_new_output(target)?;
        }
        std::fs::rename(&self.path, target)
            .with_context(|| format!("renaming {} to {}", self.path.display(), target.display()))?;
        self.done = true;
        // The rename itself is durable once the directory is synced.
        #[cfg(unix)]
        File::open(parent_of(target))
            .and_then(|d| d.sync_all())
            .with_context(|| format!("syncing {}", parent_of(target).display()))?;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
            for suffix in SQLITE_SIDE_FILES {
                let _ = std::fs::remove_file(side_file(&self.path, suffix));
            }
        }
    }
}

/// The files SQLite keeps beside a database while it is open or after a crash.
pub const SQLITE_SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];

pub fn side_file(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Copies `from` into `to` with a bar of bytes on stderr.
pub fn copy_with_progress(from: &Path, mut to: File) -> Result<u64> {
    let mut src = File::open(from).with_context(|| format!("opening {}", from.display()))?;
    let total = src.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "copying the backup / 复制备份 [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    loop {
        let n = src
            .read(&mut buf)
            .with_context(|| format!("reading {}", from.display()))?;
        if n == 0 {
            break;
        }
        to.write_all(&buf[..n]).context("writing the copy")?;
        done += n as u64;
        bar.set_position(done);
    }
    to.sync_all().context("syncing the copy")?;
    bar.finish_and_clear();
    Ok(done)
}

/// `12.3 MB`, `812 kB`, `512 B`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("gridgov-file-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn an_unfinished_file_leaves_nothing_and_a_finished_one_is_private() {
        let dir = temp_dir("partial");
        let target = dir.join("b.db");
        {
            let (p, mut f) = Partial::beside(&target, "partial").unwrap();
            f.write_all(b"half").unwrap();
            assert!(p.path().exists());
        }
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "dropped: removed"
        );

        let (p, mut f) = Partial::beside(&target, "partial").unwrap();
        f.write_all(b"whole").unwrap();
        p.finish(&target, false).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A second backup to the same name is refused; a restore may replace.
        assert!(check_new_output(&target).is_err());
        let (p, _) = Partial::beside(&target, "partial").unwrap();
        assert!(p.finish(&target, false).is_err());
        let (p, _) = Partial::beside(&target, "restore").unwrap();
        p.finish(&target, true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn backups_are_known_by_their_first_bytes() {
        let dir = temp_dir("sniff");
        let f = dir.join("x");
        std::fs::write(&f, b"SQLite format 3\0rest").unwrap();
        assert_eq!(BackupKind::sniff(&f).unwrap(), BackupKind::Sqlite);
        std::fs::write(&f, b"PGDMP\x01\x0f").unwrap();
        assert_eq!(BackupKind::sniff(&f).unwrap(), BackupKind::PgArchive);
        std::fs::write(&f, b"PK\x03\x04").unwrap();
        let e = format!("{:#}", BackupKind::sniff(&f).unwrap_err());
        assert!(e.contains("not a gridgov backup"), "{e}");
        assert!(check_new_output(&dir.join("no/such/dir/b.db")).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn sizes_read_like_a_person_would_write_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(812_400), "812.4 kB");
        assert_eq!(human_size(12_300_000), "12.3 MB");
    }
}
