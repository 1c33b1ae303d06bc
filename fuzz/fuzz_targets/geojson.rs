//! GeoJSON boundaries as an import reads them (`features::read`) and as stored geometry is read
//! back (`geometry::from_geojson`). A feature read without fault must be a valid shape, and its
//! stored text must read back to as many polygons.
#![no_main]
#![allow(clippy::unwrap_used)]

use gridgov_geo::features::{Crs, read};
use gridgov_geo::{Cancel, geometry, validity};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let cancel = Cancel::new();
    // GCJ-02 input takes the conversion path too; the first byte picks, so both are reached.
    let crs = if data.first().is_some_and(|b| b % 2 == 1) {
        Crs::Gcj02
    } else {
        Crs::Wgs84
    };
    if let Ok(features) = read(text, crs, &cancel) {
        for f in &features {
            let invalid = validity::check(&f.shape, &cancel).unwrap();
            assert!(
                invalid.is_empty(),
                "feature {} read but invalid: {invalid:?}",
                f.index
            );
            let stored = geometry::to_geojson(&f.shape);
            let back = geometry::from_geojson(&stored)
                .unwrap_or_else(|e| panic!("feature {}: {e}: {stored}", f.index));
            assert_eq!(back.0.len(), f.shape.0.len(), "{stored}");
            for (a, b) in back.0.iter().zip(&f.shape.0) {
                assert_eq!(a.interiors().len(), b.interiors().len(), "{stored}");
            }
            let _ = geometry::bbox(&f.shape);
            let _ = geometry::label_point(&f.shape);
        }
    }
    if let Ok(shape) = geometry::from_geojson(text) {
        let _ = validity::check(&shape, &cancel);
        let _ = geometry::to_geojson(&shape);
    }
});
