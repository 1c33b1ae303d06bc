//! The attributes a service definition offers. Every service asks the same two things beyond
//! the spec's own fields, and each maps onto a field of the report: a one-line title (the
//! desk's lists show titles), and when it happened (the incident's time of occurrence). Both
//! optional, so a client that never reads a definition still reports.

use super::w3c::parse_w3c;
use crate::FieldError;

/// One attribute of a service definition, as the spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    pub code: &'static str,
    /// `string`, `number`, `datetime`, `text`, `singlevaluelist`, `multivaluelist`.
    pub datatype: &'static str,
    pub required: bool,
    pub order: u32,
    pub description_zh: &'static str,
    pub description_en: &'static str,
}

pub const ATTRIBUTES: &[Attribute] = &[
    Attribute {
        code: "title",
        datatype: "string",
        required: false,
        order: 1,
        description_zh: "一句话概括（不填则取描述的开头）",
        description_en: "A one-line summary (the start of the description when left out)",
    },
    Attribute {
        code: "occurred_at",
        datatype: "datetime",
        required: false,
        order: 2,
        description_zh: "发生时间（不填则为上报时间）",
        description_en: "When it happened (the time of the request when left out)",
    },
];

/// What the attributes sent with a request come to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributeValue {
    pub title: Option<String>,
    pub occurred_at: Option<i64>,
}

impl AttributeValue {
    /// Reads `attribute[code]=value` pairs; an unknown code or a value of the wrong type is a
    /// field error naming `attribute[code]`.
    pub fn read<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<AttributeValue, Vec<FieldError>> {
        let mut out = AttributeValue::default();
        let mut faults = Vec::new();
        for (code, value) in pairs {
            let field = format!("attribute[{code}]");
            let value = value.trim();
            match code {
                "title" if value.is_empty() => {}
                "title" => out.title = Some(value.to_owned()),
                "occurred_at" if value.is_empty() => {}
                "occurred_at" => match parse_w3c(value) {
                    Some(t) => out.occurred_at = Some(t),
                    None => faults.push(FieldError::new(
                        field,
                        "bad_datetime",
                        "时间格式应为 W3C 格式并带时区，如 2026-12-07T09:30:00+08:00",
                        "a datetime in W3C format with its time zone, e.g. \
                         2026-12-07T09:30:00+08:00",
                    )),
                },
                _ => faults.push(FieldError::new(
                    field,
                    "unknown_attribute",
                    format!("该服务没有属性 {code}"),
                    format!("the service has no attribute {code}"),
                )),
            }
        }
        if faults.is_empty() {
            Ok(out)
        } else {
            Err(faults)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_map_onto_the_report_and_strangers_are_named() {
        let v = AttributeValue::read([
            ("title", " 井盖缺失 "),
            ("occurred_at", "2026-12-07T09:30:00+08:00"),
        ])
        .ok();
        assert_eq!(
            v.as_ref().and_then(|v| v.title.as_deref()),
            Some("井盖缺失")
        );
        assert_eq!(v.and_then(|v| v.occurred_at), Some(1_796_607_000_000));
        let e = AttributeValue::read([("colour", "red"), ("occurred_at", "yesterday")]);
        let fields: Vec<String> = e
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["attribute[colour]", "attribute[occurred_at]"]);
    }
}
