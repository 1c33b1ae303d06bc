//! A bridge's field mapping: where in the external system's JSON body each field of a report
//! is found (JSON Pointer paths, RFC 6901, such as `/order/title`), with a map from the
//! external category codes to the deployment's. Kept per bridge in its configuration, so a
//! second hotline with other field names is a change of data, not of code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{FieldError, Invalid};
use crate::ids::date::{days_from_civil, parse_date};

/// External order numbers are bounded: they are a key.
const ORDER_NO_MAX: usize = 64;

/// Where each field is read from. Empty paths are fields the bridge does not send.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The external order number (工单编号 / 警情编号): the key of idempotency. Required.
    pub external_no: String,
    /// Required.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The external category. Required unless `default_category` is set.
    #[serde(default)]
    pub category: String,
    /// External category → the deployment's category code. Empty: the external value is
    /// taken as the code itself.
    #[serde(default)]
    pub category_map: BTreeMap<String, String>,
    /// The code for an external category the map does not name (or none sent).
    #[serde(default)]
    pub default_category: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub lng: String,
    #[serde(default)]
    pub lat: String,
    /// The coordinate system the bridge sends (`wgs84` or `gcj02`), a fixed value.
    #[serde(default)]
    pub crs: String,
    /// Unix seconds or ms, or `YYYY-MM-DD HH:MM[:SS]` in Beijing time.
    #[serde(default)]
    pub occurred_at: String,
    #[serde(default)]
    pub caller_name: String,
    #[serde(default)]
    pub caller_phone: String,
}

/// An external order read through a mapping: the parts of a report, and the caller.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MappedOrder {
    pub external_no: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub address: String,
    pub lng: Option<f64>,
    pub lat: Option<f64>,
    pub crs: String,
    pub occurred_at: Option<i64>,
    pub caller_name: String,
    pub caller_phone: String,
}

fn bad_mapping(what: &str) -> FieldError {
    FieldError::new(
        "mapping",
        "bad_mapping",
        format!("字段映射无效：{what}"),
        format!("the field mapping is not valid: {what}"),
    )
}

impl Mapping {
    /// Reads a mapping as typed on the desk (JSON), checking every path.
    pub fn parse(text: &str) -> Result<Mapping, FieldError> {
        let m: Mapping = serde_json::from_str(text).map_err(|e| bad_mapping(&e.to_string()))?;
        let paths = [
            ("external_no", &m.external_no),
            ("title", &m.title),
            ("description", &m.description),
            ("category", &m.category),
            ("address", &m.address),
            ("lng", &m.lng),
            ("lat", &m.lat),
            ("occurred_at", &m.occurred_at),
            ("caller_name", &m.caller_name),
            ("caller_phone", &m.caller_phone),
        ];
        for (name, path) in paths {
            if !path.is_empty() && !path.starts_with('/') {
                return Err(bad_mapping(&format!(
                    "{name}: {path} (a path starts with /)"
                )));
            }
        }
        if m.external_no.is_empty() || m.title.is_empty() {
            return Err(bad_mapping("external_no and title are required"));
        }
        if m.category.is_empty() && m.default_category.is_empty() {
            return Err(bad_mapping("category or default_category is required"));
        }
        if m.lng.is_empty() != m.lat.is_empty() {
            return Err(bad_mapping("lng and lat go together"));
        }
        if !matches!(m.crs.as_str(), "" | "wgs84" | "gcj02") {
            return Err(bad_mapping("crs is wgs84 or gcj02"));
        }
        Ok(m)
    }

    /// Reads an order's body. Every field at fault is named, so the external system's
    /// operators see all of it at once.
    pub fn apply(&self, body: &Value) -> Result<MappedOrder, Invalid> {
        let mut faults = Vec::new();
        let mut take = |field: &str, path: &str, required: bool| -> Option<Value> {
            if path.is_empty() {
                return None;
            }
            match body.pointer(path) {
                Some(Value::Null) | None if required => {
                    faults.push(FieldError::new(
                        field,
                        "missing_in_order",
                        format!("工单中缺少 {path}"),
                        format!("the order has no {path}"),
                    ));
                    None
                }
                Some(Value::Null) | None => None,
                Some(v) => Some(v.clone()),
            }
        };
        let external_no = take("external_no", &self.external_no, true);
        let title = take("title", &self.title, true);
        let description = take("description", &self.description, false);
        let category = take("category", &self.category, self.default_category.is_empty());
        let address = take("address", &self.address, false);
        let lng = take("lng", &self.lng, false);
        let lat = take("lat", &self.lat, false);
        let occurred = take("occurred_at", &self.occurred_at, false);
        let caller_name = take("caller_name", &self.caller_name, false);
        let caller_phone = take("caller_phone", &self.caller_phone, false);
        let mut order = MappedOrder {
            crs: self.crs.clone(),
            ..MappedOrder::default()
        };
        let mut check = |r: Result<(), FieldError>| {
            if let Err(e) = r {
                faults.push(e);
            }
        };
        // A missing number is named once, above.
        if external_no.is_some() {
            check(scalar("external_no", external_no).and_then(|no| {
                order.external_no = order_no(&no)?;
                Ok(())
            }));
        }
        check(scalar("title", title).map(|v| order.title = v));
        check(scalar("description", description).map(|v| order.description = v));
        check(scalar("address", address).map(|v| order.address = v));
        check(scalar("caller_name", caller_name).map(|v| order.caller_name = v));
        check(scalar("caller_phone", caller_phone).map(|v| order.caller_phone = v));
        check(scalar("category", category).and_then(|c| {
            order.category = self.category_code(&c)?;
            Ok(())
        }));
        check(number("lng", lng).map(|v| order.lng = v));
        check(number("lat", lat).map(|v| order.lat = v));
        check(instant("occurred_at", occurred).map(|v| order.occurred_at = v));
        if faults.is_empty() {
            Ok(order)
        } else {
            Err(Invalid(faults))
        }
    }

    /// The deployment's code for an external category.
    fn category_code(&self, external: &str) -> Result<String, FieldError> {
        if self.category_map.is_empty() && !external.is_empty() {
            return Ok(external.to_owned());
        }
        if let Some(code) = self.category_map.get(external) {
            return Ok(code.clone());
        }
        if !self.default_category.is_empty() {
            return Ok(self.default_category.clone());
        }
        Err(FieldError::new(
            "category",
            "unmapped_category",
            format!("分类映射中没有外部分类「{external}」"),
            format!("the category map has no external category {external}"),
        ))
    }
}

/// A string or a number as text, trimmed; absent is empty.
fn scalar(field: &str, v: Option<Value>) -> Result<String, FieldError> {
    match v {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.trim().to_owned()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(FieldError::new(
            field,
            "not_text",
            "应为文字或数字",
            "expected text or a number",
        )),
    }
}

fn order_no(no: &str) -> Result<String, FieldError> {
    if no.is_empty() || no.len() > ORDER_NO_MAX || no.chars().any(char::is_control) {
        return Err(FieldError::new(
            "external_no",
            "bad_order_no",
            format!("工单编号应为 1–{ORDER_NO_MAX} 个字符"),
            format!("the order number has 1–{ORDER_NO_MAX} characters"),
        ));
    }
    Ok(no.to_owned())
}

fn not_a_number(field: &str) -> FieldError {
    FieldError::new(field, "not_a_number", "应为数字", "expected a number")
}

fn number(field: &str, v: Option<Value>) -> Result<Option<f64>, FieldError> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| not_a_number(field)),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| not_a_number(field)),
        Some(_) => Err(not_a_number(field)),
    }
}

/// Seconds below this are seconds; from it on, milliseconds (it is 5138 AD in seconds).
const MS_FROM: i64 = 100_000_000_000;
const BEIJING_OFFSET_MS: i64 = 8 * 3_600_000;

fn bad_time(field: &str) -> FieldError {
    FieldError::new(
        field,
        "bad_time",
        "时间应为 Unix 秒或毫秒，或「YYYY-MM-DD HH:MM:SS」（北京时间）",
        "a time is Unix seconds or ms, or YYYY-MM-DD HH:MM:SS in Beijing time",
    )
}

fn instant(field: &str, v: Option<Value>) -> Result<Option<i64>, FieldError> {
    let unix = |n: i64| if n < MS_FROM { n * 1000 } else { n };
    match v {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(|n| Some(unix(n)))
            .ok_or_else(|| bad_time(field)),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            if let Ok(n) = s.parse::<i64>() {
                return Ok(Some(unix(n)));
            }
            beijing_time(field, s).map(Some)
        }
        Some(_) => Err(bad_time(field)),
    }
}

/// `YYYY-MM-DD HH:MM[:SS]` (or with `T`) in Beijing time, as Unix ms.
fn beijing_time(field: &str, s: &str) -> Result<i64, FieldError> {
    let (date, time) = s.split_once([' ', 'T']).ok_or_else(|| bad_time(field))?;
    let ymd = parse_date(field, date).map_err(|_| bad_time(field))?;
    let parts: Vec<i64> = time
        .split(':')
        .map(|p| p.parse::<i64>().map_err(|_| bad_time(field)))
        .collect::<Result<_, _>>()?;
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        _ => return Err(bad_time(field)),
    };
    if !(0..24).contains(&h) || !(0..60).contains(&m) || !(0..60).contains(&sec) {
        return Err(bad_time(field));
    }
    let secs = days_from_civil(ymd) * 86_400 + h * 3600 + m * 60 + sec;
    Ok(secs * 1000 - BEIJING_OFFSET_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hotline() -> Mapping {
        Mapping::parse(
            r#"{"external_no": "/gdbh", "title": "/bt", "description": "/nr",
                "category": "/lb", "category_map": {"市容环境": "0601"},
                "address": "/dz", "lng": "/jd", "lat": "/wd", "crs": "gcj02",
                "occurred_at": "/sj", "caller_name": "/ldr/xm", "caller_phone": "/ldr/dh"}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_hotline_order_reads_through_its_mapping() {
        let o = hotline()
            .apply(
                &json!({"gdbh": "HS20260601000123", "bt": " 占道经营 ", "nr": "早市摊贩",
                "lb": "市容环境", "dz": "桂花路", "jd": "115.005", "wd": 30.205,
                "sj": "2026-06-01 08:30:00", "ldr": {"xm": "张先生", "dh": "13800000001"}}),
            )
            .unwrap();
        assert_eq!(o.external_no, "HS20260601000123");
        assert_eq!(o.title, "占道经营");
        assert_eq!(o.category, "0601");
        assert_eq!((o.lng, o.lat), (Some(115.005), Some(30.205)));
        assert_eq!(o.crs, "gcj02");
        // 2026-06-01 00:30 UTC.
        assert_eq!(o.occurred_at, Some(1_780_273_800_000));
        assert_eq!(o.caller_phone, "13800000001");
    }

    #[test]
    fn every_field_at_fault_is_named() {
        let e = hotline()
            .apply(&json!({"bt": "x", "lb": "别的", "jd": "东经", "sj": "昨天"}))
            .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["external_no", "category", "lng", "occurred_at"]);
        assert!(e.0.iter().all(|f| !f.zh.is_empty() && !f.en.is_empty()));
    }

    #[test]
    fn a_mapping_with_a_path_that_is_no_path_is_refused() {
        assert!(
            Mapping::parse(r#"{"external_no": "no", "title": "/t", "category": "/c"}"#).is_err()
        );
        assert!(Mapping::parse(r#"{"external_no": "/n", "title": "/t"}"#).is_err());
        assert!(
            Mapping::parse(
                r#"{"external_no": "/n", "title": "/t", "category": "/c", "lng": "/x"}"#
            )
            .is_err()
        );
        assert!(
            Mapping::parse(r#"{"external_no": "/n", "title": "/t", "default_category": "06"}"#)
                .is_ok()
        );
    }
}
