//! The demo city's people: buildings, houses, residents and who lives where on the demo grids,
//! made by the benchmark generator at a small size and loaded through the real import (faults
//! included, so the import's checks are on show: the rows they refuse are skipped).

use std::path::Path;

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_core::base_data::RecordKind;
use gridgov_store::Store;

use crate::bench::generate::{self, GenArgs};
use crate::commands::import_base::import_file;

/// About a tenth of a real district: enough for every page to have something to show, little
/// enough that the demo still starts in a few seconds.
const PERSONS: usize = 20_000;
const HOUSES: usize = 12_000;

/// Loads the demo people unless the database already has persons. Returns the persons loaded.
pub async fn ensure(store: &Store, data_dir: &Path) -> Result<u64> {
    if store.has_persons(&Actor::system()).await? {
        return Ok(0);
    }
    let out = data_dir.join("demo-city");
    generate::run(
        store,
        &GenArgs {
            persons: PERSONS,
            houses: HOUSES,
            out: out.clone(),
            seed: 7,
            counties_csv: None,
        },
    )
    .await
    .context("generating the demo people")?;
    let mut persons = 0;
    for kind in [
        RecordKind::Buildings,
        RecordKind::Houses,
        RecordKind::Persons,
        RecordKind::Links,
    ] {
        let path = out.join(format!("{}.csv", kind.as_str()));
        let r = import_file(store, &Actor::system(), kind, &path, "演示数据 demo", true)
            .await
            .with_context(|| format!("importing the demo {}", kind.as_str()))?;
        if kind == RecordKind::Persons {
            persons = r.inserted;
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    Ok(persons)
}
