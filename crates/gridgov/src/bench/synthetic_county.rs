//! A synthetic county for the grid benchmarks: villages of ten grids each (5 × 2 cells of one
//! jittered mesh, 24 vertices a grid), a hundred villages a township, with the villages'
//! boundaries stored so an import checks gaps and parts outside as well as overlaps.

use anyhow::Result;
use geo::{MultiPolygon, Rect, coord};
use gridgov_core::auth::Actor;
use gridgov_geo::features::Crs;
use gridgov_geo::synth::Mesh;
use gridgov_store::Store;
use gridgov_store::grids::BoundaryImport;
use gridgov_store::regions::RegionSource;
use serde_json::{Map, Value, json};

pub const COUNTY: &str = "420202";
const VILLAGE_COLS: usize = 5;
const VILLAGE_ROWS: usize = 2;
const GRIDS_PER_VILLAGE: usize = VILLAGE_COLS * VILLAGE_ROWS;
const VILLAGES_PER_TOWN: usize = 100;
/// Cell size in degrees: about 400 m, the size of a city grid of 400 households.
const CELL: f64 = 0.004;

pub struct County {
    /// The grids as a GeoJSON FeatureCollection, ready to import.
    pub grids_geojson: String,
    pub grids: usize,
}

fn village_code(v: usize) -> String {
    format!(
        "{COUNTY}{:03}{:03}",
        v / VILLAGES_PER_TOWN + 1,
        v % VILLAGES_PER_TOWN + 1
    )
}

/// Loads the regions and village boundaries of a county with `grids` grids (rounded up to whole
/// villages) into the store, and returns the grids' GeoJSON for the caller to import.
pub async fn prepare(store: &Store, grids: usize, dir: &std::path::Path) -> Result<County> {
    let villages = grids.div_ceil(GRIDS_PER_VILLAGE).max(1);
    // Villages side by side in a near-square arrangement.
    let across = ((villages as f64).sqrt() * 1.5).ceil() as usize;
    let down = villages.div_ceil(across);
    let (cols, rows) = (across * VILLAGE_COLS, down * VILLAGE_ROWS);
    let mut csv =
        String::from("level,code,parent_code,name\n1,420000,,湖北省\n2,420200,420000,黄石市\n");
    csv.push_str(&format!("3,{COUNTY},420200,基准县\n"));
    for t in 0..villages.div_ceil(VILLAGES_PER_TOWN) {
        csv.push_str(&format!(
            "4,{COUNTY}{:03},{COUNTY},基准街道{}\n",
            t + 1,
            t + 1
        ));
    }
    for v in 0..villages {
        let code = village_code(v);
        csv.push_str(&format!("5,{code},{},基准社区{}\n", &code[..9], v + 1));
    }
    let path = dir.join("regions.csv");
    std::fs::write(&path, csv)?;
    store
        .import_regions(&Actor::system(), RegionSource::Path(path), "bench", &|_| {})
        .await?;

    let min = coord! { x: 114.8, y: 29.9 };
    let mesh = Mesh::new(
        Rect::new(
            min,
            coord! { x: min.x + cols as f64 * CELL, y: min.y + rows as f64 * CELL },
        ),
        cols,
        rows,
        6,
        2026,
    );
    let mut village_features: Vec<(Map<String, Value>, MultiPolygon<f64>)> = Vec::new();
    let mut grid_features = Vec::new();
    for v in 0..villages {
        let (c0, r0) = ((v % across) * VILLAGE_COLS, (v / across) * VILLAGE_ROWS);
        let code = village_code(v);
        let mut p = Map::new();
        p.insert("code".into(), json!(code));
        village_features.push((
            p,
            MultiPolygon::new(vec![mesh.block(
                c0,
                r0,
                c0 + VILLAGE_COLS,
                r0 + VILLAGE_ROWS,
            )]),
        ));
        for g in 0..GRIDS_PER_VILLAGE {
            let (c, r) = (c0 + g % VILLAGE_COLS, r0 + g / VILLAGE_COLS);
            let mut p = Map::new();
            p.insert("region".into(), json!(code));
            p.insert("code".into(), json!(format!("G{:02}", g + 1)));
            p.insert("name".into(), json!(format!("第{}网格", g + 1)));
            p.insert(
                "household_target".into(),
                json!(300 + (v * 7 + g * 13) % 220),
            );
            grid_features.push((p, MultiPolygon::new(vec![mesh.cell(c, r)])));
        }
    }
    let text =
        gridgov_geo::geometry::feature_collection(village_features.iter().map(|(p, s)| (p, s)));
    store
        .import_region_boundaries(
            &Actor::system(),
            &BoundaryImport {
                file: "villages",
                text: &text,
                crs: Crs::Wgs84,
                allow_gaps: false,
            },
        )
        .await?;
    Ok(County {
        grids_geojson: gridgov_geo::geometry::feature_collection(
            grid_features.iter().map(|(p, s)| (p, s)),
        ),
        grids: grid_features.len(),
    })
}
