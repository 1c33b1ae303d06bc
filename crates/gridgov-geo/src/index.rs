//! Point → grid: an R-tree over the bounding boxes of every current grid's shape, with an exact
//! point-in-polygon test on the few candidates a box search returns.
//!
//! The test is the crossing-number rule on flat coordinate arrays, kept apart from `geo`'s general
//! predicates because it runs millions of times a second. Its edges are half-open, so a point on
//! an edge shared by two grids belongs to exactly one of them, and grids that tile a community
//! resolve every point to one grid; where grids overlap, the one listed first wins.

use geo::{BoundingRect, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::LngLat;

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// The index over a set of shapes, each known by a number the caller chooses.
pub struct GridIndex {
    tree: RTree<Entry>,
    /// Per shape: its polygons, each a list of closed rings (shell first, then holes).
    shapes: Vec<Vec<Vec<Vec<[f64; 2]>>>>,
    ids: Vec<u32>,
}

/// Whether the point lies inside the rings of one polygon: an odd number of crossings over the
/// shell and its holes together.
fn inside(rings: &[Vec<[f64; 2]>], x: f64, y: f64) -> bool {
    let mut odd = false;
    for ring in rings {
        for w in ring.windows(2) {
            let ([xi, yi], [xj, yj]) = (w[0], w[1]);
            if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                odd = !odd;
            }
        }
    }
    odd
}

fn flat(shape: &MultiPolygon<f64>) -> Vec<Vec<Vec<[f64; 2]>>> {
    shape
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|ring| ring.coords().map(|c| [c.x, c.y]).collect())
                .collect()
        })
        .collect()
}

impl GridIndex {
    /// Builds the index (bulk-loaded, so building 15,000 grids takes milliseconds).
    pub fn build(grids: Vec<(u32, MultiPolygon<f64>)>) -> GridIndex {
        let mut shapes = Vec::with_capacity(grids.len());
        let mut ids = Vec::with_capacity(grids.len());
        let mut entries = Vec::with_capacity(grids.len());
        for (id, shape) in grids {
            if let Some(r) = shape.bounding_rect() {
                let slot = shapes.len() as u32;
                let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                entries.push(GeomWithData::new(rect, slot));
                shapes.push(flat(&shape));
                ids.push(id);
            }
        }
        GridIndex {
            tree: RTree::bulk_load(entries),
            shapes,
            ids,
        }
    }

    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// The grid containing the point (WGS84), if any.
    pub fn locate(&self, p: LngLat) -> Option<u32> {
        let probe = AABB::from_point([p.lng, p.lat]);
        self.tree
            .locate_in_envelope_intersecting(&probe)
            .map(|e| e.data)
            .filter(|slot| {
                self.shapes[*slot as usize]
                    .iter()
                    .any(|poly| inside(poly, p.lng, p.lat))
            })
            .min()
            .map(|slot| self.ids[slot as usize])
    }
}

/// Metres per degree of latitude, and of longitude at the equator (WGS84, rounded): distances
/// of a few kilometres between a point and a grid need no geodesy.
const M_PER_DEG_LAT: f64 = 110_574.0;
const M_PER_DEG_LNG: f64 = 111_320.0;

/// The distance in metres from `p` to the segment `a`–`b`, on a plane scaled at `p`'s latitude.
fn segment_m(p: [f64; 2], a: [f64; 2], b: [f64; 2], kx: f64) -> f64 {
    let to = |q: [f64; 2]| ((q[0] - p[0]) * kx, (q[1] - p[1]) * M_PER_DEG_LAT);
    let ((ax, ay), (bx, by)) = (to(a), to(b));
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    (cx * cx + cy * cy).sqrt()
}

impl GridIndex {
    /// The grid nearest to a point outside every grid, among those `accept` admits, with its
    /// distance in metres (0 when the point is inside it). Boxes are visited nearest first and
    /// the walk stops once a box is farther than the best edge found.
    pub fn nearest(&self, p: LngLat, accept: impl Fn(u32) -> bool) -> Option<(u32, f64)> {
        let kx = M_PER_DEG_LNG * p.lat.to_radians().cos().abs().max(0.01);
        // The fewest metres a degree can be in either direction: a bound for the stop test.
        let min_m_per_deg = kx.min(M_PER_DEG_LAT);
        let at = [p.lng, p.lat];
        let mut best: Option<(u32, f64)> = None;
        for entry in self.tree.nearest_neighbor_iter_with_distance_2(&at) {
            let (e, d2) = entry;
            if let Some((_, best_m)) = best
                && d2.sqrt() * min_m_per_deg > best_m
            {
                break;
            }
            let slot = e.data as usize;
            let id = self.ids[slot];
            if !accept(id) {
                continue;
            }
            let shape = &self.shapes[slot];
            let m = if shape.iter().any(|poly| inside(poly, p.lng, p.lat)) {
                0.0
            } else {
                shape
                    .iter()
                    .flatten()
                    .flat_map(|ring| ring.windows(2))
                    .map(|w| segment_m(at, w[0], w[1], kx))
                    .fold(f64::INFINITY, f64::min)
            };
            if best.is_none_or(|(_, b)| m < b) {
                best = Some((id, m));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        let ring = LineString::from(vec![
            (x, y),
            (x + size, y),
            (x + size, y + size),
            (x, y + size),
            (x, y),
        ]);
        MultiPolygon::new(vec![Polygon::new(ring, vec![])])
    }

    /// A 10 × 10 tiling of 0.01° squares starting at (115.0, 30.0); grid id = row * 10 + column.
    fn tiling() -> GridIndex {
        let mut grids = Vec::new();
        for row in 0..10 {
            for col in 0..10 {
                let id = row * 10 + col;
                grids.push((
                    id,
                    square(115.0 + col as f64 * 0.01, 30.0 + row as f64 * 0.01, 0.01),
                ));
            }
        }
        GridIndex::build(grids)
    }

    #[test]
    fn every_point_inside_the_tiling_has_one_grid() {
        let idx = tiling();
        assert_eq!(idx.len(), 100);
        assert_eq!(idx.locate(LngLat::new(115.005, 30.005)), Some(0));
        assert_eq!(idx.locate(LngLat::new(115.095, 30.035)), Some(39));
    }

    /// Every grid whose shape holds the point, not just the first.
    fn holders(idx: &GridIndex, p: LngLat) -> Vec<u32> {
        (0..idx.shapes.len())
            .filter(|i| idx.shapes[*i].iter().any(|poly| inside(poly, p.lng, p.lat)))
            .map(|i| idx.ids[i])
            .collect()
    }

    #[test]
    fn edges_and_corners_shared_by_grids_belong_to_exactly_one() {
        // Quarter-degree squares: every coordinate below is exact in binary floating point.
        let mut grids = Vec::new();
        for row in 0..4 {
            for col in 0..4 {
                grids.push((
                    row * 4 + col,
                    square(col as f64 * 0.25, row as f64 * 0.25, 0.25),
                ));
            }
        }
        let idx = GridIndex::build(grids);
        for p in [
            LngLat::new(0.25, 0.125),
            LngLat::new(0.125, 0.5),
            LngLat::new(0.5, 0.5),
            LngLat::new(0.75, 0.25),
        ] {
            assert_eq!(holders(&idx, p).len(), 1, "{p:?}");
            assert!(idx.locate(p).is_some());
        }
    }

    #[test]
    fn points_outside_every_grid_find_none() {
        let idx = tiling();
        assert_eq!(idx.locate(LngLat::new(114.99, 30.005)), None);
        assert_eq!(idx.locate(LngLat::new(116.0, 31.0)), None);
        assert_eq!(
            GridIndex::build(Vec::new()).locate(LngLat::new(115.0, 30.0)),
            None
        );
    }

    #[test]
    fn holes_belong_to_no_grid() {
        let shell = LineString::from(vec![
            (0.0, 0.0),
            (3.0, 0.0),
            (3.0, 3.0),
            (0.0, 3.0),
            (0.0, 0.0),
        ]);
        let hole = LineString::from(vec![
            (1.0, 1.0),
            (1.0, 2.0),
            (2.0, 2.0),
            (2.0, 1.0),
            (1.0, 1.0),
        ]);
        let idx = GridIndex::build(vec![(
            7,
            MultiPolygon::new(vec![Polygon::new(shell, vec![hole])]),
        )]);
        assert_eq!(idx.locate(LngLat::new(0.5, 0.5)), Some(7));
        assert_eq!(idx.locate(LngLat::new(1.5, 1.5)), None);
    }

    #[test]
    fn the_nearest_grid_and_its_distance_in_metres() {
        let idx = tiling();
        // West of the tiling, on the latitude of its first row.
        let p = LngLat::new(114.99, 30.005);
        let (id, m) = idx.nearest(p, |_| true).unwrap();
        assert_eq!(idx.locate(LngLat::new(115.0001, 30.005)), Some(id));
        // 0.01° of longitude at 30° N is about 964 m.
        assert!((m - 964.0).abs() < 5.0, "{m}");
        // Grids refused by the filter are passed over.
        let (other, m2) = idx.nearest(p, |g| g != id).unwrap();
        assert_ne!(other, id);
        assert!(m2 >= m);
        // Inside a grid: distance 0.
        assert_eq!(
            idx.nearest(LngLat::new(115.0001, 30.005), |_| true)
                .map(|r| r.1),
            Some(0.0)
        );
        assert!(idx.nearest(p, |_| false).is_none());
    }
}
