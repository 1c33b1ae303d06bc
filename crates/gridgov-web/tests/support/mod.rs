//! Driving the whole app in-process: requests through the real router, layers included.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use gridgov_store::testing::TestDb;
use gridgov_web::{AppState, SecretKey, WebConfig, app, metrics_app};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct Client {
    pub app: Router,
    pub cookies: Vec<(String, String)>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The value of the hidden `csrf` field on the page.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("page has a csrf field");
        let rest = &self.body[at + 19..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

pub fn web_app(db: &TestDb) -> Router {
    web_apps(db, |_| {}).0
}

/// The main router and the metrics listener's router on one state (so the second shows the
/// first's counters), with the test settings changed by `adjust`.
pub fn web_apps(db: &TestDb, adjust: impl FnOnce(&mut WebConfig)) -> (Router, Router) {
    let mut cfg = WebConfig::new(SecretKey::new([42; 32]));
    cfg.body_limit = 64 * 1024;
    adjust(&mut cfg);
    let state = AppState::new(db.store.clone(), cfg);
    start_import_runner(db);
    (app(state.clone()), metrics_app(state))
}

/// A job runner for the desk's imports (nothing periodic, so no test sees a digest or a sweep
/// it did not ask for), as the server runs them. It runs until the test's runtime ends.
fn start_import_runner(db: &TestDb) {
    use gridgov_web::jobs::{BASE_IMPORT, RunnerConfig, registry, spawn_runner};
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let config = RunnerConfig {
        poll: std::time::Duration::from_millis(20),
        schedule_every: None,
        ..RunnerConfig::default()
    };
    spawn_runner(
        db.store.clone(),
        registry().only(&[BASE_IMPORT]),
        config,
        stopped,
    );
    // Never told to stop: the runtime's end stops it.
    std::mem::forget(stop);
}

impl Client {
    pub fn new(db: &TestDb) -> Client {
        Client::on(web_app(db))
    }

    /// A client of the given router.
    pub fn on(app: Router) -> Client {
        Client {
            app,
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: Request<Body>) -> Reply {
        let res: Response<Body> = self.app.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !attrs.contains("Max-Age=0") {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Sends a request built by the test as it is (no cookies added).
    pub async fn send_raw(&mut self, req: Request<Body>) -> Reply {
        self.send(req).await
    }

    pub async fn get(&mut self, uri: &str) -> Reply {
        let req = Request::get(uri)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    pub async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn api(
        &mut self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        json: Option<serde_json::Value>,
    ) -> Reply {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match json {
            Some(j) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(j.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).unwrap()).await
    }

    /// Posts a multipart form with the session's cookies, as a browser sends a file upload.
    /// Each part is (name, file name if a file, content); parts go in the order given.
    pub async fn post_multipart(
        &mut self,
        uri: &str,
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> Reply {
        let boundary = "----gridgov-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, file, content) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some(f) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::post(uri)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Logs in through the form, as a browser would.
    pub async fn login(&mut self, username: &str, password: &str) -> Reply {
        let form = self.get("/login").await;
        let csrf = form.csrf();
        self.post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }
}

impl Client {
    /// A bearer token for a user of the fixtures (password `testing::PASSWORD`).
    pub async fn token(&mut self, username: &str) -> String {
        let r = self
            .api(
                "POST",
                "/api/v1/auth/token",
                None,
                Some(serde_json::json!({
                    "username": username,
                    "password": gridgov_store::testing::PASSWORD,
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "token for {username}: {}", r.body);
        r.json()["token"].as_str().unwrap().to_owned()
    }

    /// Sends a body as it is, with its content type: for uploads that are not JSON values built
    /// here (GeoJSON files).
    pub async fn api_raw(
        &mut self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        content_type: &str,
        body: String,
    ) -> Reply {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }
}
