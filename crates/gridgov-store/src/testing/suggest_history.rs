//! A town with a history to learn suggestions from: 24 incidents reported in grid g1, accepted
//! and dispatched by the center (street vending to the urban-management bureau, disputes to the
//! police), and closed.

use crate::Store;
use crate::incidents::{ActionInput, DispatchInput, ReportInput};
use crate::testing::town::{Town, town};

const PLACES: &[&str] = &[
    "桂花路菜市场门口",
    "新街小学东侧",
    "湖滨公园北门",
    "人民医院对面",
    "商业街路口",
    "公交站台旁",
];
const VENDING: &[&str] = &[
    "流动摊贩占道经营，早上堵住人行道",
    "商贩在路边摆摊卖水果，占用人行道",
    "夜市烧烤摊占道经营，油烟很大",
    "小贩推车占道摆摊，行人只能走机动车道",
];
const DISPUTES: &[&str] = &[
    "邻里因为楼道堆放杂物发生纠纷，双方争吵",
    "两户居民因漏水赔偿产生矛盾纠纷",
    "业主和物业因停车费发生争执，需要调解",
    "兄弟之间因房屋继承起了纠纷，请求调解",
];

fn act(action: &str, version: i64) -> ActionInput {
    ActionInput {
        action: action.into(),
        version,
        ..Default::default()
    }
}

/// Reports an incident and has the center accept it and dispatch it to `lead`.
async fn dispatched(s: &Store, t: &Town, title: &str, text: &str, category: &str, lead: &str) {
    let r = s
        .report_incident(
            &t.worker,
            &ReportInput {
                title: title.into(),
                description: text.into(),
                category: category.into(),
                grid_id: t.g1.clone(),
                ..Default::default()
            },
            None,
        )
        .await
        .expect("the history is written");
    let a = s
        .act_on_incident(&t.center, &r.county_code, &r.id, &act("accept", r.version))
        .await
        .expect("the history is written");
    let mut d = act("dispatch", a.version);
    d.dispatch = DispatchInput {
        lead_department: lead.into(),
        ..Default::default()
    };
    s.act_on_incident(&t.center, &r.county_code, &r.id, &d)
        .await
        .expect("the history is written");
}

/// The town with a history: 24 dispatched incidents, closed.
pub async fn history(s: &Store) -> Town {
    let t = town(s).await;
    for (i, place) in PLACES.iter().enumerate() {
        for (j, text) in VENDING.iter().enumerate().filter(|(j, _)| (i + j) % 2 == 0) {
            let title = format!("{place}占道经营");
            let body = format!("{place}{text}（第{j}次反映）");
            dispatched(s, &t, &title, &body, "0601", &t.urban).await;
        }
        for (j, text) in DISPUTES
            .iter()
            .enumerate()
            .filter(|(j, _)| (i + j) % 2 == 1)
        {
            let title = format!("{place}居民纠纷");
            let body = format!("{place}{text}（第{j}次）");
            dispatched(s, &t, &title, &body, "01", &t.police).await;
        }
    }
    // Handling, review and closing have their own stories; here the incidents only need to
    // have ended, the state the training reads.
    s.execute_raw_for_tests("UPDATE incidents SET state = 'closed'")
        .await
        .expect("the history is written");
    t
}
