//! Requests through the one app the whole matrix shares (desk imports live in its memory), as a
//! signed-in member (session cookie with CSRF token, or bearer token) or as nobody.

use std::time::Duration;

use axum::Router;
use axum::body::Body as HttpBody;
use axum::http::{Method, Request, StatusCode, header};
use gridgov_core::auth::Role;
use gridgov_store::Store;
use gridgov_store::testing::{PASSWORD, TestDb};
use gridgov_store::users::User;
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::case::Body;
use super::city::{Member, user};
use crate::support::{Client, Reply, web_app};

/// How a request proves who sends it.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    Nobody,
    Session { cookie: &'a str, csrf: &'a str },
    Bearer(&'a str),
}

pub struct Http {
    app: Router,
}

impl Http {
    pub fn new(db: &TestDb) -> Http {
        Http { app: web_app(db) }
    }

    fn client(&self) -> Client {
        Client {
            app: self.app.clone(),
            cookies: Vec::new(),
        }
    }

    /// Signs the role's user in through the login form and fetches a bearer token through the
    /// API, as the desk and the phone do.
    pub async fn sign_in(&self, store: &Store, role: Role) -> Member {
        let username = format!("a-{role}");
        let mut c = self.client();
        let r = c.login(&username, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login {username}: {}",
            r.body
        );
        let cookie = c
            .cookies
            .iter()
            .find(|(k, _)| k == "gg_session")
            .map(|(k, v)| format!("{k}={v}"))
            .expect("a session cookie");
        let csrf = c.get("/account").await.csrf();
        let token = c.token(&username).await;
        Member {
            role,
            user: user(store, &username).await,
            cookie,
            csrf,
            token,
            spare: user(store, &format!("a-{role}-x")).await,
            job: None,
        }
    }

    /// A session opened by the store directly (no password to check): for the spare users,
    /// whose sessions the matrix ends.
    pub async fn session(&self, store: &Store, u: &User) -> (String, String) {
        let s = store.create_session(u).await.unwrap();
        let cookie = format!("gg_session={}", s.token);
        let r = self
            .request(
                Method::GET,
                "/account",
                Auth::Session {
                    cookie: &cookie,
                    csrf: "",
                },
                &Body::Empty,
            )
            .await;
        (cookie, r.csrf())
    }

    /// Uploads a persons file from the desk and waits for the import to finish; the job's id.
    pub async fn import_job(&self, cookie: &str, csrf: &str, file: &str) -> String {
        let body = Body::Multipart(vec![
            ("kind".into(), None, b"persons".to_vec()),
            ("source".into(), None, "社区摸排".as_bytes().to_vec()),
            (
                "file".into(),
                Some("matrix.csv".into()),
                file.as_bytes().to_vec(),
            ),
        ]);
        let r = self
            .request(
                Method::POST,
                "/import",
                Auth::Session { cookie, csrf },
                &body,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "upload: {}", r.body);
        let job = r.location().strip_prefix("/import/").unwrap().to_owned();
        self.wait_for_job(cookie, &job).await;
        job
    }

    /// Polls the job's status until it is no longer running. Imports run beside the requests, and
    /// a writer still at work would make the next request wait for the database.
    pub async fn wait_for_job(&self, cookie: &str, job: &str) {
        let uri = format!("/import/{job}/status");
        let auth = Auth::Session { cookie, csrf: "" };
        for _ in 0..800 {
            let r = self.request(Method::GET, &uri, auth, &Body::Empty).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
            if r.json()["state"] != "running" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the import {job} did not finish");
    }

    pub async fn request(&self, method: Method, uri: &str, auth: Auth<'_>, body: &Body) -> Reply {
        let mut b = Request::builder().method(method.clone()).uri(uri);
        let mut csrf_field = None;
        match auth {
            Auth::Nobody => {}
            Auth::Session { cookie, csrf } => {
                b = b.header(header::COOKIE, cookie);
                csrf_field = Some(csrf);
            }
            Auth::Bearer(t) => b = b.header(header::AUTHORIZATION, format!("Bearer {t}")),
        }
        // A desk form without fields still carries its CSRF token, as the browser sends it.
        let csrf_only = Body::Form(Vec::new());
        let body = match (body, csrf_field) {
            (Body::Empty, Some(_)) if method != Method::GET => &csrf_only,
            _ => body,
        };
        let bytes: Vec<u8> = match body {
            Body::Empty => Vec::new(),
            Body::Json(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                v.to_string().into_bytes()
            }
            Body::GeoJson(text) => {
                b = b.header(header::CONTENT_TYPE, "application/geo+json");
                text.clone().into_bytes()
            }
            Body::Form(fields) => {
                b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                let mut all: Vec<(&str, &str)> = Vec::new();
                if let Some(c) = csrf_field {
                    all.push(("csrf", c));
                }
                all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                serde_urlencoded::to_string(&all).unwrap().into_bytes()
            }
            Body::Multipart(parts) => {
                let boundary = "----gridgov-matrix-7d1f";
                b = b.header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                );
                multipart(boundary, csrf_field, parts)
            }
        };
        let res = self
            .app
            .clone()
            .oneshot(b.body(HttpBody::from(bytes)).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

/// A multipart body with the CSRF token as its first part, where the desk's upload looks for it.
fn multipart(
    boundary: &str,
    csrf: Option<&str>,
    parts: &[(String, Option<String>, Vec<u8>)],
) -> Vec<u8> {
    let mut body = Vec::new();
    let mut add = |name: &str, file: Option<&str>, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let disposition = match file {
            Some(f) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    if let Some(c) = csrf {
        add("csrf", None, c.as_bytes());
    }
    for (name, file, content) in parts {
        add(name, file.as_deref(), content);
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}
