//! The incident category tree (事件分类): codes of two digits per level, up to three levels
//! (`03` 安全隐患 › `0302` 用电安全 › `030202` 电动自行车违规充电), a child's code beginning
//! with its parent's, so the code alone says where a category sits. Each category carries the
//! grade a report starts with, the sectors that usually handle it and whether closing it needs
//! evidence (a photo of the hazard removed, the mediation agreement).

use crate::error::{Checker, FieldError};
use crate::incidents::Grade;
use crate::text::visible_chars;

use super::sector::{Sector, parse_sectors};

/// Levels of the tree: 类 › 项 › 目.
pub const MAX_LEVEL: usize = 3;

/// A category's code, checked: 2, 4 or 6 digits, no level `00`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryCode(String);

impl CategoryCode {
    pub fn parse(field: &str, input: &str) -> Result<CategoryCode, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(
                field,
                "required",
                "分类代码不能为空",
                "the category code is required",
            ));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) || !s.len().is_multiple_of(2) {
            return Err(FieldError::new(
                field,
                "bad_code",
                format!("分类代码每级两位数字，如 03、0302、030201：{s}"),
                format!("a category code has two digits per level, e.g. 03, 0302, 030201: {s}"),
            ));
        }
        if s.len() > 2 * MAX_LEVEL {
            return Err(FieldError::new(
                field,
                "too_deep",
                format!("事件分类最多 {MAX_LEVEL} 级：{s}"),
                format!("the category tree has at most {MAX_LEVEL} levels: {s}"),
            ));
        }
        if s.as_bytes().chunks(2).any(|pair| pair == b"00") {
            return Err(FieldError::new(
                field,
                "bad_code",
                format!("分类代码每级为 01–99，不能为 00：{s}"),
                format!("each level of a category code runs 01–99, never 00: {s}"),
            ));
        }
        Ok(CategoryCode(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 1, 2 or 3.
    pub fn level(&self) -> i64 {
        (self.0.len() / 2) as i64
    }

    /// The code one level up; none for a top-level category.
    pub fn parent(&self) -> Option<CategoryCode> {
        (self.0.len() > 2).then(|| CategoryCode(self.0[..self.0.len() - 2].to_owned()))
    }

    /// The codes above, top first (`03`, `0302` for `030201`).
    pub fn ancestors(&self) -> Vec<CategoryCode> {
        (1..self.0.len() / 2)
            .map(|l| CategoryCode(self.0[..2 * l].to_owned()))
            .collect()
    }

    /// The last level's number (`01` → 1, `99` → 99): the default place among siblings, so
    /// "99 其他" comes last as the national codes intend.
    pub fn ordinal(&self) -> i64 {
        self.0[self.0.len() - 2..].parse().unwrap_or(0)
    }
}

impl std::fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new category's place: its code, and the parent as typed (empty: the one its code implies).
/// A parent that is typed must be the one the code extends, so `parent 03, code 0402` is
/// refused instead of quietly filed under `04`.
pub fn place_in_tree(
    code: &str,
    parent: &str,
) -> Result<(CategoryCode, Option<CategoryCode>), FieldError> {
    let code = CategoryCode::parse("code", code)?;
    if parent.trim().is_empty() {
        let up = code.parent();
        return Ok((code, up));
    }
    let parent = CategoryCode::parse("parent_code", parent)?;
    if parent.level() as usize >= MAX_LEVEL {
        return Err(FieldError::new(
            "parent_code",
            "too_deep",
            format!("事件分类最多 {MAX_LEVEL} 级，{parent} 之下不能再分"),
            format!(
                "the category tree has at most {MAX_LEVEL} levels; nothing goes below {parent}"
            ),
        ));
    }
    if code.parent().as_ref() != Some(&parent) {
        return Err(FieldError::new(
            "code",
            "not_under_parent",
            format!("下级分类的代码应为上级代码 {parent} 后加两位数字：{code}"),
            format!("a child's code is its parent's ({parent}) followed by two digits: {code}"),
        ));
    }
    Ok((code, Some(parent)))
}

/// What a category says, as a form or the API gives it (its code and place are fixed apart).
#[derive(Debug, Clone, Copy, Default)]
pub struct CategoryDraft<'a> {
    pub name: &'a str,
    /// Optional: an English label for the English interface, which otherwise shows the name.
    pub name_en: &'a str,
    pub default_grade: &'a str,
    /// Items as sent: a text box (`住建、城管`), checkboxes or a JSON array of codes.
    pub sectors: &'a [String],
    pub evidence_required: bool,
    pub public: bool,
    /// Optional place among its siblings; empty: the code's last two digits.
    pub sort_order: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCategory {
    pub name: String,
    pub name_en: String,
    pub default_grade: Grade,
    pub sectors: Vec<Sector>,
    pub evidence_required: bool,
    pub public: bool,
    pub sort_order: Option<i64>,
}

fn label(field: &str, input: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let s = input.trim();
    if required && visible_chars(s) == 0 {
        return Err(FieldError::new(
            field,
            "required",
            "分类名称不能为空",
            "the category's name is required",
        ));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("分类名称最长 {max} 个字符"),
            format!("a category's name has at most {max} characters"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "control_chars",
            "分类名称不能包含控制字符",
            "a category's name must not contain control characters",
        ));
    }
    Ok(s.to_owned())
}

impl CategoryDraft<'_> {
    pub fn check(&self) -> Result<ValidCategory, Vec<FieldError>> {
        let mut c = Checker::new();
        let name = c.check(label("name", self.name, 30, true));
        let name_en = c.check(label("name_en", self.name_en, 80, false));
        let grade = c.check(if self.default_grade.trim().is_empty() {
            Ok(Grade::General)
        } else {
            Grade::parse("default_grade", self.default_grade)
        });
        let sectors = c.check(parse_sectors(
            "sectors",
            self.sectors.iter().map(String::as_str),
        ));
        let sort_order = c.check(sort_order(self.sort_order));
        c.finish().map_err(|e| e.0)?;
        match (name, name_en, grade, sectors, sort_order) {
            (Some(name), Some(name_en), Some(default_grade), Some(sectors), Some(sort_order)) => {
                Ok(ValidCategory {
                    name,
                    name_en,
                    default_grade,
                    sectors,
                    evidence_required: self.evidence_required,
                    public: self.public,
                    sort_order,
                })
            }
            _ => Err(Vec::new()),
        }
    }
}

fn sort_order(input: &str) -> Result<Option<i64>, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i64>() {
        Ok(n) if (0..=9999).contains(&n) => Ok(Some(n)),
        _ => Err(FieldError::new(
            "sort_order",
            "out_of_range",
            format!("排序应为 0 到 9999 的整数：{s}"),
            format!("the order is a whole number from 0 to 9999: {s}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> CategoryCode {
        CategoryCode::parse("code", s).unwrap()
    }

    #[test]
    fn codes_have_two_digits_per_level_and_three_levels() {
        assert_eq!(code("03").level(), 1);
        assert_eq!(code(" 0302 ").as_str(), "0302");
        assert_eq!(code("030202").level(), 3);
        assert_eq!(code("030202").parent(), Some(code("0302")));
        assert_eq!(code("03").parent(), None);
        assert_eq!(code("030202").ancestors(), [code("03"), code("0302")]);
        assert_eq!(code("0199").ordinal(), 99);
        for (bad, why) in [
            ("", "required"),
            ("3", "bad_code"),
            ("030", "bad_code"),
            ("03a2", "bad_code"),
            ("０３", "bad_code"),
            ("0300", "bad_code"),
            ("00", "bad_code"),
            ("03020201", "too_deep"),
        ] {
            let e = CategoryCode::parse("code", bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), ("code", why), "{bad:?}");
        }
    }

    #[test]
    fn a_child_extends_its_parent() {
        assert_eq!(
            place_in_tree("0302", "").unwrap(),
            (code("0302"), Some(code("03")))
        );
        assert_eq!(place_in_tree("0302", "03").unwrap().1, Some(code("03")));
        assert_eq!(place_in_tree("10", "").unwrap(), (code("10"), None));
        let e = place_in_tree("0402", "03").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("code", "not_under_parent"));
        assert!(e.zh.contains("03") && e.en.contains("0402"));
        let e = place_in_tree("030201", "03").unwrap_err();
        assert_eq!(e.code, "not_under_parent", "a grandchild is not a child");
        let e = place_in_tree("03", "03").unwrap_err();
        assert_eq!(e.code, "not_under_parent");
    }

    #[test]
    fn a_fourth_level_is_refused() {
        let e = place_in_tree("03020201", "030202").unwrap_err();
        assert_eq!(e.code, "too_deep");
        let e = place_in_tree("03020201", "").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("code", "too_deep"));
    }

    #[test]
    fn a_category_as_typed() {
        let sectors = ["住建、城管".to_owned()];
        let v = CategoryDraft {
            name: " 危房 ",
            name_en: "Dangerous buildings",
            default_grade: "较大",
            sectors: &sectors,
            evidence_required: true,
            public: true,
            sort_order: "",
        }
        .check()
        .unwrap();
        assert_eq!(v.name, "危房");
        assert_eq!(v.default_grade, Grade::Serious);
        assert_eq!(
            v.sectors,
            [Sector::HousingConstruction, Sector::UrbanManagement]
        );
        assert_eq!(v.sort_order, None);
        let plain = CategoryDraft {
            name: "其他",
            ..CategoryDraft::default()
        }
        .check()
        .unwrap();
        assert_eq!(
            (plain.default_grade, plain.name_en.as_str()),
            (Grade::General, "")
        );
    }

    #[test]
    fn every_fault_of_a_category_is_named() {
        let sectors = ["交警".to_owned()];
        let errs = CategoryDraft {
            name: "\u{200B}",
            name_en: "",
            default_grade: "huge",
            sectors: &sectors,
            evidence_required: false,
            public: false,
            sort_order: "-1",
        }
        .check()
        .unwrap_err();
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("name", "required"),
                ("default_grade", "unknown_grade"),
                ("sectors", "unknown_sector"),
                ("sort_order", "out_of_range"),
            ]
        );
    }
}
