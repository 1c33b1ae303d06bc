//! Who is knocking: the client's address, and a rate per address for work that anyone can start
//! without an account (a password check costs a core tens of milliseconds).
//!
//! The address is the TCP peer's, unless the peer is a proxy the deployment trusts; then it is
//! the nearest address in `X-Forwarded-For` that is not itself a trusted proxy. Addresses that a
//! client writes into a header are never believed otherwise. IPv6 clients are counted by their
//! /64, which is what one subscriber usually holds.
//!
//! The rate lives in this node's memory (several nodes each allow it); the per-username count
//! that guards each account is in the database and shared.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::app::AppState;
use crate::error::AppError;

/// The client's address, as far as this deployment can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Requests driven in-process (tests) have no peer; they share one address.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(ClientAddr(client_ip(
            peer,
            forwarded,
            &state.config.trusted_proxies,
        )))
    }
}

/// Lets a password check from this address go ahead, or answers 429 with the wait.
pub fn admit_password_check(state: &AppState, addr: ClientAddr) -> Result<(), AppError> {
    state
        .login_limiter
        .check(addr.0, state.store.now_ms())
        .map_err(|retry_after_secs| {
            // Not a warning: a storm would write one line per request into the log.
            tracing::debug!(client = %addr.0, "password checks from this address throttled");
            AppError::Store(gridgov_store::StoreError::Throttled { retry_after_secs })
        })
}

/// The peer, or when the peer is trusted, the rightmost forwarded address that is not.
fn client_ip<'a>(
    peer: IpAddr,
    forwarded: impl Iterator<Item = &'a str>,
    trusted: &[IpAddr],
) -> IpAddr {
    if !trusted.contains(&canonical(peer)) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect();
    hops.into_iter()
        .rev()
        .map(canonical)
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// IPv4 peers of a dual-stack socket arrive as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The key an address is counted under.
fn bucket_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// A rate per key by the generic cell rate algorithm: one instant per key (when the key's
/// allowance is next full), so memory is one small entry per active address.
pub struct RateLimiter {
    /// Milliseconds between two allowed requests at the sustained rate.
    interval_ms: i64,
    /// How far ahead of now a key may run: `interval × (burst − 1)`.
    tolerance_ms: i64,
    state: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    keys: HashMap<IpAddr, i64>,
    /// When stale entries were last swept: at most once a second, so that a storm from many
    /// addresses costs one pass over the table a second, not one per request.
    swept_at: i64,
}

/// Entries kept before stale ones are swept, and the most ever held: beyond that (an attack
/// from very many addresses) new addresses are refused until entries age out.
const SWEEP_AT: usize = 10_000;
const MAX_KEYS: usize = 200_000;

impl RateLimiter {
    /// `per_minute` requests a minute sustained, `burst` at once.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        // At least a millisecond: with none, the tolerance is none too, and two requests whose
        // clocks were read a millisecond apart in the other order would refuse each other.
        let interval_ms = (60_000 / i64::from(per_minute.max(1))).max(1);
        RateLimiter {
            interval_ms,
            tolerance_ms: interval_ms * i64::from(burst.max(1) - 1),
            state: Mutex::default(),
        }
    }

    /// Allows the request now, or says after how many seconds the next would be allowed.
    pub fn check(&self, ip: IpAddr, now_ms: i64) -> Result<(), i64> {
        let key = bucket_key(ip);
        let Ok(mut table) = self.state.lock() else {
            return Err(1);
        };
        let Table { keys, swept_at } = &mut *table;
        if keys.len() >= SWEEP_AT && !keys.contains_key(&key) {
            if now_ms - *swept_at >= 1000 {
                keys.retain(|_, tat| *tat > now_ms);
                *swept_at = now_ms;
            }
            if keys.len() >= MAX_KEYS {
                return Err(1);
            }
        }
        let tat = keys.get(&key).copied().unwrap_or(now_ms).max(now_ms);
        if tat - now_ms > self.tolerance_ms {
            let wait = tat - self.tolerance_ms - now_ms;
            return Err((wait + 999) / 1000);
        }
        keys.insert(key, tat + self.interval_ms);
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxy = ip("10.0.0.2");
        let xff = ["203.0.113.9, 198.51.100.7"];
        // Not a trusted peer: the header is the client's own say-so.
        assert_eq!(
            client_ip(ip("192.0.2.1"), xff.into_iter(), &[proxy]),
            ip("192.0.2.1")
        );
        // Behind the proxy: the address the proxy saw, not what the client wrote before it.
        assert_eq!(
            client_ip(proxy, xff.into_iter(), &[proxy]),
            ip("198.51.100.7")
        );
        // Two trusted hops.
        let two = [proxy, ip("10.0.0.3")];
        let xff2 = ["203.0.113.9, 198.51.100.7, 10.0.0.3"];
        assert_eq!(client_ip(proxy, xff2.into_iter(), &two), ip("198.51.100.7"));
        // Garbage and a missing header fall back to the peer.
        assert_eq!(client_ip(proxy, ["nonsense"].into_iter(), &[proxy]), proxy);
        assert_eq!(client_ip(proxy, std::iter::empty(), &[proxy]), proxy);
        // A dual-stack socket's mapped form is the same proxy.
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.2"), xff.into_iter(), &[proxy]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn the_rate_allows_a_burst_then_one_per_interval() {
        let l = RateLimiter::new(60, 3);
        let a = ip("192.0.2.1");
        let t = 1_000_000;
        assert!(l.check(a, t).is_ok());
        assert!(l.check(a, t).is_ok());
        assert!(l.check(a, t).is_ok());
        assert_eq!(l.check(a, t), Err(1));
        // Another address is counted on its own.
        assert!(l.check(ip("192.0.2.2"), t).is_ok());
        // One second later, one more.
        assert!(l.check(a, t + 1000).is_ok());
        assert!(l.check(a, t + 1000).is_err());
        // After a quiet spell the whole burst is back.
        for _ in 0..3 {
            assert!(l.check(a, t + 60_000).is_ok());
        }
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        let l = RateLimiter::new(60, 1);
        assert!(l.check(ip("2001:db8:1:2::1"), 0).is_ok());
        assert!(l.check(ip("2001:db8:1:2::ffff"), 0).is_err());
        assert!(l.check(ip("2001:db8:1:3::1"), 0).is_ok());
    }

    #[test]
    fn the_table_stays_bounded_under_many_addresses() {
        let l = RateLimiter::new(60, 1);
        for i in 0..(SWEEP_AT as u32 * 3) {
            let _ = l.check(IpAddr::from(i.to_be_bytes()), 0);
        }
        // Entries age out after one interval; a later storm sweeps them.
        assert_eq!(l.state.lock().unwrap().keys.len(), SWEEP_AT * 3);
        let _ = l.check(ip("192.0.2.1"), 10_000);
        assert_eq!(l.state.lock().unwrap().keys.len(), 1);
    }
}
