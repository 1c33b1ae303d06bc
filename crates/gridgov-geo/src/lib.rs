//! Geometry for gridgov. Today: the coordinate systems that Chinese map data comes in.
//! Grid polygons, their validation, the point-to-grid R-tree and SVG maps build on this.

pub mod gcj02;

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
