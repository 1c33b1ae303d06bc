//! The demo city's people: buildings, houses, residents and who lives where on the demo grids,
//! made by the benchmark generator at a small size and loaded through the real import (faults
//! included, so the import's checks are on show: the rows they refuse are skipped).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_core::base_data::RecordKind;
use gridgov_core::ids::IdCardNo;
use gridgov_store::Store;

use crate::bench::generate::{self, GenArgs};
use crate::commands::import_base::import_file;

/// About a tenth of a real district: enough for every page to have something to show, little
/// enough that the demo still starts in a few seconds.
const PERSONS: usize = 20_000;
const HOUSES: usize = 12_000;

/// Residents a grid offers as parties of the demo's incidents.
const PARTIES_PER_GRID: usize = 12;

/// Residents by grid key (`<village code>-<grid code>`, as the import templates write it): ID
/// number and name, so the demo's incidents name real residents by ID number, the way a worker
/// types them. The numbers are known only while the generated files exist (the database keeps
/// them sealed), so the book is empty when the people were loaded by an earlier run.
#[derive(Debug, Default)]
pub struct PartyBook(HashMap<String, Vec<(String, String)>>);

impl PartyBook {
    pub fn of_grid(&self, key: &str) -> &[(String, String)] {
        self.0.get(key).map(Vec::as_slice).unwrap_or_default()
    }

    /// The first residents of each grid in a generated `persons.csv` whose ID number is valid
    /// (the generator writes a few faulty ones on purpose, which the import refuses).
    fn read(path: &Path) -> Result<PartyBook> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut book: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for line in text.lines().skip(1) {
            let mut f = line.split(',');
            let (Some(grid), Some(name), Some(id)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            let list = book.entry(grid.to_owned()).or_default();
            if list.len() < PARTIES_PER_GRID
                && IdCardNo::parse("id_card_no", id).is_ok()
                && !list.iter().any(|(known, _)| known == id)
            {
                list.push((id.to_owned(), name.to_owned()));
            }
        }
        Ok(PartyBook(book))
    }
}

/// Loads the demo people unless the database already has persons. Returns the persons loaded
/// and the residents the incidents may name.
pub async fn ensure(store: &Store, data_dir: &Path) -> Result<(u64, PartyBook)> {
    if store.has_persons(&Actor::system()).await? {
        return Ok((0, PartyBook::default()));
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
    let book = PartyBook::read(&out.join(format!("{}.csv", RecordKind::Persons.as_str())))?;
    let _ = std::fs::remove_dir_all(&out);
    Ok((persons, book))
}
