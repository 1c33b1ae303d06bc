//! Reading grid boundaries from GeoJSON (RFC 7946: WGS84 longitude/latitude, Polygon and
//! MultiPolygon), checking each one, and naming every fault by feature.
//!
//! Checks: the file's shape, ring closure (first position repeated last), at least four positions
//! per ring, coordinates on the globe, and validity (no self-intersection, holes inside their
//! shell, rings not crossing). Winding is not a fault: RFC 7946 asks for counterclockwise shells
//! but tells readers to accept either, so rings are re-oriented instead.
//!
//! Limits bound the work one file can ask for: [`MAX_RING_POSITIONS`] per ring,
//! [`MAX_PARTS`] polygons per feature and holes per polygon, [`MAX_FILE_POSITIONS`] in all. A
//! village traced at one-metre detail has a few thousand positions; a city's network, a few
//! million.

use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value;

use crate::LngLat;
use crate::cancel::{Cancel, Cancelled};
use crate::gcj02;
use crate::validity;

/// Positions one ring may have.
pub const MAX_RING_POSITIONS: usize = 20_000;
/// Polygons one feature may have, and holes one polygon may have.
pub const MAX_PARTS: usize = 1_000;
/// Positions one file may have.
pub const MAX_FILE_POSITIONS: usize = 2_000_000;

/// Why a file was not read: its faults, or the work was stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFailure {
    Faults(Vec<FeatureFault>),
    Cancelled,
}

impl From<Cancelled> for ReadFailure {
    fn from(_: Cancelled) -> Self {
        ReadFailure::Cancelled
    }
}

/// The coordinate system of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    Wgs84,
    /// Converted to WGS84 on reading.
    Gcj02,
}

/// One boundary as read: its properties and its shape in WGS84.
#[derive(Debug, Clone)]
pub struct Feature {
    /// Position in the file, from 0.
    pub index: usize,
    pub properties: serde_json::Map<String, Value>,
    pub shape: MultiPolygon<f64>,
}

impl Feature {
    /// A string property, trimmed.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.properties
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
    }
}

/// A fault of one feature (or of the file, with `index` None).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureFault {
    pub index: Option<usize>,
    pub zh: String,
    pub en: String,
}

impl std::fmt::Display for FeatureFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(i) => write!(f, "feature {i}: {} / {}", self.zh, self.en),
            None => write!(f, "{} / {}", self.zh, self.en),
        }
    }
}

fn fault(index: Option<usize>, zh: impl Into<String>, en: impl Into<String>) -> FeatureFault {
    FeatureFault {
        index,
        zh: zh.into(),
        en: en.into(),
    }
}

/// Reads a FeatureCollection (or a single Feature). Returns every feature, or every fault.
pub fn read(text: &str, crs: Crs, cancel: &Cancel) -> Result<Vec<Feature>, ReadFailure> {
    let faults = |v: Vec<FeatureFault>| ReadFailure::Faults(v);
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        faults(vec![fault(
            None,
            format!("不是有效的 JSON：{e}"),
            format!("not valid JSON: {e}"),
        )])
    })?;
    let items: Vec<&Value> = match doc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => match doc.get("features").and_then(Value::as_array) {
            Some(a) => a.iter().collect(),
            None => {
                return Err(faults(vec![fault(
                    None,
                    "缺少 features 数组",
                    "the features array is missing",
                )]));
            }
        },
        Some("Feature") => vec![&doc],
        other => {
            let t = other.unwrap_or("(none)");
            return Err(faults(vec![fault(
                None,
                format!("应为 FeatureCollection 或 Feature，实为 {t}"),
                format!("expected a FeatureCollection or a Feature, found {t}"),
            )]));
        }
    };
    let total = count_positions(&items);
    if total > MAX_FILE_POSITIONS {
        return Err(faults(vec![fault(
            None,
            format!(
                "文件共有 {total} 个坐标，超过上限 {MAX_FILE_POSITIONS}；请按区县或乡镇分开导入"
            ),
            format!(
                "the file has {total} positions, more than the limit of {MAX_FILE_POSITIONS}; \
                 import it in parts, by county or township"
            ),
        )]));
    }
    let mut features = Vec::with_capacity(items.len());
    let mut found = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        cancel.check()?;
        match feature(i, item, crs, cancel)? {
            Ok(f) => features.push(f),
            Err(mut e) => found.append(&mut e),
        }
    }
    if found.is_empty() {
        Ok(features)
    } else {
        Err(faults(found))
    }
}

/// Positions in the file's geometries, counted before any is checked.
fn count_positions(items: &[&Value]) -> usize {
    fn count(v: &Value, depth: usize) -> usize {
        match v {
            // A position is an array of numbers; anything deeper is a list of lists.
            Value::Array(a) if depth > 0 => a.iter().map(|x| count(x, depth - 1)).sum(),
            Value::Array(_) => 1,
            _ => 0,
        }
    }
    items
        .iter()
        .filter_map(|f| f.get("geometry"))
        .map(|g| match g.get("type").and_then(Value::as_str) {
            Some("Polygon") => g.get("coordinates").map_or(0, |c| count(c, 2)),
            Some("MultiPolygon") => g.get("coordinates").map_or(0, |c| count(c, 3)),
            _ => 0,
        })
        .sum()
}

/// One feature, or its faults; `Err` only when cancelled.
fn feature(
    i: usize,
    v: &Value,
    crs: Crs,
    cancel: &Cancel,
) -> Result<Result<Feature, Vec<FeatureFault>>, Cancelled> {
    let (properties, shape) = match feature_shape(i, v, crs) {
        Ok(read) => read,
        Err(faults) => return Ok(Err(faults)),
    };
    let invalid = validity::check(&shape, cancel)?;
    if invalid.is_empty() {
        return Ok(Ok(Feature {
            index: i,
            properties,
            shape,
        }));
    }
    let zh: Vec<&str> = invalid.iter().map(|v| v.zh.as_str()).collect();
    let en: Vec<&str> = invalid.iter().map(|v| v.en.as_str()).collect();
    Ok(Err(vec![fault(
        Some(i),
        format!("图形无效：{}", zh.join("；")),
        format!("invalid shape: {}", en.join("; ")),
    )]))
}

/// The properties and the shape of one feature as written, before its validity is checked.
type Read = (serde_json::Map<String, Value>, MultiPolygon<f64>);

fn feature_shape(i: usize, v: &Value, crs: Crs) -> Result<Read, Vec<FeatureFault>> {
    let at = Some(i);
    let properties = v
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Some(geometry) = v.get("geometry").filter(|g| !g.is_null()) else {
        return Err(vec![fault(at, "缺少几何图形", "the geometry is missing")]);
    };
    let coords = geometry.get("coordinates");
    let polygons: Vec<&Value> = match (geometry.get("type").and_then(Value::as_str), coords) {
        (Some("Polygon"), Some(c)) => vec![c],
        (Some("MultiPolygon"), Some(Value::Array(ps))) => ps.iter().collect(),
        (t, _) => {
            let t = t.unwrap_or("(none)");
            return Err(vec![fault(
                at,
                format!("几何类型应为 Polygon 或 MultiPolygon，实为 {t}"),
                format!("the geometry must be a Polygon or MultiPolygon, found {t}"),
            )]);
        }
    };
    if polygons.len() > MAX_PARTS {
        return Err(vec![fault(
            at,
            format!("多边形个数 {} 超过上限 {MAX_PARTS}", polygons.len()),
            format!(
                "{} polygons, more than the limit of {MAX_PARTS}",
                polygons.len()
            ),
        )]);
    }
    let mut faults = Vec::new();
    let mut shape = Vec::new();
    for (pi, p) in polygons.into_iter().enumerate() {
        match polygon(i, pi, p, crs) {
            Ok(poly) => shape.push(poly),
            Err(mut e) => faults.append(&mut e),
        }
    }
    if !faults.is_empty() {
        return Err(faults);
    }
    Ok((
        properties,
        MultiPolygon::new(shape).orient(Direction::Default),
    ))
}

fn polygon(i: usize, pi: usize, v: &Value, crs: Crs) -> Result<Polygon<f64>, Vec<FeatureFault>> {
    let at = Some(i);
    let Some(rings) = v.as_array().filter(|r| !r.is_empty()) else {
        return Err(vec![fault(
            at,
            format!("第{pi}个多边形没有环"),
            format!("polygon {pi} has no rings"),
        )]);
    };
    if rings.len() > MAX_PARTS + 1 {
        return Err(vec![fault(
            at,
            format!(
                "第{pi}个多边形的内环个数 {} 超过上限 {MAX_PARTS}",
                rings.len() - 1
            ),
            format!(
                "polygon {pi} has {} holes, more than the limit of {MAX_PARTS}",
                rings.len() - 1
            ),
        )]);
    }
    let mut out = Vec::with_capacity(rings.len());
    let mut faults = Vec::new();
    for (ri, ring) in rings.iter().enumerate() {
        let (wzh, which) = if ri == 0 {
            ("外环".to_owned(), "shell".to_owned())
        } else {
            (format!("第{ri}个内环"), format!("hole {ri}"))
        };
        let mut bad_position = false;
        let positions = ring.as_array().map(Vec::as_slice).unwrap_or(&[]);
        if positions.len() > MAX_RING_POSITIONS {
            faults.push(fault(
                at,
                format!(
                    "多边形{pi}的{wzh}有 {} 个坐标，超过上限 {MAX_RING_POSITIONS}；请先简化边界",
                    positions.len()
                ),
                format!(
                    "polygon {pi} {which} has {} positions, more than the limit of \
                     {MAX_RING_POSITIONS}; simplify the boundary first",
                    positions.len()
                ),
            ));
            continue;
        }
        let mut coords = Vec::with_capacity(positions.len());
        for pos in positions {
            let xy = pos
                .as_array()
                .filter(|a| a.len() >= 2)
                .and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?)));
            match xy {
                Some((lng, lat))
                    if (-180.0..=180.0).contains(&lng) && (-90.0..=90.0).contains(&lat) =>
                {
                    let p = match crs {
                        Crs::Wgs84 => LngLat::new(lng, lat),
                        Crs::Gcj02 => gcj02::to_wgs84(LngLat::new(lng, lat)),
                    };
                    coords.push(Coord { x: p.lng, y: p.lat });
                }
                _ => {
                    faults.push(fault(
                        at,
                        format!("多边形{pi}的{wzh}有无效坐标：{pos}"),
                        format!("polygon {pi} {which} has an invalid position: {pos}"),
                    ));
                    bad_position = true;
                    break;
                }
            }
        }
        if bad_position {
            // Its length and closure would only repeat the same fault.
        } else if coords.len() < 4 {
            faults.push(fault(
                at,
                format!("多边形{pi}的{wzh}少于4个坐标"),
                format!("polygon {pi} {which} has fewer than 4 positions"),
            ));
        } else if coords.first() != coords.last() {
            faults.push(fault(
                at,
                format!("多边形{pi}的{wzh}未闭合（首尾坐标不同）"),
                format!("polygon {pi} {which} is not closed (first and last positions differ)"),
            ));
        }
        out.push(LineString::new(coords));
    }
    if !faults.is_empty() {
        return Err(faults);
    }
    let mut rings = out.into_iter();
    let shell = rings.next().unwrap_or_else(|| LineString::new(Vec::new()));
    Ok(Polygon::new(shell, rings.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Area;

    fn square(code: &str, x: f64, y: f64, clockwise: bool) -> String {
        let mut ring = vec![
            [x, y],
            [x + 0.01, y],
            [x + 0.01, y + 0.01],
            [x, y + 0.01],
            [x, y],
        ];
        if clockwise {
            ring.reverse();
        }
        format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}"#,
            serde_json::to_string(&ring).unwrap()
        )
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    fn faults_of(r: Result<Vec<Feature>, ReadFailure>) -> Vec<FeatureFault> {
        match r {
            Err(ReadFailure::Faults(f)) => f,
            other => panic!("expected faults, got {other:?}"),
        }
    }

    /// A feature whose one ring has `n` positions on a circle.
    fn circle(n: usize) -> String {
        let mut ring: Vec<[f64; 2]> = (0..n - 1)
            .map(|i| {
                let t = i as f64 / (n - 1) as f64 * std::f64::consts::TAU;
                [115.0 + 0.01 * t.cos(), 30.2 + 0.01 * t.sin()]
            })
            .collect();
        ring.push(ring[0]);
        format!(
            r#"{{"type":"Feature","properties":{{"code":"G"}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}"#,
            serde_json::to_string(&ring).unwrap()
        )
    }

    #[test]
    fn limits_refuse_rings_and_files_that_ask_for_too_much() {
        assert!(read(&circle(MAX_RING_POSITIONS), Crs::Wgs84, &Cancel::new()).is_ok());
        let f = faults_of(read(
            &circle(MAX_RING_POSITIONS + 1),
            Crs::Wgs84,
            &Cancel::new(),
        ));
        assert!(f[0].en.contains("more than the limit"), "{}", f[0]);
        assert_eq!(f[0].index, Some(0));
        let many = vec![circle(MAX_RING_POSITIONS); MAX_FILE_POSITIONS / MAX_RING_POSITIONS + 1];
        let f = faults_of(read(&collection(&many), Crs::Wgs84, &Cancel::new()));
        assert_eq!(f[0].index, None);
        assert!(f[0].zh.contains("分开导入"), "{}", f[0]);
    }

    #[test]
    fn cancelled_reading_stops() {
        let c = Cancel::new();
        c.cancel();
        let fc = collection(&[square("G1", 115.0, 30.2, false)]);
        assert_eq!(
            read(&fc, Crs::Wgs84, &c).unwrap_err(),
            ReadFailure::Cancelled
        );
    }

    #[test]
    fn reads_polygons_and_reorients_clockwise_shells() {
        let fc = collection(&[
            square("G1", 115.0, 30.2, false),
            square("G2", 115.01, 30.2, true),
        ]);
        let fs = read(&fc, Crs::Wgs84, &Cancel::new()).unwrap();
        assert_eq!(fs.len(), 2);
        assert_eq!(fs[1].text("code"), Some("G2"));
        // Counterclockwise after reading: positive signed area.
        assert!(fs[1].shape.0[0].signed_area() > 0.0);
    }

    #[test]
    fn names_every_faulty_feature() {
        let bowtie = r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}"#;
        let open = r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}"#;
        let line = r#"{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}"#;
        let far = r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]}}"#;
        let fc = collection(&[
            square("ok", 1.0, 1.0, false),
            bowtie.into(),
            open.into(),
            line.into(),
            far.into(),
        ]);
        let faults = faults_of(read(&fc, Crs::Wgs84, &Cancel::new()));
        let by: Vec<Option<usize>> = faults.iter().map(|f| f.index).collect();
        assert_eq!(by, [Some(1), Some(2), Some(3), Some(4)], "{faults:?}");
        assert!(faults[0].en.contains("self-intersection"), "{}", faults[0]);
        assert!(faults[1].en.contains("not closed"));
        assert!(faults[2].en.contains("LineString"));
        assert!(faults[3].en.contains("invalid position"));
    }

    #[test]
    fn rejects_what_is_not_geojson() {
        assert!(
            faults_of(read("{", Crs::Wgs84, &Cancel::new()))[0]
                .en
                .contains("not valid JSON")
        );
        assert!(
            faults_of(read(r#"{"type":"Point"}"#, Crs::Wgs84, &Cancel::new()))[0]
                .en
                .contains("FeatureCollection")
        );
    }

    #[test]
    fn gcj02_input_is_converted_to_wgs84() {
        let g = gcj02::from_wgs84(LngLat::new(115.0, 30.2));
        let f = read(
            &collection(&[square("G", g.lng, g.lat, false)]),
            Crs::Gcj02,
            &Cancel::new(),
        )
        .unwrap();
        let c = f[0].shape.0[0].exterior().0[0];
        assert!(
            (c.x - 115.0).abs() < 1e-6 && (c.y - 30.2).abs() < 1e-6,
            "{c:?}"
        );
    }
}
