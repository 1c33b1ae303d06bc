//! A linked department as a form or the API gives it: its name, sector and duty phone. Where
//! it serves (its region) is resolved by the store inside the caller's scope.

use crate::error::{Checker, FieldError};
use crate::text::{is_invisible, visible_chars};
use crate::users::parse_contact_phone;

use super::sector::Sector;

/// Bounds of a department's name, in characters that show: "公安" is the shortest real one,
/// "黄石市公安局交通警察支队西塞山大队" is long but far under fifty.
pub const NAME_MIN: usize = 2;
pub const NAME_MAX: usize = 50;

/// A department's name: trimmed, 2–50 characters that show, no control characters and nothing
/// invisible inside. A zero-width space in the middle would make a second "黄石港区城管执法局"
/// that looks the same as the first and passes the uniqueness check, so it is refused, not
/// stripped.
pub fn parse_department_name(field: &str, input: &str) -> Result<String, FieldError> {
    let s = input.trim();
    let shown = visible_chars(s);
    if shown == 0 {
        return Err(FieldError::new(
            field,
            "required",
            "部门名称不能为空",
            "the department's name is required",
        ));
    }
    if shown < NAME_MIN || s.chars().count() > NAME_MAX {
        return Err(FieldError::new(
            field,
            "bad_length",
            format!("部门名称应为 {NAME_MIN} 到 {NAME_MAX} 个字符"),
            format!("a department's name has {NAME_MIN} to {NAME_MAX} characters"),
        ));
    }
    if s.chars()
        .any(|c| is_invisible(c) && c != ' ' && c != '\u{3000}')
    {
        return Err(FieldError::new(
            field,
            "invisible_chars",
            "部门名称含有控制字符或不可见字符",
            "the department's name holds control or invisible characters",
        ));
    }
    Ok(s.to_owned())
}

#[derive(Debug, Clone, Copy, Default)]
pub struct DepartmentDraft<'a> {
    pub name: &'a str,
    pub sector: &'a str,
    /// The duty phone (值班电话), optional.
    pub phone: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDepartment {
    pub name: String,
    pub sector: Sector,
    /// A department's duty phone is a public contact, stored in the clear; empty when none.
    pub phone: String,
}

impl DepartmentDraft<'_> {
    /// Every field checked, every fault returned at once.
    pub fn check(&self) -> Result<ValidDepartment, Vec<FieldError>> {
        let mut c = Checker::new();
        let name = c.check(parse_department_name("name", self.name));
        let sector = c.check(if self.sector.trim().is_empty() {
            Err(FieldError::new(
                "sector",
                "required",
                "请选择部门所属行业",
                "choose the department's sector",
            ))
        } else {
            Sector::parse("sector", self.sector)
        });
        let phone = c.check(parse_contact_phone("phone", self.phone));
        c.finish().map_err(|e| e.0)?;
        match (name, sector, phone) {
            (Some(name), Some(sector), Some(phone)) => Ok(ValidDepartment {
                name,
                sector,
                phone,
            }),
            _ => Err(Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(d: DepartmentDraft) -> Vec<(String, &'static str)> {
        d.check()
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_department_as_typed() {
        let d = DepartmentDraft {
            name: "  黄石港区城管执法局 ",
            sector: "城管",
            phone: "0714-6251234",
        }
        .check()
        .unwrap();
        assert_eq!(d.name, "黄石港区城管执法局");
        assert_eq!(d.sector, Sector::UrbanManagement);
        assert_eq!(d.phone, "0714-6251234");
        let no_phone = DepartmentDraft {
            name: "黄石港公安分局",
            sector: "public_security",
            phone: "",
        };
        assert_eq!(no_phone.check().unwrap().phone, "");
    }

    #[test]
    fn names_of_nothing_that_shows_are_refused() {
        for hollow in [
            "",
            "   ",
            "\u{200B}\u{200B}\u{200B}",
            "\u{FEFF}\u{2060}",
            "\u{3000}",
        ] {
            let e = parse_department_name("name", hollow).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code),
                ("name", "required"),
                "{hollow:?}"
            );
            assert!(e.zh.contains("部门名称") && e.en.contains("name"));
        }
        assert_eq!(
            parse_department_name("name", "局").unwrap_err().code,
            "bad_length"
        );
        assert_eq!(
            parse_department_name("name", "\u{200B}局\u{200B}")
                .unwrap_err()
                .code,
            "bad_length",
            "one character shows"
        );
        assert_eq!(
            parse_department_name("name", &"局".repeat(51))
                .unwrap_err()
                .code,
            "bad_length"
        );
    }

    #[test]
    fn invisible_characters_inside_a_name_are_refused() {
        for sneaky in [
            "城管\u{200B}执法局",
            "城管执法局\u{202E}",
            "城管\u{0007}执法局",
        ] {
            let e = parse_department_name("name", sneaky).unwrap_err();
            assert_eq!(e.code, "invisible_chars", "{sneaky:?}");
        }
        assert!(parse_department_name("name", "黄石港区 城管执法局").is_ok());
    }

    #[test]
    fn every_fault_is_named() {
        let got = codes(DepartmentDraft {
            name: "",
            sector: "财政",
            phone: "12",
        });
        assert_eq!(
            got,
            [
                ("name".to_owned(), "required"),
                ("sector".to_owned(), "unknown_sector"),
                ("phone".to_owned(), "bad_phone"),
            ]
        );
        let got = codes(DepartmentDraft {
            name: "黄石市司法局",
            sector: " ",
            phone: "",
        });
        assert_eq!(got, [("sector".to_owned(), "required")]);
    }
}
