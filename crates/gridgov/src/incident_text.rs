//! Titles, descriptions, addresses and results of made-up incidents, for the demo and the
//! benchmarks' filler: phrases per class of the category tree, put together by a seeded choice,
//! so lists read like a real center's day and the text varies the way real reports do.

use rand::Rng;
use rand::seq::SliceRandom;

/// Places a report names, with a landmark to make it concrete.
const PLACES: &[&str] = &[
    "小区东门",
    "农贸市场旁",
    "学校门口",
    "公交站台",
    "老旧小区3栋",
    "十字路口",
    "江滩公园",
    "商业街",
    "社区卫生服务站旁",
    "菜市场后巷",
    "村委会对面",
    "工地北侧",
    "地下车库入口",
    "背街小巷",
    "沿江大道",
    "广场东侧",
];

const ROADS: &[&str] = &[
    "黄石大道",
    "湖滨大道",
    "颐阳路",
    "磁湖路",
    "天津路",
    "武汉路",
    "杭州西路",
    "广州路",
    "团城山路",
    "桂林北路",
    "沈家营路",
    "华新路",
];

/// One class of the tree (the first two digits of a code): what is reported, what was seen,
/// and what the handler did.
struct Phrases {
    subjects: &'static [&'static str],
    details: &'static [&'static str],
    results: &'static [&'static str],
}

fn phrases(code: &str) -> &'static Phrases {
    match code.get(..2).unwrap_or("99") {
        "01" => &Phrases {
            subjects: &[
                "邻里因漏水发生纠纷",
                "两户因停车位争执",
                "拖欠工资引发纠纷",
                "物业费收取争议",
                "家庭矛盾需调解",
                "宅基地界址争议",
            ],
            details: &[
                "双方多次争吵，情绪激动",
                "已协商两次未果，当事人要求社区介入",
                "当事人反映问题已持续一个多月",
                "现场有围观群众，存在矛盾激化风险",
            ],
            results: &[
                "经网格员和调解员现场调解，双方达成书面协议",
                "组织双方协商，当事人签订调解协议",
                "已移交司法所，调解成功",
            ],
        },
        "02" => &Phrases {
            subjects: &[
                "夜间有人聚集喧哗",
                "出租屋人员频繁更换",
                "疑似赌博活动",
                "可疑人员在小区徘徊",
                "群众反映接到诈骗电话",
            ],
            details: &[
                "多名居民反映，夜间尤为明显",
                "出租屋未登记流动人口信息",
                "已提醒居民注意防范",
            ],
            results: &[
                "派出所民警到场处置，已登记核查",
                "已完成出租屋人员信息登记",
                "开展反诈宣传，居民已知悉",
            ],
        },
        "03" => &Phrases {
            subjects: &[
                "楼道内电动车充电",
                "燃气管道有异味",
                "私拉电线给电动车充电",
                "房屋墙体开裂",
                "路面塌陷",
                "电梯频繁故障",
            ],
            details: &[
                "存在较大安全隐患，需尽快处置",
                "已设置临时警示标志",
                "居民担心发生意外，要求尽快处理",
            ],
            results: &[
                "已清理楼道电动车，张贴安全提示",
                "燃气公司到场检修，隐患已消除",
                "已拆除私拉电线，设置集中充电点",
            ],
        },
        "04" => &Phrases {
            subjects: &[
                "消防通道被车辆堵塞",
                "灭火器过期",
                "消防栓损坏",
                "三合一场所住人",
                "楼道堆放杂物",
            ],
            details: &["影响消防车通行", "检查发现多处消防设施失效", "存在火灾隐患"],
            results: &[
                "已联系车主挪车，施划禁停标线",
                "已更换灭火器并登记",
                "已督促清理杂物，隐患整改完毕",
            ],
        },
        "05" => &Phrases {
            subjects: &[
                "小作坊无证生产",
                "工地未按规定作业",
                "危化品存放不规范",
                "有限空间作业无防护",
            ],
            details: &["工人未佩戴安全防护用品", "现场管理混乱", "周边居民担心安全"],
            results: &[
                "应急管理部门已责令停业整改",
                "已督促企业完成整改",
                "相关设备已查封",
            ],
        },
        "06" => &Phrases {
            subjects: &[
                "流动摊贩占道经营",
                "店外经营占用人行道",
                "违章搭建",
                "垃圾堆放未清运",
                "井盖缺失",
                "路灯不亮",
                "道路坑洼",
                "小广告乱贴",
                "施工噪音扰民",
                "绿化带被毁",
            ],
            details: &[
                "影响行人通行",
                "已持续多日，群众意见较大",
                "早晚高峰尤为严重",
                "存在安全隐患",
            ],
            results: &[
                "城管队员到场劝离，已恢复通行",
                "已清运垃圾并安排每日巡查",
                "已补装井盖",
                "已维修路灯，恢复照明",
                "违建已拆除",
            ],
        },
        "07" => &Phrases {
            subjects: &[
                "露天焚烧垃圾",
                "工地扬尘严重",
                "污水直排河道",
                "河道非法捕捞",
                "夜间非法采砂",
            ],
            details: &["周边空气质量受影响", "河水发黑发臭", "群众多次举报"],
            results: &[
                "生态环境部门已立案查处",
                "已督促工地落实降尘措施",
                "渔政部门已依法处置",
            ],
        },
        "08" => &Phrases {
            subjects: &[
                "群众来访反映拆迁补偿",
                "反映养老金发放问题",
                "重复反映房屋产权问题",
                "多名业主联名反映",
            ],
            details: &[
                "诉求人情绪较稳定，要求书面答复",
                "已多次来访",
                "涉及人数较多",
            ],
            results: &[
                "已书面答复诉求人，诉求人表示理解",
                "已协调相关部门解决，诉求人满意",
            ],
        },
        "09" => &Phrases {
            subjects: &[
                "重点人员近期情绪异常",
                "社区矫正对象未按时报到",
                "刑满释放人员需帮扶",
                "严重精神障碍患者未按时服药",
            ],
            details: &["家属反映近期状况不稳定", "网格员走访发现", "需落实稳控措施"],
            results: &[
                "已落实监护措施，情况稳定",
                "已联系司法所跟进",
                "已协助办理救助",
            ],
        },
        "10" => &Phrases {
            subjects: &[
                "独居老人需要帮助",
                "申请低保咨询",
                "小区停水",
                "残疾人证办理咨询",
                "求职就业咨询",
            ],
            details: &["老人行动不便", "希望社区协助办理", "已停水一天"],
            results: &[
                "已上门帮办",
                "已协调供水公司恢复供水",
                "已帮助申请，材料已提交",
            ],
        },
        _ => &Phrases {
            subjects: &["群众反映其他问题", "需协调处理的事项"],
            details: &["网格员巡查发现", "群众电话反映"],
            results: &["已处理完毕", "已协调相关单位处理"],
        },
    }
}

/// A made-up report of a category: title, description, address.
pub fn report(code: &str, rng: &mut impl Rng) -> (String, String, String) {
    let p = phrases(code);
    let place = PLACES.choose(rng).copied().unwrap_or("小区");
    let road = ROADS.choose(rng).copied().unwrap_or("黄石大道");
    let subject = p.subjects.choose(rng).copied().unwrap_or("群众反映问题");
    let detail = p.details.choose(rng).copied().unwrap_or("请尽快处理");
    let number = rng.gen_range(1..300);
    let title = format!("{road}{place}{subject}");
    let description = format!("{road}{number}号{place}{subject}，{detail}。");
    let address = format!("{road}{number}号");
    (title, description, address)
}

/// A made-up result of the work on an incident of a category.
pub fn result(code: &str, rng: &mut impl Rng) -> String {
    phrases(code)
        .results
        .choose(rng)
        .copied()
        .unwrap_or("已处理完毕")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_class_of_the_seed_has_its_own_phrases() {
        let other = phrases("99") as *const Phrases;
        for class in ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"] {
            assert_ne!(phrases(class) as *const Phrases, other, "{class}");
        }
    }

    #[test]
    fn reports_are_within_the_store_limits_and_vary() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut titles = std::collections::HashSet::new();
        for _ in 0..200 {
            let (t, d, a) = report("0601", &mut rng);
            assert!(t.chars().count() <= 100 && d.chars().count() <= 2000 && a.len() < 200);
            titles.insert(t);
        }
        assert!(titles.len() > 100, "{}", titles.len());
    }
}
