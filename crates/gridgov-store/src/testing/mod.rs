//! Test support, for this crate's tests and those of the crates above it (feature `testing`).
//!
//! Test databases on both backends. Each test gets a fresh database: a temporary SQLite file,
//! or a new PostgreSQL database on the server named by `GRIDGOV_TEST_PG_URL` (default: the local
//! server as user postgres), dropped when the test ends, pass or fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;
use std::sync::Arc;

use crate::regions::RegionSource;
use crate::users::{NewUserInput, User};
use crate::{Clock, DatabaseUrl, FixedClock, Store};
use gridgov_core::auth::{Actor, Role};
use sqlx::{Connection, Executor};

pub mod images;

pub const PG_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct TestDb {
    pub store: Store,
    pub clock: Arc<FixedClock>,
    /// Where the store keeps attachment blobs.
    pub blob_root: std::path::PathBuf,
    cleanup: Cleanup,
}

/// The same region data in the plain CSV layout, for tests that import files.
pub const SMALL_REGIONS_CSV: &[u8] = include_bytes!("../../tests/fixtures/regions_small.csv");

enum Cleanup {
    Dir(std::path::PathBuf),
    /// The database, and the directory of its blobs.
    Pg {
        admin_url: String,
        name: String,
        dir: std::path::PathBuf,
    },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(d) => {
                let _ = std::fs::remove_dir_all(d);
            }
            Cleanup::Pg {
                admin_url,
                name,
                dir,
            } => {
                let _ = std::fs::remove_dir_all(dir);
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async {
                        if let Ok(mut c) = sqlx::PgConnection::connect(&admin_url).await {
                            let _ = c
                                .execute(
                                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                                )
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

fn unique() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("gridgov-test-{}", unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = DatabaseUrl::sqlite_file(&dir.join("test.db"));
        let blobs = dir.join("blobs");
        TestDb::open(url, blobs, Cleanup::Dir(dir)).await
    }

    pub async fn postgres() -> TestDb {
        let admin_url = std::env::var("GRIDGOV_TEST_PG_URL").unwrap_or_else(|_| PG_DEFAULT.into());
        let name = format!("gridgov_t_{}", unique());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is needed for the store tests and could not be reached at {admin_url}: {e}. \
                 Start it (scripts/ensure-postgres) or set GRIDGOV_TEST_PG_URL."
            )
        });
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&admin_url);
        let url = DatabaseUrl::from_str(&format!("{base}/{name}")).unwrap();
        let dir = std::env::temp_dir().join(format!("gridgov-test-{name}"));
        let blobs = dir.join("blobs");
        TestDb::open(
            url,
            blobs,
            Cleanup::Pg {
                admin_url,
                name,
                dir,
            },
        )
        .await
    }

    async fn open(url: DatabaseUrl, blob_root: std::path::PathBuf, cleanup: Cleanup) -> TestDb {
        // 2026-11-23 08:00 Asia/Shanghai.
        let clock = Arc::new(FixedClock::new(1_795_392_000_000));
        let mut store = Store::connect_with_clock(&url, clock.clone() as Arc<dyn Clock>)
            .await
            .unwrap();
        store.migrate().await.unwrap();
        store.confirm_data_key(&test_protector()).await.unwrap();
        let blobs = crate::attachments::FsBlobStore::open(&blob_root)
            .unwrap()
            .with_clock(clock.clone() as Arc<dyn Clock>);
        let store = store.with_blobs(Arc::new(blobs));
        TestDb {
            store,
            clock,
            blob_root,
            cleanup,
        }
    }
}

/// Runs one async test body on SQLite and on PostgreSQL, as `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! on_both {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::testing::TestDb::sqlite().await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let $db = $crate::testing::TestDb::postgres().await;
                $body
            }
        }
    };
}

pub const SMALL_REGIONS: RegionSource = RegionSource::Embedded {
    name: "regions_small.csv",
    bytes: include_bytes!("../../tests/fixtures/regions_small.csv"),
};

/// The data key of every test database (fixed, so failures reproduce).
pub const TEST_DATA_KEY: &str = "5f1c0b8e2a7d4e6f9a3b1c0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f";

pub fn test_protector() -> crate::protect::Protector {
    crate::protect::Protector::new(&crate::protect::DataKey::from_hex(TEST_DATA_KEY).unwrap())
}

pub const PASSWORD: &str = "test-pass-2026";

/// The small fixture: Hubei › Huangshi › two districts, one street each, three communities;
/// and Hunan › Changsha next door.
pub async fn seed_regions(store: &Store) {
    store
        .import_regions(&Actor::system(), SMALL_REGIONS, "fixture", &|_| {})
        .await
        .unwrap();
}

pub async fn add_user(store: &Store, by: &Actor, username: &str, role: Role, scope: &str) -> User {
    store
        .create_user(
            by,
            &NewUserInput {
                username: username.into(),
                display_name: format!("{username} 测试"),
                role: role.as_str().into(),
                scope: scope.into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap()
}

impl Store {
    /// Runs SQL behind the store's back, as an attacker with database access would; for tests
    /// that prove tampering is caught.
    pub async fn execute_raw_for_tests(&self, sql: &str) -> crate::StoreResult<u64> {
        Ok(sqlx::query(sql).execute(&self.pool).await?.rows_affected())
    }

    /// One BIGINT read behind the store's back, for tests that check what is stored.
    pub async fn scalar_for_tests(&self, sql: &str) -> crate::StoreResult<i64> {
        Ok(sqlx::query_scalar(sql).fetch_one(&self.pool).await?)
    }

    /// One TEXT read behind the store's back, for tests that check what is stored.
    pub async fn scalar_text_for_tests(&self, sql: &str) -> crate::StoreResult<String> {
        Ok(sqlx::query_scalar(sql).fetch_one(&self.pool).await?)
    }

    /// Enqueues a notice in a transaction of its own, as a caller's transaction would.
    pub async fn enqueue_notices_for_tests(
        &self,
        notice: &crate::notices::NewNotice,
        users: &[String],
    ) -> usize {
        self.notify(notice, users).await.unwrap()
    }

    /// Every delivery's state and due time, oldest first.
    pub async fn deliveries_for_tests(&self) -> Vec<(String, i64)> {
        sqlx::query_as("SELECT state, next_at FROM notice_deliveries ORDER BY created_at, id")
            .fetch_all(&self.pool)
            .await
            .unwrap()
    }

    /// A column of BIGINTs read behind the store's back, in the order the query gives them.
    pub async fn scalars_for_tests(&self, sql: &str) -> crate::StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(sql).fetch_all(&self.pool).await?)
    }
}
pub mod suggest_history;
pub mod town;
