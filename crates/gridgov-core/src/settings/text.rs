//! The desk's plain-text form of each setting, one entry a line, so an administrator types
//! `handle 5 days 01 major` rather than JSON. The text is turned into the JSON the API takes and
//! checked the same way; a line that cannot be read is named by its number.

use serde_json::{Value, json};

use crate::deadlines::{LimitUnit, Step};
use crate::error::{Checker, FieldError, Invalid};
use crate::ids::format_ymd;
use crate::incidents::Grade;
use crate::workdays::LocalKind;

use super::kind::SettingKind;
use super::value::SettingValue;

fn bad_line(n: usize, zh: &str, en: &str) -> FieldError {
    FieldError::new(
        "value",
        "bad_line",
        format!("第 {n} 行：{zh}"),
        format!("line {n}: {en}"),
    )
}

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

fn unit(s: &str) -> Option<LimitUnit> {
    match s {
        "d" | "day" | "days" | "working_days" | "工作日" | "天" => Some(LimitUnit::WorkingDays),
        "h" | "hour" | "hours" | "working_hours" | "工作小时" | "小时" => {
            Some(LimitUnit::WorkingHours)
        }
        _ => None,
    }
}

fn limit_line(n: usize, line: &str) -> Result<Value, FieldError> {
    let t: Vec<&str> = line.split_whitespace().collect();
    if t.len() < 3 || t.len() > 5 {
        return Err(bad_line(
            n,
            "应为「环节 时限 单位 [分类] [等级]」，如 handle 5 days 01 major",
            "expected `step amount unit [category] [grade]`, e.g. handle 5 days 01 major",
        ));
    }
    let step = Step::parse("value", t[0]).map_err(|e| bad_line(n, &e.zh, &e.en))?;
    let amount: i64 = t[1].parse().map_err(|_| {
        bad_line(
            n,
            &format!("时限 {} 不是整数", t[1]),
            &format!("{} is not a whole number", t[1]),
        )
    })?;
    let unit = unit(t[2]).ok_or_else(|| {
        bad_line(
            n,
            &format!("未知单位 {}，可选：days、hours", t[2]),
            &format!("unknown unit {}; one of: days, hours", t[2]),
        )
    })?;
    let mut rule = json!({"step": step.as_str(), "amount": amount, "unit": unit.as_str()});
    if let Some(c) = t.get(3).filter(|c| **c != "*") {
        rule["category"] = json!(c);
    }
    if let Some(g) = t.get(4).filter(|g| **g != "*") {
        let g = Grade::parse("value", g).map_err(|e| bad_line(n, &e.zh, &e.en))?;
        rule["grade"] = json!(g.as_str());
    }
    Ok(rule)
}

fn level_line(n: usize, line: &str) -> Result<Value, FieldError> {
    let (name, attempts) = line.rsplit_once(char::is_whitespace).ok_or_else(|| {
        bad_line(
            n,
            "应为「名称 次数」，如 社区调解 2",
            "expected `name attempts`, e.g. 社区调解 2",
        )
    })?;
    let attempts: i64 = attempts.trim().parse().map_err(|_| {
        bad_line(
            n,
            &format!("次数 {attempts} 不是整数"),
            &format!("{attempts} is not a whole number"),
        )
    })?;
    Ok(json!({"name": name.trim(), "attempts": attempts}))
}

fn day_line(n: usize, line: &str) -> Result<Value, FieldError> {
    let mut t = line.splitn(3, char::is_whitespace);
    match (t.next(), t.next(), t.next()) {
        (Some(date), Some(kind), name) => Ok(json!({"date": date, "kind": kind.trim(),
            "name": name.unwrap_or("").trim()})),
        _ => Err(bad_line(
            n,
            "应为「日期 放假|上班 名称」，如 2024-04-11 放假 壮族三月三",
            "expected `date holiday|workday name`, e.g. 2024-04-11 holiday Sanyuesan",
        )),
    }
}

fn band(text: &str) -> Result<Value, FieldError> {
    let nums: Vec<Result<i64, _>> = text
        .split(|c: char| c == '-' || c == '–' || c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(str::parse::<i64>)
        .collect();
    match nums.as_slice() {
        [Ok(min), Ok(max)] => Ok(json!({"min": min, "max": max})),
        _ => Err(bad_line(
            1,
            "应为「下限-上限」，如 300-500",
            "expected `lowest-highest`, e.g. 300-500",
        )),
    }
}

/// Notification channels, one a line: `sms <url>`, `sms.body <JSON template>`,
/// `sms.auth <Name: value>`, `wecom <name> <webhook> [markdown]`,
/// `dingtalk <name> <webhook> [secret] [markdown]`, `quiet 22:00-07:00`.
fn channels(text: &str) -> Result<Value, Invalid> {
    let mut c = Checker::new();
    let mut sms = serde_json::Map::new();
    let mut robots = Vec::new();
    let mut quiet = Value::Null;
    for (n, line) in lines(text) {
        let (head, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        let words: Vec<&str> = rest.split_whitespace().collect();
        match head {
            "sms" | "sms.url" => {
                sms.insert("url".into(), json!(rest));
            }
            "sms.body" => {
                sms.insert("body".into(), json!(rest));
            }
            "sms.auth" => {
                sms.insert("auth_header".into(), json!(rest));
            }
            "quiet" | "免打扰" => quiet = json!(rest),
            "wecom" | "dingtalk" | "企业微信" | "钉钉" if words.len() >= 2 => {
                let channel = if head == "wecom" || head == "企业微信" {
                    "wecom"
                } else {
                    "dingtalk"
                };
                let markdown = words.last() == Some(&"markdown");
                let tail = &words[2..words.len() - usize::from(markdown)];
                let secret = match tail {
                    [] => "",
                    [s] => s,
                    _ => {
                        c.push(bad_line(
                            n,
                            "应为「钉钉 名称 地址 [加签密钥] [markdown]」",
                            "expected `dingtalk name webhook [secret] [markdown]`",
                        ));
                        continue;
                    }
                };
                robots.push(
                    json!({"channel": channel, "name": words[0], "url": words[1],
                    "secret": secret, "markdown": markdown}),
                );
            }
            _ => c.push(bad_line(
                n,
                "应为 sms、sms.body、sms.auth、wecom、dingtalk 或 quiet 开头的一行",
                "expected a line starting sms, sms.body, sms.auth, wecom, dingtalk or quiet",
            )),
        }
    }
    c.finish()?;
    if !sms.is_empty() {
        for key in ["url", "body"] {
            sms.entry(key).or_insert(json!(""));
        }
    }
    Ok(json!({
        "sms": if sms.is_empty() { Value::Null } else { Value::Object(sms) },
        "robots": robots,
        "quiet_hours": quiet,
    }))
}

/// Reads the desk's text for a kind into a checked value.
pub fn parse_text(kind: SettingKind, text: &str) -> Result<SettingValue, Invalid> {
    let json = match kind {
        SettingKind::TimeLimits | SettingKind::EscalationLadder | SettingKind::LocalDays => {
            let mut c = Checker::new();
            let mut items = Vec::new();
            for (n, line) in lines(text) {
                let item = match kind {
                    SettingKind::TimeLimits => limit_line(n, line),
                    SettingKind::EscalationLadder => level_line(n, line),
                    _ => day_line(n, line),
                };
                if let Some(v) = c.check(item) {
                    items.push(v);
                }
            }
            c.finish()?;
            match kind {
                SettingKind::EscalationLadder => json!({"levels": items}),
                _ => Value::Array(items),
            }
        }
        SettingKind::HouseholdBand => band(text.trim())?,
        SettingKind::CardPhones => json!(text.trim()),
        SettingKind::NotifyChannels => channels(text)?,
    };
    SettingValue::parse(kind, &json)
}

/// A value in the desk's text form, what [`parse_text`] reads back; secrets are masked (sent
/// back masked, they keep the stored ones).
pub fn to_text(v: &SettingValue) -> String {
    match v {
        SettingValue::NotifyChannels(n) => {
            let n = n.shown();
            let mut out = Vec::new();
            if let Some(s) = &n.sms {
                out.push(format!("sms {}", s.url));
                out.push(format!("sms.body {}", s.body));
                if !s.auth_header.is_empty() {
                    out.push(format!("sms.auth {}", s.auth_header));
                }
            }
            for r in &n.robots {
                let mut l = format!("{} {} {}", r.channel.as_str(), r.name, r.url);
                if !r.secret.is_empty() {
                    l.push_str(&format!(" {}", r.secret));
                }
                if r.markdown {
                    l.push_str(" markdown");
                }
                out.push(l);
            }
            if let Some(q) = &n.quiet_hours {
                out.push(format!("quiet {q}"));
            }
            out.join("\n")
        }
        SettingValue::TimeLimits(l) => {
            l.0.iter()
                .map(|r| {
                    let unit = match r.unit {
                        LimitUnit::WorkingDays => "days",
                        LimitUnit::WorkingHours => "hours",
                    };
                    let mut s = format!("{} {} {unit}", r.step.as_str(), r.amount);
                    match (&r.category, r.grade) {
                        (None, None) => {}
                        (c, g) => {
                            s.push_str(&format!(
                                " {} {}",
                                c.as_deref().unwrap_or("*"),
                                g.map_or("*", |g| g.as_str())
                            ));
                        }
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        SettingValue::EscalationLadder(l) => l
            .levels
            .iter()
            .map(|l| format!("{} {}", l.name, l.attempts))
            .collect::<Vec<_>>()
            .join("\n"),
        SettingValue::LocalDays(d) => d
            .iter()
            .map(|d| {
                let kind = match d.kind {
                    LocalKind::Holiday => "放假",
                    LocalKind::Workday => "上班",
                };
                format!("{} {kind} {}", format_ymd(d.date), d.name)
            })
            .collect::<Vec<_>>()
            .join("\n"),
        SettingValue::HouseholdBand(b) => format!("{}-{}", b.min, b.max),
        SettingValue::CardPhones(p) => p.as_str().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_back_what_it_writes() {
        for (kind, text) in [
            (
                SettingKind::TimeLimits,
                "handle 5 days\naccept 2 hours * urgent\nhandle 20 days 01 major",
            ),
            (SettingKind::EscalationLadder, "楼栋长调解 2\n社区 调解 3"),
            (
                SettingKind::LocalDays,
                "2024-04-11 放假 壮族三月三\n2024-04-14 上班 三月三调休",
            ),
            (SettingKind::HouseholdBand, "100-300"),
            (SettingKind::CardPhones, "full"),
            (
                SettingKind::NotifyChannels,
                "sms http://127.0.0.1:9/send\nsms.body {\"to\": {phone}, \"msg\": {text}}\nquiet 22:00-07:00",
            ),
        ] {
            let v = parse_text(kind, text).unwrap();
            assert_eq!(to_text(&v), text, "{kind}");
        }
    }

    #[test]
    fn lines_that_cannot_be_read_are_numbered() {
        let e = parse_text(
            SettingKind::TimeLimits,
            "handle 5 days\n\nhandle five days\nsoon",
        )
        .unwrap_err();
        let got: Vec<_> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.zh.as_str()))
                .collect();
        assert_eq!(got.len(), 2);
        assert!(got[0].1.starts_with("第 3 行") && got[1].1.starts_with("第 4 行"));
        let e = parse_text(SettingKind::TimeLimits, "handle 0 days").unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code),
            ("rules[0].amount", "not_positive")
        );
        let e = parse_text(SettingKind::EscalationLadder, "").unwrap_err();
        assert_eq!(e.0[0].code, "no_levels");
        let e = parse_text(
            SettingKind::NotifyChannels,
            "sms file:///x\nsms.body {\"m\": {text}}\nquiet 晚上",
        )
        .unwrap_err();
        let got: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            [
                ("quiet_hours", "bad_quiet_hours"),
                ("sms.url", "not_http_url")
            ]
        );
        let e = parse_text(
            SettingKind::LocalDays,
            "2024-04-11 放假 三月三\n2024-04-11 放假 三月三",
        )
        .unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code),
            ("local_days[1].date", "duplicate")
        );
    }
}
