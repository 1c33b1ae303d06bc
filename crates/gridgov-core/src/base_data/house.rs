//! Buildings, houses and who lives in them, as file rows or forms give them.

use crate::error::FieldError;
use crate::ids::{Ymd, format_ymd, parse_date};

use super::fields::{opt_float, opt_int, opt_text, req_text};
use super::person::{keep, opt};
use super::vocab::HouseUse;

/// A building or house code as written on the door plate or the survey sheet: `B03`, `3栋`,
/// `1-302`. Free text, but short and on one line.
fn code(field: &str, input: &str, required: bool) -> Result<String, FieldError> {
    if required {
        req_text(field, input, 32)
    } else {
        opt_text(field, input, 32)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct BuildingDraft<'a> {
    pub code: &'a str,
    pub address: &'a str,
    pub floors: &'a str,
    pub units: &'a str,
    pub building_head: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidBuilding {
    pub code: String,
    pub address: String,
    pub floors: Option<i64>,
    pub units: Option<i64>,
    /// The building head's username, resolved to a user by the store.
    pub building_head: Option<String>,
}

impl BuildingDraft<'_> {
    pub fn check(&self) -> Result<ValidBuilding, Vec<FieldError>> {
        let mut e = Vec::new();
        let code = keep(code("code", self.code, true), &mut e);
        let address = keep(req_text("address", self.address, 200), &mut e);
        let floors = keep(opt_int("floors", self.floors, 1, 200), &mut e);
        let units = keep(opt_int("units", self.units, 1, 50), &mut e);
        let head = keep(opt_text("building_head", self.building_head, 64), &mut e);
        match (code, address, floors, units, head) {
            (Some(code), Some(address), Some(floors), Some(units), Some(head)) => {
                Ok(ValidBuilding {
                    code,
                    address,
                    floors,
                    units,
                    building_head: Some(head).filter(|h| !h.is_empty()),
                })
            }
            _ => Err(e),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct HouseDraft<'a> {
    pub building: &'a str,
    pub unit: &'a str,
    pub number: &'a str,
    pub house_use: &'a str,
    pub area_m2: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidHouse {
    pub building: String,
    pub unit: String,
    pub number: String,
    pub house_use: HouseUse,
    pub area_m2: Option<f64>,
}

impl HouseDraft<'_> {
    pub fn check(&self) -> Result<ValidHouse, Vec<FieldError>> {
        let mut e = Vec::new();
        let building = keep(code("building", self.building, true), &mut e);
        let unit = keep(code("unit", self.unit, false), &mut e);
        let number = keep(code("number", self.number, true), &mut e);
        let house_use = keep(HouseUse::parse("use", self.house_use), &mut e);
        let area = keep(opt_float("area_m2", self.area_m2, 1.0, 100_000.0), &mut e);
        match (building, unit, number, house_use, area) {
            (Some(building), Some(unit), Some(number), Some(house_use), Some(area_m2)) => {
                Ok(ValidHouse {
                    building,
                    unit,
                    number,
                    house_use,
                    area_m2,
                })
            }
            _ => Err(e),
        }
    }
}

/// Who lives where: the house is named as in the houses file, the person by ID number.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkDraft<'a> {
    pub building: &'a str,
    pub unit: &'a str,
    pub number: &'a str,
    pub relation: &'a str,
    pub since: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidLink {
    pub building: String,
    pub unit: String,
    pub number: String,
    /// Relation to the householder (本人, 配偶, 子女, 租户…), as written.
    pub relation: String,
    /// `YYYY-MM-DD`.
    pub since: Option<String>,
}

impl LinkDraft<'_> {
    pub fn check(&self, today: Ymd) -> Result<ValidLink, Vec<FieldError>> {
        let mut e = Vec::new();
        let building = keep(code("building", self.building, true), &mut e);
        let unit = keep(code("unit", self.unit, false), &mut e);
        let number = keep(code("number", self.number, true), &mut e);
        let relation = keep(opt_text("relation", self.relation, 16), &mut e);
        let since = opt(self.since, |s| parse_date("since", s), &mut e);
        if let Some(Some(d)) = since
            && d > today
        {
            e.push(FieldError::new(
                "since",
                "in_future",
                format!("居住起始日期不能晚于今天：{}", format_ymd(d)),
                format!("the date moved in cannot be after today: {}", format_ymd(d)),
            ));
        }
        match (building, unit, number, relation, since) {
            (Some(building), Some(unit), Some(number), Some(relation), Some(since))
                if e.is_empty() =>
            {
                Ok(ValidLink {
                    building,
                    unit,
                    number,
                    relation,
                    since: since.map(format_ymd),
                })
            }
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buildings_houses_and_links() {
        let b = BuildingDraft {
            code: "B03",
            address: "桂花湾路3号",
            floors: "7",
            units: "",
            building_head: "",
        }
        .check()
        .unwrap();
        assert_eq!((b.floors, b.units, b.building_head), (Some(7), None, None));
        let e = BuildingDraft {
            code: "",
            address: "x",
            floors: "300",
            ..Default::default()
        }
        .check()
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "floors"]);
        let h = HouseDraft {
            building: "B03",
            unit: "1",
            number: "302",
            house_use: "出租",
            area_m2: "86.5",
        }
        .check()
        .unwrap();
        assert_eq!((h.house_use, h.area_m2), (HouseUse::Rented, Some(86.5)));
        let e = HouseDraft {
            building: "B03",
            number: "",
            house_use: "仓库",
            area_m2: "-3",
            ..Default::default()
        }
        .check()
        .unwrap_err();
        let codes: Vec<&str> = e.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["required", "unknown_house_use", "out_of_range"]);
        let l = LinkDraft {
            building: "B03",
            number: "302",
            relation: "配偶",
            since: "2019/6/1",
            ..Default::default()
        }
        .check((2026, 11, 23))
        .unwrap();
        assert_eq!(l.since.as_deref(), Some("2019-06-01"));
        let e = LinkDraft {
            building: "B03",
            number: "302",
            since: "2030-01-01",
            ..Default::default()
        }
        .check((2026, 11, 23))
        .unwrap_err();
        assert_eq!(e[0].code, "in_future");
    }
}
