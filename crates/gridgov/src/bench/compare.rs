//! `gridgov bench compare`: 人房比对 at a city's size. A fresh database per backend with the
//! demo's regions and grids, a generated city's persons imported as the records, a survey of
//! the same persons with differences injected at known rates, loaded and compared. Prints the
//! load and the comparison separately beside the 30 s target, and the tasks raised beside what
//! was injected.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use gridgov_core::auth::Actor;
use gridgov_core::base_data::RecordKind;
use gridgov_core::ids::china_date_of_ms;
use gridgov_store::Store;
use gridgov_store::sheets::SheetReader;
use gridgov_store::verify::{CompareOptions, TaskCounts};

use super::survey_variant::{self, Injected};
use crate::cli::BackendArgs;

const TARGET_SECS: f64 = 30.0;

pub async fn run(args: &BackendArgs, persons: usize, seed: u64) -> Result<()> {
    println!("machine: {}", super::machine());
    let dir = super::temp_db::temp_dir("compare")?;
    let result = run_in(args, persons, seed, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn run_in(args: &BackendArgs, persons: usize, seed: u64, dir: &Path) -> Result<()> {
    let mut files: Option<Injected> = None;
    for pg in super::backends(args) {
        let db = super::temp_db(pg, "compare")?;
        let store = fresh_city(&db).await?;
        if files.is_none() {
            // The demo network is the same in every fresh database, so the files made on the
            // first serve the others.
            let plan = super::generate::GenArgs {
                persons,
                houses: (persons as f64 * 0.6).ceil() as usize,
                out: dir.to_path_buf(),
                seed,
                counties_csv: None,
            };
            super::generate::run(&store, &plan).await?;
            let today = china_date_of_ms(store.now_ms());
            let injected = survey_variant::write(
                &dir.join("persons.csv"),
                &dir.join("survey.csv"),
                seed,
                today,
            )?;
            println!(
                "survey: {} phones and {} addresses changed, {} persons dropped, {} added",
                injected.phones, injected.addresses, injected.dropped, injected.added
            );
            files = Some(injected);
        }
        let injected = files.unwrap_or_default();
        let records = crate::commands::import_base::import_file(
            &store,
            &Actor::system(),
            RecordKind::Persons,
            &dir.join("persons.csv"),
            "户籍",
            true,
        )
        .await?;
        let started = Instant::now();
        let survey = dir.join("survey.csv");
        let src = SheetReader::open(&survey, crate::commands::import_base::MAX_FILE_BYTES)
            .map_err(|e| anyhow::anyhow!("{} / {}", e.zh, e.en))?;
        let r = store
            .compare_source(
                &Actor::system(),
                Box::new(src),
                &CompareOptions {
                    source: "社区摸排".into(),
                    file_name: "survey.csv".into(),
                    accept_valid: true,
                    area: None,
                },
                Arc::new(|_| {}),
            )
            .await?;
        let total = started.elapsed().as_secs_f64();
        println!(
            "\n{}: {} persons in the records ({} rows read, imported in {:.1} s)",
            db.label(),
            records.inserted,
            records.rows_read,
            records.seconds
        );
        println!(
            "  load the survey, {:>9} rows kept of {:>9}: {:>6.2} s ({:.0} rows/s)",
            r.rows_loaded,
            r.rows_read,
            r.load_seconds,
            r.rows_read as f64 / r.load_seconds.max(1e-9)
        );
        println!(
            "  compare {} × {} persons:     {:>6.2} s   target < {TARGET_SECS} s  {}",
            records.inserted,
            r.rows_loaded,
            r.compare_seconds,
            if r.compare_seconds < TARGET_SECS {
                "PASS"
            } else {
                "MISS"
            }
        );
        println!("  load and compare, committed:  {total:>6.2} s");
        let want = TaskCounts {
            differs: injected.phones + injected.addresses,
            missing_in_records: injected.added,
            missing_in_source: injected.dropped,
        };
        for (what, got, injected) in [
            ("differs", r.counts.differs, want.differs),
            (
                "missing in records",
                r.counts.missing_in_records,
                want.missing_in_records,
            ),
            (
                "missing in source",
                r.counts.missing_in_source,
                want.missing_in_source,
            ),
        ] {
            let verdict = if got == injected { "MATCH" } else { "DIFFERS" };
            println!("  tasks {what:<19} {got:>8}   injected {injected:>8}  {verdict}");
        }
        store.close().await;
    }
    Ok(())
}

/// A migrated database with its own data key and the demo city (as `bench import-base`).
async fn fresh_city(db: &super::temp_db::TempDb) -> Result<Store> {
    super::import_base::city(db).await
}
