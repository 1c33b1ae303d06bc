//! The administrative commands: each loads the settings, opens the store and acts as the system.

pub mod audit;
pub mod backup;
pub mod compare;
pub mod grids;
pub mod import;
pub mod import_base;
pub mod migrate;
pub mod serve;
pub mod user;

use std::path::Path;

use anyhow::{Context, Result};
use gridgov_store::{Backend, Store};

use crate::cli::DbArgs;
use crate::config::{Config, Overrides};

pub fn load_config(file: Option<&Path>, db: &DbArgs, listen: Option<String>) -> Result<Config> {
    Config::load(
        file,
        Overrides {
            data_dir: db.data_dir.clone(),
            database_url: db.database_url.clone(),
            listen,
        },
    )
}

/// Keeps attachment bytes in the data directory's `blobs/` folder (created, private, when
/// missing). Every node serving the same database must see the same folder (a shared volume)
/// until an object store implements the same trait.
pub fn with_blobs(store: Store, config: &Config) -> Result<Store> {
    let root = config.data_dir.join("blobs");
    let blobs = gridgov_store::attachments::FsBlobStore::open(&root)
        .with_context(|| format!("opening the attachment store {}", root.display()))?;
    Ok(store.with_blobs(std::sync::Arc::new(blobs)))
}

/// Connects and brings the schema up to date, so every command works on a fresh data directory;
/// sqlx takes a lock while migrating, so nodes starting together do not race.
pub async fn open_store(config: &Config) -> Result<Store> {
    if config.database_url.backend() == Backend::Sqlite {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating {}", config.data_dir.display()))?;
    }
    let store = Store::connect(&config.database_url)
        .await
        .with_context(|| format!("connecting to {}", config.database_url.redacted()))?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}
