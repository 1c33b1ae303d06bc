//! The channels a region sends notices on, set per region as the `notify_channels` setting: an
//! SMS gateway (its URL, a template of the JSON body, an auth header), WeCom and DingTalk group
//! robots (their webhook, DingTalk's optional signing secret, text or markdown), and the quiet
//! hours of SMS. The auth header, the webhooks (their key is in the address) and the signing
//! secrets are secrets: they are stored, and shown back only as [`SECRET_MASK`]; a value sent
//! back with the mask keeps the secret stored before it.

use serde::{Deserialize, Serialize};

use crate::error::{Checker, FieldError, Invalid};

use super::quiet::QuietHours;

/// What a secret is shown as, and what keeps the stored one when sent back.
pub const SECRET_MASK: &str = "******";

/// A gateway's body template at most this long; a longer one is a slip.
const TEMPLATE_MAX: usize = 4_000;

/// An SMS gateway over HTTP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsGateway {
    pub url: String,
    /// The JSON body with `{phone}` and `{text}` where they go (filled in as JSON strings).
    pub body: String,
    /// `Name: value`, e.g. `Authorization: Bearer …`; empty for none. A secret.
    #[serde(default)]
    pub auth_header: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RobotChannel {
    Wecom,
    Dingtalk,
}

impl RobotChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            RobotChannel::Wecom => "wecom",
            RobotChannel::Dingtalk => "dingtalk",
        }
    }
}

/// A group robot's webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Robot {
    pub channel: RobotChannel,
    /// The group, as the deliveries name it (unique in the region's list).
    pub name: String,
    /// The webhook address with its key or access token. A secret.
    pub url: String,
    /// DingTalk's signing secret (`SEC…`), empty when the robot does not sign. A secret.
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub markdown: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyChannels {
    #[serde(default)]
    pub sms: Option<SmsGateway>,
    #[serde(default)]
    pub robots: Vec<Robot>,
    /// `22:00-07:00` on China's clock: SMS falling in it waits until it ends.
    #[serde(default)]
    pub quiet_hours: Option<String>,
}

/// An address a sender may call: http or https with a host.
pub fn check_http_url(field: &str, url: &str) -> Result<(), FieldError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(h) if !h.is_empty() && !url.chars().any(char::is_whitespace) => Ok(()),
        _ => Err(FieldError::new(
            field,
            "not_http_url",
            format!("地址 {url} 不是 http 或 https 网址"),
            format!("{url} is not an http or https address"),
        )),
    }
}

fn masked(s: &str) -> bool {
    s == SECRET_MASK
}

impl NotifyChannels {
    /// Every fault named by its field. A masked secret passes here; [`Self::keep_secrets`]
    /// fills it from the stored value or names it.
    pub fn check(&self) -> Result<(), Invalid> {
        let mut c = Checker::new();
        if let Some(q) = &self.quiet_hours {
            c.check(QuietHours::parse("quiet_hours", q));
        }
        if let Some(s) = &self.sms {
            c.check(check_http_url("sms.url", s.url.trim()));
            if s.body.len() > TEMPLATE_MAX {
                c.push(FieldError::new(
                    "sms.body",
                    "too_long",
                    format!("短信模板最多 {TEMPLATE_MAX} 字节"),
                    format!("the SMS template is at most {TEMPLATE_MAX} bytes"),
                ));
            } else if !s.body.contains("{text}") {
                c.push(FieldError::new(
                    "sms.body",
                    "no_text",
                    "短信模板中须有 {text}（通知内容的位置）",
                    "the SMS template needs {text}, where the notice's words go",
                ));
            } else {
                // The template must be JSON once filled in, whatever the words are.
                let filled = super::render::render_body(&s.body, "13800000000", "测试 \"x\"");
                if serde_json::from_str::<serde_json::Value>(&filled).is_err() {
                    c.push(FieldError::new(
                        "sms.body",
                        "not_json",
                        "短信模板填入后不是 JSON；{phone} 与 {text} 不要加引号",
                        "the SMS template is not JSON once filled in; do not quote {phone} and {text}",
                    ));
                }
            }
            let h = s.auth_header.trim();
            if !h.is_empty() && !masked(h) {
                let ok = h.split_once(':').is_some_and(|(n, v)| {
                    !n.trim().is_empty()
                        && n.trim()
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !v.trim().is_empty()
                        && !v.contains(['\r', '\n'])
                });
                if !ok {
                    c.push(FieldError::new(
                        "sms.auth_header",
                        "bad_header",
                        "认证头应为「名称: 值」，如 Authorization: Bearer …",
                        "the auth header is `Name: value`, e.g. Authorization: Bearer …",
                    ));
                }
            }
        }
        for (i, r) in self.robots.iter().enumerate() {
            if r.name.trim().is_empty() || r.name.chars().any(char::is_whitespace) {
                c.push(FieldError::new(
                    format!("robots[{i}].name"),
                    "bad_name",
                    "群机器人须有名称，且不含空格",
                    "a group robot needs a name without spaces",
                ));
            } else if self.robots[..i].iter().any(|o| o.name == r.name) {
                c.push(FieldError::new(
                    format!("robots[{i}].name"),
                    "duplicate",
                    format!("群机器人 {} 重复", r.name),
                    format!("the group robot {} is listed twice", r.name),
                ));
            }
            if !masked(&r.url) {
                c.check(check_http_url(&format!("robots[{i}].url"), r.url.trim()));
            }
            if !r.secret.is_empty() && r.channel == RobotChannel::Wecom {
                c.push(FieldError::new(
                    format!("robots[{i}].secret"),
                    "not_signed",
                    "企业微信群机器人不使用加签密钥",
                    "WeCom group robots take no signing secret",
                ));
            }
        }
        c.finish()
    }

    /// Fills masked secrets from the value stored before (the robot of the same name); a mask
    /// with nothing behind it is named.
    pub fn keep_secrets(&mut self, before: Option<&NotifyChannels>) -> Result<(), Invalid> {
        let mut c = Checker::new();
        let missing = |field: String| {
            FieldError::new(
                field,
                "secret_missing",
                "未保存过该密钥，请填写",
                "no secret was stored here before: enter it",
            )
        };
        if let Some(s) = &mut self.sms
            && masked(s.auth_header.trim())
        {
            match before.and_then(|b| b.sms.as_ref()) {
                Some(old) => s.auth_header = old.auth_header.clone(),
                None => c.push(missing("sms.auth_header".into())),
            }
        }
        for (i, r) in self.robots.iter_mut().enumerate() {
            let old = before.and_then(|b| {
                b.robots
                    .iter()
                    .find(|o| o.name == r.name && o.channel == r.channel)
            });
            if masked(&r.url) {
                match old {
                    Some(o) => r.url = o.url.clone(),
                    None => c.push(missing(format!("robots[{i}].url"))),
                }
            }
            if masked(&r.secret) {
                match old {
                    Some(o) => r.secret = o.secret.clone(),
                    None => c.push(missing(format!("robots[{i}].secret"))),
                }
            }
        }
        c.finish()
    }

    /// The same with every secret masked: what the desk, the API and the audit trail show.
    pub fn shown(&self) -> NotifyChannels {
        let mask = |s: &str| {
            if s.is_empty() {
                String::new()
            } else {
                SECRET_MASK.to_owned()
            }
        };
        NotifyChannels {
            sms: self.sms.as_ref().map(|s| SmsGateway {
                auth_header: mask(&s.auth_header),
                ..s.clone()
            }),
            robots: self
                .robots
                .iter()
                .map(|r| Robot {
                    url: mask(&r.url),
                    secret: mask(&r.secret),
                    ..r.clone()
                })
                .collect(),
            quiet_hours: self.quiet_hours.clone(),
        }
    }

    /// The quiet hours of SMS; a stored value was checked when it was set.
    pub fn quiet(&self) -> Option<QuietHours> {
        self.quiet_hours
            .as_deref()
            .and_then(|q| QuietHours::parse("quiet_hours", q).ok())
    }

    pub fn robot(&self, name: &str) -> Option<&Robot> {
        self.robots.iter().find(|r| r.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn channels(v: serde_json::Value) -> NotifyChannels {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn faults_are_named_by_field() {
        let n = channels(json!({
            "sms": {"url": "ftp://gw/send", "body": "{\"to\": \"{phone}\"}", "auth_header": "nocolon"},
            "robots": [
                {"channel": "wecom", "name": "值班群", "url": "javascript:alert(1)", "secret": "SEC1"},
                {"channel": "dingtalk", "name": "值班群", "url": "https://oapi.dingtalk.com/robot/send?access_token=x"}
            ]
        }));
        let e = n.check().unwrap_err();
        let got: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            [
                ("sms.url", "not_http_url"),
                ("sms.body", "no_text"),
                ("sms.auth_header", "bad_header"),
                ("robots[0].url", "not_http_url"),
                ("robots[0].secret", "not_signed"),
                ("robots[1].name", "duplicate"),
            ]
        );
        let quoted = channels(json!({"sms": {"url": "http://gw", "body": "{\"t\": \"{text}\"}"}}));
        assert_eq!(quoted.check().unwrap_err().0[0].code, "not_json");
    }

    #[test]
    fn secrets_are_masked_and_kept() {
        let stored = channels(json!({
            "sms": {"url": "https://gw/send", "body": "{\"to\": {phone}, \"text\": {text}}",
                    "auth_header": "Authorization: Bearer s3cret"},
            "robots": [{"channel": "dingtalk", "name": "指挥中心",
                        "url": "https://oapi.dingtalk.com/robot/send?access_token=abc", "secret": "SECxyz"}]
        }));
        stored.check().unwrap();
        let shown = stored.shown();
        let text = serde_json::to_string(&shown).unwrap();
        assert!(!text.contains("s3cret") && !text.contains("abc") && !text.contains("SECxyz"));
        let mut back = shown.clone();
        back.check().unwrap();
        back.keep_secrets(Some(&stored)).unwrap();
        assert_eq!(back, stored);
        let e = shown.clone().keep_secrets(None).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["sms.auth_header", "robots[0].url", "robots[0].secret"]
        );
    }

    #[test]
    fn only_http_addresses() {
        assert!(check_http_url("u", "https://a.example/x?y=1").is_ok());
        assert!(check_http_url("u", "http://127.0.0.1:8080").is_ok());
        for bad in [
            "",
            "https://",
            "file:///etc/passwd",
            "gw.example/send",
            "http://a b",
        ] {
            assert_eq!(
                check_http_url("u", bad).unwrap_err().code,
                "not_http_url",
                "{bad}"
            );
        }
    }
}
