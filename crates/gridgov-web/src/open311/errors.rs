//! The spec's error answer: a list of `{code, description}` (`<errors><error>…`), with the HTTP
//! status the spec names: 403 for a missing or wrong `api_key`, 404 for what does not exist (a
//! jurisdiction, a service code, a request, a token), 400 for any other request that cannot be
//! fulfilled. Each description names the field and says what is wrong in Chinese and English.
//! Two statuses the spec leaves to the server are the web's usual ones: 429 with `Retry-After`
//! for a flood, and 503 with `Retry-After` when the database is busy (nothing was written).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gridgov_core::FieldError;
use gridgov_store::StoreError;

use super::format::{Answer, Format, Node};

pub struct Open311Error {
    pub status: StatusCode,
    /// (field or subject, Chinese, English)
    pub errors: Vec<(String, String, String)>,
    pub retry_after: Option<i64>,
}

impl Open311Error {
    pub fn new(
        status: StatusCode,
        subject: &str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Open311Error {
            status,
            errors: vec![(subject.to_owned(), zh.into(), en.into())],
            retry_after: None,
        }
    }

    pub fn bad_request(subject: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Open311Error::new(StatusCode::BAD_REQUEST, subject, zh, en)
    }

    pub fn not_found(subject: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Open311Error::new(StatusCode::NOT_FOUND, subject, zh, en)
    }

    pub fn bad_key(given: bool) -> Self {
        if given {
            Open311Error::new(
                StatusCode::FORBIDDEN,
                "api_key",
                "api_key 无效或已被吊销，无法提交",
                "invalid api_key received -- can't proceed with create_request",
            )
        } else {
            Open311Error::new(
                StatusCode::FORBIDDEN,
                "api_key",
                "缺少 api_key，无法提交",
                "api_key was not provided -- can't proceed with create_request",
            )
        }
    }

    pub fn throttled(subject: &str, zh: String, en: String, retry_after_secs: i64) -> Self {
        let mut e = Open311Error::new(StatusCode::TOO_MANY_REQUESTS, subject, zh, en);
        e.retry_after = Some(retry_after_secs.max(1));
        e
    }

    fn from_fields(fields: Vec<FieldError>) -> Self {
        // An unknown service code is a thing that does not exist: 404, as the spec lists it.
        let status = if fields.iter().any(|f| f.code == "unknown_service") {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::BAD_REQUEST
        };
        Open311Error {
            status,
            errors: fields.into_iter().map(|f| (f.field, f.zh, f.en)).collect(),
            retry_after: None,
        }
    }

    /// The answer in the format the client asked for.
    pub fn in_format(self, format: Format) -> Answer {
        let code = i64::from(self.status.as_u16());
        let items = self
            .errors
            .into_iter()
            .map(|(subject, zh, en)| {
                Node::Obj(vec![
                    ("code", Node::Int(code)),
                    ("description", Node::text(format!("{subject}: {zh} ({en})"))),
                ])
            })
            .collect();
        Answer {
            status: self.status,
            root: "errors",
            body: Node::List("error", items),
            format,
            retry_after: self.retry_after,
        }
    }
}

impl From<StoreError> for Open311Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(inv) => Open311Error::from_fields(inv.0),
            StoreError::NotFound => Open311Error::not_found("request", "不存在", "not found"),
            StoreError::Busy { retry_after_secs } => {
                let mut e = Open311Error::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "service",
                    "系统繁忙，本次请求未生效，请稍后重试",
                    "the system is busy; this request had no effect, try again shortly",
                );
                e.retry_after = Some(retry_after_secs);
                e
            }
            other => {
                tracing::error!(error = ?other, "open311: internal error");
                Open311Error::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "service",
                    "服务器内部错误，请稍后重试",
                    "internal server error; try again later",
                )
            }
        }
    }
}

/// A result whose error is written in the client's format.
pub struct Replied(pub Format, pub Result<Answer, Open311Error>);

impl IntoResponse for Replied {
    fn into_response(self) -> Response {
        match self.1 {
            Ok(a) => a.into_response(),
            Err(e) => e.in_format(self.0).into_response(),
        }
    }
}
