//! Throwaway databases for benchmarks: a SQLite file in a temporary directory, or a new
//! PostgreSQL database on a server. Both are removed when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use anyhow::{Context, Result, anyhow, bail};
use gridgov_store::DatabaseUrl;

pub enum TempDb {
    Sqlite {
        dir: PathBuf,
        file: PathBuf,
    },
    Postgres {
        server: String,
        name: String,
        url: String,
    },
}

/// A name no other run on this machine uses at the same time.
fn unique(tag: &str) -> String {
    format!(
        "{}_{}_{:08x}",
        std::process::id(),
        tag.replace('-', "_"),
        rand::random::<u32>()
    )
}

impl TempDb {
    pub fn sqlite(tag: &str) -> Result<TempDb> {
        let dir = temp_dir(tag)?;
        let file = dir.join("bench.db");
        Ok(TempDb::Sqlite { dir, file })
    }

    pub fn postgres(server: &str, tag: &str) -> Result<TempDb> {
        let name = format!("gridgov_bench_{}", unique(tag));
        psql(server, &format!("CREATE DATABASE {name}"))
            .with_context(|| format!("creating database {name}"))?;
        let url = with_database(server, &name)?;
        Ok(TempDb::Postgres {
            server: server.to_owned(),
            name,
            url,
        })
    }

    pub fn url(&self) -> Result<DatabaseUrl> {
        match self {
            TempDb::Sqlite { file, .. } => Ok(DatabaseUrl::sqlite_file(file)),
            TempDb::Postgres { url, .. } => Ok(DatabaseUrl::from_str(url)?),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            TempDb::Sqlite { .. } => "SQLite",
            TempDb::Postgres { .. } => "PostgreSQL",
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        match self {
            TempDb::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            TempDb::Postgres { server, name, .. } => {
                if let Err(e) = psql(
                    server,
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                ) {
                    eprintln!("warning: could not drop database {name}: {e:#}");
                }
            }
        }
    }
}

/// A fresh directory under the system's temporary directory.
pub fn temp_dir(tag: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("gridgov-bench-{}", unique(tag)));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Runs one SQL or meta command with `psql`, failing on the first error.
pub fn psql(url: &str, command: &str) -> Result<String> {
    let out = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            url,
            "-c",
            command,
        ])
        .output()
        .context("running psql (is the PostgreSQL client installed?)")?;
    if !out.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Runs `sqlite3 FILE ARGS…`, failing on the first error.
pub fn sqlite3(file: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("sqlite3")
        .arg("-bail")
        .arg(file)
        .args(args)
        .output()
        .context("running sqlite3 (is the SQLite shell installed?)")?;
    if !out.status.success() {
        bail!("sqlite3: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The same server URL pointing at another database.
pub fn with_database(url: &str, db: &str) -> Result<String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| anyhow!("not a URL: {url}"))?;
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (rest, None),
    };
    let authority = main.split('/').next().unwrap_or(main);
    Ok(match query {
        Some(q) => format!("{scheme}://{authority}/{db}?{q}"),
        None => format!("{scheme}://{authority}/{db}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_database_on_the_same_server() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres", "b").unwrap(),
            "postgres://u:p@h:5432/b"
        );
        assert_eq!(
            with_database("postgresql://h?sslmode=disable", "b").unwrap(),
            "postgresql://h/b?sslmode=disable"
        );
    }
}
