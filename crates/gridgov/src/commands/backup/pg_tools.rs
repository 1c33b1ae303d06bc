//! Running PostgreSQL's own tools (pg_dump, pg_restore): found on PATH, their version checked,
//! started without a shell, the connection given in `PG*` variables so the password never
//! appears on a command line (where `ps` would show it), their verbose output shown as progress.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use gridgov_store::DatabaseUrl;
use indicatif::{ProgressBar, ProgressStyle};
use percent_encoding::percent_decode_str;
use sqlx::postgres::{PgConnectOptions, PgSslMode};

/// One of PostgreSQL's client programs, found and asked its version.
#[derive(Debug, Clone)]
pub struct PgTool {
    pub name: &'static str,
    pub path: PathBuf,
    /// What it printed for `--version`, e.g. `pg_dump (PostgreSQL) 15.4`.
    pub version: String,
    pub major: u32,
}

impl PgTool {
    /// Finds `name` on PATH and reads its version.
    pub fn find(name: &'static str) -> Result<PgTool> {
        let path = find_on_path(name).ok_or_else(|| {
            anyhow!(
                "{name} was not found on PATH; install PostgreSQL's client programs, of the \
                 server's major version or newer (Debian: apt-get install postgresql-client), \
                 and put their directory on PATH / 在 PATH 中找不到 {name}：请安装不低于服务器主版本的 \
                 PostgreSQL 客户端程序，并将其目录加入 PATH"
            )
        })?;
        let out = Command::new(&path)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {} --version", path.display()))?;
        let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let major = major_of(&version)
            .ok_or_else(|| anyhow!("{}: cannot read a version in {version:?}", path.display()))?;
        Ok(PgTool {
            name,
            path,
            version,
            major,
        })
    }

    /// pg_dump cannot dump a server newer than itself: refuse before starting it.
    pub fn require_at_least(&self, server_major: u32) -> Result<()> {
        if self.major < server_major {
            bail!(
                "{} is version {}, older than the database server ({server_major}); install the \
                 client programs of version {server_major} or newer and put them first on PATH / \
                 {} 的版本 {} 低于数据库服务器的版本 {server_major}，请安装 {server_major} 或更新版本的\
                 客户端程序",
                self.path.display(),
                self.major,
                self.name,
                self.major
            );
        }
        Ok(())
    }

    /// Runs the tool to the end, its stdout going to `stdout`, its stderr (verbose lines) shown
    /// as a spinner's message and kept for the error if it fails. Blocking: call it from
    /// `spawn_blocking`.
    pub fn run_with_progress(
        &self,
        args: &[OsString],
        conn: &PgConnection,
        stdout: Stdio,
        doing: &str,
    ) -> Result<()> {
        let mut child = self
            .command(args, conn)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", self.path.display()))?;
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {wide_msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message(doing.to_owned());
        // The last lines are what explains a failure; the whole verbose log is not kept.
        let mut tail: VecDeque<String> = VecDeque::new();
        if let Some(err) = child.stderr.take() {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                bar.set_message(format!("{doing}: {}", line.trim()));
                if tail.len() == 40 {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        }
        let status = child
            .wait()
            .with_context(|| format!("waiting for {}", self.name))?;
        bar.finish_and_clear();
        if !status.success() {
            bail!(
                "{} failed ({status}) / {} 执行失败:\n{}",
                self.name,
                self.name,
                failure_lines(&tail)
            );
        }
        Ok(())
    }

    /// Runs the tool and returns what it wrote to stdout (small outputs: a listing, a table).
    pub fn run_captured(&self, args: &[OsString], conn: Option<&PgConnection>) -> Result<String> {
        let mut cmd = match conn {
            Some(c) => self.command(args, c),
            None => {
                let mut cmd = Command::new(&self.path);
                cmd.args(args);
                cmd
            }
        };
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {}", self.path.display()))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let lines: VecDeque<String> = err.lines().map(str::to_owned).collect();
            bail!(
                "{} failed ({}) / {} 执行失败:\n{}",
                self.name,
                out.status,
                self.name,
                failure_lines(&lines)
            );
        }
        String::from_utf8(out.stdout)
            .map_err(|_| anyhow!("{} wrote text that is not UTF-8", self.name))
    }

    fn command(&self, args: &[OsString], conn: &PgConnection) -> Command {
        let mut cmd = Command::new(&self.path);
        cmd.args(args).stdin(Stdio::null());
        for (k, v) in &conn.env {
            cmd.env(k, v);
        }
        cmd
    }
}

/// The lines worth showing from a failed tool: its errors when it marked any, else its last few.
fn failure_lines(lines: &VecDeque<String>) -> String {
    let errors: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|l| l.contains("error") || l.contains("ERROR") || l.contains("FATAL"))
        .collect();
    let shown: Vec<&str> = if errors.is_empty() {
        let skip = lines.len().saturating_sub(8);
        lines.iter().skip(skip).map(String::as_str).collect()
    } else {
        errors
    };
    shown
        .iter()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    match std::fs::metadata(p) {
        #[cfg(unix)]
        Ok(m) => {
            use std::os::unix::fs::PermissionsExt;
            m.is_file() && m.permissions().mode() & 0o111 != 0
        }
        #[cfg(not(unix))]
        Ok(m) => m.is_file(),
        Err(_) => false,
    }
}

/// `pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)` → 15; `… 16beta1` → 16.
fn major_of(version: &str) -> Option<u32> {
    version
        .split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .and_then(|w| {
            let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
}

/// Where the tools connect: the database URL taken apart into libpq's variables.
pub struct PgConnection {
    env: Vec<(&'static str, String)>,
    database: String,
}

impl PgConnection {
    /// The same server, user and database as gridgov's own connection (sqlx's reading of the
    /// URL, with its defaults), and the password, decoded, for `PGPASSWORD`.
    pub fn from_url(url: &DatabaseUrl) -> Result<PgConnection> {
        let opts = PgConnectOptions::from_str(url.as_str())
            .map_err(|e| anyhow!("database_url {}: {e}", url.redacted()))?;
        let parsed = url::Url::parse(url.as_str())
            .map_err(|e| anyhow!("database_url {}: {e}", url.redacted()))?;
        let mut env: Vec<(&'static str, String)> = Vec::new();
        match opts.get_socket() {
            Some(dir) => env.push(("PGHOST", dir.display().to_string())),
            None => env.push(("PGHOST", opts.get_host().to_owned())),
        }
        env.push(("PGPORT", opts.get_port().to_string()));
        env.push(("PGUSER", opts.get_username().to_owned()));
        // Without a database in the URL the server takes the user's name, as libpq does.
        let database = opts
            .get_database()
            .unwrap_or(opts.get_username())
            .to_owned();
        env.push(("PGDATABASE", database.clone()));
        env.push(("PGSSLMODE", ssl_mode(opts.get_ssl_mode()).to_owned()));
        if let Some(name) = opts.get_application_name() {
            env.push(("PGAPPNAME", name.to_owned()));
        }
        if let Some(o) = opts.get_options() {
            env.push(("PGOPTIONS", o.to_owned()));
        }
        let mut password = parsed
            .password()
            .map(|p| percent_decode_str(p).decode_utf8_lossy().into_owned());
        for (k, v) in parsed.query_pairs() {
            match &*k {
                "password" => password = Some(v.into_owned()),
                "sslrootcert" | "ssl-root-cert" | "ssl-ca" => {
                    env.push(("PGSSLROOTCERT", v.into_owned()));
                }
                "sslcert" | "ssl-cert" => env.push(("PGSSLCERT", v.into_owned())),
                "sslkey" | "ssl-key" => env.push(("PGSSLKEY", v.into_owned())),
                _ => {}
            }
        }
        if let Some(p) = password {
            env.push(("PGPASSWORD", p));
        }
        Ok(PgConnection { env, database })
    }

    /// `--dbname=…` as a conninfo string naming only the database, so that a name containing
    /// `=` is not read as connection settings; the rest comes from the variables.
    pub fn dbname_arg(&self) -> OsString {
        let quoted = self.database.replace('\\', "\\\\").replace('\'', "\\'");
        OsString::from(format!("--dbname=dbname='{quoted}'"))
    }

    #[cfg(test)]
    fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn ssl_mode(m: PgSslMode) -> &'static str {
    match m {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        PgSslMode::Prefer => "prefer",
        PgSslMode::Require => "require",
        PgSslMode::VerifyCa => "verify-ca",
        PgSslMode::VerifyFull => "verify-full",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_what_the_tools_print() {
        assert_eq!(
            major_of("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"),
            Some(15)
        );
        assert_eq!(major_of("pg_restore (PostgreSQL) 16beta1"), Some(16));
        assert_eq!(major_of("pg_dump (PostgreSQL) 9.6.24"), Some(9));
        assert_eq!(major_of("nonsense"), None);
        let tool = PgTool {
            name: "pg_dump",
            path: "pg_dump".into(),
            version: String::new(),
            major: 14,
        };
        let e = tool.require_at_least(15).unwrap_err().to_string();
        assert!(e.contains("older than the database server (15)"), "{e}");
        assert!(tool.require_at_least(14).is_ok());
    }

    #[test]
    fn the_password_goes_into_the_environment_decoded_and_nowhere_else() {
        let url = DatabaseUrl::from_str(
            "postgres://grid%40gov:p%40ss%20w@db.example:6543/gridgov?sslmode=require",
        )
        .unwrap();
        let c = PgConnection::from_url(&url).unwrap();
        assert_eq!(c.var("PGPASSWORD"), Some("p@ss w"));
        assert_eq!(c.var("PGUSER"), Some("grid@gov"));
        assert_eq!(c.var("PGHOST"), Some("db.example"));
        assert_eq!(c.var("PGPORT"), Some("6543"));
        assert_eq!(c.var("PGDATABASE"), Some("gridgov"));
        assert_eq!(c.var("PGSSLMODE"), Some("require"));
        let arg = c.dbname_arg().into_string().unwrap();
        assert_eq!(arg, "--dbname=dbname='gridgov'");
        assert!(!arg.contains("p@ss"));
    }

    #[test]
    fn odd_database_names_stay_one_name() {
        let url = DatabaseUrl::from_str("postgres://u@h/a%3Db%27c").unwrap();
        let c = PgConnection::from_url(&url).unwrap();
        assert_eq!(c.var("PGDATABASE"), Some("a=b'c"));
        assert_eq!(
            c.dbname_arg().into_string().unwrap(),
            "--dbname=dbname='a=b\\'c'"
        );
        assert_eq!(c.var("PGPASSWORD"), None);
    }
}
