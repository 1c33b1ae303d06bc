//! Settings the web layer needs, with the secret kept out of logs.

use std::time::Duration;

/// The deployment's secret key (32 bytes): signs CSRF tokens. Its `Debug` never shows it.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        SecretKey(bytes)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Result<Self, String> {
        let bytes = hex::decode(s.trim()).map_err(|e| format!("secret key is not hex: {e}"))?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "secret key must be 32 bytes (64 hex digits)".to_string())?;
        Ok(SecretKey(arr))
    }

    /// A new random key, as 64 hex digits.
    pub fn generate_hex() -> String {
        use rand::RngCore;
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        hex::encode(b)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

/// The bearer token that opens `/metrics` on the public listener. Its `Debug` never shows it.
#[derive(Clone)]
pub struct MetricsToken(String);

impl MetricsToken {
    /// Shortest token accepted: anything shorter could be guessed by a scraper of the site.
    pub const MIN_LEN: usize = 16;

    /// A token of at least [`Self::MIN_LEN`] visible ASCII characters (it travels in a header).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.len() < Self::MIN_LEN || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(format!(
                "metrics token must be at least {} visible ASCII characters without spaces",
                Self::MIN_LEN
            ));
        }
        Ok(MetricsToken(s.to_owned()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsToken([redacted])")
    }
}

#[derive(Debug, Clone)]
pub struct WebConfig {
    pub secret_key: SecretKey,
    /// Mark cookies `Secure`: on whenever the site is served over HTTPS.
    pub cookie_secure: bool,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Longest time one request may take.
    pub request_timeout: Duration,
    /// How staff phone numbers appear on the public grid card.
    pub card_phones: gridgov_store::grids::PhoneDisplay,
    /// The address people reach the site at (`https://grid.example.org`), for links that leave
    /// the browser (the QR code on a grid card). Unset: taken from each request's Host.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client; nobody else's is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Password checks (login form, token endpoint) allowed per client address and minute on
    /// this node, sustained, and at once.
    pub login_per_minute: u32,
    pub login_burst: u32,
    /// Open311 requests allowed per client address and minute on this node, sustained, and at
    /// once: the flood guard in front of every key's own rate.
    pub open311_per_address_per_minute: u32,
    pub open311_per_address_burst: u32,
    /// When set, `/metrics` on the public listener answers to `Authorization: Bearer <token>`
    /// and nothing else; unset, it is not served there at all (see [`crate::metrics_app`] for
    /// the separate listener).
    pub metrics_token: Option<MetricsToken>,
}

impl WebConfig {
    pub fn new(secret_key: SecretKey) -> Self {
        WebConfig {
            secret_key,
            cookie_secure: false,
            body_limit: 2 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            card_phones: gridgov_store::grids::PhoneDisplay::Masked,
            public_url: None,
            trusted_proxies: Vec::new(),
            // An office behind one address logs its staff in within minutes each morning;
            // one attacker's address gets a check a second.
            login_per_minute: 60,
            login_burst: 30,
            // A client application's server posts for all its users from one address: room
            // for ten a second from it, refusing a script that loops.
            open311_per_address_per_minute: 600,
            open311_per_address_burst: 100,
            metrics_token: None,
        }
    }
}
