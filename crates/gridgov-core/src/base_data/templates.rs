//! The columns of each import template: the Chinese header people see in the downloadable
//! file, the English key the API and the code use, and whether the column is required. Headers
//! of an uploaded file are matched in either language, in any order.

use serde::Serialize;

use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Persons,
    Buildings,
    Houses,
    Links,
    Organizations,
    Places,
}

impl RecordKind {
    pub const ALL: [RecordKind; 6] = [
        RecordKind::Persons,
        RecordKind::Buildings,
        RecordKind::Houses,
        RecordKind::Links,
        RecordKind::Organizations,
        RecordKind::Places,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Persons => "persons",
            RecordKind::Buildings => "buildings",
            RecordKind::Houses => "houses",
            RecordKind::Links => "links",
            RecordKind::Organizations => "organizations",
            RecordKind::Places => "places",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            RecordKind::Persons => "人口",
            RecordKind::Buildings => "楼栋",
            RecordKind::Houses => "房屋",
            RecordKind::Links => "人房关系",
            RecordKind::Organizations => "组织",
            RecordKind::Places => "场所",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            RecordKind::Persons => PERSONS,
            RecordKind::Buildings => BUILDINGS,
            RecordKind::Houses => HOUSES,
            RecordKind::Links => LINKS,
            RecordKind::Organizations => ORGANIZATIONS,
            RecordKind::Places => PLACES,
        }
    }
}

/// One column of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Column {
    pub key: &'static str,
    pub zh: &'static str,
    pub required: bool,
    /// What goes in it, for the template's example row and the help text.
    pub example: &'static str,
}

const fn col(key: &'static str, zh: &'static str, required: bool, example: &'static str) -> Column {
    Column {
        key,
        zh,
        required,
        example,
    }
}

const PERSONS: &[Column] = &[
    col("grid", "所属网格", true, "420202005001-G01"),
    col("name", "姓名", true, "张三"),
    col("id_card_no", "公民身份号码", true, "11010519491231002X"),
    col("gender", "性别", false, "女"),
    col("birth_date", "出生日期", false, "1949-12-31"),
    col("ethnicity", "民族", false, "汉族"),
    col("phone", "联系电话", false, "13812345678"),
    col(
        "registered_address",
        "户籍地址",
        false,
        "北京市朝阳区某街道1号",
    ),
    col("residence_type", "人口类型", true, "户籍"),
    col("tags", "标签", false, "独居老人;低保"),
];

const BUILDINGS: &[Column] = &[
    col("grid", "所属网格", true, "420202005001-G01"),
    col("code", "楼栋编码", true, "B03"),
    col("address", "地址", true, "湖北省黄石市黄石港区桂花湾路3号"),
    col("floors", "层数", false, "7"),
    col("units", "单元数", false, "2"),
    col("building_head", "楼栋长账号", false, "building-head"),
];

const HOUSES: &[Column] = &[
    col("grid", "所属网格", true, "420202005001-G01"),
    col("building", "楼栋编码", true, "B03"),
    col("unit", "单元", false, "1"),
    col("number", "门牌号", true, "302"),
    col("use", "房屋用途", true, "自住"),
    col("area_m2", "面积（平方米）", false, "86.5"),
];

const LINKS: &[Column] = &[
    col("id_card_no", "公民身份号码", true, "11010519491231002X"),
    col("grid", "所属网格", true, "420202005001-G01"),
    col("building", "楼栋编码", true, "B03"),
    col("unit", "单元", false, "1"),
    col("number", "门牌号", true, "302"),
    col("relation", "与户主关系", false, "本人"),
    col("since", "居住起始日期", false, "2019-06-01"),
];

const ORGANIZATIONS: &[Column] = &[
    col("grid", "所属网格", true, "420202005001-G01"),
    col("name", "名称", true, "桂花湾社区治安巡逻队"),
    col("kind", "组织类型", true, "群防群治组织"),
    col(
        "credit_code",
        "统一社会信用代码",
        false,
        "91350100M000100Y43",
    ),
    col("address", "地址", false, "桂花湾路5号"),
    col("contact", "联系人", false, "李四"),
    col("phone", "联系电话", false, "0714-6251234"),
];

const PLACES: &[Column] = &[
    col("grid", "所属网格", true, "420202005001-G01"),
    col("name", "名称", true, "青山湖"),
    col("kind", "场所类型", true, "水域"),
    col("address", "地址", false, "青山湖路"),
    col("lng", "经度", false, "115.05"),
    col("lat", "纬度", false, "30.21"),
];

/// For each column of the template, where it is in the file's header row (matched by Chinese
/// header or English key, ignoring spaces and a byte-order mark). Every required column that is
/// missing, every header that is no column and every column given twice is an error.
pub fn map_header(
    kind: RecordKind,
    header: &[&str],
) -> Result<Vec<Option<usize>>, Vec<FieldError>> {
    let cols = kind.columns();
    let mut at = vec![None; cols.len()];
    let mut errors = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let h = raw.trim_start_matches('\u{feff}').trim();
        if h.is_empty() {
            continue;
        }
        match cols
            .iter()
            .position(|c| c.zh == h || c.key.eq_ignore_ascii_case(h))
        {
            Some(c) if at[c].is_some() => errors.push(FieldError::new(
                h,
                "duplicate_column",
                format!("列“{h}”出现了两次"),
                format!("column {h} appears twice"),
            )),
            Some(c) => at[c] = Some(i),
            None => errors.push(FieldError::new(
                h,
                "unknown_column",
                format!(
                    "未知的列“{h}”，{}模板的列为: {}",
                    kind.zh(),
                    cols.iter().map(|c| c.zh).collect::<Vec<_>>().join("、")
                ),
                format!(
                    "unknown column {h}; the {} template has: {}",
                    kind.as_str(),
                    cols.iter().map(|c| c.key).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    for (c, pos) in cols.iter().zip(&at) {
        if c.required && pos.is_none() {
            errors.push(FieldError::new(
                c.key,
                "missing_column",
                format!("缺少必填列“{}”", c.zh),
                format!("the required column {} ({}) is missing", c.key, c.zh),
            ));
        }
    }
    if errors.is_empty() {
        Ok(at)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_header_maps_to_its_own_columns() {
        for kind in RecordKind::ALL {
            let header: Vec<&str> = kind.columns().iter().map(|c| c.zh).collect();
            let at = map_header(kind, &header).unwrap();
            assert!(
                at.iter().enumerate().all(|(i, p)| *p == Some(i)),
                "{kind:?}"
            );
            let keys: Vec<&str> = kind.columns().iter().map(|c| c.key).collect();
            assert!(map_header(kind, &keys).is_ok(), "{kind:?} by English keys");
        }
    }

    #[test]
    fn headers_match_in_any_order_and_faults_are_named() {
        let at = map_header(
            RecordKind::Houses,
            &["门牌号", " use ", "所属网格", "楼栋编码"],
        )
        .unwrap();
        assert_eq!(at[0], Some(2));
        assert_eq!(at[3], Some(0));
        assert_eq!(at[2], None);
        let errs = map_header(RecordKind::Persons, &["姓名", "姓名", "年龄"]).unwrap_err();
        let codes: Vec<&str> = errs.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [
                "duplicate_column",
                "unknown_column",
                "missing_column",
                "missing_column",
                "missing_column"
            ]
        );
        assert_eq!(errs[2].field, "grid");
    }
}
