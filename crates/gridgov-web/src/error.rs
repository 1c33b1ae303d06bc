//! Errors of the web layer and how they reach people.
//!
//! Handlers return [`AppError`]. Its response carries an [`ErrorBody`] as an extension and no
//! body; the [`render_errors`] middleware, which knows the path and the language, turns it into
//! JSON for `/api` and an HTML page elsewhere. Statuses produced by layers (413 from the body
//! limit, 408 from the timeout, 404 from the router) get the same treatment. Internal errors are
//! logged with the request id and shown only as that id.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use gridgov_core::{FieldError, Invalid};
use gridgov_store::StoreError;
use serde::Serialize;

use crate::i18n::Lang;
use crate::request_id::RequestId;

#[derive(Debug)]
pub enum AppError {
    Store(StoreError),
    /// No valid session or token.
    Unauthenticated,
    /// The CSRF token was missing or wrong.
    Csrf,
    /// Input rejected before reaching the store.
    Invalid(Invalid),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(Invalid(vec![e]))
    }
}

/// What every error says, in both languages, with a stable code for programs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
    #[schema(value_type = Vec<Object>)]
    pub fields: Vec<FieldError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For a refused action on a work order: how it stands now, and what the caller may do.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<Current>,
}

/// A work order as it stands when an action on it was refused.
#[derive(Debug, Clone, Serialize)]
pub struct Current {
    pub state: String,
    pub version: i64,
    pub allowed: Vec<String>,
}

impl ErrorBody {
    pub(crate) fn new(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ErrorBody {
            code,
            message_zh: zh.into(),
            message_en: en.into(),
            fields: Vec::new(),
            request_id: None,
            current: None,
        }
    }
}

/// An error response with a status of the caller's choosing: the bridges answer a bad signature
/// with 401 and an order that does not read with 400, where the store's errors would say 404
/// and 422.
pub(crate) fn respond(status: StatusCode, body: ErrorBody) -> Response {
    let mut res = status.into_response();
    res.extensions_mut().insert(Pending(body));
    res
}

/// Marks a response whose body the renderer must still write.
#[derive(Clone)]
struct Pending(ErrorBody);

impl AppError {
    /// The message and fields of this error, as shown to people.
    pub fn body(&self) -> ErrorBody {
        self.status_and_body().1
    }

    fn status_and_body(&self) -> (StatusCode, ErrorBody) {
        use StoreError as S;
        match self {
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                ErrorBody::new("unauthenticated", "请先登录", "please log in first"),
            ),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "csrf",
                    "表单已失效或来源不明，请刷新页面后重试",
                    "the form has expired or did not come from this site; reload the page and try again",
                ),
            ),
            AppError::Invalid(inv) | AppError::Store(S::Invalid(inv)) => {
                let mut b = ErrorBody::new("invalid", "输入有误", "invalid input");
                b.fields = inv.0.clone();
                (StatusCode::UNPROCESSABLE_ENTITY, b)
            }
            AppError::Store(S::NotFound) => (
                StatusCode::NOT_FOUND,
                ErrorBody::new(
                    "not_found",
                    "不存在，或不在您的数据范围内",
                    "not found, or outside your scope",
                ),
            ),
            AppError::Store(S::Forbidden) => (
                StatusCode::FORBIDDEN,
                ErrorBody::new(
                    "forbidden",
                    "您的角色无权进行此操作",
                    "your role may not do this",
                ),
            ),
            AppError::Store(S::Conflict(f)) => {
                let mut b = ErrorBody::new("conflict", f.zh.clone(), f.en.clone());
                b.fields = vec![f.clone()];
                (StatusCode::CONFLICT, b)
            }
            AppError::Store(S::VersionConflict) => (
                StatusCode::CONFLICT,
                ErrorBody::new(
                    "version_conflict",
                    "该记录已被他人修改，请刷新后重试",
                    "someone else changed this record; reload and try again",
                ),
            ),
            AppError::Store(S::Throttled { retry_after_secs }) => {
                let mins = (retry_after_secs + 59) / 60;
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorBody::new(
                        "throttled",
                        format!("尝试次数过多，请 {mins} 分钟后再试"),
                        format!("too many attempts; try again in {mins} minutes"),
                    ),
                )
            }
            AppError::Store(S::Busy { .. }) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::new(
                    "busy",
                    "系统繁忙，本次请求未生效，请稍后重试",
                    "the system is busy; this request had no effect, try again shortly",
                ),
            ),
            AppError::Store(S::Refused(r)) => {
                let mut b = ErrorBody::new(r.code, r.zh.clone(), r.en.clone());
                b.current = Some(Current {
                    state: r.state.clone(),
                    version: r.version,
                    allowed: r.allowed.clone(),
                });
                let status = if r.is_conflict() {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::FORBIDDEN
                };
                (status, b)
            }
            AppError::Store(S::BadCredentials) => (
                StatusCode::UNAUTHORIZED,
                ErrorBody::new(
                    "bad_credentials",
                    "用户名或密码错误",
                    "wrong username or password",
                ),
            ),
            AppError::Store(S::Rows(rows)) => {
                let mut b = ErrorBody::new(
                    "rows_rejected",
                    "文件有错误，未导入任何内容",
                    "the file has errors; nothing was imported",
                );
                b.fields = rows
                    .iter()
                    .map(|r| {
                        FieldError::new(
                            format!("{}:{}:{}", r.file, r.line, r.field),
                            "row",
                            r.zh.clone(),
                            r.en.clone(),
                        )
                    })
                    .collect();
                (StatusCode::UNPROCESSABLE_ENTITY, b)
            }
            AppError::Store(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorBody::new("internal", "服务器内部错误", "internal server error"),
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            // Logged here with the detail; the renderer adds the request id that people see.
            tracing::error!(error = ?self, "internal error");
        }
        let mut res = status.into_response();
        if let AppError::Store(
            StoreError::Throttled { retry_after_secs } | StoreError::Busy { retry_after_secs },
        ) = &self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res.extensions_mut().insert(Pending(body));
        res
    }
}

/// Writes the body of error responses: JSON under `/api`, a page elsewhere.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/") || req.uri().path().starts_with("/open311/");
    let lang = crate::auth::cookies::lang_of(req.headers());
    let rid = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let mut res = next.run(req).await;
    let status = res.status();
    let pending = res.extensions_mut().remove::<Pending>().map(|p| p.0);
    let mut body = match pending {
        Some(b) => b,
        None if status.is_client_error() || status.is_server_error() => {
            // Only bare statuses from layers reach here; a handler's own bodies are kept.
            // Extractor rejections come as plain text: keep their detail, in our shape.
            let ct = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            match ct {
                None => layer_error(status, None),
                Some(ct) if ct.starts_with("text/plain") => {
                    let bytes = axum::body::to_bytes(std::mem::take(res.body_mut()), 4096)
                        .await
                        .unwrap_or_default();
                    layer_error(status, Some(String::from_utf8_lossy(&bytes).into_owned()))
                }
                Some(_) => return res,
            }
        }
        None => return res,
    };
    body.request_id = rid;
    let headers = res.headers().clone();
    let mut out = if api {
        (status, axum::Json(&body)).into_response()
    } else {
        (
            status,
            Html(crate::pages::error::render(lang, status, &body)),
        )
            .into_response()
    };
    if let Some(v) = headers.get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    out
}

fn layer_error(status: StatusCode, detail: Option<String>) -> ErrorBody {
    let mut b = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorBody::new(
            "body_too_large",
            "提交的内容过大",
            "the request body is too large",
        ),
        StatusCode::REQUEST_TIMEOUT => ErrorBody::new(
            "timeout",
            "请求超时，请稍后重试",
            "the request timed out; try again",
        ),
        StatusCode::NOT_FOUND => ErrorBody::new("not_found", "页面不存在", "no such page"),
        StatusCode::METHOD_NOT_ALLOWED => ErrorBody::new(
            "method_not_allowed",
            "不支持该请求方法",
            "method not allowed",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorBody::new(
            "unsupported_media_type",
            "不支持的内容类型",
            "unsupported content type",
        ),
        s if s.is_client_error() => {
            ErrorBody::new("bad_request", "请求格式有误", "malformed request")
        }
        _ => ErrorBody::new("internal", "服务器内部错误", "internal server error"),
    };
    if let Some(d) = detail.filter(|d| !d.is_empty()) {
        b.message_en = format!("{}: {d}", b.message_en);
        b.message_zh = format!("{}：{d}", b.message_zh);
    }
    b
}

/// The message of a body in the caller's language.
pub fn message(lang: Lang, b: &ErrorBody) -> &str {
    lang.pick(&b.message_zh, &b.message_en)
}
