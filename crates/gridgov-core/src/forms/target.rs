//! The kinds of base-data record a form can be attached to.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormTarget {
    Persons,
    Houses,
    Places,
    Organizations,
}

impl FormTarget {
    pub const ALL: [FormTarget; 4] = [
        FormTarget::Persons,
        FormTarget::Houses,
        FormTarget::Places,
        FormTarget::Organizations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FormTarget::Persons => "persons",
            FormTarget::Houses => "houses",
            FormTarget::Places => "places",
            FormTarget::Organizations => "organizations",
        }
    }

    /// One record of the kind, as resources are named in the audit trail (`person:<id>`).
    pub fn singular(self) -> &'static str {
        match self {
            FormTarget::Persons => "person",
            FormTarget::Houses => "house",
            FormTarget::Places => "place",
            FormTarget::Organizations => "organization",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            FormTarget::Persons => "人口",
            FormTarget::Houses => "房屋",
            FormTarget::Places => "场所",
            FormTarget::Organizations => "组织",
        }
    }

    /// By key or Chinese name, as departments write it.
    pub fn parse(field: &str, input: &str) -> Result<FormTarget, FieldError> {
        let s = input.trim();
        FormTarget::ALL
            .into_iter()
            .find(|t| t.as_str() == s || t.zh() == s)
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    "unknown_target",
                    format!("未知采集对象 {s}，可选: 人口、房屋、场所、组织"),
                    format!("unknown target {s}; one of: persons, houses, places, organizations"),
                )
            })
    }
}

impl std::fmt::Display for FormTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_by_key_or_chinese_name() {
        for t in FormTarget::ALL {
            assert_eq!(FormTarget::parse("target", t.as_str()), Ok(t));
            assert_eq!(FormTarget::parse("target", t.zh()), Ok(t));
        }
        let e = FormTarget::parse("target", "buildings").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("target", "unknown_target"));
    }
}
