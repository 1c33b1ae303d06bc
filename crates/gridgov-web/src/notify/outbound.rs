//! The outbound channels and how each one speaks HTTP: the SMS gateway (the region's JSON body
//! template, an auth header), WeCom group robots (`msgtype` text or markdown) and DingTalk
//! group robots (the same, with the optional signature: `timestamp` and `sign`, the base64 of
//! HMAC-SHA256 over "timestamp\nsecret" keyed by the secret, URL-encoded).

use std::time::Duration;

use base64::Engine;
use gridgov_core::notify::{NotifyChannels, Robot, RobotChannel, SmsGateway, render_body};
use gridgov_store::notices::{ClaimedDelivery, DeliveryOutcome};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// One outbound channel as a delivery meets it, with what it needs to send.
#[derive(Debug, Clone)]
pub enum Outbound<'a> {
    Sms(&'a SmsGateway),
    Robot(&'a Robot),
}

impl<'a> Outbound<'a> {
    /// The channel of a delivery in the region's settings; `None` when the region no longer
    /// has it (removed since the delivery was made).
    pub fn of(channels: &'a NotifyChannels, d: &ClaimedDelivery) -> Option<Outbound<'a>> {
        match d.channel.as_str() {
            "sms" => channels.sms.as_ref().map(Outbound::Sms),
            "wecom" | "dingtalk" => channels
                .robot(&d.target)
                .filter(|r| r.channel.as_str() == d.channel)
                .map(Outbound::Robot),
            _ => None,
        }
    }
}

/// The address with DingTalk's signature appended, at `now_ms`.
pub fn dingtalk_signed_url(url: &str, secret: &str, now_ms: i64) -> String {
    let to_sign = format!("{now_ms}\n{secret}");
    let sign = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(to_sign.as_bytes());
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes a key of any length; this arm is never taken.
        Err(_) => String::new(),
    };
    let sign: String = url::form_urlencoded::byte_serialize(sign.as_bytes()).collect();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}timestamp={now_ms}&sign={sign}")
}

/// The robot's message: plain text, or markdown (DingTalk's needs a title as well).
fn robot_body(r: &Robot, text: &str) -> Value {
    match (r.markdown, r.channel) {
        (false, _) => json!({"msgtype": "text", "text": {"content": text}}),
        (true, RobotChannel::Wecom) => {
            json!({"msgtype": "markdown", "markdown": {"content": text}})
        }
        (true, RobotChannel::Dingtalk) => json!({"msgtype": "markdown",
            "markdown": {"title": "网格化治理通知", "text": text}}),
    }
}

/// The HTTP client every channel shares, with the time a gateway gets to answer.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
}

impl Sender {
    /// A sender whose requests give up after `timeout` (connecting included).
    pub fn new(timeout: Duration) -> Result<Sender, reqwest::Error> {
        Ok(Sender {
            client: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .pool_max_idle_per_host(64)
                .build()?,
        })
    }

    /// Sends one delivery on its channel at `now_ms`. SMS in the region's quiet hours is
    /// deferred to their end, without an attempt.
    pub async fn send(
        &self,
        channels: &NotifyChannels,
        d: &ClaimedDelivery,
        now_ms: i64,
    ) -> DeliveryOutcome {
        let Some(out) = Outbound::of(channels, d) else {
            return DeliveryOutcome::Failed {
                error: format!(
                    "channel {} {} is no longer set for this region / 该区划已不再设置此通知渠道",
                    d.channel, d.target
                ),
                permanent: true,
            };
        };
        let request = match out {
            Outbound::Sms(gw) => {
                if let Some(q) = channels.quiet() {
                    let until = q.release_at(now_ms);
                    if until > now_ms {
                        return DeliveryOutcome::Deferred { until };
                    }
                }
                let mut r = self
                    .client
                    .post(gw.url.trim())
                    .header("content-type", "application/json")
                    .body(render_body(&gw.body, &d.target, &d.text_zh));
                if let Some((name, value)) = gw.auth_header.split_once(':') {
                    r = r.header(name.trim(), value.trim());
                }
                r
            }
            Outbound::Robot(robot) => {
                let url = if robot.channel == RobotChannel::Dingtalk && !robot.secret.is_empty() {
                    dingtalk_signed_url(robot.url.trim(), &robot.secret, now_ms)
                } else {
                    robot.url.trim().to_owned()
                };
                self.client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(robot_body(robot, &d.text_zh).to_string())
            }
        };
        match request.send().await {
            Ok(resp) => answer(resp).await,
            Err(e) => DeliveryOutcome::Failed {
                error: if e.is_timeout() {
                    "the gateway did not answer in time / 网关响应超时".to_owned()
                } else {
                    format!("request failed / 请求失败: {e}")
                },
                // An address that cannot be a request will not become one.
                permanent: e.is_builder(),
            },
        }
    }
}

/// A gateway's answer: 2xx is sent unless the body says otherwise (WeCom and DingTalk answer
/// 200 with `errcode` other than 0 when they refuse); 5xx, 408 and 429 are tried again; other
/// refusals (a bad key, a bad body) will not pass by waiting and go to the dead-letter list.
async fn answer(resp: reqwest::Response) -> DeliveryOutcome {
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    let errcode = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v.get("errcode").and_then(Value::as_i64));
    if status.is_success() && errcode.is_none_or(|c| c == 0) {
        return DeliveryOutcome::Sent;
    }
    let short: String = body.chars().take(200).collect();
    DeliveryOutcome::Failed {
        error: format!("HTTP {}: {short}", status.as_u16()),
        permanent: status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_signature_as_documented() {
        // Worked out apart from this code: HMAC-SHA256 keyed by the secret over
        // "1700000000000\nSECtest", base64, URL-encoded.
        let url = dingtalk_signed_url(
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            "SECtest",
            1_700_000_000_000,
        );
        assert_eq!(
            url,
            "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000\
             &sign=aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D"
        );
    }
}
