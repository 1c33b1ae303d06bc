//! `gridgov bench demo-startup`: time from starting `gridgov demo` on an empty directory to its
//! first healthy answer, the wait a new user sees.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::http::{HttpConn, Response};
use super::stats::median;
use super::temp_db::temp_dir;

/// The demo's promise; printed beside the measurement.
const TARGET_SECS: f64 = 5.0;
/// Give up on a run after this long.
const GIVE_UP: Duration = Duration::from_secs(60);

pub async fn run(runs: usize) -> Result<()> {
    let exe = std::env::current_exe().context("finding the gridgov executable")?;
    println!("machine: {}", super::machine());
    println!(
        "command: {} demo --data-dir <empty temp dir> --listen 127.0.0.1:<free port>",
        exe.display()
    );
    let mut secs = Vec::with_capacity(runs);
    for i in 1..=runs.max(1) {
        let s = one_run(&exe).await?;
        println!("run {i}: {s:.3} s from spawn to the first 200 of /healthz");
        secs.push(s);
    }
    if let Some(m) = median(&secs) {
        println!(
            "median of {}: {m:.3} s (target < {TARGET_SECS} s)",
            secs.len()
        );
    }
    Ok(())
}

/// Kills the child however the run ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn one_run(exe: &std::path::Path) -> Result<f64> {
    let work = temp_dir("demo-startup")?;
    let result = time_to_healthy(exe, &work).await;
    let _ = std::fs::remove_dir_all(&work);
    result
}

async fn time_to_healthy(exe: &std::path::Path, work: &std::path::Path) -> Result<f64> {
    let port = free_port()?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let log_path = work.join("demo.log");
    let log = std::fs::File::create(&log_path)?;
    let started = Instant::now();
    let mut child = Running(
        Command::new(exe)
            .arg("demo")
            .arg("--data-dir")
            .arg(work.join("data"))
            .arg("--listen")
            .arg(addr.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("starting gridgov demo")?,
    );
    loop {
        if let Ok(Response { status: 200, .. }) = health(addr).await {
            return Ok(started.elapsed().as_secs_f64());
        }
        if let Some(status) = child.0.try_wait()? {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            bail!("gridgov demo exited ({status}) before answering:\n{log}");
        }
        if started.elapsed() > GIVE_UP {
            bail!("gridgov demo did not answer within {GIVE_UP:?}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn health(addr: std::net::SocketAddr) -> std::io::Result<Response> {
    let mut conn = HttpConn::connect(addr).await?;
    conn.get("/healthz", &[("Connection", "close")]).await
}

/// A port nobody listens on right now (the kernel picks it; we release it for the child).
fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}
