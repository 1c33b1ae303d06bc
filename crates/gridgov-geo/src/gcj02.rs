//! WGS84 ↔ GCJ-02. Maps and phones in China report GCJ-02 ("Mars coordinates"), a published
//! obfuscation of WGS84 that moves points by a few hundred metres; GPS receivers and GeoJSON
//! (RFC 7946) use WGS84. gridgov stores WGS84 and converts input that says it is GCJ-02.
//!
//! The forward transform is the public formula on the Krasovsky 1940 ellipsoid. It has no closed
//! inverse; [`to_wgs84`] inverts it by fixed-point iteration to well under a millimetre.

use crate::LngLat;

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;
const PI: f64 = std::f64::consts::PI;

/// Outside this box the transform is not applied (the convention of every implementation).
pub fn in_china(p: LngLat) -> bool {
    (72.004..=137.8347).contains(&p.lng) && (0.8293..=55.8271).contains(&p.lat)
}

fn d_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn d_lng(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// The GCJ-02 position of a WGS84 point.
pub fn from_wgs84(p: LngLat) -> LngLat {
    if !in_china(p) {
        return p;
    }
    let (x, y) = (p.lng - 105.0, p.lat - 35.0);
    let rad = p.lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = d_lat(x, y) * 180.0 / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlng = d_lng(x, y) * 180.0 / (A / sqrt_magic * rad.cos() * PI);
    LngLat::new(p.lng + dlng, p.lat + dlat)
}

/// The WGS84 position of a GCJ-02 point.
pub fn to_wgs84(g: LngLat) -> LngLat {
    if !in_china(g) {
        return g;
    }
    // The offset changes slowly with position, so subtracting the offset found at the current
    // guess converges fast; ten rounds take it below 1e-10 degrees.
    let mut w = g;
    for _ in 0..10 {
        let f = from_wgs84(w);
        let (elng, elat) = (f.lng - g.lng, f.lat - g.lat);
        w = LngLat::new(w.lng - elng, w.lat - elat);
        if elng.abs() < 1e-11 && elat.abs() < 1e-11 {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres between two nearby points (equirectangular; fine at these distances).
    fn metres(a: LngLat, b: LngLat) -> f64 {
        let r = 6_371_000.0;
        let x = (b.lng - a.lng).to_radians() * ((a.lat + b.lat) / 2.0).to_radians().cos();
        let y = (b.lat - a.lat).to_radians();
        r * (x * x + y * y).sqrt()
    }

    #[test]
    fn offsets_in_china_are_hundreds_of_metres() {
        // Huangshi, Beijing, Dali, Weifang.
        for p in [
            LngLat::new(115.0389, 30.1996),
            LngLat::new(116.404, 39.915),
            LngLat::new(100.2676, 25.6065),
            LngLat::new(119.1619, 36.7069),
        ] {
            let d = metres(p, from_wgs84(p));
            assert!((50.0..900.0).contains(&d), "{p:?} moved {d} m");
        }
    }

    #[test]
    fn matches_the_published_reference_point() {
        // Tiananmen, as given by the widely used reference implementations.
        let g = from_wgs84(LngLat::new(116.404, 39.915));
        assert!((g.lng - 116.410_244_499_169_38).abs() < 1e-9, "{g:?}");
        assert!((g.lat - 39.916_404_281_501_64).abs() < 1e-9, "{g:?}");
    }

    #[test]
    fn the_inverse_round_trips_below_a_millimetre() {
        for p in [
            LngLat::new(115.0389, 30.1996),
            LngLat::new(100.2676, 25.6065),
        ] {
            let back = to_wgs84(from_wgs84(p));
            assert!(metres(p, back) < 0.001, "{p:?} → {back:?}");
        }
    }

    #[test]
    fn points_abroad_are_left_alone() {
        let nyc = LngLat::new(-73.9857, 40.7484);
        assert_eq!(from_wgs84(nyc), nyc);
        assert_eq!(to_wgs84(nyc), nyc);
    }
}
