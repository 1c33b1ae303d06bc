//! The sectors (行业) linked departments belong to: what a department is for, and which
//! departments usually handle a category of incident (the sector line of dual-line dispatch).

use crate::error::FieldError;
use crate::vocab::vocabulary;

vocabulary!(
    /// The line of work of a linked department.
    Sector, "unknown_sector", "行业", "sector", {
        PublicSecurity => ("public_security", "公安", "public security"),
        HousingConstruction => ("housing_construction", "住建", "housing and construction"),
        UrbanManagement => ("urban_management", "城管", "urban management"),
        MarketSupervision => ("market_supervision", "市场监管", "market supervision"),
        Health => ("health", "卫健", "health"),
        Education => ("education", "教育", "education"),
        CivilAffairs => ("civil_affairs", "民政", "civil affairs"),
        Justice => ("justice", "司法", "justice"),
        EmergencyManagement => ("emergency_management", "应急管理", "emergency management"),
        EcologyEnvironment => ("ecology_environment", "生态环境", "ecology and environment"),
        Water => ("water", "水务", "water"),
        Power => ("power", "供电", "power supply"),
        Transport => ("transport", "交通运输", "transport"),
        HumanResourcesSocialSecurity =>
            ("human_resources_social_security", "人社", "human resources and social security"),
        LettersVisits => ("letters_visits", "信访", "letters and visits"),
        NaturalResources => ("natural_resources", "自然资源", "natural resources"),
        AgricultureRural => ("agriculture_rural", "农业农村", "agriculture and rural affairs"),
        FireRescue => ("fire_rescue", "消防救援", "fire and rescue"),
        Other => ("other", "其他", "other"),
    }
);

/// The most sectors one category lists; more would say nothing about who handles it.
pub const MAX_SECTORS: usize = 6;

/// Splits a typed list of sectors: commas (either width), `、`, semicolons or spaces between.
pub fn split_sectors(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，', '、', ';', '；', ' ', '\u{3000}', '\t', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Reads sectors by code or Chinese label, from list items that may each hold several (a form's
/// text box or checkboxes, a JSON array). Repeats are dropped, the first order kept; none is
/// allowed (a matter the community handles itself). The first unknown one is the error.
pub fn parse_sectors<'a>(
    field: &str,
    items: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Sector>, FieldError> {
    let mut out: Vec<Sector> = Vec::new();
    for item in items {
        for s in split_sectors(item) {
            let sector = Sector::parse(field, s)?;
            if !out.contains(&sector) {
                out.push(sector);
            }
        }
    }
    if out.len() > MAX_SECTORS {
        return Err(FieldError::new(
            field,
            "too_many",
            format!("最多列出 {MAX_SECTORS} 个行业"),
            format!("list at most {MAX_SECTORS} sectors"),
        ));
    }
    Ok(out)
}

/// The stored form: codes joined by commas (`housing_construction,urban_management`).
pub fn sectors_text(sectors: &[Sector]) -> String {
    sectors
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sector_round_trips_by_code_and_label() {
        assert_eq!(Sector::ALL.len(), 19);
        for s in Sector::ALL {
            assert_eq!(Sector::parse("sector", s.as_str()), Ok(*s));
            assert_eq!(Sector::parse("sector", s.label_zh()), Ok(*s));
        }
        let e = Sector::parse("sector", "财政").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("sector", "unknown_sector"));
        assert!(e.zh.contains("城管") && e.en.contains("urban_management"));
    }

    #[test]
    fn lists_read_as_typed_and_store_as_codes() {
        let got = parse_sectors("sectors", ["住建、城管", "urban_management", " 公安 "]).unwrap();
        assert_eq!(
            got,
            [
                Sector::HousingConstruction,
                Sector::UrbanManagement,
                Sector::PublicSecurity
            ]
        );
        assert_eq!(
            sectors_text(&got),
            "housing_construction,urban_management,public_security"
        );
        assert_eq!(parse_sectors("sectors", [""]).unwrap(), []);
        let back = parse_sectors("sectors", [sectors_text(&got).as_str()]).unwrap();
        assert_eq!(back, got);
        let e = parse_sectors("sectors", ["公安,交警"]).unwrap_err();
        assert_eq!(e.field, "sectors");
        let seven = "公安,住建,城管,市场监管,卫健,教育,民政";
        assert_eq!(
            parse_sectors("sectors", [seven]).unwrap_err().code,
            "too_many"
        );
    }
}
