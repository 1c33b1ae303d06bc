#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The command line as an operator uses it: the real binary on a throwaway data directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn data_dir() -> Dir {
    let d = std::env::temp_dir().join(format!(
        "gridgov-cli-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&d).unwrap();
    Dir(d)
}

/// Tests of one run share the process id; a counter tells their directories apart.
fn rand_suffix() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
}

fn gridgov(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gridgov"));
    cmd.args(args)
        .env("GRIDGOV_DATA_DIR", dir)
        .env_remove("GRIDGOV_DATABASE_URL")
        .env_remove("GRIDGOV_CONFIG")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const DEMO_REGIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/huangshi_regions.csv");

#[test]
fn an_operator_imports_regions_adds_users_and_verifies_the_trail() {
    let dir = data_dir();
    let d = &dir.0;
    let o = gridgov(
        d,
        &["import", "regions", DEMO_REGIONS, "--source", "huangshi"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1105"), "{}", text(&o));
    // Again: nothing changes.
    let o = gridgov(
        d,
        &["import", "regions", DEMO_REGIONS, "--source", "huangshi"],
        None,
    );
    assert!(text(&o).contains("inserted 0"), "{}", text(&o));

    let add = [
        "user",
        "add",
        "--username",
        "hs-op",
        "--role",
        "center_operator",
        "--scope",
        "420200",
        "--password-stdin",
    ];
    let o = gridgov(d, &add, Some("a-long-pass-2026\n"));
    assert!(o.status.success(), "{}", text(&o));
    let o = gridgov(d, &["user", "list"], None);
    assert!(
        text(&o).contains("hs-op") && text(&o).contains("4202"),
        "{}",
        text(&o)
    );

    let bad = [
        "user",
        "add",
        "--username",
        "x",
        "--role",
        "king",
        "--password-stdin",
    ];
    let o = gridgov(d, &bad, Some("short\n"));
    assert!(!o.status.success());
    let out = text(&o);
    assert!(
        out.contains("username") && out.contains("role") && out.contains("password"),
        "{out}"
    );

    let o = gridgov(d, &["user", "disable", "hs-op"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = gridgov(d, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("intact"), "{}", text(&o));
}

#[test]
fn an_audit_digest_is_written_on_command_and_verify_covers_it() {
    let dir = data_dir();
    let d = &dir.0;
    let o = gridgov(d, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("none yet"), "{}", text(&o));

    let o = gridgov(d, &["audit", "digest"], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("audit digest written / 已写入审计摘要: #1"),
        "{out}"
    );
    assert!(out.contains("hash / 哈希: "), "{out}");

    let o = gridgov(d, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("audit digests / 审计摘要: 1 checked"), "{out}");
    assert!(out.contains("covering records up to"), "{out}");
    assert!(out.contains("audit chain intact / 审计链完整"), "{out}");
}

#[test]
fn a_malformed_file_is_refused_with_its_lines() {
    let dir = data_dir();
    let d = &dir.0;
    let bad = d.join("bad.csv");
    std::fs::write(&bad, "level,code,parent_code,name\n1,420000,,湖北省\n2,420200,990000,黄石市\n3,4202x1,420200,坏代码\n").unwrap();
    let o = gridgov(d, &["import", "regions", bad.to_str().unwrap()], None);
    assert!(!o.status.success());
    let out = text(&o);
    assert!(out.contains("line 3") && out.contains("line 4"), "{out}");
    assert!(out.contains("nothing was written"), "{out}");
    let o = gridgov(d, &["user", "list"], None);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn an_unknown_database_url_is_refused() {
    let dir = data_dir();
    let o = gridgov(
        &dir.0,
        &["migrate", "--database-url", "mysql://localhost/gridgov"],
        None,
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("unrecognised database URL"),
        "{}",
        text(&o)
    );
    assert!(
        !dir.0.join("gridgov.db").exists(),
        "no SQLite file may appear as a fallback"
    );
}

#[test]
fn grid_boundaries_import_all_or_nothing_and_export() {
    let dir = data_dir();
    let d = dir.0.as_path();
    let o = gridgov(d, &["import", "regions", DEMO_REGIONS], None);
    assert!(o.status.success(), "{}", text(&o));
    let square = |x: f64, code: &str| {
        format!(
            r#"{{"type":"Feature","properties":{{"region":"420202005001","code":"{code}","name":"{code}","household_target":400}},"geometry":{{"type":"Polygon","coordinates":[[[{x},30.2],[{x2},30.2],[{x2},30.21],[{x},30.21],[{x},30.2]]]}}}}"#,
            x2 = x + 0.01
        )
    };
    // The second square overlaps the first: the file is refused with the feature named.
    let bad = format!(
        r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
        square(115.0, "G1"),
        square(115.005, "G2")
    );
    let file = d.join("bad.geojson");
    std::fs::write(&file, bad).unwrap();
    let o = gridgov(d, &["import", "grids", file.to_str().unwrap()], None);
    assert!(!o.status.success());
    let out = text(&o);
    assert!(out.contains("bad.geojson line 1"), "{out}");
    assert!(out.contains("overlap"), "{out}");

    let good = format!(
        r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
        square(115.0, "G1"),
        square(115.01, "G2")
    );
    let file = d.join("good.geojson");
    std::fs::write(&file, good).unwrap();
    let o = gridgov(d, &["import", "grids", file.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 created"), "{}", text(&o));
    let o = gridgov(d, &["grids", "export", "--region", "420202"], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("\"G2\"") && out.contains("FeatureCollection"),
        "{out}"
    );
}

#[test]
fn the_generator_writes_valid_base_data_with_the_faults_it_counts() {
    let dir = data_dir();
    let d = dir.0.as_path();
    let o = gridgov(d, &["import", "regions", DEMO_REGIONS], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = gridgov(
        d,
        &["grids", "one-per-village", "420202", "--households", "400"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = d.join("gen");
    let o = gridgov(
        d,
        &[
            "bench",
            "gen",
            "--persons",
            "3000",
            "--houses",
            "1800",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gen.json")).unwrap()).unwrap();
    let persons = std::fs::read_to_string(out.join("persons.csv")).unwrap();
    let mut bad_check = 0;
    let mut bad_date = 0;
    let mut rows = 0;
    for line in persons.lines().skip(1) {
        rows += 1;
        let id = line.split(',').nth(2).unwrap();
        match gridgov_core::ids::IdCardNo::parse("id", id) {
            Ok(_) => {}
            Err(e) if e.code == "bad_check_digit" => bad_check += 1,
            Err(e) if e.code == "bad_birth_date" => bad_date += 1,
            Err(e) => panic!("unexpected fault {e} in {line}"),
        }
    }
    assert_eq!(rows, manifest["person_rows"].as_u64().unwrap());
    assert_eq!(
        bad_check,
        manifest["faults"]["wrong_check_digit"].as_u64().unwrap()
    );
    assert_eq!(
        bad_date,
        manifest["faults"]["impossible_birth_date"]
            .as_u64()
            .unwrap()
    );
    assert_eq!(manifest["persons"].as_u64().unwrap(), 3000);
}

#[test]
fn base_data_imports_reimports_and_compares_from_the_command_line() {
    let dir = data_dir();
    let d = dir.0.as_path();
    let o = gridgov(d, &["import", "regions", DEMO_REGIONS], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = gridgov(d, &["grids", "one-per-village", "420202"], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = d.join("gen");
    let gen_dir = out.to_str().unwrap();
    let o = gridgov(
        d,
        &[
            "bench",
            "gen",
            "--persons",
            "2000",
            "--houses",
            "1200",
            "--out",
            gen_dir,
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let file = |k: &str| out.join(format!("{k}.csv")).to_str().unwrap().to_owned();

    // The generator's faults reject the persons file whole, with a row report beside it.
    let o = gridgov(d, &["import", "buildings", &file("buildings")], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = gridgov(d, &["import", "houses", &file("houses")], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = gridgov(d, &["import", "persons", &file("persons")], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("REJECTED"), "{}", text(&o));
    let report = std::fs::read_to_string(out.join("persons.report.csv")).unwrap();
    assert!(report.contains("wrong check digit"), "{report}");
    // Accepting the valid rows keeps them; importing again changes nothing.
    let o = gridgov(
        d,
        &["import", "persons", &file("persons"), "--accept-valid"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = gridgov(
        d,
        &["import", "persons", &file("persons"), "--accept-valid"],
        None,
    );
    assert!(text(&o).contains("inserted 0, updated 0"), "{}", text(&o));
    let o = gridgov(
        d,
        &["import", "links", &file("links"), "--accept-valid"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));

    // A survey with one phone changed and the first person missing: two tasks.
    let persons = std::fs::read_to_string(file("persons")).unwrap();
    let mut lines: Vec<String> = persons.lines().map(str::to_owned).collect();
    let first_valid = (1..lines.len())
        .find(|&i| {
            let id = lines[i].split(',').nth(2).unwrap();
            gridgov_core::ids::IdCardNo::parse("id", id).is_ok()
                && lines[i].split(',').nth(6).is_some_and(|p| p.len() == 11)
        })
        .unwrap();
    let mut cells: Vec<String> = lines[first_valid + 1]
        .split(',')
        .map(str::to_owned)
        .collect();
    let changed_ok =
        gridgov_core::ids::IdCardNo::parse("id", &cells[2]).is_ok() && cells[6].len() == 11;
    cells[6] = "13900000001".into();
    lines[first_valid + 1] = cells.join(",");
    lines.remove(first_valid);
    let survey = d.join("survey.csv");
    std::fs::write(&survey, lines.join("\n")).unwrap();
    let o = gridgov(
        d,
        &[
            "compare",
            survey.to_str().unwrap(),
            "--source",
            "社区摸排",
            "--accept-valid",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let expected_differ = if changed_ok { "1 differ" } else { "0 differ" };
    assert!(text(&o).contains(expected_differ), "{}", text(&o));
    assert!(text(&o).contains("1 missing in the source"), "{}", text(&o));
}

#[test]
fn resetting_a_password_from_the_command_line_revokes_the_users_tokens() {
    let dir = data_dir();
    let d = &dir.0;
    let add = [
        "user",
        "add",
        "--username",
        "integration",
        "--role",
        "system_admin",
        "--password-stdin",
    ];
    let o = gridgov(d, &add, Some("a-long-pass-2026\n"));
    assert!(o.status.success(), "{}", text(&o));
    let o = gridgov(d, &["user", "token", "integration", "--name", "sync"], None);
    assert!(o.status.success(), "{}", text(&o));
    let secret = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    let live = |secret: String| {
        let db = gridgov_store::DatabaseUrl::sqlite_file(&d.join("gridgov.db"));
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let store = gridgov_store::Store::connect(&db).await.unwrap();
                store.token_user(&secret).await.unwrap().is_some()
            })
    };
    assert!(live(secret.clone()), "the token works before the reset");
    let o = gridgov(
        d,
        &["user", "reset-password", "integration", "--password-stdin"],
        Some("another-pass-2026\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("API 令牌已吊销"), "{}", text(&o));
    assert!(!live(secret), "the token ends with the reset");
}

/// Stops the server when the test ends, passed or failed.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 GET on a fresh connection: the status line and the body.
fn http_get(addr: &str, path: &str) -> (String, String) {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text.lines().next().unwrap_or_default().to_owned();
    let body = text.split_once("\r\n\r\n").map(|x| x.1).unwrap_or_default();
    (status, body.to_owned())
}

#[test]
fn serve_keeps_metrics_on_their_own_listener() {
    use std::io::BufRead;
    let dir = data_dir();
    let child = Command::new(env!("CARGO_BIN_EXE_gridgov"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("GRIDGOV_DATA_DIR", &dir.0)
        .env("GRIDGOV_METRICS_LISTEN", "127.0.0.1:0")
        .env_remove("GRIDGOV_DATABASE_URL")
        .env_remove("GRIDGOV_CONFIG")
        .env_remove("GRIDGOV_METRICS_TOKEN")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Running(child);
    let stderr = std::io::BufReader::new(server.0.stderr.take().unwrap());
    let (mut main, mut metrics) = (None, None);
    for line in stderr.lines() {
        let line = line.unwrap();
        let addr = line
            .split_once("addr=")
            .map(|(_, a)| a.split_whitespace().next().unwrap_or_default().to_owned());
        if line.contains("serving metrics") {
            metrics = addr;
        } else if line.contains("serving") {
            main = addr;
        }
        if main.is_some() && metrics.is_some() {
            break;
        }
    }
    let (main, metrics) = (
        main.expect("main address"),
        metrics.expect("metrics address"),
    );
    let (status, _) = http_get(&main, "/healthz");
    assert!(status.contains(" 200 "), "{status}");
    let (status, _) = http_get(&main, "/metrics");
    assert!(status.contains(" 404 "), "{status}");
    let (status, body) = http_get(&metrics, "/metrics");
    assert!(status.contains(" 200 "), "{status}");
    assert!(
        body.contains("route=\"/healthz\",status=\"200\"} 1"),
        "the main listener's counters: {body}"
    );
}
