//! The incident number people read out on the phone: `SJ-420202-20261122-0001`, the county, the
//! day it was reported and the county's sequence of that day.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::ids::{Ymd, is_valid_date};
use crate::regions::{RegionCode, RegionLevel};

/// `SJ-<county>-<yyyymmdd>-<seq>`: the sequence has four digits at least and grows past 9999
/// when a county has more reports in a day. Ordered by county, then day, then sequence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IncidentNumber {
    county: RegionCode,
    date: Ymd,
    seq: u32,
}

/// The letters in front: 事件 (shìjiàn).
pub const PREFIX: &str = "SJ";

fn malformed(field: &str, s: &str) -> FieldError {
    FieldError::new(
        field,
        "invalid_incident_number",
        format!(
            "事件编号 {s} 格式不正确，应为 SJ-县区代码-年月日-序号，如 SJ-420202-20261122-0001"
        ),
        format!(
            "incident number {s} is malformed: SJ-<county>-<yyyymmdd>-<seq>, \
             e.g. SJ-420202-20261122-0001"
        ),
    )
}

impl IncidentNumber {
    /// The number of the `seq`-th report (from 1) of a day in a county.
    pub fn new(field: &str, county: RegionCode, date: Ymd, seq: u32) -> Result<Self, FieldError> {
        if county.level() != RegionLevel::County {
            return Err(FieldError::new(
                field,
                "not_a_county",
                format!("{} 不是县区代码", county.as_str()),
                format!("{} is not a county code", county.as_str()),
            ));
        }
        let (y, m, d) = date;
        if !(1000..=9999).contains(&y) || !is_valid_date(y, m, d) {
            return Err(FieldError::new(
                field,
                "invalid_date",
                "事件编号中的日期无效",
                "the date of the incident number is not a valid day",
            ));
        }
        if seq == 0 {
            return Err(FieldError::new(
                field,
                "invalid_sequence",
                "序号从 1 开始",
                "the sequence starts at 1",
            ));
        }
        Ok(IncidentNumber { county, date, seq })
    }

    /// Reads a number as written. Only the canonical form is accepted (no extra leading zeros
    /// on a sequence past four digits), so one incident has one number; surrounding spaces and
    /// a lower-case `sj` are forgiven.
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let bad = || malformed(field, s);
        let mut parts = s.split('-');
        let (Some(prefix), Some(county), Some(day), Some(seq), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad());
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !prefix.eq_ignore_ascii_case(PREFIX)
            || county.len() != 6
            || !digits(county)
            || day.len() != 8
            || !digits(day)
            || seq.len() < 4
            || !digits(seq)
            || (seq.len() > 4 && seq.starts_with('0'))
        {
            return Err(bad());
        }
        let county = RegionCode::parse(field, county).map_err(|_| bad())?;
        let num = |r: std::ops::Range<usize>| day[r].parse::<u32>().map_err(|_| bad());
        let date = (num(0..4)? as i32, num(4..6)?, num(6..8)?);
        let seq = seq.parse::<u32>().map_err(|_| bad())?;
        IncidentNumber::new(field, county, date, seq)
    }

    pub fn county(&self) -> &RegionCode {
        &self.county
    }

    pub fn date(&self) -> Ymd {
        self.date
    }

    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl std::fmt::Display for IncidentNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.date;
        write!(
            f,
            "{PREFIX}-{}-{y:04}{m:02}{d:02}-{:04}",
            self.county.as_str(),
            self.seq
        )
    }
}

impl TryFrom<String> for IncidentNumber {
    type Error = FieldError;

    fn try_from(s: String) -> Result<Self, FieldError> {
        IncidentNumber::parse("number", &s)
    }
}

impl From<IncidentNumber> for String {
    fn from(n: IncidentNumber) -> String {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn county(s: &str) -> RegionCode {
        RegionCode::parse("county", s).unwrap()
    }

    #[test]
    fn formats_and_reads_back() {
        let n = IncidentNumber::new("n", county("420202"), (2026, 11, 22), 1).unwrap();
        assert_eq!(n.to_string(), "SJ-420202-20261122-0001");
        assert_eq!(
            IncidentNumber::parse("n", "SJ-420202-20261122-0001").unwrap(),
            n
        );
        assert_eq!(
            IncidentNumber::parse("n", " sj-420202-20261122-0001 ").unwrap(),
            n
        );
        assert_eq!(n.county().as_str(), "420202");
        assert_eq!(n.date(), (2026, 11, 22));
        assert_eq!(n.seq(), 1);
    }

    #[test]
    fn the_sequence_grows_past_four_digits() {
        for (seq, text) in [
            (9_999, "SJ-420202-20261122-9999"),
            (10_000, "SJ-420202-20261122-10000"),
            (123_456, "SJ-420202-20261122-123456"),
        ] {
            let n = IncidentNumber::new("n", county("420202"), (2026, 11, 22), seq).unwrap();
            assert_eq!(n.to_string(), text);
            assert_eq!(IncidentNumber::parse("n", text).unwrap().seq(), seq);
        }
    }

    #[test]
    fn numbers_sort_by_county_day_and_sequence() {
        let n = |s| IncidentNumber::parse("n", s).unwrap();
        assert!(n("SJ-420202-20261122-9999") < n("SJ-420202-20261122-10000"));
        assert!(n("SJ-420202-20261122-0002") < n("SJ-420202-20261123-0001"));
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            "SJ-420202-20261122",
            "XX-420202-20261122-0001",
            "SJ-4202-20261122-0001",
            "SJ-420202001-20261122-0001",
            "SJ-420202-2026112-0001",
            "SJ-420202-20261122-001",
            "SJ-420202-20261122-00001",
            "SJ-420202-20261122-0000",
            "SJ-420202-20260230-0001",
            "SJ-420202-20261322-0001",
            "SJ-420202-20261122-0001-1",
            "SJ-420202-20261122-+001",
            "SJ-42020a-20261122-0001",
            "SJ-420202-20261122-99999999999",
        ] {
            let e = IncidentNumber::parse("number", bad).unwrap_err();
            assert_eq!(e.field, "number", "{bad}");
            assert!(!e.zh.is_empty() && !e.en.is_empty());
        }
        let e = IncidentNumber::new("n", county("4202"), (2026, 1, 1), 1).unwrap_err();
        assert_eq!(e.code, "not_a_county");
    }

    #[test]
    fn serde_uses_the_written_form() {
        let n = IncidentNumber::parse("n", "SJ-420202-20261122-0042").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"SJ-420202-20261122-0042\"");
        assert_eq!(serde_json::from_str::<IncidentNumber>(&json).unwrap(), n);
        assert!(serde_json::from_str::<IncidentNumber>("\"SJ-1\"").is_err());
    }
}
