//! One small town for the stories of the incident loop, shared by the store's and the web's
//! tests: a district of two villages with a bounded grid each, their workers, the district's
//! center, two departments with a handler each, and a few categories.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gridgov_core::auth::{Actor, Role};
use gridgov_geo::features::Crs;

use super::{add_user, seed_regions};
use crate::Store;
use crate::grids::BoundaryImport;
use crate::users::User;

pub const XINJIE: &str = "420202001001";
pub const HUBIN: &str = "420202001002";

/// A district of two villages with a grid each, its center, two departments with a handler
/// each, the grid workers, and two categories.
pub struct Town {
    pub g1: String,
    pub g2: String,
    pub worker: Actor,
    pub worker2: Actor,
    pub center: Actor,
    pub urban: String,
    pub police: String,
    pub urban_handler: Actor,
    pub police_handler: Actor,
}

/// A square of 0.01° from (x, y), as GeoJSON coordinates.
pub fn square(x: f64, y: f64) -> String {
    let s = 0.01;
    format!(
        "[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]",
        x + s,
        x + s,
        y + s,
        y + s
    )
}

fn actor(u: &User) -> Actor {
    u.actor()
}

pub async fn town(store: &Store) -> Town {
    seed_regions(store).await;
    let sys = Actor::system();
    let grids = format!(
        r#"{{"type":"FeatureCollection","features":[
        {{"type":"Feature","properties":{{"region":"{XINJIE}","code":"G1","name":"新街一网格","household_target":400}},
          "geometry":{{"type":"Polygon","coordinates":{}}}}},
        {{"type":"Feature","properties":{{"region":"{HUBIN}","code":"G1","name":"湖滨一网格","household_target":400}},
          "geometry":{{"type":"Polygon","coordinates":{}}}}}]}}"#,
        square(115.0, 30.2),
        square(115.02, 30.2)
    );
    store
        .import_grid_boundaries(
            &sys,
            &BoundaryImport {
                file: "grids.geojson",
                text: &grids,
                crs: Crs::Wgs84,
                allow_gaps: true,
            },
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for region in [XINJIE, HUBIN] {
        let under = format!("42/4202/420202/420202001/{region}/");
        let g = store
            .grids(
                &sys,
                &crate::grids::GridFilter {
                    under_path: Some(under),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        ids.push((region.to_owned(), g[0].grid.id.clone()));
    }
    let (g1, g2) = (ids[0].1.clone(), ids[1].1.clone());
    let worker = add_user(store, &sys, "worker", Role::GridWorker, XINJIE).await;
    let worker2 = add_user(store, &sys, "worker2", Role::GridWorker, HUBIN).await;
    store
        .assign_staff(&sys, &g1, "worker", "grid_worker")
        .await
        .unwrap();
    store
        .assign_staff(&sys, &g2, "worker2", "grid_worker")
        .await
        .unwrap();
    let center = add_user(store, &sys, "center", Role::CenterOperator, "420202").await;
    let urban_handler = add_user(store, &sys, "urban", Role::DepartmentHandler, "420202").await;
    let police_handler = add_user(store, &sys, "police", Role::DepartmentHandler, "420202").await;
    // Departments and categories are written as their own module will write them.
    store
        .execute_raw_for_tests(
            "INSERT INTO departments (id, name, sector, region_code, path, phone, created_at, \
             updated_at) VALUES \
             ('dep-urban', '黄石港区城管执法局', 'urban_management', '420202', '42/4202/420202/', '', 0, 0), \
             ('dep-police', '黄石港公安分局', 'public_security', '420202', '42/4202/420202/', '', 0, 0)",
        )
        .await
        .unwrap();
    store
        .execute_raw_for_tests(&format!(
            "INSERT INTO department_members (user_id, department_id, created_at) VALUES \
             ('{}', 'dep-urban', 0), ('{}', 'dep-police', 0)",
            urban_handler.id, police_handler.id
        ))
        .await
        .unwrap();
    store
        .execute_raw_for_tests(
            "INSERT INTO incident_categories (code, parent_code, level, name, name_en, \
             default_grade, sectors, evidence_required, sort_order, created_at, updated_at) VALUES \
             ('06', NULL, 1, '城市管理', 'city management', 'general', 'urban_management', 0, 6, 0, 0), \
             ('0601', '06', 2, '占道经营', 'street vending', 'general', 'urban_management', 1, 1, 0, 0), \
             ('01', NULL, 1, '矛盾纠纷', 'disputes', 'serious', 'justice', 0, 1, 0, 0)",
        )
        .await
        .unwrap();
    Town {
        g1,
        g2,
        worker: actor(&worker),
        worker2: actor(&worker2),
        center: actor(&center),
        urban: "dep-urban".into(),
        police: "dep-police".into(),
        urban_handler: actor(&urban_handler),
        police_handler: actor(&police_handler),
    }
}
