//! A person record as a file row or a form gives it, and the checks that make it a
//! [`ValidPerson`]. The bulk import and the single-record form run the very same checks.

use crate::error::FieldError;
use crate::ids::{
    Gender, IdCardNo, Phone, PrefixStatus, Ymd, is_warning, parse_date, prefix_fault,
};

use super::fields::{opt_text, req_text, tags};
use super::vocab::{Ethnicity, ResidenceType};

/// The fields as given, empty where absent. Borrowed, so checking a file row copies nothing
/// that is then thrown away.
#[derive(Debug, Clone, Copy, Default)]
pub struct PersonDraft<'a> {
    pub name: &'a str,
    pub id_card_no: &'a str,
    pub gender: &'a str,
    pub birth_date: &'a str,
    pub ethnicity: &'a str,
    pub phone: &'a str,
    pub registered_address: &'a str,
    pub residence_type: &'a str,
    pub tags: &'a str,
}

/// A person that passed every check. Gender and birth date are the ones the ID number encodes
/// (the columns, where given, must agree with it).
#[derive(Debug, Clone)]
pub struct ValidPerson {
    pub name: String,
    pub id_card: IdCardNo,
    pub gender: Gender,
    pub birth_date: Ymd,
    pub ethnicity: Option<Ethnicity>,
    pub phone: Option<Phone>,
    pub registered_address: String,
    pub residence_type: ResidenceType,
    pub tags: String,
    /// Why the record deserves a second look though it was accepted: `old_region_code`,
    /// `upgraded_15`. Stored with the record.
    pub flags: Vec<&'static str>,
    /// The accepted faults behind the flags, for the import report.
    pub warnings: Vec<FieldError>,
}

/// Longest name kept: minority and foreign names written in full run long.
pub const NAME_MAX: usize = 50;

impl PersonDraft<'_> {
    /// Checks every field and reports every fault. `prefix` says whether the region code
    /// leading the ID number is current, former or unknown (the caller knows the divisions).
    pub fn check(
        &self,
        today: Ymd,
        prefix: impl Fn(&str) -> PrefixStatus,
    ) -> Result<ValidPerson, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = keep(req_text("name", self.name, NAME_MAX), &mut errors);
        let id = keep(
            IdCardNo::parse_with("id_card_no", self.id_card_no, today),
            &mut errors,
        );
        let gender = opt(self.gender, |s| Gender::parse("gender", s), &mut errors);
        let birth = opt(
            self.birth_date,
            |s| parse_date("birth_date", s),
            &mut errors,
        );
        let ethnicity = opt(
            self.ethnicity,
            |s| Ethnicity::parse("ethnicity", s),
            &mut errors,
        );
        let phone = opt(self.phone, |s| Phone::parse("phone", s), &mut errors);
        let address = keep(
            opt_text("registered_address", self.registered_address, 200),
            &mut errors,
        );
        let residence = keep(
            ResidenceType::parse("residence_type", self.residence_type),
            &mut errors,
        );
        let tags = keep(tags("tags", self.tags), &mut errors);
        let mut flags = Vec::new();
        let mut warnings = Vec::new();
        if let Some(id) = &id {
            errors.extend(id.check_consistency(birth.flatten(), gender.flatten()));
            if let Some(f) = prefix_fault("id_card_no", prefix(id.region_prefix())) {
                if is_warning(&f) {
                    flags.push(f.code);
                    warnings.push(f);
                } else {
                    errors.push(f);
                }
            }
            if id.was_upgraded() {
                flags.push("upgraded_15");
            }
        }
        match (name, id, ethnicity, phone, address, residence, tags) {
            (
                Some(name),
                Some(id_card),
                Some(ethnicity),
                Some(phone),
                Some(registered_address),
                Some(residence_type),
                Some(tags),
            ) if errors.is_empty() => Ok(ValidPerson {
                name,
                gender: id_card.gender(),
                birth_date: id_card.birth_date(),
                id_card,
                ethnicity,
                phone,
                registered_address,
                residence_type,
                tags,
                flags,
                warnings,
            }),
            _ => Err(errors),
        }
    }
}

/// The value when it parsed; otherwise `None`, the error kept.
pub(crate) fn keep<T>(r: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// An optional field: `Some(None)` when empty, `Some(Some(v))` when it parsed, `None` (and the
/// error kept) when it did not.
pub(crate) fn opt<T>(
    input: &str,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
    errors: &mut Vec<FieldError>,
) -> Option<Option<T>> {
    if input.trim().is_empty() {
        return Some(None);
    }
    match parse(input) {
        Ok(v) => Some(Some(v)),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Ymd = (2026, 11, 23);

    fn current(_: &str) -> PrefixStatus {
        PrefixStatus::Current
    }

    fn draft() -> PersonDraft<'static> {
        PersonDraft {
            name: " 张三 ",
            id_card_no: "11010519491231002x",
            gender: "女",
            birth_date: "1949/12/31",
            ethnicity: "汉",
            phone: "138 1234 5678",
            registered_address: "",
            residence_type: "户籍",
            tags: "独居老人;低保",
        }
    }

    #[test]
    fn a_sound_person_is_normalised() {
        let p = draft().check(TODAY, current).unwrap();
        assert_eq!(p.name, "张三");
        assert_eq!(p.id_card.as_str(), "11010519491231002X");
        assert_eq!(p.gender, Gender::Female);
        assert_eq!(p.birth_date, (1949, 12, 31));
        assert_eq!(p.phone.unwrap().as_str(), "13812345678");
        assert_eq!(p.ethnicity.unwrap().code(), "01");
        assert!(p.flags.is_empty());
    }

    #[test]
    fn every_fault_is_named() {
        let d = PersonDraft {
            name: "",
            id_card_no: "110105194912310021",
            gender: "男",
            phone: "1381234567",
            residence_type: "外地",
            ..draft()
        };
        let errs = d.check(TODAY, current).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "id_card_no", "phone", "residence_type"]);
        // A number that parses but disagrees with the columns.
        let d = PersonDraft {
            gender: "男",
            birth_date: "1950-01-01",
            ..draft()
        };
        let codes: Vec<&str> = d
            .check(TODAY, current)
            .unwrap_err()
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, ["birth_date_mismatch", "gender_mismatch"]);
    }

    #[test]
    fn former_region_codes_are_flagged_and_unknown_ones_refused() {
        let p = draft().check(TODAY, |_| PrefixStatus::Historic).unwrap();
        assert_eq!(p.flags, ["old_region_code"]);
        assert_eq!(p.warnings.len(), 1);
        let e = draft().check(TODAY, |_| PrefixStatus::Unknown).unwrap_err();
        assert_eq!(e[0].code, "unknown_region_code");
        let p = PersonDraft {
            id_card_no: "110105491231002",
            gender: "",
            birth_date: "",
            ..draft()
        }
        .check(TODAY, current)
        .unwrap();
        assert_eq!(p.flags, ["upgraded_15"]);
    }
}
