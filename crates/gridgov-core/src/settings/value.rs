//! A setting's value: typed per kind, read from JSON (the API's body and the stored column)
//! and checked before it is kept.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{FieldError, Invalid};
use crate::ids::{format_ymd, parse_date};
use crate::workdays::{Calendar, LocalDay, LocalKind};

use super::band::{HouseholdBand, PhoneShown};
use super::kind::SettingKind;
use super::ladder::Ladder;
use super::limits::TimeLimits;
use crate::notify::NotifyChannels;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingValue {
    TimeLimits(TimeLimits),
    EscalationLadder(Ladder),
    LocalDays(Vec<LocalDay>),
    HouseholdBand(HouseholdBand),
    CardPhones(PhoneShown),
    NotifyChannels(NotifyChannels),
}

/// A local day as JSON: `{"date": "2024-04-11", "kind": "holiday", "name": "壮族三月三"}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LocalDayJson {
    date: String,
    /// `holiday` or `workday`.
    kind: String,
    #[serde(default)]
    name: String,
}

fn shape(kind: SettingKind, e: impl std::fmt::Display) -> Invalid {
    FieldError::new(
        "value",
        "bad_value",
        format!("「{}」的值格式不对：{e}", kind.label_zh()),
        format!("the value of {} is not in its form: {e}", kind.label_en()),
    )
    .into()
}

fn local_kind(field: String, s: &str) -> Result<LocalKind, FieldError> {
    match s.trim() {
        "holiday" | "放假" | "假日" => Ok(LocalKind::Holiday),
        "workday" | "上班" | "工作日" => Ok(LocalKind::Workday),
        other => Err(FieldError::new(
            field,
            "unknown_day_kind",
            format!("未知的日期类型 {other}，可选：放假、上班"),
            format!("unknown kind of day {other}; one of: holiday, workday"),
        )),
    }
}

impl SettingValue {
    pub fn kind(&self) -> SettingKind {
        match self {
            SettingValue::TimeLimits(_) => SettingKind::TimeLimits,
            SettingValue::EscalationLadder(_) => SettingKind::EscalationLadder,
            SettingValue::LocalDays(_) => SettingKind::LocalDays,
            SettingValue::HouseholdBand(_) => SettingKind::HouseholdBand,
            SettingValue::CardPhones(_) => SettingKind::CardPhones,
            SettingValue::NotifyChannels(_) => SettingKind::NotifyChannels,
        }
    }

    /// The built-in value where no region sets one. Time limits have no one value (the default
    /// depends on grade and step: see [`super::default_limit`]): their default is no rule.
    pub fn default_of(kind: SettingKind) -> SettingValue {
        match kind {
            SettingKind::TimeLimits => SettingValue::TimeLimits(TimeLimits(Vec::new())),
            SettingKind::EscalationLadder => SettingValue::EscalationLadder(Ladder::default()),
            SettingKind::LocalDays => SettingValue::LocalDays(Vec::new()),
            SettingKind::HouseholdBand => SettingValue::HouseholdBand(HouseholdBand::default()),
            SettingKind::CardPhones => SettingValue::CardPhones(PhoneShown::Masked),
            SettingKind::NotifyChannels => SettingValue::NotifyChannels(NotifyChannels::default()),
        }
    }

    /// Reads a value of `kind` from JSON and checks it; every fault is named.
    pub fn parse(kind: SettingKind, json: &Value) -> Result<SettingValue, Invalid> {
        let v = match kind {
            SettingKind::TimeLimits => SettingValue::TimeLimits(
                serde_json::from_value(json.clone()).map_err(|e| shape(kind, e))?,
            ),
            SettingKind::EscalationLadder => SettingValue::EscalationLadder(
                serde_json::from_value(json.clone()).map_err(|e| shape(kind, e))?,
            ),
            SettingKind::HouseholdBand => SettingValue::HouseholdBand(
                serde_json::from_value(json.clone()).map_err(|e| shape(kind, e))?,
            ),
            SettingKind::NotifyChannels => SettingValue::NotifyChannels(
                serde_json::from_value(json.clone()).map_err(|e| shape(kind, e))?,
            ),
            SettingKind::CardPhones => {
                let s = json
                    .as_str()
                    .ok_or_else(|| shape(kind, "expected a string"))?;
                SettingValue::CardPhones(PhoneShown::parse("value", s)?)
            }
            SettingKind::LocalDays => {
                let raw: Vec<LocalDayJson> =
                    serde_json::from_value(json.clone()).map_err(|e| shape(kind, e))?;
                let mut c = crate::error::Checker::new();
                let mut days = Vec::new();
                for (i, d) in raw.iter().enumerate() {
                    let date = c.check(parse_date(&format!("local_days[{i}].date"), &d.date));
                    let k = c.check(local_kind(format!("local_days[{i}].kind"), &d.kind));
                    if let (Some(date), Some(kind)) = (date, k) {
                        days.push(LocalDay {
                            date,
                            kind,
                            name: d.name.trim().to_owned(),
                        });
                    }
                }
                c.finish()?;
                SettingValue::LocalDays(days)
            }
        };
        v.check()?;
        Ok(v)
    }

    pub fn check(&self) -> Result<(), Invalid> {
        match self {
            SettingValue::TimeLimits(l) => l.check(),
            SettingValue::EscalationLadder(l) => l.check(),
            SettingValue::LocalDays(d) => {
                if d.is_empty() {
                    return Err(FieldError::new(
                        "local_days",
                        "required",
                        "至少需要一天；要取消本级的本地节假日，请清除本级设置",
                        "at least one day is needed; to drop this region's local days, clear its setting",
                    )
                    .into());
                }
                Calendar::check_local_days(d)
            }
            SettingValue::HouseholdBand(b) => b.check(),
            SettingValue::CardPhones(_) => Ok(()),
            SettingValue::NotifyChannels(n) => n.check(),
        }
    }

    /// The value as shown on the desk, in the API and in the audit trail: secrets masked.
    pub fn shown(&self) -> SettingValue {
        match self {
            SettingValue::NotifyChannels(n) => SettingValue::NotifyChannels(n.shown()),
            other => other.clone(),
        }
    }

    /// The value as JSON, as stored and as the API answers.
    pub fn to_json(&self) -> Value {
        match self {
            SettingValue::TimeLimits(l) => serde_json::to_value(l),
            SettingValue::EscalationLadder(l) => serde_json::to_value(l),
            SettingValue::HouseholdBand(b) => serde_json::to_value(b),
            SettingValue::CardPhones(p) => Ok(Value::String(p.as_str().into())),
            SettingValue::NotifyChannels(n) => serde_json::to_value(n),
            SettingValue::LocalDays(d) => serde_json::to_value(
                d.iter()
                    .map(|d| LocalDayJson {
                        date: format_ymd(d.date),
                        kind: match d.kind {
                            LocalKind::Holiday => "holiday".into(),
                            LocalKind::Workday => "workday".into(),
                        },
                        name: d.name.clone(),
                    })
                    .collect::<Vec<_>>(),
            ),
        }
        .unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_round_trip_through_json() {
        for (kind, j) in [
            (
                SettingKind::TimeLimits,
                json!([{"category": "01", "grade": "major", "step": "handle", "amount": 20,
                    "unit": "working_days"}, {"step": "accept", "amount": 2, "unit": "working_hours"}]),
            ),
            (
                SettingKind::EscalationLadder,
                json!({"levels": [{"name": "社区", "attempts": 3}]}),
            ),
            (
                SettingKind::LocalDays,
                json!([{"date": "2024-04-11", "kind": "holiday", "name": "壮族三月三"}]),
            ),
            (SettingKind::HouseholdBand, json!({"min": 100, "max": 300})),
            (SettingKind::CardPhones, json!("hidden")),
        ] {
            let v = SettingValue::parse(kind, &j).unwrap();
            assert_eq!(v.kind(), kind);
            assert_eq!(v.to_json(), j, "{kind}");
        }
    }

    #[test]
    fn bad_values_name_their_field() {
        let e = SettingValue::parse(
            SettingKind::LocalDays,
            &json!([
                {"date": "2024-04-11", "kind": "holiday", "name": "三月三"},
                {"date": "2024-04-11", "kind": "workday", "name": "调休"},
                {"date": "2024-04-12", "kind": "rest", "name": "x"},
            ]),
        )
        .unwrap_err();
        let got: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(got, [("local_days[2].kind", "unknown_day_kind")]);
        let e = SettingValue::parse(
            SettingKind::LocalDays,
            &json!([
                {"date": "2024-04-11", "kind": "holiday", "name": "三月三"},
                {"date": "2024-04-11", "kind": "workday", "name": "调休"},
            ]),
        )
        .unwrap_err();
        assert_eq!(e.0[0].code, "conflicting_kind");
        let e =
            SettingValue::parse(SettingKind::EscalationLadder, &json!({"levels": []})).unwrap_err();
        assert_eq!(e.0[0].code, "no_levels");
        let e = SettingValue::parse(SettingKind::HouseholdBand, &json!({"min": 0, "max": 10}))
            .unwrap_err();
        assert_eq!(e.0[0].field, "min");
        let e = SettingValue::parse(SettingKind::TimeLimits, &json!({"x": 1})).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("value", "bad_value"));
    }
}
