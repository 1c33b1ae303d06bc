//! `gridgov bench …`: each benchmark prints gridgov's figure beside a comparison.
//! Results and the exact commands are kept in docs/benchmarks.md.

mod bridges;
mod compare;
mod demo_startup;
mod duplicates;
mod escalation;
mod export;
mod filled_city;
pub(crate) mod generate;
mod grid_map;
mod http;
mod import_base;
mod import_grids;
mod import_regions;
pub(crate) mod incident_fill;
#[cfg(test)]
mod incident_fill_tests;
mod incident_walk;
mod lifecycle;
mod lifecycle_bare;
mod locate;
mod notify;
mod open311;
mod recompute;
mod region_browser;
mod stats;
mod suggest;
mod survey_variant;
mod synthetic_county;
mod temp_db;
mod workdays;
mod worklists;

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::cli::BenchCommand;

/// Where the national division data lies when `--data` is not given.
const DEFAULT_DATA: &str = "../shared/data/divisions/nbs2023";

pub async fn run(which: BenchCommand) -> Result<()> {
    match which {
        BenchCommand::ImportRegions { data, backend } => {
            import_regions::run(&data_dir(data)?, &backend).await
        }
        BenchCommand::DemoStartup { runs } => demo_startup::run(runs).await,
        BenchCommand::RegionBrowser {
            data,
            backend,
            requests,
        } => region_browser::run(&data_dir(data)?, &backend, requests).await,
        BenchCommand::Locate(args) => locate::run(&args).await,
        BenchCommand::Gen {
            persons,
            houses,
            out,
            seed,
            counties,
            db,
        } => {
            let config = crate::commands::load_config(None, &db, None)?;
            let store = crate::commands::open_store(&config).await?;
            let national = std::path::Path::new(DEFAULT_DATA).join("areas.csv");
            let counties = counties.or_else(|| national.is_file().then_some(national));
            let args = generate::GenArgs {
                persons,
                houses,
                out,
                seed,
                counties_csv: counties,
            };
            let r = generate::run(&store, &args).await;
            store.close().await;
            r
        }
        BenchCommand::ImportBase {
            persons,
            houses,
            backend,
        } => {
            import_base::run(&import_base::ImportBaseArgs {
                persons,
                houses,
                backend: &backend,
            })
            .await
        }
        BenchCommand::ImportGrids { grids, backend } => import_grids::run(&backend, grids).await,
        BenchCommand::GridMap {
            grids,
            requests,
            backend,
        } => grid_map::run(&backend, grids, requests).await,
        BenchCommand::Fill {
            incidents,
            years,
            seed,
            city,
            db,
        } => {
            let config = crate::commands::load_config(None, &db, None)?;
            let store = crate::commands::open_store(&config).await?;
            if city {
                crate::demo::prepare_city(&store).await?;
            }
            let spec = incident_fill::FillSpec {
                years,
                seed,
                ..incident_fill::FillSpec::new(incidents, store.now_ms())
            };
            let r = incident_fill::run(&store, &spec).await.map(|_| ());
            store.close().await;
            r
        }
        BenchCommand::Export {
            incidents,
            filled,
            backend,
        } => export::run(&backend, filled.as_deref(), incidents).await,
        BenchCommand::Worklists {
            incidents,
            filled,
            samples,
            backend,
        } => worklists::run(&backend, filled.as_deref(), incidents, samples).await,
        BenchCommand::Duplicates {
            incidents,
            filled,
            samples,
            backend,
        } => duplicates::run(&backend, filled.as_deref(), incidents, samples).await,
        BenchCommand::Lifecycle {
            clients,
            lifecycles,
            backend,
        } => lifecycle::run(&backend, clients, lifecycles).await,
        BenchCommand::Compare {
            persons,
            seed,
            backend,
        } => compare::run(&backend, persons, seed).await,
        BenchCommand::Workdays { additions, seed } => workdays::run(additions, seed),
        BenchCommand::Suggest {
            data,
            seed,
            incidents,
        } => suggest::run(data, seed, incidents),
        BenchCommand::Recompute { incidents, backend } => recompute::run(&backend, incidents).await,
        BenchCommand::Escalation { incidents, backend } => {
            escalation::run(&backend, incidents).await
        }
        BenchCommand::Notify {
            deliveries,
            backend,
        } => notify::run(&backend, deliveries).await,
        BenchCommand::Open311 {
            posts,
            clients,
            incidents,
            filled,
            samples,
            backend,
        } => {
            let plan = open311::Plan {
                posts,
                clients,
                incidents,
                filled: filled.as_deref(),
                samples,
            };
            open311::run(&backend, &plan).await
        }
        BenchCommand::Bridges {
            orders,
            clients,
            backend,
        } => bridges::run(&backend, orders, clients).await,
    }
}

fn data_dir(given: Option<PathBuf>) -> Result<PathBuf> {
    let dir = given.unwrap_or_else(|| PathBuf::from(DEFAULT_DATA));
    if !dir.join("provinces.csv").is_file() {
        bail!(
            "no NBS division data in {} (expected provinces.csv …); pass --data DIR",
            dir.display()
        );
    }
    Ok(dir)
}

/// Runs the benchmark on each chosen backend.
fn backends(args: &crate::cli::BackendArgs) -> Vec<Option<&str>> {
    let mut v = Vec::new();
    if args.backend.sqlite() {
        v.push(None);
    }
    if args.backend.postgres() {
        v.push(Some(args.pg_url.as_str()));
    }
    v
}

fn temp_db(pg: Option<&str>, tag: &str) -> Result<temp_db::TempDb> {
    match pg {
        None => temp_db::TempDb::sqlite(tag),
        Some(server) => temp_db::TempDb::postgres(server, tag),
    }
}

/// Machine facts printed with every result, so figures are never quoted without them.
fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    format!("{cores} cores, {build} build")
}
