//! Prometheus metrics at `/metrics` and a `Server-Timing` header on every response.
//!
//! The figures (routes, their traffic, pool sizes, uptime) are for operators, not the public:
//! `/metrics` is served on a listener of its own ([`crate::metrics_app`], bound to an internal
//! address) and, on the public listener, only to a request bearing the configured token; without
//! one it is not found there, like any unknown address.
//!
//! Counters live in memory per process; each web node exposes its own and Prometheus adds them.
//! Routes are labelled by their pattern (`/regions/{code}`), never the raw path, so the number of
//! series stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use sha2::{Digest, Sha256};

use crate::app::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

pub struct Metrics {
    started: Instant,
    /// (method, route, status) → latency series.
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            series: Mutex::new(BTreeMap::new()),
        }
    }
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        let Ok(mut map) = self.series.lock() else {
            return;
        };
        let s = map
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        s.count += 1;
        s.sum += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    fn render(&self, pool: (u32, usize)) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP gridgov_uptime_seconds Seconds since the process started."
        );
        let _ = writeln!(out, "# TYPE gridgov_uptime_seconds gauge");
        let _ = writeln!(
            out,
            "gridgov_uptime_seconds {:.0}",
            self.started.elapsed().as_secs_f64()
        );
        let _ = writeln!(
            out,
            "# HELP gridgov_db_connections Database pool connections."
        );
        let _ = writeln!(out, "# TYPE gridgov_db_connections gauge");
        let _ = writeln!(out, "gridgov_db_connections{{state=\"open\"}} {}", pool.0);
        let _ = writeln!(out, "gridgov_db_connections{{state=\"idle\"}} {}", pool.1);
        let _ = writeln!(
            out,
            "# HELP gridgov_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE gridgov_http_requests_total counter");
        let Ok(map) = self.series.lock() else {
            return out;
        };
        for ((m, r, s), v) in map.iter() {
            let _ = writeln!(
                out,
                "gridgov_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{s}\"}} {}",
                v.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP gridgov_http_request_duration_seconds Time to answer, by route."
        );
        let _ = writeln!(
            out,
            "# TYPE gridgov_http_request_duration_seconds histogram"
        );
        // Merge statuses: latency per method and route.
        let mut merged: BTreeMap<(&str, &str), Series> = BTreeMap::new();
        for ((m, r, _), v) in map.iter() {
            let e = merged.entry((m.as_str(), r.as_str())).or_default();
            e.count += v.count;
            e.sum += v.sum;
            for i in 0..BUCKETS.len() {
                e.buckets[i] += v.buckets[i];
            }
        }
        for ((m, r), v) in merged {
            let labels = format!("method=\"{m}\",route=\"{r}\"");
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "gridgov_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                    v.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "gridgov_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                v.count
            );
            let _ = writeln!(
                out,
                "gridgov_http_request_duration_seconds_sum{{{labels}}} {:.6}",
                v.sum
            );
            let _ = writeln!(
                out,
                "gridgov_http_request_duration_seconds_count{{{labels}}} {}",
                v.count
            );
        }
        out
    }
}

/// Times every request: records it and reports the time in `Server-Timing`.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let mut res = next.run(req).await;
    let secs = start.elapsed().as_secs_f64();
    state
        .metrics
        .observe(&method, &route, res.status().as_u16(), secs);
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={:.3}", secs * 1000.0)) {
        res.headers_mut().insert("server-timing", v);
    }
    res
}

/// `/metrics` on the public listener: the figures for the configured bearer token, 404 for
/// anyone else (and for everyone when no token is configured).
pub async fn guarded_endpoint(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (&state.config.metrics_token, given) {
        (Some(expected), Some(given)) if token_matches(expected.as_str(), given.trim()) => {
            endpoint(State(state)).await
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Compares digests in constant time, so neither the token's characters nor its length show
/// in how long a refusal takes.
fn token_matches(expected: &str, given: &str) -> bool {
    let (a, b) = (
        Sha256::digest(expected.as_bytes()),
        Sha256::digest(given.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The figures, for whoever reaches the listener they are served on.
pub async fn endpoint(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(state.store.pool_stats());
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.observe("GET", "/regions/{code}", 200, 0.004);
        m.observe("GET", "/regions/{code}", 404, 0.03);
        let text = m.render((3, 2));
        assert!(text.contains(
            "gridgov_http_requests_total{method=\"GET\",route=\"/regions/{code}\",status=\"200\"} 1"
        ));
        assert!(text.contains("route=\"/regions/{code}\",le=\"0.005\"} 1"));
        assert!(text.contains("route=\"/regions/{code}\",le=\"+Inf\"} 2"));
        assert!(text.contains("gridgov_db_connections{state=\"open\"} 3"));
    }

    #[test]
    fn only_the_exact_token_matches() {
        let t = "scrape-token-0123456789";
        assert!(token_matches(t, t));
        for wrong in [
            "",
            "scrape-token-012345678",
            "scrape-token-01234567890",
            "x",
        ] {
            assert!(!token_matches(t, wrong), "{wrong:?}");
        }
    }
}
