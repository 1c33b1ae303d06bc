//! A worker's correction by hand: only the fields given change, each checked by the same core
//! parsers the persons import uses. Gender and birth date are not here: they are read from the
//! ID number, and a different number is a different person.

use gridgov_core::base_data::fields::{opt_text, req_text};
use gridgov_core::base_data::person::NAME_MAX;
use gridgov_core::base_data::{Ethnicity, GridKey, ResidenceType};
use gridgov_core::error::Checker;
use gridgov_core::ids::Phone;
use gridgov_core::{FieldError, Invalid};
use serde::Deserialize;

/// Longest registered address, as the persons import takes it.
const ADDRESS_MAX: usize = 200;

/// The values found on the ground; `None` keeps the record's value. An empty phone or
/// ethnicity clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Correction {
    pub name: Option<String>,
    pub ethnicity: Option<String>,
    pub phone: Option<String>,
    pub registered_address: Option<String>,
    pub residence_type: Option<String>,
    /// The grid as files name it (`420202005001-G01`), inside the worker's scope and the
    /// person's county.
    pub grid: Option<String>,
}

/// A correction whose every given value passed its check, in stored form.
#[derive(Debug, Default)]
pub(super) struct CheckedCorrection {
    pub name: Option<String>,
    pub ethnicity: Option<String>,
    pub phone: Option<Option<Phone>>,
    pub registered_address: Option<String>,
    pub residence_type: Option<String>,
    pub grid: Option<GridKey>,
}

impl Correction {
    pub(super) fn check(&self) -> Result<CheckedCorrection, Invalid> {
        let mut c = Checker::new();
        let mut out = CheckedCorrection::default();
        if let Some(v) = &self.name {
            out.name = c.check(req_text("name", v, NAME_MAX));
        }
        if let Some(v) = &self.ethnicity {
            out.ethnicity = if v.trim().is_empty() {
                Some(String::new())
            } else {
                c.check(Ethnicity::parse("ethnicity", v))
                    .map(|e| e.code().to_owned())
            };
        }
        if let Some(v) = &self.phone {
            out.phone = if v.trim().is_empty() {
                Some(None)
            } else {
                c.check(Phone::parse("phone", v)).map(Some)
            };
        }
        if let Some(v) = &self.registered_address {
            out.registered_address = c.check(opt_text("registered_address", v, ADDRESS_MAX));
        }
        if let Some(v) = &self.residence_type {
            out.residence_type = c
                .check(ResidenceType::parse("residence_type", v))
                .map(|r| r.as_str().to_owned());
        }
        if let Some(v) = &self.grid {
            out.grid = c.check(GridKey::parse("grid", v));
        }
        if *self == Correction::default() {
            c.push(FieldError::new(
                "correction",
                "nothing_to_correct",
                "请至少填写一项核实后的信息",
                "give at least one value found on the ground",
            ));
        }
        c.finish()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_checked_values_pass() {
        let ok = Correction {
            name: Some(" 张三 ".into()),
            phone: Some("138 1234 5678".into()),
            ethnicity: Some(String::new()),
            residence_type: Some("流动".into()),
            ..Correction::default()
        }
        .check()
        .unwrap();
        assert_eq!(ok.name.as_deref(), Some("张三"));
        assert_eq!(ok.phone.unwrap().unwrap().as_str(), "13812345678");
        assert_eq!(ok.ethnicity.as_deref(), Some(""));
        assert!(ok.registered_address.is_none());

        let bad = Correction {
            name: Some(String::new()),
            phone: Some("12345".into()),
            grid: Some("G01".into()),
            ..Correction::default()
        }
        .check()
        .unwrap_err();
        let fields: Vec<&str> = bad.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "phone", "grid"]);
        assert_eq!(
            Correction::default().check().unwrap_err().0[0].code,
            "nothing_to_correct"
        );
    }
}
