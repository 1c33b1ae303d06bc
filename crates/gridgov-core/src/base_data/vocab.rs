//! The closed lists of base data: residence type, ethnic group (GB/T 3304), house use,
//! organization and place kinds. Each parses from its stored key, its Chinese name or (for
//! ethnic groups) the two-digit national code, because files from different sources use all
//! three.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// A closed list parsed by key or Chinese name, with one error naming every choice.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $code:literal, $what_zh:literal, $what_en:literal,
     { $($variant:ident => ($key:literal, $zh:literal $(, $alias:literal)*)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }

            pub fn zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh),+
                }
            }

            pub fn parse(field: &str, input: &str) -> Result<$name, FieldError> {
                let s = input.trim();
                match s {
                    $($key | $zh $(| $alias)* => Ok($name::$variant),)+
                    _ => Err(FieldError::new(
                        field,
                        $code,
                        format!(
                            concat!("未知", $what_zh, " {}，可选: {}"),
                            s,
                            Self::ALL.iter().map(|v| v.zh()).collect::<Vec<_>>().join("、")
                        ),
                        format!(
                            concat!("unknown ", $what_en, " {}; one of: {}"),
                            s,
                            Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    )),
                }
            }
        }
    };
}

vocabulary!(
    /// 实有人口: registered here (户籍), floating (流动), or from abroad (境外).
    ResidenceType, "unknown_residence_type", "人口类型", "residence type", {
        Registered => ("registered", "户籍", "户籍人口"),
        Floating => ("floating", "流动", "流动人口"),
        Overseas => ("overseas", "境外", "境外人员"),
    }
);

vocabulary!(
    /// What a house is used for.
    HouseUse, "unknown_house_use", "房屋用途", "house use", {
        Own => ("own", "自住"),
        Rented => ("rented", "出租"),
        Vacant => ("vacant", "空置"),
        Business => ("business", "经营", "商用"),
    }
);

vocabulary!(
    /// Organizations of the grid (DOMAIN: 组织).
    OrgKind, "unknown_org_kind", "组织类型", "organization kind", {
        MassPrevention => ("mass_prevention", "群防群治组织", "群防群治"),
        Enterprise => ("enterprise", "企业"),
        SocialOrganization => ("social_organization", "社会组织"),
        School => ("school", "学校"),
        Hospital => ("hospital", "医疗机构", "医院"),
        Government => ("government", "机关事业单位"),
        Other => ("other", "其他"),
    }
);

vocabulary!(
    /// Places under watch (000: key places, waters, school surroundings).
    PlaceKind, "unknown_place_kind", "场所类型", "place kind", {
        KeyPlace => ("key_place", "重点场所"),
        School => ("school", "学校及周边", "学校"),
        Water => ("water", "水域"),
        Market => ("market", "市场"),
        Other => ("other", "其他"),
    }
);

/// The 56 ethnic groups in the order and with the codes of GB/T 3304, then 97 other and 98
/// foreign-born Chinese citizens.
const ETHNIC_GROUPS: [(&str, &str); 58] = [
    ("01", "汉族"),
    ("02", "蒙古族"),
    ("03", "回族"),
    ("04", "藏族"),
    ("05", "维吾尔族"),
    ("06", "苗族"),
    ("07", "彝族"),
    ("08", "壮族"),
    ("09", "布依族"),
    ("10", "朝鲜族"),
    ("11", "满族"),
    ("12", "侗族"),
    ("13", "瑶族"),
    ("14", "白族"),
    ("15", "土家族"),
    ("16", "哈尼族"),
    ("17", "哈萨克族"),
    ("18", "傣族"),
    ("19", "黎族"),
    ("20", "傈僳族"),
    ("21", "佤族"),
    ("22", "畲族"),
    ("23", "高山族"),
    ("24", "拉祜族"),
    ("25", "水族"),
    ("26", "东乡族"),
    ("27", "纳西族"),
    ("28", "景颇族"),
    ("29", "柯尔克孜族"),
    ("30", "土族"),
    ("31", "达斡尔族"),
    ("32", "仫佬族"),
    ("33", "羌族"),
    ("34", "布朗族"),
    ("35", "撒拉族"),
    ("36", "毛南族"),
    ("37", "仡佬族"),
    ("38", "锡伯族"),
    ("39", "阿昌族"),
    ("40", "普米族"),
    ("41", "塔吉克族"),
    ("42", "怒族"),
    ("43", "乌孜别克族"),
    ("44", "俄罗斯族"),
    ("45", "鄂温克族"),
    ("46", "德昂族"),
    ("47", "保安族"),
    ("48", "裕固族"),
    ("49", "京族"),
    ("50", "塔塔尔族"),
    ("51", "独龙族"),
    ("52", "鄂伦春族"),
    ("53", "赫哲族"),
    ("54", "门巴族"),
    ("55", "珞巴族"),
    ("56", "基诺族"),
    ("97", "其他"),
    ("98", "外国血统中国籍人士"),
];

/// An ethnic group by its GB/T 3304 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ethnicity(u8);

impl Ethnicity {
    /// From the code (`01`, `1`), the name (`汉族`) or the name without 族 (`汉`, `蒙古`).
    pub fn parse(field: &str, input: &str) -> Result<Ethnicity, FieldError> {
        let s = input.trim();
        let by_code = s
            .parse::<u8>()
            .ok()
            .and_then(|n| ETHNIC_GROUPS.iter().position(|(c, _)| c.parse() == Ok(n)));
        let found = by_code.or_else(|| {
            ETHNIC_GROUPS.iter().position(|(_, name)| {
                *name == s || (!s.is_empty() && name.strip_suffix('族') == Some(s))
            })
        });
        found.map(|i| Ethnicity(i as u8)).ok_or_else(|| {
            FieldError::new(
                field,
                "unknown_ethnicity",
                format!("未知民族: {s}（填写民族名称或 GB/T 3304 代码）"),
                format!("unknown ethnic group: {s} (give the name or the GB/T 3304 code)"),
            )
        })
    }

    pub fn code(self) -> &'static str {
        ETHNIC_GROUPS[usize::from(self.0)].0
    }

    pub fn zh(self) -> &'static str {
        ETHNIC_GROUPS[usize::from(self.0)].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_lists_parse_keys_and_chinese_names() {
        assert_eq!(
            ResidenceType::parse("t", "流动人口").unwrap(),
            ResidenceType::Floating
        );
        assert_eq!(
            ResidenceType::parse("t", "registered").unwrap(),
            ResidenceType::Registered
        );
        let e = ResidenceType::parse("residence_type", "外地").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("residence_type", "unknown_residence_type")
        );
        assert!(e.zh.contains("户籍、流动、境外"), "{}", e.zh);
        assert_eq!(HouseUse::parse("u", "出租").unwrap(), HouseUse::Rented);
        assert_eq!(
            OrgKind::parse("k", "群防群治").unwrap(),
            OrgKind::MassPrevention
        );
        assert_eq!(PlaceKind::parse("k", "water").unwrap(), PlaceKind::Water);
    }

    #[test]
    fn ethnic_groups_by_code_or_name() {
        assert_eq!(Ethnicity::parse("e", "汉族").unwrap().code(), "01");
        assert_eq!(Ethnicity::parse("e", "1").unwrap().zh(), "汉族");
        assert_eq!(Ethnicity::parse("e", "土家").unwrap().code(), "15");
        assert_eq!(Ethnicity::parse("e", "56").unwrap().zh(), "基诺族");
        assert_eq!(
            Ethnicity::parse("e", "98").unwrap().zh(),
            "外国血统中国籍人士"
        );
        assert_eq!(
            Ethnicity::parse("e", "57").unwrap_err().code,
            "unknown_ethnicity"
        );
        assert_eq!(
            Ethnicity::parse("e", "").unwrap_err().code,
            "unknown_ethnicity"
        );
    }
}
