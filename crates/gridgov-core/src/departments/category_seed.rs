//! The category tree a deployment starts with: the classes of 综治 (comprehensive governance)
//! work a grid platform receives, after the provincial catalogues of grid matters (disputes,
//! public-security and safety hazards, fire, production safety, city management, environment,
//! petitions, key persons, services to residents). System administrators adjust it afterwards;
//! loading it again adds what is missing and changes nothing else.
//!
//! Evidence to close, by class: hazards, fire, city-management and environment matters close
//! on a photo of the place put right; disputes on the mediation result (agreement or record);
//! petitions on the written reply. Public-security leads and key-person matters close on the
//! handler's account, and key-person matters are not offered to citizens' reports.

use crate::incidents::Grade;

use super::sector::Sector;
use Grade::{General, Major, Serious, Urgent};
use Sector::*;

/// One category of the starting tree; its level and parent follow from the code.
#[derive(Debug, Clone, Copy)]
pub struct SeedCategory {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub grade: Grade,
    pub sectors: &'static [Sector],
    pub evidence_required: bool,
    /// Offered to citizens' reports.
    pub public: bool,
}

const fn c(
    code: &'static str,
    name: &'static str,
    name_en: &'static str,
    grade: Grade,
    sectors: &'static [Sector],
    evidence_required: bool,
    public: bool,
) -> SeedCategory {
    SeedCategory {
        code,
        name,
        name_en,
        grade,
        sectors,
        evidence_required,
        public,
    }
}

/// Parents before their children, siblings in code order. A table, kept one row per line.
#[rustfmt::skip]
pub const CATEGORY_SEED: &[SeedCategory] = &[
    c("01", "矛盾纠纷", "Disputes", General, &[Justice], true, true),
    c("0101", "邻里纠纷", "Neighbour disputes", General, &[Justice], true, true),
    c("0102", "婚姻家庭纠纷", "Marriage and family disputes", General, &[Justice, CivilAffairs], true, true),
    c("0103", "土地山林纠纷", "Land and forest disputes", Serious, &[NaturalResources, AgricultureRural], true, true),
    c("0104", "劳资纠纷", "Labour disputes", Serious, &[HumanResourcesSocialSecurity], true, true),
    c("010401", "拖欠农民工工资", "Unpaid wages of migrant workers", Serious, &[HumanResourcesSocialSecurity, HousingConstruction], true, true),
    c("010402", "劳动合同纠纷", "Employment contract disputes", General, &[HumanResourcesSocialSecurity], true, true),
    c("0105", "物业纠纷", "Property management disputes", General, &[HousingConstruction], true, true),
    c("0106", "征地拆迁纠纷", "Land requisition and demolition disputes", Serious, &[NaturalResources, HousingConstruction], true, true),
    c("0107", "医患纠纷", "Doctor–patient disputes", Serious, &[Health, Justice], true, true),
    c("0108", "消费纠纷", "Consumer disputes", General, &[MarketSupervision], true, true),
    c("0199", "其他纠纷", "Other disputes", General, &[Justice], true, true),
    c("02", "治安隐患", "Public-security hazards", General, &[PublicSecurity], false, true),
    c("0201", "治安乱点", "Public-order trouble spots", General, &[PublicSecurity], false, true),
    c("0202", "涉黄涉赌", "Prostitution and gambling", Serious, &[PublicSecurity], false, true),
    c("0203", "涉毒线索", "Drug leads", Serious, &[PublicSecurity], false, true),
    c("0204", "出租房屋治安隐患", "Rental housing security hazards", General, &[PublicSecurity], false, true),
    c("0205", "电信网络诈骗线索", "Telecom and online fraud leads", General, &[PublicSecurity], false, true),
    c("0299", "其他治安隐患", "Other public-security hazards", General, &[PublicSecurity], false, true),
    c("03", "安全隐患", "Safety hazards", Serious, &[EmergencyManagement], true, true),
    c("0301", "燃气安全", "Gas safety", Serious, &[HousingConstruction, UrbanManagement], true, true),
    c("030101", "燃气泄漏", "Gas leaks", Urgent, &[HousingConstruction, FireRescue], true, true),
    c("030102", "瓶装液化气违规使用", "Unsafe use of bottled LPG", Serious, &[HousingConstruction, MarketSupervision], true, true),
    c("0302", "用电安全", "Electrical safety", Serious, &[Power, FireRescue], true, true),
    c("030201", "私拉乱接电线", "Illegal wiring", Serious, &[Power], true, true),
    c("030202", "电动自行车违规充电", "E-bikes charged unsafely", Serious, &[FireRescue, UrbanManagement], true, true),
    c("0303", "危房", "Dangerous buildings", Serious, &[HousingConstruction], true, true),
    c("030301", "危旧房屋", "Old and dilapidated houses", Serious, &[HousingConstruction], true, true),
    c("030302", "经营性自建房安全", "Self-built houses used for business", Serious, &[HousingConstruction, MarketSupervision], true, true),
    c("0304", "道路交通", "Road traffic safety", Serious, &[PublicSecurity, Transport], true, true),
    c("0305", "电梯等特种设备", "Lifts and other special equipment", Serious, &[MarketSupervision], true, true),
    c("0306", "地质灾害", "Geological hazards", Major, &[NaturalResources, EmergencyManagement], true, true),
    c("0307", "防汛", "Flood hazards", Serious, &[Water, EmergencyManagement], true, true),
    c("0399", "其他安全隐患", "Other safety hazards", General, &[EmergencyManagement], true, true),
    c("04", "消防安全", "Fire safety", Serious, &[FireRescue], true, true),
    c("0401", "消防通道堵塞", "Blocked fire lanes", Serious, &[FireRescue], true, true),
    c("0402", "消防设施损坏", "Broken fire equipment", General, &[FireRescue], true, true),
    c("0403", "三合一场所", "Premises combining dwelling, storage and trade", Serious, &[FireRescue, MarketSupervision], true, true),
    c("0404", "高层建筑消防", "High-rise fire safety", Serious, &[FireRescue, HousingConstruction], true, true),
    c("0499", "其他消防隐患", "Other fire hazards", General, &[FireRescue], true, true),
    c("05", "安全生产", "Production safety", Serious, &[EmergencyManagement], true, true),
    c("0501", "危险化学品", "Hazardous chemicals", Major, &[EmergencyManagement], true, true),
    c("0502", "非法生产经营", "Illegal production and trade", Serious, &[EmergencyManagement, MarketSupervision], true, true),
    c("0503", "建筑施工安全", "Construction site safety", Serious, &[HousingConstruction], true, true),
    c("0504", "矿山安全", "Mine safety", Major, &[EmergencyManagement, NaturalResources], true, true),
    c("0505", "有限空间作业", "Work in confined spaces", Serious, &[EmergencyManagement], true, true),
    c("0599", "其他安全生产问题", "Other production safety matters", General, &[EmergencyManagement], true, true),
    c("06", "城市管理", "City management", General, &[UrbanManagement], true, true),
    c("0601", "占道经营", "Street trading on roads", General, &[UrbanManagement], true, true),
    c("060101", "流动摊贩", "Mobile vendors", General, &[UrbanManagement], true, true),
    c("060102", "店外经营", "Trading outside shop fronts", General, &[UrbanManagement], true, true),
    c("0602", "违章搭建", "Illegal structures", General, &[UrbanManagement, NaturalResources], true, true),
    c("0603", "环境卫生", "Sanitation", General, &[UrbanManagement], true, true),
    c("060301", "垃圾乱堆乱放", "Dumped rubbish", General, &[UrbanManagement], true, true),
    c("060302", "乱贴乱画", "Fly-posting and graffiti", General, &[UrbanManagement], true, true),
    c("0604", "市政设施", "Municipal facilities", General, &[UrbanManagement], true, true),
    c("060401", "井盖缺失破损", "Missing or broken manhole covers", Serious, &[UrbanManagement, Water], true, true),
    c("060402", "路灯损坏", "Broken street lights", General, &[UrbanManagement, Power], true, true),
    c("060403", "道路破损", "Damaged roads", General, &[UrbanManagement, Transport], true, true),
    c("0605", "园林绿化", "Parks and greenery", General, &[UrbanManagement], true, true),
    c("0606", "噪声扰民", "Noise nuisance", General, &[EcologyEnvironment, PublicSecurity], true, true),
    c("0607", "户外广告", "Outdoor advertising", General, &[UrbanManagement], true, true),
    c("0699", "其他城市管理问题", "Other city-management matters", General, &[UrbanManagement], true, true),
    c("07", "生态环境", "Ecology and environment", General, &[EcologyEnvironment], true, true),
    c("0701", "大气污染", "Air pollution", General, &[EcologyEnvironment], true, true),
    c("070101", "露天焚烧", "Open burning", General, &[EcologyEnvironment, AgricultureRural], true, true),
    c("070102", "工地扬尘", "Construction dust", General, &[EcologyEnvironment, HousingConstruction], true, true),
    c("0702", "水污染", "Water pollution", Serious, &[EcologyEnvironment, Water], true, true),
    c("0703", "固体废物", "Solid waste", General, &[EcologyEnvironment], true, true),
    c("0704", "长江禁捕", "Fishing in the Yangtze ban waters", Serious, &[AgricultureRural, PublicSecurity], true, true),
    c("0705", "非法采砂", "Illegal sand mining", Serious, &[Water, NaturalResources], true, true),
    c("0799", "其他生态环境问题", "Other environmental matters", General, &[EcologyEnvironment], true, true),
    c("08", "信访", "Petitions", General, &[LettersVisits], true, true),
    c("0801", "群众来信来访", "Letters and visits", General, &[LettersVisits], true, true),
    c("0802", "重复信访", "Repeated petitions", Serious, &[LettersVisits], true, false),
    c("0803", "越级上访", "Petitions skipping levels", Serious, &[LettersVisits], true, false),
    c("0804", "群体性上访", "Group petitions", Major, &[LettersVisits, PublicSecurity], true, false),
    c("0899", "其他信访事项", "Other petition matters", General, &[LettersVisits], true, true),
    c("09", "重点人员", "Key-person matters", Serious, &[PublicSecurity], false, false),
    c("0901", "严重精神障碍患者", "Persons with severe mental disorders", Serious, &[Health, PublicSecurity], false, false),
    c("0902", "社区矫正对象", "Persons under community correction", Serious, &[Justice], false, false),
    c("0903", "刑满释放人员", "Released prisoners", General, &[Justice], false, false),
    c("0904", "吸毒人员", "Drug users", Serious, &[PublicSecurity], false, false),
    c("0905", "重点青少年", "At-risk youth", General, &[Education, CivilAffairs], false, false),
    c("0906", "重点信访人员", "Persistent petitioners", Serious, &[LettersVisits], false, false),
    c("0999", "其他重点人员", "Other key persons", General, &[PublicSecurity], false, false),
    c("10", "便民服务", "Services to residents", General, &[CivilAffairs], false, true),
    c("1001", "社会救助", "Social assistance", General, &[CivilAffairs], false, true),
    c("1002", "养老服务", "Care for the elderly", General, &[CivilAffairs, Health], false, true),
    c("1003", "就业社保", "Jobs and social insurance", General, &[HumanResourcesSocialSecurity], false, true),
    c("1004", "水电气报修", "Water, power and gas repairs", General, &[Water, Power, HousingConstruction], false, true),
    c("1005", "证照办理", "Certificates and permits", General, &[PublicSecurity, CivilAffairs], false, true),
    c("1099", "其他便民服务", "Other services", General, &[CivilAffairs], false, true),
    c("99", "其他", "Other", General, &[Other], false, true),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::category::{CategoryCode, MAX_LEVEL};
    use super::*;

    #[test]
    fn the_seed_is_a_tree_of_valid_codes_in_order() {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut last = "";
        for s in CATEGORY_SEED {
            let code = CategoryCode::parse("code", s.code).unwrap();
            assert!(code.level() as usize <= MAX_LEVEL);
            if let Some(p) = code.parent() {
                assert!(seen.contains(p.as_str()), "{} before its parent", s.code);
            }
            assert!(s.code > last, "{} out of order", s.code);
            assert!(seen.insert(s.code), "{} twice", s.code);
            assert!(!s.name.is_empty() && !s.name_en.is_empty(), "{}", s.code);
            assert!(!s.sectors.is_empty(), "{} names no sector", s.code);
            last = s.code;
        }
        let tops: Vec<&str> = CATEGORY_SEED
            .iter()
            .filter(|s| s.code.len() == 2)
            .map(|s| s.code)
            .collect();
        assert_eq!(
            tops,
            [
                "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "99"
            ]
        );
        assert!(CATEGORY_SEED.iter().any(|s| s.code.len() == 6));
    }

    #[test]
    fn hazards_close_on_evidence_and_key_persons_are_not_public() {
        let get = |code: &str| CATEGORY_SEED.iter().find(|s| s.code == code).unwrap();
        assert!(get("0302").evidence_required && get("0601").evidence_required);
        assert!(
            get("0101").evidence_required,
            "a dispute closes on its mediation result"
        );
        assert!(!get("09").public && !get("0901").public);
        assert_eq!(get("030101").grade, Grade::Urgent);
        // A child is never more open than its parent.
        for s in CATEGORY_SEED {
            let code = CategoryCode::parse("code", s.code).unwrap();
            if let Some(p) = code.parent() {
                assert!(get(p.as_str()).public || !s.public, "{}", s.code);
            }
        }
    }
}
