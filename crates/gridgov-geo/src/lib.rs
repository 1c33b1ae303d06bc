//! Geometry for gridgov: the coordinate systems that Chinese map data comes in, reading and
//! checking grid boundaries from GeoJSON, and the point → grid index. No I/O, no database.

pub mod cancel;
pub mod features;
pub mod gcj02;
pub mod geometry;
pub mod index;
pub mod network;
pub mod svg;
pub mod synth;
pub mod validity;

pub use cancel::{Cancel, Cancelled};

/// A point in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LngLat {
    pub lng: f64,
    pub lat: f64,
}

impl LngLat {
    pub fn new(lng: f64, lat: f64) -> Self {
        LngLat { lng, lat }
    }
}
