//! Administrative divisions (行政区划): codes, levels and materialized paths.
//!
//! A code keeps the length of its level: province `42`, city `4202`, county `420202`, township
//! `420202001`, village/community `420202001001`. The length, not trailing zeros, decides the level,
//! because the statistical codes have county-level entries such as `441900` (东莞市 taken as its own
//! county) that would read as a city if zeros were stripped. People type the padded GB/T 2260 forms
//! (`420200`, `420200000000`); [`RegionCode::candidates`] lists what such input may mean.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The five levels of the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province = 1,
    City = 2,
    County = 3,
    Township = 4,
    Village = 5,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 5] = [
        RegionLevel::Province,
        RegionLevel::City,
        RegionLevel::County,
        RegionLevel::Township,
        RegionLevel::Village,
    ];

    /// Length of the code at this level.
    pub fn code_len(self) -> usize {
        match self {
            RegionLevel::Province => 2,
            RegionLevel::City => 4,
            RegionLevel::County => 6,
            RegionLevel::Township => 9,
            RegionLevel::Village => 12,
        }
    }

    pub fn from_code_len(len: usize) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code_len() == len)
    }

    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn from_number(n: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.number() == n)
    }

    pub fn child(self) -> Option<Self> {
        Self::from_number(self.number() + 1)
    }

    pub fn zh(self) -> &'static str {
        match self {
            RegionLevel::Province => "省",
            RegionLevel::City => "市",
            RegionLevel::County => "县区",
            RegionLevel::Township => "乡镇街道",
            RegionLevel::Village => "村社区",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            RegionLevel::Province => "province",
            RegionLevel::City => "city",
            RegionLevel::County => "county",
            RegionLevel::Township => "township",
            RegionLevel::Village => "village/community",
        }
    }
}

/// A region code in its canonical, level-preserving form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses a code in its canonical length (2, 4, 6, 9 or 12 digits).
    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(
                field,
                "required",
                "不能为空",
                "is required",
            ));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "not_digits",
                format!("区划代码只能包含数字: {s}"),
                format!("a region code has digits only: {s}"),
            ));
        }
        if RegionLevel::from_code_len(s.len()).is_none() {
            return Err(FieldError::new(
                field,
                "bad_length",
                format!("区划代码应为2、4、6、9或12位: {s}"),
                format!("a region code has 2, 4, 6, 9 or 12 digits: {s}"),
            ));
        }
        if &s[..2] == "00" {
            return Err(FieldError::new(
                field,
                "bad_province",
                format!("省级代码不能为00: {s}"),
                format!("the province part cannot be 00: {s}"),
            ));
        }
        Ok(RegionCode(s.to_owned()))
    }

    /// The codes that typed input may stand for, most literal first: `420200` is a county code by
    /// its length, but people mean the city `4202` by it; `420200000000` likewise.
    pub fn candidates(field: &str, input: &str) -> Result<Vec<RegionCode>, FieldError> {
        let s = input.trim();
        let first = RegionCode::parse(field, s)?;
        let mut out = vec![first];
        let mut cur = s;
        // Strip zero-filled trailing segments one level at a time.
        while let Some(level) = RegionLevel::from_code_len(cur.len()) {
            let Some(shorter) = RegionLevel::from_number(level.number() - 1) else {
                break;
            };
            let (head, tail) = cur.split_at(shorter.code_len());
            if !tail.bytes().all(|b| b == b'0') {
                break;
            }
            cur = head;
            out.push(RegionCode(cur.to_owned()));
        }
        Ok(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        // The constructor guarantees a known length.
        RegionLevel::from_code_len(self.0.len()).unwrap_or(RegionLevel::Village)
    }

    /// The six-digit GB/T 2260 form for provinces and cities (`420000`, `420200`), the code itself
    /// below.
    pub fn gb_code(&self) -> String {
        match self.level() {
            RegionLevel::Province => format!("{}0000", self.0),
            RegionLevel::City => format!("{}00", self.0),
            _ => self.0.clone(),
        }
    }

    /// The parent code implied by the digits (the statistical layout). Data sources may name another
    /// parent (the civil-affairs list hangs Beijing's districts on the province), so this is only a
    /// fallback and a consistency check.
    pub fn implied_parent(&self) -> Option<RegionCode> {
        let parent = RegionLevel::from_number(self.level().number() - 1)?;
        Some(RegionCode(self.0[..parent.code_len()].to_owned()))
    }

    /// True when `self` sits on the digit line of `ancestor` (its code starts with it).
    pub fn is_under(&self, ancestor: &RegionCode) -> bool {
        self.0.len() > ancestor.0.len() && self.0.starts_with(&ancestor.0)
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RegionCode::parse("code", &s)
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

/// The GB/T 2260 form of a stored code (see [`RegionCode::gb_code`]); a code that does not parse
/// is shown as it is.
pub fn gb_form(code: &str) -> String {
    RegionCode::parse("code", code)
        .map(|c| c.gb_code())
        .unwrap_or_else(|_| code.to_owned())
}

/// A region's name: trimmed, with a character that shows, at most 100 characters.
pub fn parse_region_name(field: &str, input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    if crate::text::visible_chars(s) == 0 {
        return Err(FieldError::new(
            field,
            "required",
            "名称不能为空",
            "the name is required",
        ));
    }
    if s.chars().count() > 100 {
        return Err(FieldError::new(
            field,
            "too_long",
            "名称不能超过100个字符",
            "the name is longer than 100 characters",
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "control_char",
            "名称含有控制字符",
            "the name contains control characters",
        ));
    }
    Ok(s.to_owned())
}

/// The materialized path of a region under its parent's path: `42/4202/420202/`.
/// Every path ends in `/` so that "inside" is a plain prefix and a range on both databases.
pub fn child_path(parent_path: &str, code: &RegionCode) -> String {
    format!("{parent_path}{}/", code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse("code", s).unwrap()
    }

    #[test]
    fn level_follows_length() {
        assert_eq!(code("42").level(), RegionLevel::Province);
        assert_eq!(code("4202").level(), RegionLevel::City);
        assert_eq!(code("441900").level(), RegionLevel::County);
        assert_eq!(code("420202001").level(), RegionLevel::Township);
        assert_eq!(code("420202001001").level(), RegionLevel::Village);
    }

    #[test]
    fn rejects_bad_codes_with_field_and_reason() {
        for bad in ["", "4a", "420", "00", "1234567"] {
            let e = RegionCode::parse("parent_code", bad).unwrap_err();
            assert_eq!(e.field, "parent_code");
            assert!(!e.zh.is_empty() && !e.en.is_empty());
        }
    }

    #[test]
    fn padded_forms_offer_the_shorter_codes() {
        let c: Vec<String> = RegionCode::candidates("scope", "420200")
            .unwrap()
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(c, ["420200", "4202"]);
        let c = RegionCode::candidates("scope", "420000000000").unwrap();
        assert_eq!(c.last().unwrap().as_str(), "42");
        let c = RegionCode::candidates("scope", "420202001001").unwrap();
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn gb_code_and_parents() {
        assert_eq!(code("4202").gb_code(), "420200");
        assert_eq!(code("42").gb_code(), "420000");
        assert_eq!(
            code("420202001").implied_parent().unwrap().as_str(),
            "420202"
        );
        assert_eq!(code("42").implied_parent(), None);
        assert!(code("420202001").is_under(&code("4202")));
        assert!(!code("4202").is_under(&code("4202")));
    }

    #[test]
    fn gb_form_pads_provinces_and_cities_only() {
        assert_eq!(gb_form("4202"), "420200");
        assert_eq!(gb_form("420202001"), "420202001");
        assert_eq!(gb_form("x"), "x");
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(parse_region_name("name", " 黄石市 ").unwrap(), "黄石市");
        assert_eq!(
            parse_region_name("name", "  ").unwrap_err().code,
            "required"
        );
        assert_eq!(
            parse_region_name("name", "a\u{7}").unwrap_err().code,
            "control_char"
        );
    }

    #[test]
    fn paths_nest_by_prefix() {
        let p = child_path("42/4202/", &code("420202"));
        assert_eq!(p, "42/4202/420202/");
        assert!(p.starts_with("42/4202/"));
    }
}
