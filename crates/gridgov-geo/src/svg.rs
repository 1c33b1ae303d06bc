//! Maps drawn by the server: the grids of a region as one SVG element, each grid coloured by a
//! layer's class and linked to its page, with the outlines of the child regions and a label per
//! grid. No tiles and no CDN, so maps work on offline government networks and print as vectors.
//!
//! Projection: equirectangular about the middle latitude (x scaled by its cosine, y flipped).
//! Across a county its distortion is a fraction of a percent, and it needs no library.
//!
//! The picture is fitted into a viewBox [`VIEW_WIDTH`] units across and coordinates are written
//! as whole units: about 5 m on a county 50 km across. Shared borders round identically on both
//! sides, and at the browser's largest zoom (64×) a unit is a few pixels, so zoomed maps stay
//! sharp without decimals.
//!
//! Size, for 2,000 grids under 1 MB: rings are simplified (Douglas–Peucker, half a unit),
//! rounded, cleared of the points that rounding made repeated or collinear, and written as
//! relative moves (`l`, `h`, `v`) whose numbers have two or three digits instead of four or five.
//!
//! Labels keep one size on screen while the map zooms (map.js rescales them), so a label that is
//! too wide for its grid at first fits once the grid is drawn big enough. Each `<text>` carries
//! that zoom as `data-z`, and map.js shows it from there on.

use geo::{BoundingRect, Coord, CoordsIter, LineString, MultiPolygon, Rect, Simplify};

/// Width of the viewBox in user units.
pub const VIEW_WIDTH: u32 = 10_000;

/// Room left around the picture, in user units: keeps edge strokes and labels off the frame.
const MARGIN: f64 = 150.0;

/// Douglas–Peucker tolerance in user units: half of the rounding step, so simplification moves
/// nothing further than rounding does.
const TOLERANCE: f64 = 0.5;

/// Label size in CSS pixels at the width the map is laid out for.
const LABEL_PX: f64 = 12.0;

/// Room a label wants beyond its text, in ems: a name touching both edges of its grid reads as
/// cramped, and the halo needs space.
const LABEL_PAD_EM: f64 = 0.6;

/// Height a label wants, in ems.
const LABEL_LINE_EM: f64 = 1.2;

/// The largest `data-z` written: labels needing more never show, since map.js zooms 64× at most.
const MAX_Z: f64 = 999.0;

/// Heights (as fractions of a shape's box, middle first) at which a label spot is looked for.
const SCAN_AT: [f64; 7] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8];

/// How much worse a label spot may fit per unit of distance from the middle height and still
/// be preferred: 0.2 of the box off the middle must fit 15% sooner to win.
const OFF_MIDDLE: f64 = 0.75;

/// One shape on the map.
#[derive(Debug, Clone, Copy)]
pub struct MapShape<'a> {
    /// The boundary in WGS84 longitude/latitude.
    pub shape: &'a MultiPolygon<f64>,
    /// The name drawn inside the shape; empty for none.
    pub label: &'a str,
    /// Hover text; empty for none.
    pub title: &'a str,
    /// Where a click goes; `None` draws the shape without a link.
    pub href: Option<&'a str>,
    /// The shape's category in the chosen layer, e.g. `k-special`; it picks the fill in CSS.
    pub class: &'a str,
}

/// How the map is drawn.
#[derive(Debug, Clone, Copy)]
pub struct MapOptions<'a> {
    /// The size in CSS pixels the map is laid out for. It sets the viewBox's aspect, the label
    /// size (12 px at this width) and the zoom that `data-z` counts from; the page may still show
    /// the map at any width.
    pub width: u32,
    pub height: u32,
    /// Boundaries of the child regions, drawn as lines over the grids.
    pub outlines: &'a [&'a MultiPolygon<f64>],
    /// What a screen reader says for the whole map.
    pub aria_label: &'a str,
}

/// Draws the map as one `<svg class="gmap">` element.
///
/// Inside it: `g.gmap-grids` with one `<path>` per shape (inside an `<a>` when it has a link),
/// `g.gmap-outlines` with one `<path>` per outline, and `g.gmap-labels` with one `<text>` per
/// label. A group is left out when there is no input for it. Shapes that vanish at the map's
/// scale (under a unit across) are left out with their labels.
pub fn render(shapes: &[MapShape], opts: &MapOptions) -> String {
    let width_px = f64::from(opts.width.max(1));
    let height_px = f64::from(opts.height.max(1));
    let view_w = f64::from(VIEW_WIDTH);
    let view_h = (view_w * height_px / width_px).round().clamp(1.0, 1e6);
    let fit = Fit::new(bounds(shapes, opts.outlines), view_w, view_h);
    let font = (LABEL_PX * view_w / width_px).max(1.0);

    let mut out = String::with_capacity(estimate(shapes, opts.outlines));
    out.push_str(r#"<svg xmlns="http://www.w3.org/2000/svg" class="gmap" viewBox="0 0 "#);
    push_int(&mut out, VIEW_WIDTH.into());
    out.push(' ');
    push_int(&mut out, view_h as i64);
    out.push_str(r#"" width=""#);
    push_int(&mut out, opts.width.max(1).into());
    out.push_str(r#"" height=""#);
    push_int(&mut out, opts.height.max(1).into());
    out.push_str(r#"" role="img" aria-label=""#);
    escape(&mut out, opts.aria_label);
    out.push('"');
    fit.write_projection(&mut out);
    out.push_str(">\n");

    let mut rings = Rings::default();
    let mut spots: Vec<Option<Spot>> = Vec::with_capacity(shapes.len());
    if !shapes.is_empty() {
        // Fills and strokes here are for the SVG on its own (saved or opened as a file); the
        // stylesheet overrides them on the page.
        out.push_str(
            "<g class=\"gmap-grids\" fill=\"#cfd5df\" stroke=\"#fff\" fill-rule=\"evenodd\">\n",
        );
        for s in shapes {
            rings.collect(s.shape, &fit);
            if rings.is_empty() {
                spots.push(None);
                continue;
            }
            if let Some(href) = s.href {
                out.push_str("<a href=\"");
                escape(&mut out, href);
                out.push_str("\">");
            }
            out.push_str("<path");
            if !s.class.is_empty() {
                out.push_str(" class=\"");
                escape(&mut out, s.class);
                out.push('"');
            }
            out.push_str(" d=\"");
            rings.write_path(&mut out);
            if s.title.is_empty() {
                out.push_str("\"/>");
            } else {
                out.push_str("\"><title>");
                escape(&mut out, s.title);
                out.push_str("</title></path>");
            }
            if s.href.is_some() {
                out.push_str("</a>");
            }
            out.push('\n');
            spots.push(if s.label.is_empty() {
                None
            } else {
                rings.label_spot(label_ems(s.label), font)
            });
        }
        out.push_str("</g>\n");
    }

    if !opts.outlines.is_empty() {
        out.push_str("<g class=\"gmap-outlines\" fill=\"none\" stroke=\"#0b2a5b\">\n");
        for o in opts.outlines {
            rings.collect(o, &fit);
            if !rings.is_empty() {
                out.push_str("<path d=\"");
                rings.write_path(&mut out);
                out.push_str("\"/>\n");
            }
        }
        out.push_str("</g>\n");
    }

    if spots.iter().any(Option::is_some) {
        // Size and halo are attributes on the group rather than CSS so that map.js can rescale
        // them as the map zooms (the CSP forbids inline styles, not presentation attributes).
        out.push_str("<g class=\"gmap-labels\" font-size=\"");
        push_int(&mut out, font.round() as i64);
        out.push_str("\" stroke-width=\"");
        push_int(&mut out, (font / 5.0).round().max(1.0) as i64);
        out.push_str(
            "\" fill=\"#1d2330\" stroke=\"#fff\" text-anchor=\"middle\" \
             dominant-baseline=\"central\">\n",
        );
        for (s, spot) in shapes.iter().zip(&spots) {
            let Some(spot) = spot else { continue };
            out.push_str("<text x=\"");
            push_int(&mut out, spot.x);
            out.push_str("\" y=\"");
            push_int(&mut out, spot.y);
            out.push_str("\" data-z=\"");
            push_int(&mut out, spot.z);
            out.push_str("\">");
            escape(&mut out, s.label);
            out.push_str("</text>\n");
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>");
    out
}

/// The box around every shape and outline, in degrees.
fn bounds(shapes: &[MapShape], outlines: &[&MultiPolygon<f64>]) -> Option<Rect<f64>> {
    shapes
        .iter()
        .map(|s| s.shape)
        .chain(outlines.iter().copied())
        .filter_map(BoundingRect::bounding_rect)
        .reduce(|a, b| {
            Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        })
}

/// A generous guess at the output's length, so the string is allocated once.
fn estimate(shapes: &[MapShape], outlines: &[&MultiPolygon<f64>]) -> usize {
    let shapes_len: usize = shapes
        .iter()
        .map(|s| {
            // Markup around each shape and its label, then about 6 bytes per kept vertex.
            120 + s.label.len() * 2
                + s.title.len()
                + s.href.map_or(0, str::len)
                + s.class.len()
                + 6 * s.shape.coords_count()
        })
        .sum();
    let outlines_len: usize = outlines.iter().map(|o| 20 + 6 * o.coords_count()).sum();
    600 + shapes_len + outlines_len
}

/// Longitude/latitude → user units.
struct Fit {
    lng0: f64,
    lat1: f64,
    /// User units per degree of longitude and of latitude.
    kx: f64,
    ky: f64,
    ox: f64,
    oy: f64,
}

impl Fit {
    fn new(bbox: Option<Rect<f64>>, view_w: f64, view_h: f64) -> Fit {
        let identity = Fit {
            lng0: 0.0,
            lat1: 0.0,
            kx: 1.0,
            ky: 1.0,
            ox: 0.0,
            oy: 0.0,
        };
        let Some(b) = bbox else { return identity };
        let mid = (b.min().y + b.max().y) / 2.0;
        // Clamped so that a box at a pole still has a width.
        let cos = mid.to_radians().cos().max(0.01);
        let w = b.width() * cos;
        let h = b.height();
        let avail_w = (view_w - 2.0 * MARGIN).max(1.0);
        let avail_h = (view_h - 2.0 * MARGIN).max(1.0);
        let sx = if w > 0.0 { avail_w / w } else { f64::INFINITY };
        let sy = if h > 0.0 { avail_h / h } else { f64::INFINITY };
        // A single point or a line has no scale of its own: any will do.
        let s = match sx.min(sy) {
            s if s.is_finite() && s > 0.0 => s,
            _ => 1.0,
        };
        Fit {
            lng0: b.min().x,
            lat1: b.max().y,
            kx: cos * s,
            ky: s,
            ox: (view_w - w * s) / 2.0,
            oy: (view_h - h * s) / 2.0,
        }
    }

    /// The projection as data attributes, so a page's script can turn a click back into a
    /// position: `lng = lng0 + (x - ox) / kx`, `lat = lat1 - (y - oy) / ky` in user units.
    fn write_projection(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            out,
            " data-lng0=\"{}\" data-lat1=\"{}\" data-kx=\"{}\" data-ky=\"{}\" data-ox=\"{}\" \
             data-oy=\"{}\"",
            self.lng0, self.lat1, self.kx, self.ky, self.ox, self.oy
        );
    }

    fn apply(&self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: self.ox + (c.x - self.lng0) * self.kx,
            y: self.oy + (self.lat1 - c.y) * self.ky,
        }
    }
}

/// Where a label goes and the zoom from which it fits.
#[derive(Debug, Clone, Copy)]
struct Spot {
    x: i64,
    y: i64,
    z: i64,
}

/// The rings of one shape in whole user units, reused from shape to shape so drawing 2,000
/// grids allocates little.
#[derive(Default)]
struct Rings {
    /// Every kept ring's points one after another, without the closing repeat.
    pts: Vec<[i64; 2]>,
    /// Where each ring ends in `pts`.
    ends: Vec<usize>,
    /// Scratch: the ring being projected.
    projected: Vec<Coord<f64>>,
    /// Scratch: crossings of a scan line.
    hits: Vec<f64>,
}

impl Rings {
    fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn collect(&mut self, shape: &MultiPolygon<f64>, fit: &Fit) {
        self.pts.clear();
        self.ends.clear();
        for poly in shape {
            for (i, ring) in std::iter::once(poly.exterior())
                .chain(poly.interiors())
                .enumerate()
            {
                // Holes are inside their shell, so a shell too small to draw takes them along.
                if !self.add(ring, fit) && i == 0 {
                    break;
                }
            }
        }
    }

    /// Projects, simplifies and rounds one ring; false if it vanished.
    fn add(&mut self, ring: &LineString<f64>, fit: &Fit) -> bool {
        let mut projected = std::mem::take(&mut self.projected);
        projected.clear();
        projected.extend(ring.0.iter().map(|c| fit.apply(*c)));
        let line = LineString::new(projected);
        let simple = line.simplify(TOLERANCE);
        self.projected = line.into_inner();

        let start = self.pts.len();
        for c in &simple.0 {
            // Clamped so that a stray non-finite coordinate cannot overflow the arithmetic below.
            let p = [
                c.x.round().clamp(-1e7, 1e7) as i64,
                c.y.round().clamp(-1e7, 1e7) as i64,
            ];
            loop {
                let n = self.pts.len() - start;
                if n >= 1 && self.pts[start + n - 1] == p {
                    break;
                }
                if n >= 2 && in_line(self.pts[start + n - 2], self.pts[start + n - 1], p) {
                    self.pts.pop();
                    continue;
                }
                self.pts.push(p);
                break;
            }
        }
        // The ring's first point came back as its last; `z` closes the path instead.
        if self.pts.len() - start >= 2 && self.pts.last() == self.pts.get(start) {
            self.pts.pop();
        }
        // Points made redundant where the ring closes.
        loop {
            let end = self.pts.len();
            if end - start < 3 {
                self.pts.truncate(start);
                return false;
            }
            if in_line(self.pts[end - 2], self.pts[end - 1], self.pts[start]) {
                self.pts.pop();
            } else if in_line(self.pts[end - 1], self.pts[start], self.pts[start + 1]) {
                self.pts.remove(start);
            } else {
                break;
            }
        }
        self.ends.push(self.pts.len());
        true
    }

    /// Writes the rings as path data: an absolute move to each ring's start, then relative
    /// moves, with the command letter left out where it repeats.
    fn write_path(&self, out: &mut String) {
        let mut start = 0;
        for &end in &self.ends {
            let ring = &self.pts[start..end];
            start = end;
            let Some((&first, rest)) = ring.split_first() else {
                continue;
            };
            out.push('M');
            push_int(out, first[0]);
            out.push(' ');
            push_int(out, first[1]);
            let mut last_cmd = 'M';
            let mut prev = first;
            for &p in rest {
                let (dx, dy) = (p[0] - prev[0], p[1] - prev[1]);
                prev = p;
                let (cmd, a, b) = if dy == 0 {
                    ('h', dx, None)
                } else if dx == 0 {
                    ('v', dy, None)
                } else {
                    ('l', dx, Some(dy))
                };
                if cmd == last_cmd {
                    if a >= 0 {
                        out.push(' ');
                    }
                } else {
                    out.push(cmd);
                    last_cmd = cmd;
                }
                push_int(out, a);
                if let Some(b) = b {
                    if b >= 0 {
                        out.push(' ');
                    }
                    push_int(out, b);
                }
            }
            out.push('z');
        }
    }

    /// A point inside the shape for a label `ems` wide, and the zoom from which it fits.
    ///
    /// Horizontal scan lines at a few heights give the widest stretch inside the shape at each
    /// height (holes and separate parts count, by the even–odd rule); a vertical line through
    /// that stretch's middle gives the room above and below. The spot needing the least zoom
    /// wins, with a handicap for lines off the middle. Cheaper than a pole of inaccessibility
    /// and, unlike a centroid, never outside a C- or L-shaped grid.
    fn label_spot(&mut self, ems: f64, font: f64) -> Option<Spot> {
        let (min_y, max_y) = self.pts.iter().fold((i64::MAX, i64::MIN), |(lo, hi), p| {
            (lo.min(p[1]), hi.max(p[1]))
        });
        if min_y >= max_y {
            return None;
        }
        let want_w = (ems + LABEL_PAD_EM) * font;
        let want_h = LABEL_LINE_EM * font;
        let mut hits = std::mem::take(&mut self.hits);
        let mut best: Option<(f64, f64, f64, f64)> = None;
        for f in SCAN_AT {
            let y = min_y as f64 + f * (max_y - min_y) as f64;
            self.crossings(Axis::Horizontal, y, &mut hits);
            let Some((a, b)) = hits
                .chunks_exact(2)
                .map(|p| (p[0], p[1]))
                .max_by(|p, q| (p.1 - p.0).total_cmp(&(q.1 - q.0)))
            else {
                continue;
            };
            let x = (a + b) / 2.0;
            self.crossings(Axis::Vertical, x, &mut hits);
            let Some(room_h) = hits
                .chunks_exact(2)
                .find(|p| p[0] <= y && y <= p[1])
                .map(|p| 2.0 * (y - p[0]).min(p[1] - y))
            else {
                continue;
            };
            let room_w = b - a;
            if room_w <= 0.0 || room_h <= 0.0 {
                continue;
            }
            let need = (want_w / room_w).max(want_h / room_h);
            // Names read best mid-shape: a line off the middle must win by more than a little.
            let score = need * (1.0 + OFF_MIDDLE * (f - 0.5).abs());
            if best.is_none_or(|(s, _, _, _)| score < s) {
                best = Some((score, need, x, y));
            }
        }
        self.hits = hits;
        let (_, need, x, y) = best?;
        Some(Spot {
            x: x.round() as i64,
            y: y.round() as i64,
            z: need.ceil().clamp(1.0, MAX_Z) as i64,
        })
    }

    /// Where the rings cross the line y = `at` (or x = `at`), sorted. Edges are half-open, so a
    /// line through a vertex counts it once and the crossings pair up as inside stretches.
    fn crossings(&self, axis: Axis, at: f64, hits: &mut Vec<f64>) {
        hits.clear();
        let (u, v) = match axis {
            Axis::Horizontal => (0, 1),
            Axis::Vertical => (1, 0),
        };
        let mut start = 0;
        for &end in &self.ends {
            let ring = &self.pts[start..end];
            start = end;
            let mut prev = ring.last().copied();
            for &p in ring {
                let Some(q) = prev else { break };
                prev = Some(p);
                let (qu, qv, pu, pv) = (q[u] as f64, q[v] as f64, p[u] as f64, p[v] as f64);
                if (qv > at) != (pv > at) {
                    hits.push(qu + (at - qv) * (pu - qu) / (pv - qv));
                }
            }
        }
        hits.sort_by(f64::total_cmp);
    }
}

#[derive(Clone, Copy)]
enum Axis {
    Horizontal,
    Vertical,
}

/// Whether b lies on the line through a and c (then b adds nothing to a path from a to c; it
/// may also be a spike out and back, which draws nothing either).
fn in_line(a: [i64; 2], b: [i64; 2], c: [i64; 2]) -> bool {
    (b[0] - a[0]) * (c[1] - b[1]) == (b[1] - a[1]) * (c[0] - b[0])
}

/// A label's width in ems: CJK characters are about one em wide, Latin letters and digits a
/// little over half.
fn label_ems(s: &str) -> f64 {
    s.chars().map(|c| if is_wide(c) { 1.0 } else { 0.6 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'     // Hangul jamo
        | '\u{2E80}'..='\u{303F}'   // CJK radicals, symbols and punctuation
        | '\u{3040}'..='\u{33FF}'   // kana, bopomofo, CJK compatibility
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}'   // CJK compatibility forms
        | '\u{FF00}'..='\u{FF60}'   // fullwidth forms
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}' // CJK extensions B and beyond
    )
}

/// Appends text escaped for XML content and double- or single-quoted attributes. Characters XML
/// does not allow (control characters other than tab and line breaks) are dropped, so the SVG
/// also parses as a file on its own.
fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// Appends an integer in decimal without going through `fmt`, which is noticeably slower for the
/// hundred thousand numbers of a large map.
fn push_int(out: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Polygon;

    fn rect(x: f64, y: f64, w: f64, h: f64) -> LineString<f64> {
        LineString::from(vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)])
    }

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Polygon::new(rect(x, y, size, size), vec![])])
    }

    fn shape<'a>(m: &'a MultiPolygon<f64>, label: &'a str) -> MapShape<'a> {
        MapShape {
            shape: m,
            label,
            title: "",
            href: None,
            class: "",
        }
    }

    fn opts() -> MapOptions<'static> {
        MapOptions {
            width: 1000,
            height: 700,
            outlines: &[],
            aria_label: "map",
        }
    }

    #[test]
    fn the_projection_written_turns_a_point_back_into_its_position() {
        let a = square(115.0, 30.2, 0.01);
        let svg = render(&[shape(&a, "")], &opts());
        assert_well_formed(&svg);
        let num = |name: &str| -> f64 {
            let key = format!(" data-{name}=\"");
            let at = svg.find(&key).unwrap() + key.len();
            svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
        };
        let (lng0, lat1, kx, ky, ox, oy) = (
            num("lng0"),
            num("lat1"),
            num("kx"),
            num("ky"),
            num("ox"),
            num("oy"),
        );
        // The middle of the viewBox is the middle of the square.
        let (x, y) = (5000.0, 3500.0);
        let lng = lng0 + (x - ox) / kx;
        let lat = lat1 - (y - oy) / ky;
        assert!((lng - 115.005).abs() < 1e-9, "{lng}");
        assert!((lat - 30.205).abs() < 1e-9, "{lat}");
    }

    /// Checks that the markup is well formed XML in the ways the renderer could get wrong:
    /// every tag closed in order, no bare `&` or `<`, attribute values quoted and free of `<`.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            check_text(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('>').unwrap();
            let tag = &after[..close];
            assert_eq!(
                tag.matches('"').count() % 2,
                0,
                "unbalanced quotes in <{tag}>"
            );
            assert!(!tag.contains('<'), "< inside <{tag}>");
            check_text(tag);
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "closing </{name}>");
            } else if !tag.ends_with('/') {
                stack.push(tag.split([' ', '\n']).next().unwrap());
            }
            rest = &after[close + 1..];
        }
        assert!(rest.trim().is_empty());
        assert!(stack.is_empty(), "unclosed {stack:?}");
    }

    fn check_text(t: &str) {
        assert!(!t.contains('>') || t.is_empty(), "bare > in {t:?}");
        for (i, _) in t.match_indices('&') {
            let ent = &t[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| ent.starts_with(e)),
                "bare & in {t:?}"
            );
        }
    }

    fn attr<'s>(tag: &'s str, name: &str) -> &'s str {
        let key = format!(" {name}=\"");
        let at = tag.find(&key).unwrap() + key.len();
        &tag[at..at + tag[at..].find('"').unwrap()]
    }

    fn data_z(svg: &str) -> Vec<u32> {
        svg.match_indices("<text ")
            .map(|(i, _)| attr(&svg[i..], "data-z").parse().unwrap())
            .collect()
    }

    #[test]
    fn escapes_text_and_attributes() {
        let m = square(115.0, 30.0, 0.01);
        let s = MapShape {
            shape: &m,
            label: "A&B <网格>",
            title: "\"quoted\" & 'single'\u{1}",
            href: Some("/grids/1?a=1&b=\"2\""),
            class: "k-special\"><script>",
        };
        let svg = render(
            &[s],
            &MapOptions {
                aria_label: "<地图> & \"more\"",
                ..opts()
            },
        );
        assert_well_formed(&svg);
        assert!(svg.contains(r#"aria-label="&lt;地图&gt; &amp; &quot;more&quot;""#));
        assert!(svg.contains(r#"href="/grids/1?a=1&amp;b=&quot;2&quot;""#));
        assert!(svg.contains("<title>&quot;quoted&quot; &amp; &#39;single&#39;</title>"));
        assert!(svg.contains(">A&amp;B &lt;网格&gt;</text>"));
        assert!(svg.contains(r#"class="k-special&quot;&gt;&lt;script&gt;""#));
        assert!(!svg.contains('\u{1}'));
    }

    #[test]
    fn links_and_titles_only_where_given() {
        let a = square(115.0, 30.0, 0.01);
        let b = square(115.01, 30.0, 0.01);
        let svg = render(
            &[
                MapShape {
                    shape: &a,
                    label: "一",
                    title: "第一网格",
                    href: Some("/grids/1"),
                    class: "k-comprehensive",
                },
                MapShape {
                    shape: &b,
                    label: "二",
                    title: "",
                    href: None,
                    class: "k-special",
                },
            ],
            &opts(),
        );
        assert_well_formed(&svg);
        assert!(svg.contains(r#"<a href="/grids/1"><path class="k-comprehensive" d="M"#));
        assert!(svg.contains("<title>第一网格</title></path></a>"));
        assert_eq!(svg.matches("<a ").count(), 1);
        assert_eq!(svg.matches("<title>").count(), 1);
        assert!(svg.contains(r#"<path class="k-special" d="M"#));
        assert_eq!(svg.matches("<text ").count(), 2);
    }

    #[test]
    fn holes_are_drawn_even_odd() {
        let shell = rect(115.0, 30.0, 0.03, 0.03);
        let hole = rect(115.01, 30.01, 0.01, 0.01);
        let m = MultiPolygon::new(vec![Polygon::new(shell, vec![hole])]);
        let svg = render(&[shape(&m, "")], &opts());
        assert_well_formed(&svg);
        assert!(svg.contains(r#"fill-rule="evenodd""#));
        let d = attr(&svg[svg.find("<path").unwrap()..], "d");
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('z').count(), 2, "{d}");
        // Axis-aligned edges become h and v moves; a rectangle needs three after its start.
        assert_eq!(d.matches(['h', 'v', 'l']).count(), 6, "{d}");
    }

    #[test]
    fn empty_input_is_an_empty_valid_svg() {
        let svg = render(&[], &opts());
        assert_well_formed(&svg);
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains(r#"class="gmap""#));
        assert!(svg.contains(r#"viewBox="0 0 10000 7000""#));
        assert!(svg.contains(r#"role="img""#));
        assert!(!svg.contains("<g"));
        assert!(!svg.contains("NaN"));

        // Shapes without area or position are dropped the same way.
        let empty = MultiPolygon::<f64>::new(vec![]);
        let svg = render(&[shape(&empty, "x")], &opts());
        assert_well_formed(&svg);
        assert!(!svg.contains("<path"));
        assert!(!svg.contains("<text"));
    }

    /// Every absolute and relative coordinate of a path, followed to absolute points.
    fn points(d: &str) -> Vec<(i64, i64)> {
        let mut pts = Vec::new();
        let mut cmd = 'M';
        let mut nums: Vec<i64> = Vec::new();
        let mut cur = (0, 0);
        let mut flush = |cmd: char, nums: &mut Vec<i64>, cur: &mut (i64, i64)| {
            let step = if matches!(cmd, 'h' | 'v') { 1 } else { 2 };
            for n in nums.chunks(step) {
                *cur = match cmd {
                    'M' => (n[0], n[1]),
                    'l' => (cur.0 + n[0], cur.1 + n[1]),
                    'h' => (cur.0 + n[0], cur.1),
                    'v' => (cur.0, cur.1 + n[0]),
                    _ => unreachable!(),
                };
                pts.push(*cur);
            }
            nums.clear();
        };
        let mut num = String::new();
        for c in d.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_digit() || (c == '-' && num.is_empty()) {
                num.push(c);
                continue;
            }
            if !num.is_empty() {
                nums.push(num.parse().unwrap());
                num.clear();
            }
            if c == '-' {
                num.push(c);
            } else if c.is_ascii_alphabetic() {
                flush(cmd, &mut nums, &mut cur);
                cmd = c;
            }
        }
        flush(cmd, &mut nums, &mut cur);
        pts
    }

    #[test]
    fn the_picture_is_fitted_into_the_view_box() {
        // Wider than tall in degrees: the width fills the view between the margins and the
        // height is centred.
        let m = MultiPolygon::new(vec![Polygon::new(rect(115.0, 30.0, 0.2, 0.05), vec![])]);
        let svg = render(&[shape(&m, "")], &opts());
        let d = attr(&svg[svg.find("<path").unwrap()..], "d");
        let pts = points(d);
        let xs: Vec<i64> = pts.iter().map(|p| p.0).collect();
        let ys: Vec<i64> = pts.iter().map(|p| p.1).collect();
        let (x0, x1) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
        let (y0, y1) = (*ys.iter().min().unwrap(), *ys.iter().max().unwrap());
        assert_eq!((x0, x1), (150, 9850), "{d}");
        // 0.05° of latitude against 0.2° × cos 30.025° of longitude.
        let h = 9700.0 * 0.05 / (0.2 * 30.025f64.to_radians().cos());
        assert!((((y1 - y0) as f64) - h).abs() <= 1.0, "{d}");
        assert!(((y0 + y1) - 7000).abs() <= 1, "{d}");
        // North is up.
        let first = pts[0];
        assert_eq!(first, (150, y1), "the south-west corner comes first: {d}");

        // Taller than wide: the height fills the view.
        let m = MultiPolygon::new(vec![Polygon::new(rect(115.0, 30.0, 0.01, 0.2), vec![])]);
        let svg = render(&[shape(&m, "")], &opts());
        let pts = points(attr(&svg[svg.find("<path").unwrap()..], "d"));
        let ys: Vec<i64> = pts.iter().map(|p| p.1).collect();
        assert_eq!(
            (*ys.iter().min().unwrap(), *ys.iter().max().unwrap()),
            (150, 6850)
        );

        // Outlines count towards the fit even where no grid is.
        let outline = square(114.0, 29.0, 2.0);
        let small = square(115.0, 30.0, 0.01);
        let svg = render(
            &[shape(&small, "")],
            &MapOptions {
                outlines: &[&outline],
                ..opts()
            },
        );
        assert_well_formed(&svg);
        let outline_d = attr(&svg[svg.find("<g class=\"gmap-outlines\"").unwrap()..], "d");
        let ys: Vec<i64> = points(outline_d).iter().map(|p| p.1).collect();
        assert_eq!(
            (*ys.iter().min().unwrap(), *ys.iter().max().unwrap()),
            (150, 6850)
        );
    }

    #[test]
    fn rounding_drops_repeated_and_collinear_points() {
        // Many points along straight edges, a few closer together than a unit.
        let mut ring = Vec::new();
        for i in 0..=100 {
            ring.push((115.0 + 0.001 * i as f64, 30.0));
        }
        ring.push((115.1, 30.0000001));
        for i in 0..=100 {
            ring.push((115.1 - 0.001 * i as f64, 30.1));
        }
        ring.push((115.0, 30.0));
        let m = MultiPolygon::new(vec![Polygon::new(LineString::from(ring), vec![])]);
        let svg = render(&[shape(&m, "")], &opts());
        let d = attr(&svg[svg.find("<path").unwrap()..], "d");
        assert_eq!(points(d).len(), 4, "{d}");
    }

    #[test]
    fn small_shapes_need_more_zoom_for_their_labels() {
        let big = square(115.0, 30.0, 0.1);
        let mid = square(115.2, 30.0, 0.01);
        let small = square(115.3, 30.0, 0.002);
        let svg = render(
            &[
                shape(&big, "大冶市罗桥街道"),
                shape(&mid, "大冶市罗桥街道"),
                shape(&small, "大冶市罗桥街道"),
                shape(&small, "7"),
            ],
            &opts(),
        );
        assert_well_formed(&svg);
        let z = data_z(&svg);
        assert_eq!(z.len(), 4);
        assert_eq!(z[0], 1, "{svg}");
        assert!(z[0] < z[1] && z[1] < z[2], "{z:?}");
        // Shorter names fit sooner.
        assert!(z[3] < z[2], "{z:?}");
    }

    #[test]
    fn labels_sit_inside_c_shaped_grids() {
        // A C open to the east: its centroid and box centre fall in the gap.
        let c = LineString::from(vec![
            (0.0, 0.0),
            (0.3, 0.0),
            (0.3, 0.1),
            (0.1, 0.1),
            (0.1, 0.2),
            (0.3, 0.2),
            (0.3, 0.3),
            (0.0, 0.3),
            (0.0, 0.0),
        ]);
        let m = MultiPolygon::new(vec![Polygon::new(c, vec![])]);
        let svg = render(&[shape(&m, "网格")], &opts());
        let at = svg.find("<text ").unwrap();
        let (x, y): (f64, f64) = (
            attr(&svg[at..], "x").parse().unwrap(),
            attr(&svg[at..], "y").parse().unwrap(),
        );
        let d = attr(&svg[svg.find("<path").unwrap()..], "d");
        let pts = points(d);
        // Back to degrees through the corners: x of the C's spine edge and the gap's rows.
        let xs: Vec<i64> = pts.iter().map(|p| p.0).collect();
        let ys: Vec<i64> = pts.iter().map(|p| p.1).collect();
        let (x0, x1) = (
            *xs.iter().min().unwrap() as f64,
            *xs.iter().max().unwrap() as f64,
        );
        let (y0, y1) = (
            *ys.iter().min().unwrap() as f64,
            *ys.iter().max().unwrap() as f64,
        );
        let spine = x0 + (x1 - x0) / 3.0;
        let in_gap = x > spine && y > y0 + (y1 - y0) / 3.0 && y < y0 + 2.0 * (y1 - y0) / 3.0;
        assert!(!in_gap, "label at {x},{y} is in the gap: {d}");
    }

    /// A deterministic stream of numbers in [0, 1) (xorshift), so the test needs no crate.
    struct Jitter(u64);

    impl Jitter {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// A county of 2,000 grids in a 50 × 40 lattice, each a square with 24 jittered vertices.
    fn county() -> Vec<MultiPolygon<f64>> {
        let mut j = Jitter(0x9E37_79B9_7F4A_7C15);
        let cell = 0.01;
        let mut grids = Vec::with_capacity(2000);
        for row in 0..40 {
            for col in 0..50 {
                let (x, y) = (115.0 + col as f64 * cell, 30.0 + row as f64 * cell);
                let corners = [(x, y), (x + cell, y), (x + cell, y + cell), (x, y + cell)];
                let mut ring = Vec::with_capacity(25);
                for side in 0..4 {
                    let (a, b) = (corners[side], corners[(side + 1) % 4]);
                    for k in 0..6 {
                        let t = k as f64 / 6.0;
                        let wobble = (j.next() - 0.5) * cell * 0.08;
                        ring.push((
                            a.0 + (b.0 - a.0) * t + wobble,
                            a.1 + (b.1 - a.1) * t + wobble,
                        ));
                    }
                }
                ring.push(ring[0]);
                grids.push(MultiPolygon::new(vec![Polygon::new(
                    LineString::from(ring),
                    vec![],
                )]));
            }
        }
        grids
    }

    #[test]
    fn a_county_of_2000_grids_stays_under_a_megabyte() {
        let grids = county();
        let names: Vec<String> = (0..grids.len()).map(|i| format!("第{i}网格")).collect();
        let titles: Vec<String> = (0..grids.len())
            .map(|i| format!("罗桥街道某某社区第{i}网格 · 专职网格员 1 人"))
            .collect();
        let hrefs: Vec<String> = (0..grids.len())
            .map(|i| format!("/grids/420281{i:06}"))
            .collect();
        let classes = ["k-comprehensive", "k-special", "s-partial"];
        let shapes: Vec<MapShape> = (0..grids.len())
            .map(|i| MapShape {
                shape: &grids[i],
                label: &names[i],
                title: &titles[i],
                href: Some(&hrefs[i]),
                class: classes[i % 3],
            })
            .collect();
        let outline = square(115.0, 30.0, 0.5);
        let outlines = [&outline];
        let opts = MapOptions {
            width: 1000,
            height: 700,
            outlines: &outlines,
            aria_label: "罗桥街道网格图",
        };
        let started = std::time::Instant::now();
        let svg = render(&shapes, &opts);
        let took = started.elapsed();
        eprintln!(
            "2,000 grids: {} bytes, {:.1} ms",
            svg.len(),
            took.as_secs_f64() * 1000.0
        );
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<path class=").count(), 2000);
        assert_eq!(svg.matches("<text ").count(), 2000);
        assert!(svg.len() < 1_000_000, "{} bytes", svg.len());
    }

    #[test]
    fn integers_are_written_plainly() {
        let mut s = String::new();
        for n in [0, 7, -7, 10, -120, 9_999_999, i64::MIN] {
            s.clear();
            push_int(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
