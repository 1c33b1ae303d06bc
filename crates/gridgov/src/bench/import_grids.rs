//! `gridgov bench import-grids`: a county's grid boundaries (15,000 by default) imported with
//! full validation (each polygon, overlaps between siblings, gaps and parts outside each
//! village) into a fresh database, beside the target.

use std::time::Instant;

use anyhow::Result;
use gridgov_core::auth::Actor;
use gridgov_geo::features::Crs;
use gridgov_store::Store;
use gridgov_store::grids::BoundaryImport;

use super::synthetic_county;
use crate::cli::BackendArgs;

const TARGET_SECS: f64 = 3.0;

pub async fn run(args: &BackendArgs, grids: usize) -> Result<()> {
    println!("machine: {}", super::machine());
    for pg in super::backends(args) {
        let db = super::temp_db(pg, "grids")?;
        let store = Store::connect(&db.url()?).await?;
        store.migrate().await?;
        let dir = super::temp_db::temp_dir("grids")?;
        let county = synthetic_county::prepare(&store, grids, &dir).await?;
        let mb = county.grids_geojson.len() as f64 / 1e6;
        let import = BoundaryImport {
            file: "grids.geojson",
            text: &county.grids_geojson,
            crs: Crs::Wgs84,
            allow_gaps: false,
        };
        let started = Instant::now();
        let first = store
            .import_grid_boundaries(&Actor::system(), &import)
            .await?;
        let create = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let again = store
            .import_grid_boundaries(&Actor::system(), &import)
            .await?;
        let replace = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let indexed = store.network_view(&Actor::system(), None).await?.len();
        let index = started.elapsed().as_secs_f64();
        println!(
            "\n{}: {} grids in {} villages, {mb:.1} MB of GeoJSON",
            db.label(),
            county.grids,
            first.villages
        );
        println!(
            "  import, creating {:>6} grids: {create:>6.2} s   target < {TARGET_SECS} s  {}",
            first.created,
            verdict(create)
        );
        println!(
            "  import, replacing {:>5} boundaries: {replace:>6.2} s   target < {TARGET_SECS} s  {}",
            again.updated,
            verdict(replace)
        );
        println!(
            "  point-to-grid index rebuilt from the database: {index:.2} s ({} grids)",
            indexed
        );
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

fn verdict(secs: f64) -> &'static str {
    if secs < TARGET_SECS { "PASS" } else { "MISS" }
}
