//! Point → grid: an R-tree over the bounding boxes of every current grid's shape, with an exact
//! point-in-polygon test on the few candidates a box search returns.
//!
//! A point on a shared edge belongs to the grid listed first, so every point resolves to exactly
//! one grid even where grids touch.

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::LngLat;

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// The index over a set of shapes, each known by a number the caller chooses.
pub struct GridIndex {
    tree: RTree<Entry>,
    shapes: Vec<MultiPolygon<f64>>,
    ids: Vec<u32>,
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
                shapes.push(shape);
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
        let point = Point::new(p.lng, p.lat);
        let probe = AABB::from_point([p.lng, p.lat]);
        self.tree
            .locate_in_envelope_intersecting(&probe)
            .map(|e| e.data)
            .filter(|slot| self.shapes[*slot as usize].intersects(&point))
            .min()
            .map(|slot| self.ids[slot as usize])
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
        // On the edge between grid 0 and grid 1: the first listed wins, every time.
        assert_eq!(idx.locate(LngLat::new(115.01, 30.005)), Some(0));
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
}
