//! For the backup drill: a deployment (a data directory and its database, SQLite or a PostgreSQL
//! database of its own) driven through the real binary, and what it holds read behind the
//! binary's back.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::str::FromStr;

use gridgov_core::auth::Actor;
use gridgov_store::protect::{DataKey, Protector};
use gridgov_store::{Backend, DatabaseUrl, Store};
use sqlx::{Connection, Executor};

pub const DEMO_REGIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo/huangshi_regions.csv");
const PG_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// One deployment: its data directory and database, both removed when dropped.
pub struct Site {
    pub dir: PathBuf,
    pub backend: Backend,
    url: String,
    pg: Option<(String, String)>,
}

impl Site {
    /// A new data directory, and on PostgreSQL a new, empty database.
    pub fn new(backend: Backend, label: &str) -> Site {
        let unique = format!("{}_{}_{label}", std::process::id(), next());
        let dir = std::env::temp_dir().join(format!("gridgov-drill-{unique}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        match backend {
            Backend::Sqlite => Site {
                url: DatabaseUrl::sqlite_file(&dir.join("gridgov.db"))
                    .as_str()
                    .to_owned(),
                dir,
                backend,
                pg: None,
            },
            Backend::Postgres => {
                let admin =
                    std::env::var("GRIDGOV_TEST_PG_URL").unwrap_or_else(|_| PG_DEFAULT.into());
                let name = format!("gridgov_drill_{unique}");
                block_on(async {
                    let mut c = sqlx::PgConnection::connect(&admin)
                        .await
                        .unwrap_or_else(|e| {
                            panic!("PostgreSQL is needed at {admin} (scripts/ensure-postgres): {e}")
                        });
                    c.execute(format!("CREATE DATABASE {name}").as_str())
                        .await
                        .unwrap();
                });
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                Site {
                    url: format!("{base}/{name}"),
                    dir,
                    backend,
                    pg: Some((admin, name)),
                }
            }
        }
    }

    /// Runs `gridgov` on this site with its data key (data.key in the directory, if any).
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_env(args, stdin, None)
    }

    /// Runs `gridgov` on this site with another data key configured.
    pub fn run_with_key(&self, key: &str, args: &[&str]) -> Output {
        self.run_env(args, None, Some(key))
    }

    fn run_env(&self, args: &[&str], stdin: Option<&str>, key: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gridgov"));
        cmd.args(args)
            .env("GRIDGOV_DATA_DIR", &self.dir)
            .env_remove("GRIDGOV_CONFIG")
            .env_remove("GRIDGOV_DATA_KEY")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match self.backend {
            Backend::Sqlite => cmd.env_remove("GRIDGOV_DATABASE_URL"),
            Backend::Postgres => cmd.env("GRIDGOV_DATABASE_URL", &self.url),
        };
        if let Some(k) = key {
            cmd.env("GRIDGOV_DATA_KEY", k);
        }
        let mut child = cmd.spawn().unwrap();
        {
            let mut input = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                input.write_all(s.as_bytes()).unwrap();
            }
        }
        child.wait_with_output().unwrap()
    }

    /// The data key the site made on its first import (`data.key`).
    pub fn data_key(&self) -> String {
        std::fs::read_to_string(self.dir.join("data.key"))
            .unwrap()
            .trim()
            .to_owned()
    }

    /// Rows in every table, read with a connection of the test's own.
    pub fn counts(&self) -> BTreeMap<String, i64> {
        let list = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            Backend::Postgres => {
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
            }
        };
        block_on(async {
            sqlx::any::install_default_drivers();
            let mut c = sqlx::AnyConnection::connect(&self.url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(list).fetch_all(&mut c).await.unwrap();
            let mut counts = BTreeMap::new();
            for t in tables {
                let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{t}\""))
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
                counts.insert(t, n);
            }
            c.close().await.unwrap();
            counts
        })
    }

    /// Runs SQL behind the binary's back (to make the database look like another version's).
    pub fn execute(&self, sql: &str) {
        block_on(async {
            sqlx::any::install_default_drivers();
            let mut c = sqlx::AnyConnection::connect(&self.url).await.unwrap();
            c.execute(sql).await.unwrap();
            c.close().await.unwrap();
        });
    }

    /// The store of this site with a data key, as the server would open it.
    pub async fn store(&self, key_hex: &str) -> Store {
        let mut store = Store::connect(&DatabaseUrl::from_str(&self.url).unwrap())
            .await
            .unwrap();
        let key = DataKey::from_hex(key_hex).unwrap();
        store.confirm_data_key(&Protector::new(&key)).await.unwrap();
        store
    }

    /// The database file of a SQLite site.
    pub fn sqlite_file(&self) -> PathBuf {
        self.dir.join("gridgov.db")
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin, name)) = &self.pg {
            let (admin, name) = (admin.clone(), name.clone());
            block_on(async move {
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = c
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                }
            });
        }
    }
}

/// A person as imported: the full ID number and phone from the file, and where the record is.
pub struct Person {
    pub id_card: String,
    pub phone: String,
    pub county: String,
    pub record_id: String,
}

/// The first person of the generated file that the import kept, found by ID number through the
/// blind index (so the key that indexed it is the key that finds it).
pub async fn an_imported_person(store: &Store, persons_csv: &Path) -> Person {
    let text = std::fs::read_to_string(persons_csv).unwrap();
    for line in text.lines().skip(1).take(200) {
        let cells: Vec<&str> = line.split(',').collect();
        let (id, phone) = (cells[2], cells[6]);
        if gridgov_core::ids::IdCardNo::parse("id", id).is_err() || phone.len() != 11 {
            continue;
        }
        let found = store
            .search_persons(&Actor::system(), id, 5, 0)
            .await
            .unwrap();
        if let [p] = found.persons.as_slice() {
            return Person {
                id_card: id.to_owned(),
                phone: phone.to_owned(),
                county: p.county_code.clone(),
                record_id: p.id.clone(),
            };
        }
    }
    panic!("no imported person found in {}", persons_csv.display());
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Asserts success and returns what was printed.
#[track_caller]
pub fn ok(o: Output) -> String {
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    t
}

/// Asserts failure and returns what was printed.
#[track_caller]
pub fn refused(o: Output) -> String {
    let t = text(&o);
    assert!(!o.status.success(), "expected a refusal, got success:\n{t}");
    t
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn next() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
}
