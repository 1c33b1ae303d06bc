//! A real `gridgov serve` process on a free port, and plain HTTP/1.1 requests to it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct Server {
    child: Child,
    pub addr: String,
    dir: PathBuf,
    /// Every line the server logged after it began serving.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Server {
    /// The lines logged so far that contain `needle`.
    pub fn log_lines(&self, needle: &str) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .cloned()
            .collect()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `limit` for the process to end; its exit status, or `None` if it still runs.
    pub fn wait_exit(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let until = std::time::Instant::now() + limit;
        while std::time::Instant::now() < until {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        None
    }

    /// `gridgov serve` on a free port, with these extra settings; waits until it listens.
    /// The password of the accounts [`Server::start_with_users`] makes.
    pub const PASSWORD: &'static str = "server-test-pass-2026";

    pub fn start(database_url: Option<&str>, env: &[(&str, &str)]) -> Server {
        Server::start_with_users(database_url, env, &[])
    }

    /// Starts the server after adding these accounts (username, role; scope: the country).
    pub fn start_with_users(
        database_url: Option<&str>,
        env: &[(&str, &str)],
        users: &[(&str, &str)],
    ) -> Server {
        let dir = std::env::temp_dir().join(format!(
            "gridgov-storm-{}-{}",
            std::process::id(),
            uuid_like()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, role) in users {
            let mut add = Command::new(env!("CARGO_BIN_EXE_gridgov"));
            add.args([
                "user",
                "add",
                "--username",
                name,
                "--role",
                role,
                "--password-stdin",
            ])
            .env("GRIDGOV_DATA_DIR", &dir)
            .env_remove("GRIDGOV_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
            Server::database(&mut add, database_url);
            let mut child = add.spawn().unwrap();
            {
                use std::io::Write;
                let mut input = child.stdin.take().unwrap();
                writeln!(input, "{}", Server::PASSWORD).unwrap();
            }
            assert!(child.wait().unwrap().success(), "adding user {name}");
        }
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gridgov"));
        cmd.args(["serve", "--listen", "127.0.0.1:0"])
            .env("GRIDGOV_DATA_DIR", &dir)
            .env_remove("GRIDGOV_CONFIG")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        Server::database(&mut cmd, database_url);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the server exited before listening")
                .unwrap();
            if let (true, Some(at)) = (line.contains("serving"), line.find("addr=")) {
                let rest = &line[at + 5..];
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe; show its errors.
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for l in lines.map_while(Result::ok) {
                if l.contains("ERROR") {
                    eprintln!("server: {l}");
                }
                kept.lock().unwrap().push(l);
            }
        });
        Server {
            child,
            addr,
            dir,
            log,
        }
    }

    /// The database of a command: the data directory's SQLite file, or this URL.
    fn database(cmd: &mut Command, database_url: Option<&str>) {
        match database_url {
            // The test database was sealed with the tests' data key.
            Some(u) => cmd
                .env("GRIDGOV_DATABASE_URL", u)
                .env("GRIDGOV_DATA_KEY", gridgov_store::testing::TEST_DATA_KEY),
            None => cmd.env_remove("GRIDGOV_DATABASE_URL"),
        };
    }

    /// Resident memory now and at its peak, in KiB, from the kernel's own accounting.
    pub fn memory_kb(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap()
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

/// Servers of one run share the process id; a counter tells their directories apart.
fn uuid_like() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
}

/// One HTTP/1.1 request on its own connection; the status code, or 0 when the connection
/// failed.
pub async fn request(addr: &str, method: &str, path: &str, body: &str) -> u16 {
    send(
        addr,
        method,
        path,
        &[("Content-Type", "application/json")],
        body,
    )
    .await
    .0
}

/// One HTTP/1.1 request with these headers; the status code (0 when the connection failed) and
/// the body.
pub async fn send(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut s = match tokio::net::TcpStream::connect(addr).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("connect: {e}");
            return (0, String::new());
        }
    };
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    req.push_str(body);
    if s.write_all(req.as_bytes()).await.is_err() {
        return (0, String::new());
    }
    let mut out = Vec::new();
    if let Err(e) = s.read_to_end(&mut out).await {
        eprintln!("read: {e}");
        return (0, String::new());
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// CPU time the process has used so far (user and system), in clock ticks.
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}
