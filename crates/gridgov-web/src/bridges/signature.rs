//! The signature of a bridge's requests, both ways: `X-Gridgov-Timestamp` is the Unix time in
//! seconds, and `X-Gridgov-Signature` is `sha256=` and the lowercase hex of HMAC-SHA256, keyed
//! by the bridge's shared secret, over the timestamp, a full stop and the raw body
//! (`1780000000.{"gdbh":…}`). Signing the timestamp with the body lets the receiver refuse a
//! captured request sent again outside the window (five minutes either way).

use gridgov_core::bridges::REPLAY_WINDOW_SECS;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TIMESTAMP_HEADER: &str = "x-gridgov-timestamp";
pub const SIGNATURE_HEADER: &str = "x-gridgov-signature";
/// Outbound only: which bridge a push is for.
pub const BRIDGE_HEADER: &str = "x-gridgov-bridge";

const PREFIX: &str = "sha256=";

/// `None` only if HMAC refused the key, which it never does (any length is accepted).
fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Option<Hmac<Sha256>> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    Some(m)
}

/// The signature header's value for a body sent at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    match mac(secret, timestamp, body) {
        Some(m) => format!("{PREFIX}{}", hex::encode(m.finalize().into_bytes())),
        None => String::new(),
    }
}

/// Why a request's signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureFault {
    Missing,
    /// The timestamp is not a number, or lies outside the window.
    OutsideWindow,
    BadSignature,
}

impl SignatureFault {
    pub fn code(self) -> &'static str {
        match self {
            SignatureFault::Missing => "signature_missing",
            SignatureFault::OutsideWindow => "timestamp_outside_window",
            SignatureFault::BadSignature => "bad_signature",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            SignatureFault::Missing => {
                "缺少签名或时间戳（X-Gridgov-Signature、X-Gridgov-Timestamp）"
            }
            SignatureFault::OutsideWindow => "时间戳无效或与服务器时间相差超过 5 分钟",
            SignatureFault::BadSignature => "签名不正确",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            SignatureFault::Missing => {
                "the signature or timestamp is missing (X-Gridgov-Signature, X-Gridgov-Timestamp)"
            }
            SignatureFault::OutsideWindow => {
                "the timestamp is not valid or lies more than five minutes from the server's time"
            }
            SignatureFault::BadSignature => "the signature does not match",
        }
    }
}

/// Checks a request's headers against its body, at `now_secs`. The comparison takes the same
/// time however much of the signature is right.
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_secs: i64,
) -> Result<(), SignatureFault> {
    let (Some(ts), Some(sig)) = (timestamp, signature) else {
        return Err(SignatureFault::Missing);
    };
    let ts: i64 = ts
        .trim()
        .parse()
        .map_err(|_| SignatureFault::OutsideWindow)?;
    if (now_secs - ts).abs() > REPLAY_WINDOW_SECS {
        return Err(SignatureFault::OutsideWindow);
    }
    let given = sig
        .trim()
        .strip_prefix(PREFIX)
        .and_then(|h| hex::decode(h).ok())
        .ok_or(SignatureFault::BadSignature)?;
    mac(secret, ts, body)
        .ok_or(SignatureFault::BadSignature)?
        .verify_slice(&given)
        .map_err(|_| SignatureFault::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Worked out apart from this code (openssl dgst -sha256 -hmac):
        // printf '1780000000.{"a":1}' | openssl dgst -sha256 -hmac 'k'
        let s = sign("k", 1_780_000_000, br#"{"a":1}"#);
        assert_eq!(
            s,
            "sha256=1fd240aaa6c61b8e3e2280aae6b515f4f41d013889096c088f83aa7df2b9a039"
        );
        assert_eq!(
            verify(
                "k",
                Some("1780000000"),
                Some(&s),
                br#"{"a":1}"#,
                1_780_000_100
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                "k",
                Some("1780000000"),
                Some(&s),
                br#"{"a":2}"#,
                1_780_000_100
            ),
            Err(SignatureFault::BadSignature)
        );
        assert_eq!(
            verify(
                "other",
                Some("1780000000"),
                Some(&s),
                br#"{"a":1}"#,
                1_780_000_100
            ),
            Err(SignatureFault::BadSignature)
        );
        assert_eq!(
            verify(
                "k",
                Some("1780000000"),
                Some(&s),
                br#"{"a":1}"#,
                1_780_000_301
            ),
            Err(SignatureFault::OutsideWindow)
        );
        assert_eq!(
            verify("k", None, Some(&s), br#"{"a":1}"#, 1_780_000_000),
            Err(SignatureFault::Missing)
        );
    }
}
