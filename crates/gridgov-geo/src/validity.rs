//! Whether a boundary is a valid shape: rings that do not cross themselves, holes inside their
//! shell and apart from each other, parts of a MultiPolygon that do not overlap or share an edge.
//!
//! geo's `Validation` compares every pair of a ring's edges: a hostile ring of 100,000 vertices
//! held a core for minutes. Here a ring is checked with geo's sweep line, which compares only
//! edges whose x-ranges overlap (O(n log n) for boundaries as people draw them), the rest with
//! geo's `Relate` on pairs whose boxes meet, and every loop polls a [`Cancel`]. The number of
//! vertices a ring may have is bounded by the reader ([`crate::features`]), which bounds even a
//! sweep's worst case.

use geo::algorithm::sweep::{Cross, Intersections};
use geo::line_intersection::LineIntersection;
use geo::{BoundingRect, Coord, Line, LineString, MultiPolygon, Polygon, Rect, Relate};

use crate::cancel::{Cancel, Cancelled};

/// One reason a shape is invalid, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub zh: String,
    pub en: String,
}

/// Every reason the shape is invalid; empty when it is valid.
pub fn check(shape: &MultiPolygon<f64>, cancel: &Cancel) -> Result<Vec<Invalid>, Cancelled> {
    let mut out = Vec::new();
    for (pi, polygon) in shape.0.iter().enumerate() {
        check_polygon(pi, polygon, cancel, &mut out)?;
    }
    check_parts_apart(shape, cancel, &mut out)?;
    Ok(out)
}

fn ring_name(ri: usize) -> (String, String) {
    if ri == 0 {
        ("外环".to_owned(), "shell".to_owned())
    } else {
        (format!("第{ri}个内环"), format!("hole {ri}"))
    }
}

fn check_polygon(
    pi: usize,
    polygon: &Polygon<f64>,
    cancel: &Cancel,
    out: &mut Vec<Invalid>,
) -> Result<(), Cancelled> {
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (ri, ring) in rings.enumerate() {
        if ring_crosses_itself(ring, cancel)? {
            let (zh, en) = ring_name(ri);
            out.push(Invalid {
                zh: format!("多边形{pi}的{zh}自相交（边线交叉）"),
                en: format!("polygon {pi} {en} has a self-intersection (its edges cross)"),
            });
        }
    }
    if polygon.interiors().is_empty() {
        return Ok(());
    }
    let shell = Polygon::new(polygon.exterior().clone(), Vec::new());
    let holes: Vec<Polygon<f64>> = polygon
        .interiors()
        .iter()
        .map(|h| Polygon::new(h.clone(), Vec::new()))
        .collect();
    for (hi, hole) in holes.iter().enumerate() {
        cancel.check()?;
        let m = shell.relate(hole);
        if !m.is_contains() {
            out.push(Invalid {
                zh: format!("多边形{pi}的第{}个内环不在外环之内", hi + 1),
                en: format!("polygon {pi} hole {} is not inside its shell", hi + 1),
            });
        } else if m.get(
            geo::coordinate_position::CoordPos::OnBoundary,
            geo::coordinate_position::CoordPos::OnBoundary,
        ) == geo::dimensions::Dimensions::OneDimensional
        {
            out.push(Invalid {
                zh: format!("多边形{pi}的第{}个内环与外环共用一段边", hi + 1),
                en: format!("polygon {pi} hole {} shares an edge with its shell", hi + 1),
            });
        }
    }
    for (a, b) in pairs_that_meet(&holes, cancel)? {
        if interiors_or_edges_meet(&holes[a], &holes[b]) {
            out.push(Invalid {
                zh: format!("多边形{pi}的第{}个与第{}个内环重叠或共边", a + 1, b + 1),
                en: format!(
                    "polygon {pi} holes {} and {} overlap or share an edge",
                    a + 1,
                    b + 1
                ),
            });
        }
    }
    Ok(())
}

/// Parts of a MultiPolygon may touch at points only.
fn check_parts_apart(
    shape: &MultiPolygon<f64>,
    cancel: &Cancel,
    out: &mut Vec<Invalid>,
) -> Result<(), Cancelled> {
    for (a, b) in pairs_that_meet(&shape.0, cancel)? {
        if interiors_or_edges_meet(&shape.0[a], &shape.0[b]) {
            out.push(Invalid {
                zh: format!("多边形{a}与多边形{b}重叠或共用一段边"),
                en: format!("polygons {a} and {b} overlap or share an edge"),
            });
        }
    }
    Ok(())
}

fn interiors_or_edges_meet(a: &Polygon<f64>, b: &Polygon<f64>) -> bool {
    use geo::coordinate_position::CoordPos::{Inside, OnBoundary};
    use geo::dimensions::Dimensions::{OneDimensional, TwoDimensional};
    let m = a.relate(b);
    m.get(Inside, Inside) == TwoDimensional || m.get(OnBoundary, OnBoundary) == OneDimensional
}

/// The pairs whose bounding boxes meet, the only ones that can.
fn pairs_that_meet(
    polygons: &[Polygon<f64>],
    cancel: &Cancel,
) -> Result<Vec<(usize, usize)>, Cancelled> {
    let boxes: Vec<Option<Rect<f64>>> = polygons.iter().map(BoundingRect::bounding_rect).collect();
    let mut pairs = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        cancel.check()?;
        let Some(a) = a else { continue };
        for (j, b) in boxes.iter().enumerate().skip(i + 1) {
            if let Some(b) = b
                && a.min().x <= b.max().x
                && b.min().x <= a.max().x
                && a.min().y <= b.max().y
                && b.min().y <= a.max().y
            {
                pairs.push((i, j));
            }
        }
    }
    Ok(pairs)
}

/// An edge of a ring, numbered.
#[derive(Clone)]
struct Edge {
    line: Line<f64>,
}

impl Cross for Edge {
    type Scalar = f64;

    fn line(&self) -> Line<f64> {
        self.line
    }
}

/// True when two edges of the ring cross or touch other than where consecutive edges meet,
/// or when consecutive edges fold back over each other (a spike).
///
/// Two edges that meet end to start are where the ring continues (geo's own rule, which also
/// lets a ring pass through one vertex twice).
pub fn ring_crosses_itself(ring: &LineString<f64>, cancel: &Cancel) -> Result<bool, Cancelled> {
    let edges: Vec<Edge> = ring
        .lines()
        .filter(|l| l.start != l.end)
        .map(|line| Edge { line })
        .collect();
    // Consecutive edges always meet, so the sweep yields at least once for every few edges it
    // compares: polling on each yield bounds the work done after a cancel.
    for (a, b, hit) in Intersections::from_iter(edges) {
        cancel.check()?;
        let (a, b) = (a.line, b.line);
        let continues = a.end == b.start || b.end == a.start;
        match hit {
            LineIntersection::SinglePoint { .. } if continues => {}
            LineIntersection::Collinear { intersection } if continues => {
                // Folding back: the shared part is longer than the shared vertex.
                if intersection.start != intersection.end {
                    return Ok(true);
                }
            }
            _ => return Ok(true),
        }
    }
    Ok(false)
}

/// A closed ring from its positions, for tests and callers that build rings by hand.
pub fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    LineString::new(points.iter().map(|&(x, y)| Coord { x, y }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, s: f64) -> LineString<f64> {
        ring(&[(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)])
    }

    fn ok(shape: &MultiPolygon<f64>) -> bool {
        check(shape, &Cancel::new())
            .map(|v| v.is_empty())
            .unwrap_or(false)
    }

    #[test]
    fn simple_rings_pass_and_bow_ties_and_spikes_fail() {
        let c = Cancel::new();
        assert!(!ring_crosses_itself(&square(0.0, 0.0, 1.0), &c).unwrap());
        let bow_tie = ring(&[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]);
        assert!(ring_crosses_itself(&bow_tie, &c).unwrap());
        let spike = ring(&[
            (0.0, 0.0),
            (2.0, 0.0),
            (2.0, 1.0),
            (2.0, 3.0),
            (2.0, 2.0),
            (0.0, 2.0),
            (0.0, 0.0),
        ]);
        assert!(ring_crosses_itself(&spike, &c).unwrap());
        // An edge touching another edge's middle.
        let touch = ring(&[
            (0.0, 0.0),
            (4.0, 0.0),
            (4.0, 4.0),
            (2.0, 0.0),
            (0.0, 4.0),
            (0.0, 0.0),
        ]);
        assert!(ring_crosses_itself(&touch, &c).unwrap());
        // Repeated positions are not edges.
        let repeated = ring(&[
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (0.0, 0.0),
        ]);
        assert!(!ring_crosses_itself(&repeated, &c).unwrap());
    }

    #[test]
    fn agrees_with_geo_on_holes_and_parts() {
        use geo::Validation;
        let shell = square(0.0, 0.0, 10.0);
        let cases = [
            MultiPolygon::new(vec![Polygon::new(
                shell.clone(),
                vec![square(2.0, 2.0, 2.0)],
            )]),
            // A hole outside its shell.
            MultiPolygon::new(vec![Polygon::new(
                shell.clone(),
                vec![square(20.0, 2.0, 2.0)],
            )]),
            // Two holes overlapping.
            MultiPolygon::new(vec![Polygon::new(
                shell.clone(),
                vec![square(2.0, 2.0, 3.0), square(3.0, 3.0, 3.0)],
            )]),
            // Parts apart, parts touching at a corner, parts sharing an edge, parts overlapping.
            MultiPolygon::new(vec![
                Polygon::new(square(0.0, 0.0, 1.0), vec![]),
                Polygon::new(square(5.0, 5.0, 1.0), vec![]),
            ]),
            MultiPolygon::new(vec![
                Polygon::new(square(0.0, 0.0, 1.0), vec![]),
                Polygon::new(square(1.0, 1.0, 1.0), vec![]),
            ]),
            MultiPolygon::new(vec![
                Polygon::new(square(0.0, 0.0, 1.0), vec![]),
                Polygon::new(square(1.0, 0.0, 1.0), vec![]),
            ]),
            MultiPolygon::new(vec![
                Polygon::new(square(0.0, 0.0, 2.0), vec![]),
                Polygon::new(square(1.0, 1.0, 2.0), vec![]),
            ]),
        ];
        for (i, shape) in cases.iter().enumerate() {
            assert_eq!(ok(shape), shape.is_valid(), "case {i}");
        }
    }

    #[test]
    fn a_huge_simple_ring_is_checked_quickly_and_a_crossing_in_it_is_found() {
        // A circle of 200,000 vertices: all pairs would be 2·10¹⁰ comparisons.
        let n = 200_000;
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                (t.cos(), t.sin())
            })
            .collect();
        pts.push(pts[0]);
        let c = Cancel::new();
        assert!(!ring_crosses_itself(&ring(&pts), &c).unwrap());
        // Swap two neighbouring vertices: the ring now crosses itself there.
        pts.swap(1000, 1001);
        assert!(ring_crosses_itself(&ring(&pts), &c).unwrap());
    }

    /// A sawtooth of `teeth` teeth whose edges all span the same x-range: the sweep's worst case.
    pub(crate) fn sawtooth(teeth: usize) -> LineString<f64> {
        let d = 1e-5;
        let mut pts = Vec::with_capacity(2 * teeth + 3);
        for k in 0..teeth {
            pts.push((0.0, 2.0 * k as f64 * d));
            pts.push((1.0, (2.0 * k as f64 + 1.0) * d));
        }
        let top = 2.0 * teeth as f64 * d;
        pts.push((-0.1, top));
        pts.push((-0.1, 0.0));
        pts.push((0.0, 0.0));
        ring(&pts)
    }

    #[test]
    #[ignore = "times the sweep's worst case; run by hand"]
    fn sawtooth_cost() {
        for teeth in [1000, 5000, 10_000] {
            let t = std::time::Instant::now();
            let r = ring_crosses_itself(&sawtooth(teeth), &Cancel::new()).unwrap();
            println!("{} edges: crosses {r}, {:?}", 2 * teeth + 2, t.elapsed());
        }
    }

    #[test]
    fn cancelled_work_stops() {
        let c = Cancel::new();
        c.cancel();
        let bow_tie = ring(&[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]);
        assert_eq!(ring_crosses_itself(&bow_tie, &c), Err(Cancelled));
    }
}
