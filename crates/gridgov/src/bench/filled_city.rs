//! The database the volume benchmarks (work lists, exports, duplicates) read: the demo city with
//! years of incidents. Filling a million incidents takes tens of minutes per database, so a
//! filled database can be made once (`gridgov bench fill --city --database-url URL`) and named
//! with `--filled URL`; the benchmarks only read it. Without `--filled`, each run makes and
//! fills a throwaway database of its own, dropped at the end.

use std::str::FromStr;
use std::time::Instant;

use anyhow::{Context, Result};
use gridgov_store::protect::{DataKey, Protector};
use gridgov_store::{DatabaseUrl, Store};
use sqlx::AnyPool;

use super::incident_fill::{self, FillSpec};
use super::temp_db::TempDb;

/// A store and a raw pool (for the floors' bare SELECTs) on the filled city.
pub struct FilledCity {
    pub store: Store,
    pub pool: AnyPool,
    /// Held so that a throwaway database lives as long as the run.
    _temp: Option<TempDb>,
}

impl FilledCity {
    pub async fn close(self) {
        self.pool.close().await;
        self.store.close().await;
    }
}

/// The databases a volume benchmark runs on: the kept one when `filled` names it, else a fresh
/// one per chosen backend.
pub fn targets<'a>(args: &'a crate::cli::BackendArgs, filled: Option<&'a str>) -> Vec<Target<'a>> {
    match filled {
        Some(url) => vec![Target::Kept(url)],
        None => super::backends(args)
            .into_iter()
            .map(Target::Fresh)
            .collect(),
    }
}

pub enum Target<'a> {
    /// A kept database, already filled.
    Kept(&'a str),
    /// A fresh one on SQLite (None) or on this PostgreSQL server.
    Fresh(Option<&'a str>),
}

/// Opens the target: a kept database as it is (its incident count printed), or a fresh one with
/// the demo city and `incidents` incidents.
pub async fn open(target: &Target<'_>, tag: &str, incidents: u64) -> Result<FilledCity> {
    match target {
        Target::Kept(url) => {
            let url = DatabaseUrl::from_str(url)?;
            let store = Store::connect(&url)
                .await
                .with_context(|| format!("connecting to {}", url.redacted()))?;
            store.migrate().await?;
            let pool = AnyPool::connect(url.as_str()).await?;
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM incidents")
                .fetch_one(&pool)
                .await?;
            let label = match url.backend() {
                gridgov_store::Backend::Sqlite => "SQLite",
                gridgov_store::Backend::Postgres => "PostgreSQL",
            };
            println!("\n{label}: a kept database with {n} incidents");
            Ok(FilledCity {
                store,
                pool,
                _temp: None,
            })
        }
        Target::Fresh(pg) => {
            let db = super::temp_db(*pg, tag)?;
            let mut store = Store::connect(&db.url()?).await?;
            store.migrate().await?;
            store
                .confirm_data_key(&Protector::new(
                    &DataKey::from_hex(&DataKey::generate_hex()).map_err(anyhow::Error::msg)?,
                ))
                .await?;
            let label = db.label();
            println!("\n{label}: the demo city, then {incidents} incidents");
            let t = Instant::now();
            crate::demo::prepare_city(&store).await?;
            println!("  demo city ready in {:.1} s", t.elapsed().as_secs_f64());
            incident_fill::run(&store, &FillSpec::new(incidents, store.now_ms())).await?;
            let pool = AnyPool::connect(db.url()?.as_str()).await?;
            Ok(FilledCity {
                store,
                pool,
                _temp: Some(db),
            })
        }
    }
}
