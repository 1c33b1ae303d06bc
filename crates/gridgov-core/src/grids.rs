//! Grids: the smallest management unit under a village/community (DOMAIN: 网格), their kinds,
//! codes, staff duties and the sizing band.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::text::visible_chars;

/// A grid's code, unique among the current grids of its village. It becomes the last segment of
/// the grid's path (`…/420202001001/G0007/`), so it holds only ASCII letters, digits and `-`:
/// characters that sort below the scope range's `~` sentinel and never need escaping in a URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GridCode(String);

impl GridCode {
    pub const MAX_LEN: usize = 24;

    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(
                field,
                "required",
                "网格编码不能为空",
                "the grid code is required",
            ));
        }
        if s.len() > Self::MAX_LEN {
            return Err(FieldError::new(
                field,
                "too_long",
                format!("网格编码最长 {} 个字符", Self::MAX_LEN),
                format!("a grid code has at most {} characters", Self::MAX_LEN),
            ));
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(FieldError::new(
                field,
                "bad_chars",
                format!("网格编码只能包含字母、数字和连字符: {s}"),
                format!("a grid code holds only letters, digits and '-': {s}"),
            ));
        }
        Ok(GridCode(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for GridCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The path of a grid below its village's path.
pub fn grid_path(village_path: &str, code: &GridCode) -> String {
    format!("{village_path}{}/", code.as_str())
}

/// Comprehensive (全科) or special (专属) with the place it is dedicated to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridKind {
    Comprehensive,
    Special(SpecialKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialKind {
    School,
    Hospital,
    Market,
    IndustrialPark,
    ScenicArea,
    ConstructionSite,
    Other,
}

impl SpecialKind {
    pub const ALL: [SpecialKind; 7] = [
        SpecialKind::School,
        SpecialKind::Hospital,
        SpecialKind::Market,
        SpecialKind::IndustrialPark,
        SpecialKind::ScenicArea,
        SpecialKind::ConstructionSite,
        SpecialKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SpecialKind::School => "school",
            SpecialKind::Hospital => "hospital",
            SpecialKind::Market => "market",
            SpecialKind::IndustrialPark => "industrial_park",
            SpecialKind::ScenicArea => "scenic_area",
            SpecialKind::ConstructionSite => "construction_site",
            SpecialKind::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            SpecialKind::School => "学校",
            SpecialKind::Hospital => "医院",
            SpecialKind::Market => "市场",
            SpecialKind::IndustrialPark => "产业园区",
            SpecialKind::ScenicArea => "景区",
            SpecialKind::ConstructionSite => "建筑工地",
            SpecialKind::Other => "其他",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            SpecialKind::School => "school",
            SpecialKind::Hospital => "hospital",
            SpecialKind::Market => "market",
            SpecialKind::IndustrialPark => "industrial park",
            SpecialKind::ScenicArea => "scenic area",
            SpecialKind::ConstructionSite => "construction site",
            SpecialKind::Other => "other",
        }
    }
}

impl GridKind {
    /// The stored pair: `kind` is `comprehensive` or `special`, `special_kind` the place.
    pub fn columns(self) -> (&'static str, Option<&'static str>) {
        match self {
            GridKind::Comprehensive => ("comprehensive", None),
            GridKind::Special(s) => ("special", Some(s.as_str())),
        }
    }

    /// Reads the pair back; input from forms and files names the special kind directly too
    /// (`kind=school`), which is what people type.
    pub fn parse(field: &str, kind: &str, special: Option<&str>) -> Result<GridKind, FieldError> {
        let kind = kind.trim();
        let special = special.map(str::trim).filter(|s| !s.is_empty());
        match (kind, special) {
            ("comprehensive" | "全科" | "综合" | "", None) => Ok(GridKind::Comprehensive),
            ("special" | "专属", Some(s)) => Self::special(field, s),
            ("special" | "专属", None) => Err(FieldError::new(
                field,
                "special_kind_required",
                format!(
                    "专属网格须注明类型: {}",
                    SpecialKind::ALL.map(|k| k.zh()).join("、")
                ),
                format!(
                    "a special grid needs its kind: {}",
                    SpecialKind::ALL.map(|k| k.as_str()).join(", ")
                ),
            )),
            (other, None) => Self::special(field, other),
            (other, Some(_)) => Err(Self::unknown(field, other)),
        }
    }

    fn special(field: &str, s: &str) -> Result<GridKind, FieldError> {
        SpecialKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.zh() == s)
            .map(GridKind::Special)
            .ok_or_else(|| Self::unknown(field, s))
    }

    fn unknown(field: &str, s: &str) -> FieldError {
        FieldError::new(
            field,
            "unknown_kind",
            format!(
                "未知网格类型 {s}，可选: 全科，或专属（{}）",
                SpecialKind::ALL.map(|k| k.zh()).join("、")
            ),
            format!(
                "unknown grid kind {s}; one of: comprehensive, or special ({})",
                SpecialKind::ALL.map(|k| k.as_str()).join(", ")
            ),
        )
    }

    pub fn zh(self) -> String {
        match self {
            GridKind::Comprehensive => "全科网格".into(),
            GridKind::Special(s) => format!("专属网格（{}）", s.zh()),
        }
    }

    pub fn en(self) -> String {
        match self {
            GridKind::Comprehensive => "comprehensive".into(),
            GridKind::Special(s) => format!("special ({})", s.en()),
        }
    }
}

/// What a person does for a grid (一长五员 and the others of DOMAIN). One person may hold duties
/// in several grids, and a grid has several people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    GridLeader,
    GridWorker,
    Inspector,
    Informant,
    Liaison,
    Patroller,
    GridAdmin,
    Instructor,
    Supervisor,
    BuildingHead,
}

impl Duty {
    pub const ALL: [Duty; 10] = [
        Duty::GridLeader,
        Duty::GridWorker,
        Duty::Inspector,
        Duty::Informant,
        Duty::Liaison,
        Duty::Patroller,
        Duty::GridAdmin,
        Duty::Instructor,
        Duty::Supervisor,
        Duty::BuildingHead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Duty::GridLeader => "grid_leader",
            Duty::GridWorker => "grid_worker",
            Duty::Inspector => "inspector",
            Duty::Informant => "informant",
            Duty::Liaison => "liaison",
            Duty::Patroller => "patroller",
            Duty::GridAdmin => "grid_admin",
            Duty::Instructor => "instructor",
            Duty::Supervisor => "supervisor",
            Duty::BuildingHead => "building_head",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Duty::GridLeader => "网格长",
            Duty::GridWorker => "网格员",
            Duty::Inspector => "督查员",
            Duty::Informant => "信息员",
            Duty::Liaison => "联络员",
            Duty::Patroller => "巡查员",
            Duty::GridAdmin => "网格管理员",
            Duty::Instructor => "网格指导员",
            Duty::Supervisor => "网格监督员",
            Duty::BuildingHead => "楼栋长",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Duty::GridLeader => "grid leader",
            Duty::GridWorker => "grid worker",
            Duty::Inspector => "inspector",
            Duty::Informant => "informant",
            Duty::Liaison => "liaison",
            Duty::Patroller => "patroller",
            Duty::GridAdmin => "grid administrator",
            Duty::Instructor => "instructor",
            Duty::Supervisor => "supervisor",
            Duty::BuildingHead => "building head",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Duty, FieldError> {
        let s = s.trim();
        Duty::ALL
            .into_iter()
            .find(|d| d.as_str() == s || d.zh() == s)
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    "unknown_duty",
                    format!(
                        "未知职责 {s}，可选: {}",
                        Duty::ALL.map(|d| d.zh()).join("、")
                    ),
                    format!(
                        "unknown duty {s}; one of: {}",
                        Duty::ALL.map(|d| d.as_str()).join(", ")
                    ),
                )
            })
    }

    /// Whether a grid counts as staffed: it has its leader and at least one grid worker.
    pub fn is_core(self) -> bool {
        matches!(self, Duty::GridLeader | Duty::GridWorker)
    }
}

/// Households a grid should hold (000: 300–500 in towns). Outside the band a grid is flagged for
/// splitting or merging; rural "one village, one grid" grids are often below it by design, so
/// the flag informs and never blocks.
pub const HOUSEHOLD_BAND: (i64, i64) = (300, 500);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sizing {
    Low,
    Ok,
    High,
}

impl Sizing {
    /// Against the default band.
    pub fn of(households: i64) -> Sizing {
        Sizing::within(households, HOUSEHOLD_BAND)
    }

    /// Against a band `(min, max)`, inclusive: a region's own (`settings::HouseholdBand`).
    pub fn within(households: i64, (min, max): (i64, i64)) -> Sizing {
        if households < min {
            Sizing::Low
        } else if households > max {
            Sizing::High
        } else {
            Sizing::Ok
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sizing::Low => "low",
            Sizing::Ok => "ok",
            Sizing::High => "high",
        }
    }
}

/// A household target as typed: a whole number from 1 to 100,000.
pub fn parse_household_target(field: &str, input: &str) -> Result<i64, FieldError> {
    let n: i64 = input.trim().parse().map_err(|_| {
        FieldError::new(
            field,
            "not_a_number",
            format!("户数须为整数: {input}"),
            format!("households must be a whole number: {input}"),
        )
    })?;
    if !(1..=100_000).contains(&n) {
        return Err(FieldError::new(
            field,
            "out_of_range",
            "户数须在 1 到 100000 之间",
            "households must be between 1 and 100,000",
        ));
    }
    Ok(n)
}

/// A grid's name: 1–64 characters, no control characters.
pub fn parse_grid_name(field: &str, input: &str) -> Result<String, FieldError> {
    parse_text(field, input, 64, true)
}

/// Free text (a grid's name, party branch, service-station address; a record's name or address):
/// at most `max` characters; when required, at least one that shows (zero-width or blank
/// characters alone are empty).
pub fn parse_text(
    field: &str,
    input: &str,
    max: usize,
    required: bool,
) -> Result<String, FieldError> {
    let s = input.trim();
    if required && visible_chars(s) == 0 {
        return Err(FieldError::new(
            field,
            "required",
            "不能为空",
            "is required",
        ));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("最长 {max} 个字符"),
            format!("at most {max} characters"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "control_chars",
            "不能包含控制字符",
            "must not contain control characters",
        ));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_needs_a_character_that_shows() {
        for hollow in [
            "",
            "   ",
            "\u{200B}\u{200B}",
            "\u{FEFF}",
            "\u{2060}\u{3000}",
        ] {
            let e = parse_text("name", hollow, 64, true).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code),
                ("name", "required"),
                "{hollow:?}"
            );
        }
        assert_eq!(parse_text("name", " 一网格 ", 64, true).unwrap(), "一网格");
        assert_eq!(parse_text("note", "", 64, false).unwrap(), "");
    }

    #[test]
    fn codes_are_uppercased_and_checked() {
        assert_eq!(
            GridCode::parse("code", " g0007 ").unwrap().as_str(),
            "G0007"
        );
        assert_eq!(GridCode::parse("code", "").unwrap_err().code, "required");
        assert_eq!(
            GridCode::parse("code", "G/1").unwrap_err().code,
            "bad_chars"
        );
        assert_eq!(
            GridCode::parse("code", "网格").unwrap_err().code,
            "bad_chars"
        );
        let long = "A".repeat(25);
        assert_eq!(GridCode::parse("code", &long).unwrap_err().code, "too_long");
    }

    #[test]
    fn grid_paths_extend_the_village_path() {
        let c = GridCode::parse("code", "G1").unwrap();
        assert_eq!(grid_path("42/4202/", &c), "42/4202/G1/");
    }

    #[test]
    fn kinds_parse_from_columns_and_from_what_people_type() {
        assert_eq!(
            GridKind::parse("kind", "comprehensive", None).unwrap(),
            GridKind::Comprehensive
        );
        assert_eq!(
            GridKind::parse("kind", "special", Some("school")).unwrap(),
            GridKind::Special(SpecialKind::School)
        );
        assert_eq!(
            GridKind::parse("kind", "医院", None).unwrap(),
            GridKind::Special(SpecialKind::Hospital)
        );
        assert_eq!(
            GridKind::parse("kind", "special", None).unwrap_err().code,
            "special_kind_required"
        );
        assert_eq!(
            GridKind::parse("kind", "castle", None).unwrap_err().code,
            "unknown_kind"
        );
        let k = GridKind::Special(SpecialKind::IndustrialPark);
        let (a, b) = k.columns();
        assert_eq!(GridKind::parse("kind", a, b).unwrap(), k);
    }

    #[test]
    fn duties_parse_in_both_languages() {
        assert_eq!(Duty::parse("duty", "网格长").unwrap(), Duty::GridLeader);
        assert_eq!(
            Duty::parse("duty", "building_head").unwrap(),
            Duty::BuildingHead
        );
        assert_eq!(
            Duty::parse("duty", "mayor").unwrap_err().code,
            "unknown_duty"
        );
    }

    #[test]
    fn sizing_band_is_inclusive() {
        assert_eq!(Sizing::of(299), Sizing::Low);
        assert_eq!(Sizing::of(300), Sizing::Ok);
        assert_eq!(Sizing::of(500), Sizing::Ok);
        assert_eq!(Sizing::of(501), Sizing::High);
    }

    #[test]
    fn household_targets_are_whole_numbers_in_range() {
        assert_eq!(parse_household_target("h", " 420 ").unwrap(), 420);
        assert_eq!(
            parse_household_target("h", "4x").unwrap_err().code,
            "not_a_number"
        );
        assert_eq!(
            parse_household_target("h", "0").unwrap_err().code,
            "out_of_range"
        );
    }
}
