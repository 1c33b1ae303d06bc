//! Boundaries as text: the GeoJSON geometry stored with each grid, read back when boundaries are
//! loaded, and FeatureCollections for export; plus the box and label point a map needs.
//!
//! Writing and reading run for every grid of a city (15,000 or so), so both work on the text
//! directly instead of building a `serde_json::Value` tree. Coordinates are rounded to 7 decimals
//! (about 1 cm), far finer than any survey behind a grid boundary, which keeps the text short.
//! Rings are written with RFC 7946 winding (counterclockwise shells, clockwise holes).

use geo::{Area, BoundingRect, Centroid, Contains, Coord, InteriorPoint, LineString};
use geo::{MultiPolygon, Polygon};
use serde_json::{Map, Value};

use crate::LngLat;

/// A GeoJSON MultiPolygon geometry: `{"type":"MultiPolygon","coordinates":...}`.
pub fn to_geojson(shape: &MultiPolygon<f64>) -> String {
    let positions: usize = shape
        .iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum();
    let mut out = String::with_capacity(48 + positions * 26);
    write_geometry(&mut out, shape);
    out
}

/// An RFC 7946 FeatureCollection of the given properties and shapes, for export.
pub fn feature_collection<'a>(
    features: impl IntoIterator<Item = (&'a Map<String, Value>, &'a MultiPolygon<f64>)>,
) -> String {
    let mut out = String::from(r#"{"type":"FeatureCollection","features":["#);
    for (i, (properties, shape)) in features.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r#"{"type":"Feature","properties":"#);
        // A map of JSON values with string keys always serialises; "{}" only satisfies the type.
        out.push_str(&serde_json::to_string(properties).unwrap_or_else(|_| "{}".to_owned()));
        out.push_str(r#","geometry":"#);
        write_geometry(&mut out, shape);
        out.push('}');
    }
    out.push_str("]}");
    out
}

fn write_geometry(out: &mut String, shape: &MultiPolygon<f64>) {
    out.push_str(r#"{"type":"MultiPolygon","coordinates":["#);
    for (i, polygon) in shape.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        write_ring(out, polygon.exterior(), true);
        for hole in polygon.interiors() {
            out.push(',');
            write_ring(out, hole, false);
        }
        out.push(']');
    }
    out.push_str("]}");
}

/// Writes a ring, reversed if its winding is not the one RFC 7946 asks for.
fn write_ring(out: &mut String, ring: &LineString<f64>, counterclockwise: bool) {
    if (twice_signed_area(&ring.0) >= 0.0) == counterclockwise {
        write_positions(out, ring.0.iter());
    } else {
        write_positions(out, ring.0.iter().rev());
    }
}

fn write_positions<'a>(out: &mut String, mut positions: impl Iterator<Item = &'a Coord<f64>>) {
    out.push('[');
    if let Some(first) = positions.next() {
        write_position(out, first);
    }
    for c in positions {
        out.push(',');
        write_position(out, c);
    }
    out.push(']');
}

/// Twice the signed planar area: positive for counterclockwise rings. Taken relative to the
/// first position, as products of raw longitudes would drown a small ring's area in rounding.
fn twice_signed_area(pts: &[Coord<f64>]) -> f64 {
    let Some(&o) = pts.first() else {
        return 0.0;
    };
    pts.windows(2)
        .map(|w| (w[0].x - o.x) * (w[1].y - o.y) - (w[1].x - o.x) * (w[0].y - o.y))
        .sum()
}

fn write_position(out: &mut String, c: &Coord<f64>) {
    out.push('[');
    write_number(out, c.x);
    out.push(',');
    write_number(out, c.y);
    out.push(']');
}

/// A coordinate rounded to 7 decimals, in its shortest form (`115.12`, not `115.1200000`),
/// written as the digits of the rounded integer count of 1e-7 degrees, which is both exact and
/// faster than formatting the float for the million numbers of a city. JSON has no NaN or
/// infinity: those become `null`, which reading rejects.
fn write_number(out: &mut String, v: f64) {
    let scaled = (v * 1e7).round();
    // Beyond 2^53 integers are no longer exact; no longitude or latitude comes near.
    if !v.is_finite() || scaled.abs() >= 9e15 {
        out.push_str("null");
        return;
    }
    let units = scaled as i64;
    if units < 0 {
        out.push('-');
    }
    let units = units.unsigned_abs();
    push_digits(out, units / 10_000_000, 1);
    let mut fraction = units % 10_000_000;
    if fraction != 0 {
        let mut width = 7;
        while fraction.is_multiple_of(10) {
            fraction /= 10;
            width -= 1;
        }
        out.push('.');
        push_digits(out, fraction, width);
    }
}

/// The decimal digits of `n`, padded with leading zeros to at least `width`.
fn push_digits(out: &mut String, n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut at = buf.len();
    let mut rest = n;
    while rest > 0 || buf.len() - at < width {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend(buf[at..].iter().map(|&b| char::from(b)));
}

/// Reads a Polygon or MultiPolygon geometry, as [`to_geojson`] writes it. Only the structure is
/// checked: stored boundaries were validated when imported. Other members (such as `bbox`) are
/// skipped; a third number in a position (altitude) is ignored.
pub fn from_geojson(text: &str) -> Result<MultiPolygon<f64>, String> {
    let mut reader = Reader::new(text);
    let (kind, coordinates) = reader.geometry()?;
    reader.end()?;
    match coordinates {
        Coordinates::Read(shape) => Ok(shape),
        Coordinates::At(start) => Reader {
            pos: start,
            ..reader
        }
        .shape(kind_of(kind)?),
        Coordinates::Missing => Err("the geometry has no coordinates member".to_owned()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Polygon,
    MultiPolygon,
}

fn kind_of(kind: Option<&str>) -> Result<Kind, String> {
    match kind {
        Some("Polygon") => Ok(Kind::Polygon),
        Some("MultiPolygon") => Ok(Kind::MultiPolygon),
        Some(other) => Err(format!(
            "the geometry must be a Polygon or MultiPolygon, found {other}"
        )),
        None => Err("the geometry has no type member".to_owned()),
    }
}

/// The coordinates member as met: read at once when the type came first (as [`to_geojson`]
/// writes it), else only found, to be read once the type is known.
enum Coordinates {
    Missing,
    At(usize),
    Read(MultiPolygon<f64>),
}

/// A cursor over JSON text, reading just the shapes of a geometry object.
#[derive(Clone, Copy)]
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Reader<'a> {
        Reader { text, pos: 0 }
    }

    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    /// The next byte that is not white space.
    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.as_bytes().get(self.pos).copied()
    }

    fn fail<T>(&self, expected: &str) -> Result<T, String> {
        if self.pos >= self.text.len() {
            Err(format!("expected {expected}, found the end of the text"))
        } else {
            Err(format!("expected {expected} at byte {}", self.pos))
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(&format!("'{}'", b as char))
        }
    }

    fn end(&mut self) -> Result<(), String> {
        match self.peek() {
            None => Ok(()),
            Some(_) => self.fail("the end of the text"),
        }
    }

    /// The members of the geometry object: its type and its coordinates.
    fn geometry(&mut self) -> Result<(Option<&'a str>, Coordinates), String> {
        let (mut kind, mut coordinates) = (None, Coordinates::Missing);
        self.expect(b'{')?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok((kind, coordinates));
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            match (key, kind) {
                ("type", _) => kind = Some(self.string()?),
                ("coordinates", Some(known)) => {
                    coordinates = Coordinates::Read(self.shape(kind_of(Some(known))?)?);
                }
                ("coordinates", None) => {
                    self.skip_space();
                    coordinates = Coordinates::At(self.pos);
                    self.skip_value()?;
                }
                _ => self.skip_value()?,
            }
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok((kind, coordinates));
                }
                _ => return self.fail("',' or '}'"),
            }
        }
    }

    fn shape(&mut self, kind: Kind) -> Result<MultiPolygon<f64>, String> {
        Ok(MultiPolygon::new(match kind {
            Kind::MultiPolygon => self.list(Reader::polygon)?,
            Kind::Polygon => vec![self.polygon()?],
        }))
    }

    /// A string's raw content (escapes left as written: the names read here have none).
    fn string(&mut self) -> Result<&'a str, String> {
        self.expect(b'"')?;
        let start = self.pos;
        let bytes = self.text.as_bytes();
        while let Some(b) = bytes.get(self.pos) {
            match b {
                b'"' => {
                    let content = self.text.get(start..self.pos);
                    self.pos += 1;
                    // Both ends sit next to an ASCII quote, so the slice is always there.
                    return content.ok_or_else(|| format!("unreadable string at byte {start}"));
                }
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
        self.fail("'\"'")
    }

    /// Moves past one JSON value without reading it.
    fn skip_value(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'[' | b'{') => self.skip_nested(),
            Some(_) => {
                let start = self.pos;
                let bytes = self.text.as_bytes();
                while bytes.get(self.pos).is_some_and(|b| {
                    !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                }) {
                    self.pos += 1;
                }
                if self.pos == start {
                    return self.fail("a value");
                }
                Ok(())
            }
            None => self.fail("a value"),
        }
    }

    fn skip_nested(&mut self) -> Result<(), String> {
        let mut depth = 0usize;
        while let Some(&b) = self.text.as_bytes().get(self.pos) {
            match b {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.fail("']' or '}'")
    }

    /// `[item, item, ...]`, possibly empty.
    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => return self.fail("',' or ']'"),
            }
        }
    }

    fn polygon(&mut self) -> Result<Polygon<f64>, String> {
        let at = self.pos;
        let mut rings = self.list(|r| r.list(Reader::position))?.into_iter();
        let Some(shell) = rings.next() else {
            return Err(format!("the polygon at byte {at} has no rings"));
        };
        Ok(Polygon::new(
            LineString::new(shell),
            rings.map(LineString::new).collect(),
        ))
    }

    /// `[lng, lat]`, or `[lng, lat, altitude]` with the altitude dropped.
    fn position(&mut self) -> Result<Coord<f64>, String> {
        self.expect(b'[')?;
        let x = self.number()?;
        self.expect(b',')?;
        let y = self.number()?;
        while self.peek() == Some(b',') {
            self.pos += 1;
            self.number()?;
        }
        self.expect(b']')?;
        Ok(Coord { x, y })
    }

    fn number(&mut self) -> Result<f64, String> {
        self.skip_space();
        let start = self.pos;
        let bytes = self.text.as_bytes();
        while bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.pos += 1;
        }
        let text = self.text.get(start..self.pos).unwrap_or("");
        match plain_decimal(text.as_bytes()).or_else(|| text.parse().ok()) {
            Some(v) if v.is_finite() => Ok(v),
            _ => {
                self.pos = start;
                self.fail("a number")
            }
        }
    }
}

/// Exact powers of ten as doubles (10^22 is the last one a double holds exactly).
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A number like those [`to_geojson`] writes (`-115.1234567`: no exponent, at most 15 digits),
/// read faster than the general parser: its digits make an integer below 2^53 and the divisor
/// a power of ten a double holds exactly, so one correctly rounded division gives the correctly
/// rounded value. None for anything else, which the general parser then reads.
fn plain_decimal(text: &[u8]) -> Option<f64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mut mantissa, mut count, mut decimals, mut dot) = (0u64, 0usize, 0usize, false);
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
                decimals += usize::from(dot);
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
        if count > 15 {
            return None;
        }
    }
    if count == 0 {
        return None;
    }
    let value = mantissa as f64 / POWERS_OF_TEN.get(decimals)?;
    Some(if negative { -value } else { value })
}

/// The bounding box `[min_lng, min_lat, max_lng, max_lat]`, None for an empty shape.
pub fn bbox(shape: &MultiPolygon<f64>) -> Option<[f64; 4]> {
    shape
        .bounding_rect()
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
}

/// Where to put a grid's label: a point inside its largest polygon. The centroid when it lies
/// inside (centred, and right for the compact shapes grids mostly have), else geo's interior
/// point (the middle of the longest chord through the middle of the box), which is always inside.
pub fn label_point(shape: &MultiPolygon<f64>) -> Option<LngLat> {
    let largest = shape
        .iter()
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    let point = largest
        .centroid()
        .filter(|c| largest.contains(c))
        .or_else(|| largest.interior_point())?;
    Some(LngLat::new(point.x(), point.y()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{self, Crs};
    use geo::orient::{Direction, Orient};

    fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(pts.to_vec())
    }

    /// A square with a square hole, and a second, plain square.
    fn sample() -> MultiPolygon<f64> {
        let shell = ring(&[
            (115.0, 30.0),
            (115.02, 30.0),
            (115.02, 30.02),
            (115.0, 30.02),
        ]);
        let hole = ring(&[
            (115.0075, 30.0075),
            (115.0075, 30.0125),
            (115.0125, 30.0125),
            (115.0125, 30.0075),
        ]);
        let other = ring(&[
            (115.1, 30.1),
            (115.11, 30.1),
            (115.11, 30.11),
            (115.1, 30.11),
        ]);
        MultiPolygon::new(vec![
            Polygon::new(shell, vec![hole]),
            Polygon::new(other, vec![]),
        ])
    }

    #[test]
    fn geometry_text_round_trips() {
        let shape = sample();
        let text = to_geojson(&shape);
        assert!(
            text.starts_with(r#"{"type":"MultiPolygon","coordinates":[[[[115,30],"#),
            "{text}"
        );
        assert_eq!(from_geojson(&text), Ok(shape));
        let empty = MultiPolygon::new(Vec::new());
        assert_eq!(from_geojson(&to_geojson(&empty)), Ok(empty));
    }

    #[test]
    fn coordinates_are_rounded_to_seven_decimals() {
        let shape = MultiPolygon::new(vec![Polygon::new(
            ring(&[
                (115.123456789, 30.98765432),
                (115.2, -0.000000001),
                (115.2, 31.0),
                (115.123456789, 30.98765432),
            ]),
            vec![],
        )]);
        let text = to_geojson(&shape);
        assert!(text.contains("[115.1234568,30.9876543]"), "{text}");
        assert!(text.contains("[115.2,0]"), "{text}");
    }

    #[test]
    fn numbers_are_written_and_read_exactly() {
        let mut text = String::new();
        for (v, written) in [
            (0.0, "0"),
            (-0.0, "0"),
            (115.0, "115"),
            (-115.5, "-115.5"),
            (0.00000005, "0.0000001"),
            (-0.00000004, "0"),
            (30.0000001, "30.0000001"),
            (-179.9999999, "-179.9999999"),
            (12.34, "12.34"),
        ] {
            text.clear();
            write_number(&mut text, v);
            assert_eq!(text, written, "{v}");
            let read = plain_decimal(text.as_bytes());
            assert_eq!(read, written.parse().ok(), "{written}");
        }
        // Every 7-decimal longitude reads back as the double the general parser gives.
        for units in (-1_800_000_000i64..=1_800_000_000).step_by(9_999_991) {
            text.clear();
            write_number(&mut text, units as f64 / 1e7);
            assert_eq!(plain_decimal(text.as_bytes()), text.parse().ok(), "{text}");
            assert_eq!(text.parse::<f64>().ok(), Some(units as f64 / 1e7), "{text}");
        }
        // Beyond the plain form, the general parser takes over.
        assert_eq!(plain_decimal(b"1e5"), None);
        assert_eq!(plain_decimal(b"1234567890.1234567"), None);
        assert_eq!(plain_decimal(b"-"), None);
    }

    #[test]
    fn rings_are_written_with_rfc_7946_winding() {
        let clockwise = MultiPolygon::new(vec![Polygon::new(
            ring(&[(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]),
            vec![],
        )]);
        let back = from_geojson(&to_geojson(&clockwise));
        assert_eq!(back, Ok(clockwise.orient(Direction::Default)));
    }

    #[test]
    fn a_polygon_geometry_is_accepted_in_any_member_order() {
        let text = r#" { "coordinates" : [ [ [1, 2, 9.5], [3, 2], [3, 4], [1, 2] ] ],
            "bbox": [1, 2, 3, 4], "crs": {"x": "}]"}, "type" : "Polygon" } "#;
        let shape = from_geojson(text).map_err(|e| e.to_string());
        let expected = MultiPolygon::new(vec![Polygon::new(
            ring(&[(1.0, 2.0), (3.0, 2.0), (3.0, 4.0), (1.0, 2.0)]),
            vec![],
        )]);
        assert_eq!(shape, Ok(expected));
    }

    #[test]
    fn bad_text_is_rejected_with_a_message() {
        let cases = [
            ("", "found the end of the text"),
            ("[1]", "expected '{' at byte 0"),
            (r#"{"type":"Point","coordinates":[1,2]}"#, "found Point"),
            (r#"{"type":"Polygon"}"#, "no coordinates member"),
            (r#"{"coordinates":[]}"#, "no type member"),
            (r#"{"type":"Polygon","coordinates":[]}"#, "has no rings"),
            (
                r#"{"type":"Polygon","coordinates":[[[1,"x"]]]}"#,
                "expected a number at byte",
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[1,2],[3]]]}"#,
                "expected ','",
            ),
            (
                r#"{"type":"MultiPolygon","coordinates":[[[[1,2]]]"#,
                "found the end of the text",
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[1,2]]]} x"#,
                "expected the end of the text",
            ),
        ];
        for (text, message) in cases {
            match from_geojson(text) {
                Err(e) => assert!(e.contains(message), "{text}: {e}"),
                Ok(shape) => panic!("{text} was read as {shape:?}"),
            }
        }
    }

    #[test]
    fn exported_collections_read_back_to_the_same_shapes() {
        let shapes = [sample(), MultiPolygon::new(vec![sample().0[1].clone()])];
        let mut props = Vec::new();
        for code in ["G001", "G002"] {
            let mut p = Map::new();
            p.insert("code".into(), Value::from(code));
            p.insert("name".into(), Value::from("第一网格 \"A\""));
            props.push(p);
        }
        let text = feature_collection(props.iter().zip(&shapes));
        let read = features::read(&text, Crs::Wgs84, &crate::Cancel::new()).unwrap();
        assert_eq!(read.len(), 2);
        for (f, (p, s)) in read.iter().zip(props.iter().zip(&shapes)) {
            assert_eq!(&f.properties, p);
            assert_eq!(f.shape, s.orient(Direction::Default));
        }
        assert_eq!(
            feature_collection(std::iter::empty()),
            r#"{"type":"FeatureCollection","features":[]}"#
        );
    }

    #[test]
    fn box_and_label_point() {
        let shape = sample();
        assert_eq!(bbox(&shape), Some([115.0, 30.0, 115.11, 30.11]));
        assert_eq!(bbox(&MultiPolygon::new(Vec::new())), None);
        // The largest polygon is the holed square, whose centroid falls in its hole.
        let p = label_point(&shape).unwrap();
        let largest = &shape.0[0];
        assert!(largest.contains(&geo::Point::new(p.lng, p.lat)), "{p:?}");
        let plain = MultiPolygon::new(vec![shape.0[1].clone()]);
        let c = label_point(&plain).unwrap();
        assert!(
            (c.lng - 115.105).abs() < 1e-9 && (c.lat - 30.105).abs() < 1e-9,
            "{c:?}"
        );
        assert_eq!(label_point(&MultiPolygon::new(Vec::new())), None);
    }
}
