//! `gridgov import grids|region-boundaries` and `gridgov grids export|one-per-village`.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use gridgov_core::auth::Actor;
use gridgov_geo::features::Crs;
use gridgov_store::grids::BoundaryImport;

use crate::cli::{CrsChoice, DbArgs, GridCommand};

fn crs(c: CrsChoice) -> Crs {
    match c {
        CrsChoice::Wgs84 => Crs::Wgs84,
        CrsChoice::Gcj02 => Crs::Gcj02,
    }
}

/// Imports grid boundaries (or region boundaries) from a GeoJSON file, all or nothing.
pub async fn import(
    file: Option<&Path>,
    db: &DbArgs,
    path: &Path,
    crs_choice: CrsChoice,
    allow_gaps: bool,
    regions: bool,
) -> Result<()> {
    let config = super::load_config(file, db, None)?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let store = super::open_store(&config).await?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = BoundaryImport {
        file: &name,
        text: &text,
        crs: crs(crs_choice),
        allow_gaps,
    };
    let started = Instant::now();
    eprintln!("checking {name} … / 正在检查 {name} …");
    let result = if regions {
        store
            .import_region_boundaries(&Actor::system(), &input)
            .await
            .map(|r| {
                format!(
                    "{} region boundaries stored / 已保存 {} 个区划边界",
                    r.stored, r.stored
                )
            })
    } else {
        store
            .import_grid_boundaries(&Actor::system(), &input)
            .await
            .map(|r| {
                let mut s = format!(
                    "{} grids in {} villages: {} created, {} boundaries replaced / \
                     {} 个村/社区共 {} 个网格：新建 {}，更新边界 {}",
                    r.features,
                    r.villages,
                    r.created,
                    r.updated,
                    r.villages,
                    r.features,
                    r.created,
                    r.updated
                );
                for g in &r.gaps {
                    s.push_str(&format!("\n  gap accepted / 已接受的空隙: {g}"));
                }
                s
            })
    };
    store.close().await;
    let summary = result.with_context(|| format!("importing {}", path.display()))?;
    println!("{summary} ({:.2} s)", started.elapsed().as_secs_f64());
    Ok(())
}

pub async fn run(file: Option<&Path>, db: &DbArgs, action: GridCommand) -> Result<()> {
    let config = super::load_config(file, db, None)?;
    let store = super::open_store(&config).await?;
    let sys = Actor::system();
    let result = match action {
        GridCommand::Export { region, out } => {
            let path = match &region {
                Some(code) => Some(store.resolve_region(&sys, "region", code).await?.path),
                None => None,
            };
            let text = store.export_grid_boundaries(&sys, path.as_deref()).await?;
            match out {
                Some(p) => {
                    std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))
                }
                None => {
                    println!("{text}");
                    Ok(())
                }
            }
        }
        GridCommand::OnePerVillage { region, households } => {
            let r = store
                .one_grid_per_village(&sys, &region, households)
                .await?;
            println!(
                "{} villages: {} grids created ({} with the village's boundary), {} already had \
                 grids / {} 个村：新建 {} 个网格（{} 个带边界），{} 个已有网格",
                r.villages,
                r.created,
                r.with_boundary,
                r.skipped,
                r.villages,
                r.created,
                r.with_boundary,
                r.skipped
            );
            Ok(())
        }
    };
    store.close().await;
    result
}
