//! Rates of the Open311 door, in this node's memory: each key's own rate (set on the desk when
//! the key is issued), and a rate per client address over every Open311 request, so a flood
//! from one address is refused before it costs a query, let alone a write.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::auth::client::RateLimiter;

/// The per-key rates by the generic cell rate algorithm, each key with its own interval; a
/// burst of a tenth of a minute's allowance (at least one).
#[derive(Default)]
pub struct KeyRates {
    /// Key id → when its allowance is next full (Unix ms).
    keys: Mutex<HashMap<String, i64>>,
}

impl KeyRates {
    /// Allows a request on `key` at `per_minute`, or says after how many seconds one would be.
    pub fn check(&self, key: &str, per_minute: i64, now_ms: i64) -> Result<(), i64> {
        let per_minute = per_minute.max(1);
        let interval = (60_000 / per_minute).max(1);
        let tolerance = interval * (per_minute / 10).max(1).saturating_sub(1);
        let Ok(mut keys) = self.keys.lock() else {
            return Err(1);
        };
        let tat = keys.get(key).copied().unwrap_or(now_ms).max(now_ms);
        if tat - now_ms > tolerance {
            return Err((tat - tolerance - now_ms + 999) / 1000);
        }
        // Keys are few (one per client application), so the table is never swept.
        keys.insert(key.to_owned(), tat + interval);
        Ok(())
    }
}

/// Both rates of the door.
pub struct Limits {
    pub keys: KeyRates,
    pub addresses: RateLimiter,
}

impl Limits {
    pub fn new(per_address_per_minute: u32, per_address_burst: u32) -> Self {
        Limits {
            keys: KeyRates::default(),
            addresses: RateLimiter::new(per_address_per_minute, per_address_burst),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_burst_then_its_rate_and_keys_count_apart() {
        let r = KeyRates::default();
        let t = 1_000_000;
        // 60 a minute: a burst of 6, then one a second.
        for _ in 0..6 {
            assert!(r.check("a", 60, t).is_ok());
        }
        assert_eq!(r.check("a", 60, t), Err(1));
        assert!(r.check("b", 60, t).is_ok());
        assert!(r.check("a", 60, t + 1000).is_ok());
        assert!(r.check("a", 60, t + 1000).is_err());
    }
}
