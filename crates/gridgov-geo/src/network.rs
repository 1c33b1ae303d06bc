//! Checks between the sibling grids of one parent (a village or community), run when boundaries
//! are imported: grids must not overlap each other, must cover their parent's boundary, and must
//! stay inside it.
//!
//! Boolean operations are far too slow to run on every pair of grids in a city, and most pairs
//! either lie apart or only share an edge. So pairs are first filtered by bounding box, then by an
//! exact test of whether their interiors can meet at all (robust orientation predicates, no
//! tolerance), and only the pairs that pass are intersected to measure the overlap. The same test
//! against the parent's exterior decides which grids need a difference to measure what sticks
//! out. For the gap, area arithmetic bounds the uncovered area first, and the union of the grids
//! is computed only when that bound is not already below the threshold.
//!
//! Areas are in square metres on the sphere ([`area_m2`]). Every fault is measured piece by
//! piece: a piece smaller than [`MIN_FAULT_M2`] is a sliver along an edge two boundaries were
//! meant to share (digitising or floating-point noise), not a data error, and is left out even
//! when many such slivers add up to more.

use crate::cancel::{Cancel, Cancelled};
use geo::kernels::RobustKernel;
use geo::orient::{Direction, Orient};
use geo::{
    BooleanOps, ChamberlainDuquetteArea, Coord, Kernel, LineString, MultiPolygon, Orientation,
    Polygon, unary_union,
};

/// Pieces of overlap, gap or overhang under this area (square metres) are not reported: grids
/// meant to share an edge, but digitised or converted with tiny differences, leave slivers of a
/// fraction of a square metre along it.
pub const MIN_FAULT_M2: f64 = 1.0;

/// Area in square metres of a WGS84 longitude/latitude shape.
///
/// geo's Chamberlain–Duquette area subtracts each hole's *signed* area, which adds the holes of
/// correctly wound polygons (clockwise holes) instead of removing them; so holes are measured
/// apart, unsigned. Polygons without holes (nearly every grid) take the direct path.
pub fn area_m2(shape: &MultiPolygon<f64>) -> f64 {
    shape.iter().map(polygon_area_m2).sum()
}

fn polygon_area_m2(polygon: &Polygon<f64>) -> f64 {
    if polygon.interiors().is_empty() {
        return polygon.chamberlain_duquette_unsigned_area();
    }
    let ring_area = |ring: &LineString<f64>| {
        Polygon::new(ring.clone(), Vec::new()).chamberlain_duquette_unsigned_area()
    };
    let holes: f64 = polygon.interiors().iter().map(ring_area).sum();
    (ring_area(polygon.exterior()) - holes).max(0.0)
}

/// One grid among its siblings.
#[derive(Debug, Clone, Copy)]
pub struct Sibling<'a> {
    /// Position of the feature in the imported file, so faults point at it.
    pub index: usize,
    /// The grid code, for the messages.
    pub code: &'a str,
    pub shape: &'a MultiPolygon<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NetworkFaultKind {
    /// Two grids (feature indices) overlap.
    Overlap { a: usize, b: usize },
    /// Part of the parent's boundary is covered by no grid.
    Gap,
    /// Part of a grid (feature index) lies outside the parent's boundary.
    Outside { index: usize },
}

/// A fault between siblings, with its area and a message in Chinese and English.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkFault {
    pub kind: NetworkFaultKind,
    pub area_m2: f64,
    pub zh: String,
    pub en: String,
}

impl std::fmt::Display for NetworkFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.zh, self.en)
    }
}

/// Checks the grids of one parent: every overlap between two of them, and, when the parent's
/// boundary is given, the part of it no grid covers and each grid's part outside it.
///
/// Faults come in that order: overlaps (by position in `children`), grids outside, the gap.
/// Grids that only touch (share edges or corners) do not overlap. Shapes are expected to be
/// valid, as [`crate::features::read`] leaves them; winding does not matter.
///
/// Every pair and every grid polls `cancel`, so a check nobody waits for stops.
pub fn check_siblings(
    parent: Option<&MultiPolygon<f64>>,
    children: &[Sibling],
    cancel: &Cancel,
) -> Result<Vec<NetworkFault>, Cancelled> {
    let prepared: Vec<Prepared> = children.iter().map(|c| Prepared::new(c.shape)).collect();
    let mut scratch = Scratch::default();
    let mut faults = Vec::new();
    let mut overlap_sum = 0.0;
    for (i, j) in candidate_pairs(&prepared) {
        cancel.check()?;
        if !interiors_meet(
            Side::inside(&prepared[i]),
            Side::inside(&prepared[j]),
            &mut scratch,
        ) {
            continue;
        }
        let overlap = children[i].shape.intersection(children[j].shape);
        overlap_sum += area_m2(&overlap);
        let area = significant_area(&overlap);
        if area > 0.0 {
            faults.push(overlap_fault(&children[i], &children[j], area));
        }
    }
    if let Some(parent) = parent {
        parent_faults(
            parent,
            children,
            &prepared,
            overlap_sum,
            &mut scratch,
            &mut faults,
            cancel,
        )?;
    }
    Ok(faults)
}

/// The faults against the parent: grids sticking out, then the gap.
///
/// The area the grids cover inside the parent is at most `inside_sum` and at least
/// `inside_sum − overlap_sum` (an area covered twice is in some pairwise overlap), so the gap
/// is at most `parent − inside_sum + overlap_sum`. For grids that tile their parent that bound
/// is about zero and no union is needed.
fn parent_faults(
    parent: &MultiPolygon<f64>,
    children: &[Sibling],
    prepared: &[Prepared],
    overlap_sum: f64,
    scratch: &mut Scratch,
    faults: &mut Vec<NetworkFault>,
    cancel: &Cancel,
) -> Result<(), Cancelled> {
    let outer = Prepared::new(parent);
    let mut inside_sum = 0.0;
    for (child, prep) in children.iter().zip(prepared) {
        cancel.check()?;
        let mut outside = 0.0;
        if interiors_meet(Side::inside(prep), Side::outside(&outer), scratch) {
            let part = child.shape.difference(parent);
            outside = area_m2(&part);
            let area = significant_area(&part);
            if area > 0.0 {
                faults.push(outside_fault(child, area));
            }
        }
        inside_sum += (area_m2(child.shape) - outside).max(0.0);
    }
    let most_gap = area_m2(parent) - inside_sum + overlap_sum;
    if most_gap < MIN_FAULT_M2 {
        return Ok(());
    }
    cancel.check()?;
    let gap = significant_area(&uncovered(parent, children));
    if gap > 0.0 {
        faults.push(gap_fault(gap));
    }
    Ok(())
}

/// The parent minus the union of the grids. unary_union needs consistent winding, which shapes
/// from elsewhere may lack, so the grids are re-oriented first.
fn uncovered(parent: &MultiPolygon<f64>, children: &[Sibling]) -> MultiPolygon<f64> {
    let oriented: Vec<MultiPolygon<f64>> = children
        .iter()
        .map(|c| c.shape.orient(Direction::Default))
        .collect();
    parent.difference(&unary_union(&oriented))
}

/// The area of the pieces of at least [`MIN_FAULT_M2`], leaving out slivers.
fn significant_area(pieces: &MultiPolygon<f64>) -> f64 {
    pieces
        .iter()
        .map(polygon_area_m2)
        .filter(|a| *a >= MIN_FAULT_M2)
        .sum()
}

fn overlap_fault(a: &Sibling, b: &Sibling, area: f64) -> NetworkFault {
    let (m2, grouped) = (area.round(), grouped(area));
    NetworkFault {
        kind: NetworkFaultKind::Overlap {
            a: a.index,
            b: b.index,
        },
        area_m2: area,
        zh: format!("网格 {} 与 {} 重叠 {m2} 平方米", a.code, b.code),
        en: format!("grids {} and {} overlap by {grouped} m²", a.code, b.code),
    }
}

fn outside_fault(child: &Sibling, area: f64) -> NetworkFault {
    let (m2, grouped) = (area.round(), grouped(area));
    NetworkFault {
        kind: NetworkFaultKind::Outside { index: child.index },
        area_m2: area,
        zh: format!("网格 {} 有 {m2} 平方米超出父级边界", child.code),
        en: format!(
            "{grouped} m² of grid {} lies outside the parent's boundary",
            child.code
        ),
    }
}

fn gap_fault(area: f64) -> NetworkFault {
    let (m2, grouped) = (area.round(), grouped(area));
    NetworkFault {
        kind: NetworkFaultKind::Gap,
        area_m2: area,
        zh: format!("父级边界内有 {m2} 平方米未被任何网格覆盖"),
        en: format!("{grouped} m² of the parent's boundary is covered by no grid"),
    }
}

/// A whole number of square metres with thousands separators, as English text writes it.
fn grouped(area: f64) -> String {
    let digits = format!("{}", area.round());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Pairs (i < j) of shapes whose bounding boxes overlap with positive area: shapes whose boxes
/// only touch cannot share interior. Sort and sweep, so large groups stay cheap.
fn candidate_pairs(shapes: &[Prepared]) -> Vec<(usize, usize)> {
    let mut order: Vec<(usize, Bbox)> = shapes
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.bbox.map(|b| (i, b)))
        .collect();
    order.sort_by(|a, b| a.1.min.x.total_cmp(&b.1.min.x));
    let mut pairs = Vec::new();
    for (k, (i, a)) in order.iter().enumerate() {
        for (j, b) in order[k + 1..].iter().take_while(|(_, b)| b.min.x < a.max.x) {
            if b.min.y < a.max.y && a.min.y < b.max.y {
                pairs.push((*i.min(j), *i.max(j)));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

#[derive(Debug, Clone, Copy)]
struct Bbox {
    min: Coord<f64>,
    max: Coord<f64>,
}

impl Bbox {
    fn of(a: Coord<f64>, b: Coord<f64>) -> Bbox {
        Bbox {
            min: Coord {
                x: a.x.min(b.x),
                y: a.y.min(b.y),
            },
            max: Coord {
                x: a.x.max(b.x),
                y: a.y.max(b.y),
            },
        }
    }

    fn grow(self, c: Coord<f64>) -> Bbox {
        Bbox {
            min: Coord {
                x: self.min.x.min(c.x),
                y: self.min.y.min(c.y),
            },
            max: Coord {
                x: self.max.x.max(c.x),
                y: self.max.y.max(c.y),
            },
        }
    }

    /// The common part of two boxes, if they overlap (touching counts: edges can meet there).
    fn meet(self, other: Bbox) -> Option<Bbox> {
        let b = Bbox {
            min: Coord {
                x: self.min.x.max(other.min.x),
                y: self.min.y.max(other.min.y),
            },
            max: Coord {
                x: self.max.x.min(other.max.x),
                y: self.max.y.min(other.max.y),
            },
        };
        (b.min.x <= b.max.x && b.min.y <= b.max.y).then_some(b)
    }

    fn holds(self, c: Coord<f64>) -> bool {
        self.min.x <= c.x && c.x <= self.max.x && self.min.y <= c.y && c.y <= self.max.y
    }
}

/// One ring, closed (last position = first), without repeated consecutive positions, and with
/// the side its polygon's interior lies on, so shells and holes of either winding work alike.
struct Ring {
    pts: Vec<Coord<f64>>,
    interior_left: bool,
}

impl Ring {
    /// None for rings that enclose nothing (fewer than three distinct positions, or no area).
    fn new(ring: &LineString<f64>, shell: bool) -> Option<Ring> {
        let mut pts = ring.0.clone();
        pts.dedup();
        if pts.first() != pts.last() {
            let first = *pts.first()?;
            pts.push(first);
        }
        let area = shoelace(&pts);
        if pts.len() < 4 || area == 0.0 {
            return None;
        }
        Some(Ring {
            pts,
            interior_left: shell == (area > 0.0),
        })
    }

    /// Its distinct positions (the closing repeat left out).
    fn vertices(&self) -> &[Coord<f64>] {
        &self.pts[..self.pts.len() - 1]
    }

    fn edges(&self) -> impl Iterator<Item = (Coord<f64>, Coord<f64>)> + '_ {
        self.pts.windows(2).map(|w| (w[0], w[1]))
    }

    /// The pass of boundary point `p`, found on edge `i` of this ring (ring `r` of its shape).
    fn pass_on_edge(&self, r: usize, i: usize, p: Coord<f64>) -> Pass {
        let (index, at_vertex) = if p == self.pts[i] {
            (i, true)
        } else if p == self.pts[i + 1] {
            ((i + 1) % (self.pts.len() - 1), true)
        } else {
            (i, false)
        };
        Pass {
            ring: r,
            index,
            at_vertex,
        }
    }
}

/// Twice the signed planar area: positive for counterclockwise rings. Taken relative to the
/// first position, as products of raw longitudes would drown a small ring's area in rounding.
fn shoelace(pts: &[Coord<f64>]) -> f64 {
    let Some(&o) = pts.first() else {
        return 0.0;
    };
    pts.windows(2)
        .map(|w| (w[0].x - o.x) * (w[1].y - o.y) - (w[1].x - o.x) * (w[0].y - o.y))
        .sum()
}

/// A shape laid out for the interior test.
struct Prepared {
    rings: Vec<Ring>,
    bbox: Option<Bbox>,
    /// For shapes with many edges (a parent's boundary), the edges by horizontal band.
    bands: Option<Bands>,
}

/// Shapes with more edges than this get [`Bands`]; a grid's two dozen are scanned directly.
const BANDED_FROM_EDGES: usize = 32;

impl Prepared {
    fn new(shape: &MultiPolygon<f64>) -> Prepared {
        let rings: Vec<Ring> = shape
            .iter()
            .flat_map(|p| {
                std::iter::once(Ring::new(p.exterior(), true))
                    .chain(p.interiors().iter().map(|h| Ring::new(h, false)))
            })
            .flatten()
            .collect();
        let bbox = rings
            .iter()
            .flat_map(|r| r.pts.iter().copied())
            .fold(None, |b: Option<Bbox>, c| {
                Some(b.map_or(Bbox::of(c, c), |b| b.grow(c)))
            });
        let edges: usize = rings.iter().map(|r| r.pts.len() - 1).sum();
        let bands = bbox
            .filter(|_| edges > BANDED_FROM_EDGES)
            .map(|b| Bands::new(&rings, b, edges));
        Prepared { rings, bbox, bands }
    }

    fn edges(&self) -> impl Iterator<Item = (Coord<f64>, Coord<f64>)> + '_ {
        self.rings.iter().flat_map(Ring::edges)
    }
}

/// Edges sorted into horizontal bands of equal height, so that locating a point against a
/// boundary of hundreds of edges looks only at the few whose height range takes in the point's.
struct Bands {
    min_y: f64,
    per_degree: f64,
    /// Per band: (ring, edge) of every edge reaching into it.
    bands: Vec<Vec<(u32, u32)>>,
}

impl Bands {
    fn new(rings: &[Ring], bbox: Bbox, edges: usize) -> Bands {
        let count = (edges / 4).clamp(1, 1024);
        let height = bbox.max.y - bbox.min.y;
        let per_degree = if height > 0.0 {
            count as f64 / height
        } else {
            0.0
        };
        let mut out = Bands {
            min_y: bbox.min.y,
            per_degree,
            bands: vec![Vec::new(); count],
        };
        for (r, ring) in rings.iter().enumerate() {
            for (i, (u, w)) in ring.edges().enumerate() {
                let (low, high) = (out.band(u.y.min(w.y)), out.band(u.y.max(w.y)));
                for band in &mut out.bands[low..=high] {
                    band.push((r as u32, i as u32));
                }
            }
        }
        out
    }

    /// The band of a height; monotonic in `y`, so an edge is found from any height it spans.
    fn band(&self, y: f64) -> usize {
        let k = ((y - self.min_y) * self.per_degree).max(0.0) as usize;
        k.min(self.bands.len() - 1)
    }

    fn at(&self, y: f64) -> &[(u32, u32)] {
        &self.bands[self.band(y)]
    }
}

/// A region for the interior test: a shape's interior, or (`outside`) its exterior.
#[derive(Clone, Copy)]
struct Side<'a> {
    shape: &'a Prepared,
    outside: bool,
}

impl<'a> Side<'a> {
    fn inside(shape: &'a Prepared) -> Side<'a> {
        Side {
            shape,
            outside: false,
        }
    }

    fn outside(shape: &'a Prepared) -> Side<'a> {
        Side {
            shape,
            outside: true,
        }
    }

    /// Where a point lies relative to this region.
    fn place(self, p: Coord<f64>) -> Place {
        match (locate(self.shape, p), self.outside) {
            (Place::Inside, true) => Place::Outside,
            (Place::Outside, true) => Place::Inside,
            (place, _) => place,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Inside,
    Outside,
    Boundary(Pass),
}

/// Where a point of a shape's boundary lies on it: at vertex `index` of ring `ring`, or (not
/// `at_vertex`) inside the edge from that vertex to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pass {
    ring: usize,
    index: usize,
    at_vertex: bool,
}

fn orient(p: Coord<f64>, q: Coord<f64>, r: Coord<f64>) -> Orientation {
    RobustKernel::orient2d(p, q, r)
}

/// Whether two regions share interior. Exact, except that it answers true where it cannot be
/// sure (several rings through one point), which costs only a needless boolean operation.
///
/// If the interiors meet, either two edges cross properly, or a vertex of one lies strictly
/// inside the other, or they meet next to a point where the boundaries touch: every such point
/// is a vertex of one of them, and there the two local wedges of interior overlap. Identical
/// shapes are caught by the last case. Only edges and vertices inside the common bounding box
/// can take part, which for neighbouring grids is a small share of them.
fn interiors_meet(a: Side, b: Side, scratch: &mut Scratch) -> bool {
    let window = match (a.shape.bbox, b.shape.bbox, a.outside, b.outside) {
        (_, _, true, true) => return true,
        (Some(x), Some(y), false, false) => x.meet(y),
        (Some(x), _, false, true) => Some(x),
        (_, Some(y), true, false) => Some(y),
        _ => None,
    };
    let Some(window) = window else {
        return false;
    };
    scratch.touched.clear();
    edges_cross(a.shape, b.shape, window, scratch)
        || vertices_enter(a, b, window, &[], Some(&mut scratch.touched))
        || vertices_enter(b, a, window, &scratch.touched, None)
}

/// Buffers reused from one pair to the next, so that testing thousands of pairs allocates
/// nothing.
#[derive(Default)]
struct Scratch {
    near_a: Vec<(Coord<f64>, Coord<f64>, Bbox)>,
    near_b: Vec<(Coord<f64>, Coord<f64>, Bbox)>,
    /// Vertices of the second shape already met as vertices of the first.
    touched: Vec<Pass>,
}

/// Whether an edge of one shape properly crosses an edge of the other inside the window.
fn edges_cross(a: &Prepared, b: &Prepared, window: Bbox, scratch: &mut Scratch) -> bool {
    let near = |s: &Prepared, out: &mut Vec<(Coord<f64>, Coord<f64>, Bbox)>| {
        out.clear();
        out.extend(
            s.edges()
                .map(|(p, q)| (p, q, Bbox::of(p, q)))
                .filter(|(_, _, bb)| bb.meet(window).is_some()),
        );
    };
    near(a, &mut scratch.near_a);
    near(b, &mut scratch.near_b);
    scratch.near_a.iter().any(|&(p1, p2, ba)| {
        scratch
            .near_b
            .iter()
            .any(|&(q1, q2, bb)| ba.meet(bb).is_some() && crosses(p1, p2, q1, q2))
    })
}

/// Whether segments p and q cross at a single point interior to both.
fn crosses(p1: Coord<f64>, p2: Coord<f64>, q1: Coord<f64>, q2: Coord<f64>) -> bool {
    let (o1, o2) = (orient(p1, p2, q1), orient(p1, p2, q2));
    if o1 == Orientation::Collinear || o2 == Orientation::Collinear || o1 == o2 {
        return false;
    }
    let (o3, o4) = (orient(q1, q2, p1), orient(q1, q2, p2));
    o3 != Orientation::Collinear && o4 != Orientation::Collinear && o3 != o4
}

/// Whether a vertex of `a` lies inside `b`, or on its boundary with their interiors meeting
/// next to it. Vertices outside the window lie outside `b` (or outside `a`'s own box).
///
/// Vertices the two shapes share are met from both sides; the first pass records the ones of
/// `b` it met (`record`), so the second can skip them (`skip`) instead of testing them again.
fn vertices_enter(
    a: Side,
    b: Side,
    window: Bbox,
    skip: &[Pass],
    mut record: Option<&mut Vec<Pass>>,
) -> bool {
    for (r, ring) in a.shape.rings.iter().enumerate() {
        for (index, &v) in ring.vertices().iter().enumerate() {
            let own = Pass {
                ring: r,
                index,
                at_vertex: true,
            };
            if !window.holds(v) || skip.contains(&own) {
                continue;
            }
            let meet = match b.place(v) {
                Place::Inside => true,
                Place::Outside => false,
                Place::Boundary(on_b) => {
                    if let (true, Some(seen)) = (on_b.at_vertex, record.as_deref_mut()) {
                        seen.push(on_b);
                    }
                    wedges_overlap((a, own), (b, on_b), v)
                }
            };
            if meet {
                return true;
            }
        }
    }
    false
}

/// Point in shape by counting ring crossings of a ray towards +x, with robust orientation so a
/// point on an edge is recognised exactly (as shared vertices of neighbouring grids are).
fn locate(shape: &Prepared, p: Coord<f64>) -> Place {
    if !shape.bbox.is_some_and(|b| b.holds(p)) {
        return Place::Outside;
    }
    let mut odd = false;
    let mut step = |r: usize, i: usize, u: Coord<f64>, w: Coord<f64>| match crossing(u, w, p) {
        Crossing::On => Some(Place::Boundary(shape.rings[r].pass_on_edge(r, i, p))),
        Crossing::Yes => {
            odd = !odd;
            None
        }
        Crossing::No => None,
    };
    let on_edge = match &shape.bands {
        Some(bands) => bands.at(p.y).iter().find_map(|&(r, i)| {
            let (r, i) = (r as usize, i as usize);
            let pts = &shape.rings[r].pts;
            step(r, i, pts[i], pts[i + 1])
        }),
        None => shape.rings.iter().enumerate().find_map(|(r, ring)| {
            ring.pts
                .windows(2)
                .enumerate()
                .find_map(|(i, e)| step(r, i, e[0], e[1]))
        }),
    };
    on_edge.unwrap_or(if odd { Place::Inside } else { Place::Outside })
}

enum Crossing {
    Yes,
    No,
    /// The point lies on the edge.
    On,
}

/// Whether edge u–w crosses the ray from `p` towards +x. Heights are compared half-open, so a
/// ray through a vertex counts it once.
fn crossing(u: Coord<f64>, w: Coord<f64>, p: Coord<f64>) -> Crossing {
    if p.y < u.y.min(w.y) || p.y > u.y.max(w.y) || p.x > u.x.max(w.x) {
        return Crossing::No;
    }
    let straddles = (u.y > p.y) != (w.y > p.y);
    if p.x < u.x.min(w.x) {
        return if straddles {
            Crossing::Yes
        } else {
            Crossing::No
        };
    }
    match orient(u, w, p) {
        Orientation::Collinear => Crossing::On,
        o if straddles && (o == Orientation::CounterClockwise) == (w.y > u.y) => Crossing::Yes,
        _ => Crossing::No,
    }
}

/// The open sector of directions from `apex` that turns counterclockwise from towards `start`
/// to towards `end`: the interior of a region right next to a point of its boundary.
#[derive(Debug, Clone, Copy)]
struct Wedge {
    apex: Coord<f64>,
    start: Coord<f64>,
    end: Coord<f64>,
}

/// Whether the two regions have interior right next to a point on both boundaries, each
/// given with one place the point lies on it.
fn wedges_overlap(a: (Side, Pass), b: (Side, Pass), p: Coord<f64>) -> bool {
    match (wedge_near(a.0, a.1, p), wedge_near(b.0, b.1, p)) {
        (Some(x), Some(y)) => sectors_overlap(x, y),
        _ => true,
    }
}

/// The region's interior next to boundary point `p`, found on the boundary at `pass`; None
/// (unsure) when several rings pass through `p` (touching holes, touching parts). A shape of
/// one ring, as nearly every grid is, has only that pass: valid rings do not touch themselves.
fn wedge_near(side: Side, pass: Pass, p: Coord<f64>) -> Option<Wedge> {
    if side.shape.rings.len() == 1 {
        return Some(wedge_of(side, pass, p));
    }
    let mut found = None;
    let mut count = 0;
    for (r, ring) in side.shape.rings.iter().enumerate() {
        for (i, (u, w)) in ring.edges().enumerate() {
            if u == p
                || (w != p && Bbox::of(u, w).holds(p) && orient(u, w, p) == Orientation::Collinear)
            {
                count += 1;
                found = Some(ring.pass_on_edge(r, i, p));
            }
        }
    }
    match (count, found) {
        (1, Some(only)) => Some(wedge_of(side, only, p)),
        _ => None,
    }
}

/// The interior of the region next to `p`, on the left of the ring's way through `p` (or on the
/// right, for holes wound the other way and for a shape's exterior).
fn wedge_of(side: Side, pass: Pass, p: Coord<f64>) -> Wedge {
    let pts = &side.shape.rings[pass.ring].pts;
    let next = pts[pass.index + 1];
    let back = match (pass.at_vertex, pass.index) {
        (false, i) => pts[i],
        (true, 0) => pts[pts.len() - 2],
        (true, i) => pts[i - 1],
    };
    let (start, end) = if side.shape.rings[pass.ring].interior_left != side.outside {
        (next, back)
    } else {
        (back, next)
    };
    Wedge {
        apex: p,
        start,
        end,
    }
}

/// Two open sectors at one apex overlap exactly when they start in the same direction or one
/// starts strictly inside the other.
fn sectors_overlap(a: Wedge, b: Wedge) -> bool {
    same_direction(a.apex, a.start, b.start) || within(b, a.start) || within(a, b.start)
}

/// Whether the direction towards `d` lies strictly inside the wedge. A wedge whose two sides
/// point the same way (a spike, which valid shapes lack) counts as holding everything.
fn within(w: Wedge, d: Coord<f64>) -> bool {
    let c = w.apex;
    let left_of_start = orient(c, w.start, d) == Orientation::CounterClockwise;
    let right_of_end = orient(c, d, w.end) == Orientation::CounterClockwise;
    match orient(c, w.start, w.end) {
        Orientation::CounterClockwise => left_of_start && right_of_end,
        Orientation::Clockwise => left_of_start || right_of_end,
        Orientation::Collinear => same_direction(c, w.start, w.end) || left_of_start,
    }
}

/// Whether `p` and `q` lie in the same direction from `c`. The sign of a floating-point
/// difference is exact, so this is too.
fn same_direction(c: Coord<f64>, p: Coord<f64>, q: Coord<f64>) -> bool {
    let sign = |v: f64| (v > 0.0) as i8 - (v < 0.0) as i8;
    orient(c, p, q) == Orientation::Collinear
        && sign(p.x - c.x) == sign(q.x - c.x)
        && sign(p.y - c.y) == sign(q.y - c.y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(parent: Option<&MultiPolygon<f64>>, children: &[Sibling]) -> Vec<NetworkFault> {
        check_siblings(parent, children, &Cancel::new()).unwrap()
    }

    /// A square of `size` degrees with its south-west corner at (x, y).
    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        rect(x, y, x + size, y + size)
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        let ring = LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]);
        MultiPolygon::new(vec![Polygon::new(ring, vec![])])
    }

    /// Degrees of latitude and of longitude (at latitude 30) spanning about 1 km.
    const KM_LAT: f64 = 1.0 / 111.2;
    const KM_LNG: f64 = 1.0 / 96.3;

    fn siblings<'a>(codes: &'a [&'a str], shapes: &'a [MultiPolygon<f64>]) -> Vec<Sibling<'a>> {
        codes
            .iter()
            .zip(shapes)
            .enumerate()
            .map(|(index, (code, shape))| Sibling { index, code, shape })
            .collect()
    }

    #[test]
    fn area_of_a_kilometre_square_is_a_million_square_metres() {
        let a = area_m2(&rect(115.0, 30.0, 115.0 + KM_LNG, 30.0 + KM_LAT));
        assert!((a - 1e6).abs() < 1e4, "{a}");
    }

    #[test]
    fn holes_are_subtracted_whatever_their_winding() {
        let outer = LineString::from(vec![(0.0, 0.0), (0.02, 0.0), (0.02, 0.02), (0.0, 0.02)]);
        let hole = |cw: bool| {
            let mut pts = vec![
                (0.005, 0.005),
                (0.015, 0.005),
                (0.015, 0.015),
                (0.005, 0.015),
            ];
            if cw {
                pts.reverse();
            }
            LineString::from(pts)
        };
        let full = area_m2(&MultiPolygon::new(vec![Polygon::new(
            outer.clone(),
            vec![],
        )]));
        for cw in [false, true] {
            let holed = MultiPolygon::new(vec![Polygon::new(outer.clone(), vec![hole(cw)])]);
            let ratio = area_m2(&holed) / full;
            assert!((ratio - 0.75).abs() < 1e-3, "{ratio}");
        }
    }

    #[test]
    fn overlapping_squares_report_the_shared_area() {
        // Two 1 km squares, the second shifted east by half a kilometre.
        let shapes = [
            rect(115.0, 30.0, 115.0 + KM_LNG, 30.0 + KM_LAT),
            rect(
                115.0 + KM_LNG / 2.0,
                30.0,
                115.0 + 1.5 * KM_LNG,
                30.0 + KM_LAT,
            ),
        ];
        let faults = checked(None, &siblings(&["G001", "G002"], &shapes));
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].kind, NetworkFaultKind::Overlap { a: 0, b: 1 });
        assert!((faults[0].area_m2 - 5e5).abs() < 1e4, "{}", faults[0]);
        assert!(
            faults[0].zh.starts_with("网格 G001 与 G002 重叠 "),
            "{}",
            faults[0]
        );
        assert!(faults[0].en.starts_with("grids G001 and G002 overlap by "));
        assert!(faults[0].en.ends_with(" m²") && faults[0].en.contains(','));
    }

    #[test]
    fn touching_squares_do_not_overlap() {
        let shapes = [
            square(115.0, 30.0, 0.01),
            square(115.01, 30.0, 0.01),
            square(115.01, 30.01, 0.01),
            // Shares only half an edge with the first, from a vertex on the first one's edge.
            square(114.995, 30.01, 0.01),
        ];
        let faults = checked(None, &siblings(&["A", "B", "C", "D"], &shapes));
        assert!(faults.is_empty(), "{faults:?}");
    }

    #[test]
    fn an_enclave_filling_a_hole_does_not_overlap() {
        let parent = square(115.0, 30.0, 0.03);
        let hole = LineString::from(vec![
            (115.01, 30.01),
            (115.01, 30.02),
            (115.02, 30.02),
            (115.02, 30.01),
        ]);
        let outer = parent.0[0].exterior().clone();
        let shapes = [
            MultiPolygon::new(vec![Polygon::new(outer, vec![hole])]),
            square(115.01, 30.01, 0.01),
        ];
        let faults = checked(Some(&parent), &siblings(&["RING", "ENCLAVE"], &shapes));
        assert!(faults.is_empty(), "{faults:?}");
        // Without the enclave, its place is a gap.
        let faults = checked(Some(&parent), &siblings(&["RING"], &shapes[..1]));
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].kind, NetworkFaultKind::Gap);
    }

    /// The exact test, not the boolean operations, must settle touching shapes: that is what
    /// keeps a city's check fast.
    #[test]
    fn touching_is_settled_without_boolean_operations() {
        let meet = |a: &MultiPolygon<f64>, b: &MultiPolygon<f64>, outside: bool| {
            let (a, b) = (Prepared::new(a), Prepared::new(b));
            let b = Side { shape: &b, outside };
            interiors_meet(Side::inside(&a), b, &mut Scratch::default())
        };
        let cell = square(115.0, 30.0, 0.01);
        let hole = LineString::from(vec![(1.0, 1.0), (1.0, 2.0), (2.0, 2.0), (2.0, 1.0)]);
        let outer = square(0.0, 0.0, 3.0).0[0].exterior().clone();
        let donut = MultiPolygon::new(vec![Polygon::new(outer, vec![hole])]);
        // Side by side, corner to corner, along half an edge (T-junctions), enclave in a hole.
        assert!(!meet(&cell, &square(115.01, 30.0, 0.01), false));
        assert!(!meet(&cell, &square(115.01, 30.01, 0.01), false));
        assert!(!meet(&cell, &square(114.995, 30.01, 0.01), false));
        assert!(!meet(&square(1.0, 1.0, 1.0), &donut, false));
        // Inside its parent, even along the parent's edges and corners.
        assert!(!meet(&cell, &square(115.0, 30.0, 0.02), true));
        assert!(!meet(&cell, &cell, true));
        // But overlapping, equal, or reaching out of the parent.
        assert!(meet(&cell, &square(115.005, 30.0, 0.01), false));
        assert!(meet(&cell, &cell, false));
        assert!(meet(&cell, &square(115.001, 30.0, 0.01), true));
    }

    #[test]
    fn a_tiling_of_the_parent_has_no_fault() {
        let parent = square(115.0, 30.0, 0.02);
        let shapes = [
            square(115.0, 30.0, 0.01),
            square(115.01, 30.0, 0.01),
            square(115.0, 30.01, 0.01),
            square(115.01, 30.01, 0.01),
        ];
        let faults = checked(Some(&parent), &siblings(&["A", "B", "C", "D"], &shapes));
        assert!(faults.is_empty(), "{faults:?}");
    }

    #[test]
    fn a_missing_cell_is_a_gap() {
        let parent = square(115.0, 30.0, 0.02);
        let shapes = [
            square(115.0, 30.0, 0.01),
            square(115.01, 30.0, 0.01),
            square(115.0, 30.01, 0.01),
        ];
        let cell = area_m2(&square(115.01, 30.01, 0.01));
        let faults = checked(Some(&parent), &siblings(&["A", "B", "C"], &shapes));
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].kind, NetworkFaultKind::Gap);
        assert!(
            (faults[0].area_m2 - cell).abs() < 1.0,
            "{} vs {cell}",
            faults[0]
        );
        assert!(faults[0].zh.starts_with("父级边界内有 "));
        assert!(
            faults[0]
                .en
                .ends_with(" m² of the parent's boundary is covered by no grid")
        );
    }

    #[test]
    fn a_grid_sticking_out_is_outside() {
        let parent = square(115.0, 30.0, 0.02);
        let shapes = [
            rect(115.0, 30.0, 115.01, 30.02),
            // Reaches 0.005° past the parent's east edge.
            rect(115.01, 30.0, 115.025, 30.02),
        ];
        let out = area_m2(&rect(115.02, 30.0, 115.025, 30.02));
        let faults = checked(Some(&parent), &siblings(&["G002", "G003"], &shapes));
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].kind, NetworkFaultKind::Outside { index: 1 });
        assert!((faults[0].area_m2 - out).abs() < 1.0, "{}", faults[0]);
        assert!(faults[0].zh.starts_with("网格 G003 有 "));
        assert!(
            faults[0]
                .en
                .ends_with(" of grid G003 lies outside the parent's boundary")
        );
    }

    #[test]
    fn a_grid_inside_another_overlaps_by_its_area() {
        let parent = square(115.0, 30.0, 0.02);
        let inner = square(115.005, 30.005, 0.005);
        let shapes = [parent.clone(), inner.clone()];
        let faults = checked(Some(&parent), &siblings(&["BIG", "SMALL"], &shapes));
        assert_eq!(faults.len(), 1, "{faults:?}");
        assert_eq!(faults[0].kind, NetworkFaultKind::Overlap { a: 0, b: 1 });
        assert!((faults[0].area_m2 - area_m2(&inner)).abs() < 1.0);
    }

    #[test]
    fn overlaps_with_no_vertex_inside_are_found() {
        // A diamond inscribed in a square: every vertex of each lies on or outside the other.
        let sq = square(0.0, 0.0, 0.02);
        let diamond = MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(0.01, 0.0), (0.02, 0.01), (0.01, 0.02), (0.0, 0.01)]),
            vec![],
        )]);
        // A cross: no vertex of either inside the other, edges cross.
        let (wide, tall) = (rect(0.0, 0.005, 0.02, 0.015), rect(0.005, 0.0, 0.015, 0.02));
        for (a, b) in [(&sq, &diamond), (&wide, &tall), (&sq, &sq)] {
            let shapes = [a.clone(), b.clone()];
            let faults = checked(None, &siblings(&["A", "B"], &shapes));
            assert_eq!(faults.len(), 1, "{faults:?}");
        }
    }

    #[test]
    fn a_gap_with_overlaps_is_measured_by_union() {
        let parent = square(115.0, 30.0, 0.02);
        let shapes = [
            rect(115.0, 30.0, 115.015, 30.02),
            rect(115.005, 30.0, 115.015, 30.02),
        ];
        let missing = area_m2(&rect(115.015, 30.0, 115.02, 30.02));
        let faults = checked(Some(&parent), &siblings(&["A", "B"], &shapes));
        let gap: Vec<_> = faults
            .iter()
            .filter(|f| f.kind == NetworkFaultKind::Gap)
            .collect();
        assert_eq!(gap.len(), 1, "{faults:?}");
        assert!((gap[0].area_m2 - missing).abs() < 1.0, "{}", gap[0]);
    }

    #[test]
    fn slivers_are_left_out_even_when_they_add_up() {
        // Four columns, each 2e-9° (0.2 mm) short of the next: four slivers of about 0.4 m²
        // each, 1.7 m² together.
        let parent = square(115.0, 30.0, 0.02);
        let shapes: Vec<MultiPolygon<f64>> = (0..4)
            .map(|k| {
                let x = 115.0 + k as f64 * 0.005;
                rect(x, 30.0, x + 0.005 - 2e-9, 30.02)
            })
            .collect();
        let gaps = area_m2(&parent) - shapes.iter().map(area_m2).sum::<f64>();
        assert!(gaps > 1.5 && gaps < 2.0, "{gaps}");
        let faults = checked(Some(&parent), &siblings(&["A", "B", "C", "D"], &shapes));
        assert!(faults.is_empty(), "{faults:?}");
        // Widened by 2e-9° instead, each column overlaps the next by a sliver.
        let shifted: Vec<MultiPolygon<f64>> = (0..3)
            .map(|k| {
                let x = 115.0 + k as f64 * 0.005;
                rect(x, 30.0, x + 0.005 + 2e-9, 30.02)
            })
            .collect();
        let faults = checked(None, &siblings(&["A", "B", "C"], &shifted));
        assert!(faults.is_empty(), "{faults:?}");
    }

    #[test]
    fn thousands_are_grouped_in_english() {
        assert_eq!(grouped(7.4), "7");
        assert_eq!(grouped(1234.0), "1,234");
        assert_eq!(grouped(1234567.6), "1,234,568");
    }

    /// A tiling for speed and smoke tests: `parents` communities in a row, each `cols` × 2
    /// cells of `cell` degrees. Every cell side has `per_side` segments; the inner positions of
    /// each side and each cell corner are moved by a deterministic jitter (a share of the cell)
    /// that neighbours see identically, so cells tile their community exactly.
    struct Tiling {
        parents: Vec<MultiPolygon<f64>>,
        cells: Vec<Vec<MultiPolygon<f64>>>,
    }

    fn jitter(a: i64, b: i64, k: i64) -> f64 {
        let mut h = (a as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add((b as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
            .wrapping_add((k as u64).wrapping_mul(0x1656_67B1_9E37_79F9));
        h ^= h >> 29;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^= h >> 32;
        (h % 2001) as f64 / 1000.0 - 1.0
    }

    fn tiling(parents: i64, cols: i64, per_side: i64, cell: f64, amount: f64) -> Tiling {
        let corner = |i: i64, j: i64| Coord {
            x: 115.0 + i as f64 * cell + amount * cell * jitter(i, j, 1),
            y: 30.0 + j as f64 * cell + amount * cell * jitter(i, j, 2),
        };
        // The side from lattice corner (i, j) one step along x (horizontal) or y, without its
        // end corner.
        let side = |i: i64, j: i64, horizontal: bool| -> Vec<Coord<f64>> {
            let (a, b) = if horizontal {
                (corner(i, j), corner(i + 1, j))
            } else {
                (corner(i, j), corner(i, j + 1))
            };
            let key = if horizontal { 3 } else { 4 };
            (0..per_side)
                .map(|k| {
                    let t = k as f64 / per_side as f64;
                    let bend = if k == 0 {
                        0.0
                    } else {
                        amount * cell * jitter(i * 7 + key, j * 13 + k, key)
                    };
                    let (dx, dy) = if horizontal { (0.0, bend) } else { (bend, 0.0) };
                    Coord {
                        x: a.x + (b.x - a.x) * t + dx,
                        y: a.y + (b.y - a.y) * t + dy,
                    }
                })
                .collect()
        };
        let reversed = |mut v: Vec<Coord<f64>>, end: Coord<f64>| {
            v.push(end);
            v.reverse();
            v.pop();
            v
        };
        // Counterclockwise around the block of cells [i0, i1) × [j0, j1).
        let ring = |i0: i64, i1: i64, j0: i64, j1: i64| {
            let mut pts = Vec::new();
            for i in i0..i1 {
                pts.extend(side(i, j0, true));
            }
            for j in j0..j1 {
                pts.extend(side(i1, j, false));
            }
            for i in (i0..i1).rev() {
                pts.extend(reversed(side(i, j1, true), corner(i + 1, j1)));
            }
            for j in (j0..j1).rev() {
                pts.extend(reversed(side(i0, j, false), corner(i0, j + 1)));
            }
            pts.push(pts[0]);
            MultiPolygon::new(vec![Polygon::new(LineString::new(pts), vec![])])
        };
        let mut out = Tiling {
            parents: Vec::new(),
            cells: Vec::new(),
        };
        for p in 0..parents {
            // Parents sit in rows of 50 blocks, so the whole tiling stays a few degrees wide.
            let (i0, j0) = ((p % 50) * cols, (p / 50) * 2);
            out.parents.push(ring(i0, i0 + cols, j0, j0 + 2));
            let mut cells = Vec::new();
            for j in j0..j0 + 2 {
                for i in i0..i0 + cols {
                    cells.push(ring(i, i + 1, j, j + 1));
                }
            }
            out.cells.push(cells);
        }
        out
    }

    fn faults_of(t: &Tiling) -> Vec<NetworkFault> {
        let codes: Vec<String> = (0..t.cells.iter().map(Vec::len).max().unwrap_or(0))
            .map(|i| format!("G{i:03}"))
            .collect();
        let mut faults = Vec::new();
        for (parent, cells) in t.parents.iter().zip(&t.cells) {
            let sibs: Vec<Sibling> = cells
                .iter()
                .enumerate()
                .map(|(index, shape)| Sibling {
                    index,
                    code: &codes[index],
                    shape,
                })
                .collect();
            faults.extend(checked(Some(parent), &sibs));
        }
        faults
    }

    #[test]
    fn three_thousand_tiled_squares_have_no_fault() {
        let t = tiling(300, 5, 1, 0.005, 0.0);
        assert_eq!(t.cells.iter().map(Vec::len).sum::<usize>(), 3000);
        assert!(faults_of(&t).is_empty());
    }

    #[test]
    fn jittered_tilings_have_no_fault_and_a_shifted_vertex_is_found() {
        let mut t = tiling(20, 5, 6, 0.005, 0.04);
        assert_eq!(t.cells[0][0].0[0].exterior().0.len(), 25);
        assert!(faults_of(&t).is_empty(), "{:?}", faults_of(&t).first());
        // Push one cell's corner 0.001° (about 100 m) into its east neighbour.
        let ring = &mut t.cells[3][0].0[0];
        ring.exterior_mut(|ls| ls.0[6].x += 0.001);
        let faults = faults_of(&t);
        assert!(
            faults
                .iter()
                .any(|f| f.kind == NetworkFaultKind::Overlap { a: 0, b: 1 }),
            "{faults:?}"
        );
    }

    /// Timing for the import target: 15,000 grids of 24 vertices in 1,500 parents.
    /// Run with `cargo test --release -p gridgov-geo -- --ignored --nocapture timing`.
    #[test]
    #[ignore]
    fn timing_fifteen_thousand_grids() {
        let t = tiling(1500, 5, 6, 0.005, 0.04);
        let grids: usize = t.cells.iter().map(Vec::len).sum();
        // The fastest of a few runs: the least disturbed by other work on the machine.
        let mut best = std::time::Duration::MAX;
        for _ in 0..7 {
            let start = std::time::Instant::now();
            let faults = faults_of(&t);
            best = best.min(start.elapsed());
            assert!(faults.is_empty(), "{:?}", faults.first());
        }
        println!("check_siblings on {grids} grids in 1500 parents: {best:?}");
    }
}
