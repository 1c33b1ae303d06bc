//! A notice's sentence in both languages, rendered when it is shown or sent from its kind, the
//! incident's number and title, and the few words the kind adds (stored as JSON), so a notice
//! is written once and read in whichever language the reader chose.

use serde_json::Value;

use super::kind::NoticeKind;

fn param<'a>(params: &'a Value, key: &str) -> &'a str {
    params.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `(zh, en)` for a notice.
pub fn render(kind: NoticeKind, number: &str, title: &str, params: &Value) -> (String, String) {
    let to = param(params, "assignee");
    let reason = param(params, "reason");
    let (zh_tail, en_tail) = match kind {
        NoticeKind::Assigned => (
            format!("已派给{to}，请及时办理"),
            format!("assigned to {to}; please handle it"),
        ),
        NoticeKind::SentBack => (format!("被退回：{reason}"), format!("sent back: {reason}")),
        NoticeKind::Summoned => (
            format!("吹哨报到：{to}请按时报到"),
            format!("whistle blown: {to} is to report in"),
        ),
        NoticeKind::Evaluated => {
            let e = param(params, "evaluation");
            let zh = match e {
                "satisfied" => "满意",
                "basically_satisfied" => "基本满意",
                "unsatisfied" => "不满意",
                other => other,
            };
            (
                format!("群众评价：{zh}"),
                format!("rated by the reporter: {e}"),
            )
        }
        NoticeKind::DueSoon => (
            "即将到期，请抓紧办理".to_owned(),
            "is due soon; please hurry".to_owned(),
        ),
        NoticeKind::Overdue => ("已超期".to_owned(), "is overdue".to_owned()),
        // Past the top of the ladder a leader takes charge (包保); none found says so.
        NoticeKind::Escalated if params.get("leader").is_some() => match param(params, "leader") {
            "" => (
                "已升级到顶，未找到包保领导".to_owned(),
                "escalated past the top; no leader found to take charge".to_owned(),
            ),
            leader => (
                format!("已升级到顶，由{leader}包保"),
                format!("escalated past the top: {leader} takes charge"),
            ),
        },
        NoticeKind::Escalated => (
            format!("已升级：{}", param(params, "level")),
            format!("escalated: {}", param(params, "level")),
        ),
        NoticeKind::Supervised if param(params, "how") == "remind" => (
            format!("上级催办：{reason}"),
            format!("reminded from above: {reason}"),
        ),
        NoticeKind::Supervised if param(params, "how") == "card" => {
            let (zh, en) = match param(params, "colour") {
                "red" => ("红色", "red"),
                "black" => ("黑色", "black"),
                _ => ("黄色", "yellow"),
            };
            (
                format!("收到{zh}督办单，请按期回复：{reason}"),
                format!("a {en} supervision card to answer by its deadline: {reason}"),
            )
        }
        NoticeKind::Supervised => (
            format!("上级督办：{reason}"),
            format!("supervised from above: {reason}"),
        ),
    };
    (
        format!("【{number}】{title}：{zh_tail}"),
        format!("[{number}] {title}: {en_tail}"),
    )
}

/// An SMS gateway's body template filled in: `{phone}` and `{text}` become JSON strings
/// (quoted and escaped), so words with quotes or newlines cannot break the body.
pub fn render_body(template: &str, phone: &str, text: &str) -> String {
    let q = |s: &str| Value::String(s.to_owned()).to_string();
    template
        .replace("{phone}", &q(phone))
        .replace("{text}", &q(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sentences_in_both_languages() {
        let (zh, en) = render(
            NoticeKind::Assigned,
            "SJ-420202-20261206-0001",
            "楼道堆物",
            &json!({"assignee": "城管局"}),
        );
        assert_eq!(
            zh,
            "【SJ-420202-20261206-0001】楼道堆物：已派给城管局，请及时办理"
        );
        assert_eq!(
            en,
            "[SJ-420202-20261206-0001] 楼道堆物: assigned to 城管局; please handle it"
        );
        for k in NoticeKind::ALL {
            let (zh, en) = render(*k, "N", "T", &json!({}));
            assert!(zh.starts_with("【N】T") && en.starts_with("[N] T"), "{k}");
        }
    }

    #[test]
    fn a_leader_in_charge_is_named_or_missed() {
        let (zh, en) = render(
            NoticeKind::Escalated,
            "N",
            "T",
            &json!({"leader": "王局长"}),
        );
        assert_eq!(zh, "【N】T：已升级到顶，由王局长包保");
        assert_eq!(en, "[N] T: escalated past the top: 王局长 takes charge");
        let (zh, _) = render(NoticeKind::Escalated, "N", "T", &json!({"leader": ""}));
        assert_eq!(zh, "【N】T：已升级到顶，未找到包保领导");
        let (zh, _) = render(NoticeKind::Escalated, "N", "T", &json!({"level": "社区"}));
        assert_eq!(zh, "【N】T：已升级：社区");
    }

    #[test]
    fn bodies_stay_json_whatever_the_words() {
        let body = render_body(
            r#"{"mobile": {phone}, "content": {text}, "sign": "网格"}"#,
            "13800000000",
            "他说\"快\"\n然后}",
        );
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["content"], "他说\"快\"\n然后}");
        assert_eq!(v["mobile"], "13800000000");
    }
}
