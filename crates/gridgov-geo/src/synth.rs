//! Made-up but believable grid boundaries, for benchmarks and the demo city: a jittered mesh
//! that tiles a rectangle with no gaps and no overlaps.
//!
//! The mesh is a lattice of `cols × rows` cells. Every interior lattice vertex is moved a
//! little off its place, and every cell edge is a polyline whose inner points are moved a little
//! sideways, so that boundaries look drawn rather than ruled. Any block of cells — a township,
//! a community inside it, a grid inside that — is outlined from the very same vertices and edge
//! polylines, so blocks that touch share identical coordinates and nested blocks tile their
//! parent exactly.
//!
//! Everything derives from the seed and the identity of each vertex or edge through a small
//! hash, so a mesh is the same on every machine and every run, and no random-number crate is
//! needed.

use geo::{Coord, LineString, Polygon, Rect};

/// How far a lattice vertex may move, as a fraction of a cell, in any direction (a disk, not a
/// square: the corners of a square would let three vertices of a cell fall in line). With 0.25
/// each cell stays a convex quadrilateral whose angles are at least 30°.
const VERTEX_JITTER: f64 = 0.25;

/// How far an inner point of an edge may move sideways, per unit of its distance from the
/// nearer end of the edge. Tapering to zero at the ends keeps each edge inside a thin rhombus
/// over its chord (half-angle atan 0.2 ≈ 11°); two such rhombi meeting at a corner of at least
/// 30° cannot cross, so every cell, and so every block, is a valid polygon.
const EDGE_JITTER: f64 = 0.2;

/// A jittered mesh over a rectangle.
#[derive(Debug, Clone)]
pub struct Mesh {
    bbox: Rect<f64>,
    cols: usize,
    rows: usize,
    segments: usize,
    /// Lattice vertices, row by row: `(rows + 1) × (cols + 1)`.
    vertices: Vec<Coord<f64>>,
    /// Inner points of the edge from vertex (c, r) to (c + 1, r), `segments - 1` each, row by row.
    horizontal: Vec<Vec<Coord<f64>>>,
    /// Inner points of the edge from vertex (c, r) to (c, r + 1), `segments - 1` each, row by row.
    vertical: Vec<Vec<Coord<f64>>>,
}

/// splitmix64's finaliser: every input bit reaches every output bit.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A number in [0, 1) fixed by the seed and the parts that name one quantity.
fn unit(seed: u64, parts: &[u64]) -> f64 {
    let h = parts.iter().fold(mix(seed), |h, &p| mix(h ^ p));
    // The top 53 bits, exactly representable.
    (h >> 11) as f64 / (1u64 << 53) as f64
}

// What each hashed quantity is, so that no two draw the same number.
const VERTEX_ANGLE: u64 = 1;
const VERTEX_RADIUS: u64 = 2;
const HORIZONTAL_EDGE: u64 = 3;
const VERTICAL_EDGE: u64 = 4;

impl Mesh {
    /// A mesh of `cols × rows` cells over `bbox`, each edge a polyline of `segments` pieces.
    /// Zero for `cols`, `rows` or `segments` is taken as one.
    ///
    /// The outline of the whole mesh is exactly `bbox`: vertices on its sides move only along
    /// them, its corners stay, and the edges along it stay straight.
    pub fn new(bbox: Rect<f64>, cols: usize, rows: usize, segments: usize, seed: u64) -> Mesh {
        let (cols, rows, segments) = (cols.max(1), rows.max(1), segments.max(1));
        // The jitter is worked out on the unit lattice (a cell is 1 × 1) and then mapped onto
        // the box; the map is affine, which keeps convexity and validity.
        let place = |u: f64, v: f64| Coord {
            x: bbox.min().x + bbox.width() * u / cols as f64,
            y: bbox.min().y + bbox.height() * v / rows as f64,
        };

        let mut lattice = Vec::with_capacity((rows + 1) * (cols + 1));
        for r in 0..=rows {
            for c in 0..=cols {
                let id = [r as u64, c as u64];
                let angle = std::f64::consts::TAU * unit(seed, &[VERTEX_ANGLE, id[0], id[1]]);
                // The square root spreads the points evenly over the disk.
                let radius = VERTEX_JITTER * unit(seed, &[VERTEX_RADIUS, id[0], id[1]]).sqrt();
                let (mut du, mut dv) = (radius * angle.cos(), radius * angle.sin());
                if c == 0 || c == cols {
                    du = 0.0;
                }
                if r == 0 || r == rows {
                    dv = 0.0;
                }
                lattice.push((c as f64 + du, r as f64 + dv));
            }
        }
        let at = |c: usize, r: usize| lattice[r * (cols + 1) + c];

        // Inner points of the edge from a to b; straight along the outline.
        let edge = |a: (f64, f64), b: (f64, f64), kind: u64, c: usize, r: usize, outline: bool| {
            let (ex, ey) = (b.0 - a.0, b.1 - a.1);
            let len = ex.hypot(ey);
            // The unit normal to the edge.
            let (nx, ny) = (-ey / len, ex / len);
            (1..segments)
                .map(|k| {
                    let t = k as f64 / segments as f64;
                    let offset = if outline {
                        0.0
                    } else {
                        let room = EDGE_JITTER * len * t.min(1.0 - t);
                        let draw = unit(seed, &[kind, r as u64, c as u64, k as u64]);
                        room * (2.0 * draw - 1.0)
                    };
                    place(a.0 + t * ex + offset * nx, a.1 + t * ey + offset * ny)
                })
                .collect::<Vec<_>>()
        };

        let mut horizontal = Vec::with_capacity((rows + 1) * cols);
        for r in 0..=rows {
            for c in 0..cols {
                let outline = r == 0 || r == rows;
                horizontal.push(edge(at(c, r), at(c + 1, r), HORIZONTAL_EDGE, c, r, outline));
            }
        }
        let mut vertical = Vec::with_capacity(rows * (cols + 1));
        for r in 0..rows {
            for c in 0..=cols {
                let outline = c == 0 || c == cols;
                vertical.push(edge(at(c, r), at(c, r + 1), VERTICAL_EDGE, c, r, outline));
            }
        }

        // The box's own corners and sides, exactly, rather than recomputed through `place`.
        let vertices = lattice
            .iter()
            .enumerate()
            .map(|(i, &(u, v))| {
                let (c, r) = (i % (cols + 1), i / (cols + 1));
                let mut p = place(u, v);
                if c == 0 {
                    p.x = bbox.min().x;
                } else if c == cols {
                    p.x = bbox.max().x;
                }
                if r == 0 {
                    p.y = bbox.min().y;
                } else if r == rows {
                    p.y = bbox.max().y;
                }
                p
            })
            .collect();
        let mut mesh = Mesh {
            bbox,
            cols,
            rows,
            segments,
            vertices,
            horizontal,
            vertical,
        };
        mesh.pin_outline();
        mesh
    }

    /// Puts the inner points of the outline's edges exactly on the box's sides, which the
    /// arithmetic above only comes within rounding of.
    fn pin_outline(&mut self) {
        let (min, max) = (self.bbox.min(), self.bbox.max());
        let (cols, rows) = (self.cols, self.rows);
        for c in 0..cols {
            for p in &mut self.horizontal[c] {
                p.y = min.y;
            }
            for p in &mut self.horizontal[rows * cols + c] {
                p.y = max.y;
            }
        }
        for r in 0..rows {
            for p in &mut self.vertical[r * (cols + 1)] {
                p.x = min.x;
            }
            for p in &mut self.vertical[r * (cols + 1) + cols] {
                p.x = max.x;
            }
        }
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn segments(&self) -> usize {
        self.segments
    }

    /// The rectangle the mesh covers, exactly.
    pub fn bbox(&self) -> Rect<f64> {
        self.bbox
    }

    fn vertex(&self, c: usize, r: usize) -> Coord<f64> {
        self.vertices[r * (self.cols + 1) + c]
    }

    /// The outline of the cells `[c0, c1) × [r0, r1)`, counterclockwise from its lower left
    /// corner. Column 0 is at the west side of the box, row 0 at the south.
    ///
    /// # Panics
    ///
    /// If the block is empty or reaches past the mesh, as slicing would.
    pub fn block(&self, c0: usize, r0: usize, c1: usize, r1: usize) -> Polygon<f64> {
        assert!(
            c0 < c1 && c1 <= self.cols && r0 < r1 && r1 <= self.rows,
            "block [{c0}, {c1}) × [{r0}, {r1}) is empty or outside a {} × {} mesh",
            self.cols,
            self.rows
        );
        let mut ring = Vec::with_capacity(2 * ((c1 - c0) + (r1 - r0)) * self.segments + 1);
        let cols = self.cols;
        // South side, west to east.
        for c in c0..c1 {
            ring.push(self.vertex(c, r0));
            ring.extend_from_slice(&self.horizontal[r0 * cols + c]);
        }
        // East side, south to north.
        for r in r0..r1 {
            ring.push(self.vertex(c1, r));
            ring.extend_from_slice(&self.vertical[r * (cols + 1) + c1]);
        }
        // North side, east to west: the same points as the cells above walk, reversed.
        for c in (c0..c1).rev() {
            ring.push(self.vertex(c + 1, r1));
            ring.extend(self.horizontal[r1 * cols + c].iter().rev());
        }
        // West side, north to south.
        for r in (r0..r1).rev() {
            ring.push(self.vertex(c0, r + 1));
            ring.extend(self.vertical[r * (cols + 1) + c0].iter().rev());
        }
        // `Polygon::new` closes the ring.
        Polygon::new(LineString::new(ring), Vec::new())
    }

    /// The outline of one cell.
    pub fn cell(&self, c: usize, r: usize) -> Polygon<f64> {
        self.block(c, r, c + 1, r + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Validation};

    fn city() -> Rect<f64> {
        Rect::new(Coord { x: 114.8, y: 29.9 }, Coord { x: 115.3, y: 30.3 })
    }

    fn mesh() -> Mesh {
        Mesh::new(city(), 20, 20, 6, 42)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
    }

    #[test]
    fn every_cell_is_a_valid_counterclockwise_polygon() {
        let m = mesh();
        for r in 0..20 {
            for c in 0..20 {
                let cell = m.cell(c, r);
                assert!(
                    cell.is_valid(),
                    "cell ({c}, {r}): {:?}",
                    cell.validation_errors()
                );
                assert!(cell.signed_area() > 0.0, "cell ({c}, {r}) is clockwise");
                // 4 sides of 6 pieces, closed.
                assert_eq!(cell.exterior().0.len(), 25);
            }
        }
        // The bounds on the jitter hold whatever the draw: other seeds, finer and coarser edges,
        // and long thin cells.
        let thin = Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 10.0, y: 0.1 });
        for seed in 0..4 {
            for segments in [1, 2, 3, 12] {
                for (bbox, cols, rows) in [(city(), 12, 12), (thin, 3, 17)] {
                    let m = Mesh::new(bbox, cols, rows, segments, seed);
                    for r in 0..rows {
                        for c in 0..cols {
                            let cell = m.cell(c, r);
                            assert!(
                                cell.is_valid(),
                                "seed {seed}, {segments} pieces, ({c}, {r})"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn cells_add_up_to_their_block_and_the_mesh_to_its_box() {
        let m = mesh();
        let cells = |c0, r0, c1, r1| -> f64 {
            (r0..r1)
                .flat_map(|r| (c0..c1).map(move |c| (c, r)))
                .map(|(c, r)| m.cell(c, r).unsigned_area())
                .sum()
        };
        let whole = m.block(0, 0, 20, 20);
        assert!(whole.is_valid());
        assert!(close(whole.unsigned_area(), city().unsigned_area()));
        assert!(close(cells(0, 0, 20, 20), whole.unsigned_area()));
        let township = m.block(3, 5, 11, 12);
        assert!(township.is_valid());
        assert!(close(cells(3, 5, 11, 12), township.unsigned_area()));
        // Communities of 4 × 7 and 4 × 7 inside the township.
        let communities =
            m.block(3, 5, 7, 12).unsigned_area() + m.block(7, 5, 11, 12).unsigned_area();
        assert!(close(communities, township.unsigned_area()));
    }

    #[test]
    fn neighbours_share_their_edge_point_for_point() {
        let m = mesh();
        let s = 6;
        for r in 0..20 {
            for c in 0..20 {
                let ring = m.cell(c, r).exterior().0.clone();
                if c + 1 < 20 {
                    let east = m.cell(c + 1, r).exterior().0.clone();
                    let mut west_side_of_east: Vec<_> = east[3 * s..=4 * s].to_vec();
                    west_side_of_east.reverse();
                    assert_eq!(ring[s..=2 * s], west_side_of_east[..], "({c}, {r}) east");
                }
                if r + 1 < 20 {
                    let north = m.cell(c, r + 1).exterior().0.clone();
                    let mut south_side_of_north: Vec<_> = north[0..=s].to_vec();
                    south_side_of_north.reverse();
                    assert_eq!(
                        ring[2 * s..=3 * s],
                        south_side_of_north[..],
                        "({c}, {r}) north"
                    );
                }
            }
        }
        // A block's south side is its cells' south sides, one after the other.
        let block = m.block(2, 4, 5, 6);
        let mut south = Vec::new();
        for c in 2..5 {
            south.extend_from_slice(&m.cell(c, 4).exterior().0[..s]);
        }
        assert_eq!(block.exterior().0[..3 * s], south[..]);
    }

    #[test]
    fn the_outline_is_the_box() {
        let m = mesh();
        let b = city();
        for p in m.block(0, 0, 20, 20).exterior().coords() {
            let on_side =
                p.x == b.min().x || p.x == b.max().x || p.y == b.min().y || p.y == b.max().y;
            assert!(on_side, "{p:?} is not on the box");
        }
    }

    #[test]
    fn every_point_lies_in_exactly_one_cell() {
        let m = Mesh::new(city(), 8, 8, 6, 7);
        let cells: Vec<_> = (0..8)
            .flat_map(|r| (0..8).map(move |c| (c, r)))
            .map(|(c, r)| m.cell(c, r))
            .collect();
        let b = city();
        for i in 0..2000u64 {
            let p = geo::Point::new(
                b.min().x + b.width() * unit(99, &[i, 0]),
                b.min().y + b.height() * unit(99, &[i, 1]),
            );
            let holders = cells.iter().filter(|cell| cell.contains(&p)).count();
            assert_eq!(holders, 1, "{p:?}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_mesh() {
        let (a, b) = (mesh(), mesh());
        let other = Mesh::new(city(), 20, 20, 6, 43);
        assert_eq!(a.block(0, 0, 20, 20), b.block(0, 0, 20, 20));
        for (c, r) in [(0, 0), (7, 13), (19, 19)] {
            assert_eq!(a.cell(c, r), b.cell(c, r));
        }
        assert_ne!(a.cell(7, 13), other.cell(7, 13));
    }

    #[test]
    fn degenerate_sizes_still_give_a_mesh() {
        let m = Mesh::new(city(), 0, 1, 0, 1);
        assert_eq!((m.cols(), m.rows(), m.segments()), (1, 1, 1));
        let cell = m.cell(0, 0);
        assert!(cell.is_valid());
        assert!(close(cell.unsigned_area(), city().unsigned_area()));
    }
}
