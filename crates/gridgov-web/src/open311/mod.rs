//! Open311 GeoReport v2 under `/open311/v2`: discovery, the services of a jurisdiction (one per
//! city), their definitions, requests posted with an `api_key`, the public list of requests
//! with the spec's filters, one request, and tokens. JSON or XML by the resource's suffix.
//!
//! Handlers parse, check the door's rates and call the store; the store decides everything
//! else (which key, which service, which grid, what the public may see).

mod discovery;
mod errors;
mod format;
mod limits;
mod params;
pub(crate) mod post;
pub(crate) mod requests;
pub(crate) mod services;

pub use limits::Limits;

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::auth::client::ClientAddr;
use crate::routes::Routes;
use errors::{Open311Error, Replied};
use format::{Format, split};

pub fn router() -> Routes {
    Routes::new()
        .get("/open311/v2/{file}", get_root)
        .post("/open311/v2/{file}", post::create)
        .get("/open311/v2/services/{file}", services::definition)
        .get("/open311/v2/requests/{file}", requests::one)
        .get("/open311/v2/tokens/{file}", requests::token)
}

/// `discovery`, `services` and `requests` share the path's one segment.
/// GeoReport v2 `discovery`, `services` and `requests` (GET), by `{file}` = name and format.
#[utoipa::path(get, operation_id = "open311_get", tag = "open311", path = "/open311/v2/{file}",
    security(()),
    params(("file" = String, Path, description = "discovery.json|xml, services.json|xml (with \
        jurisdiction_id), requests.json|xml (with jurisdiction_id and the spec's filters: \
        service_request_id, service_code, start_date, end_date, status)")),
    responses((status = 200, description = "The spec's answer, JSON or XML"),
        (status = 400, description = "The spec's errors: a missing jurisdiction_id, a date in the \
            wrong format, a window over 90 days, an unknown status"),
        (status = 404, description = "An unknown jurisdiction or resource"),
        (status = 429, description = "A flood from one address")))]
pub async fn get_root(
    State(state): State<AppState>,
    addr: ClientAddr,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((name, format)) = split(&file) else {
        return no_format();
    };
    let result = match admit(&state, addr) {
        Err(e) => Err(e),
        Ok(()) => {
            let q = params::Params::parse(query.as_deref().unwrap_or("").as_bytes());
            match name {
                "discovery" => Ok(discovery::answer(&state, format)),
                "services" => services::list(&state, &q, format).await,
                "requests" => requests::list(&state, &q, format).await,
                _ => Err(unknown_resource(name)),
            }
        }
    };
    Replied(format, result).into_response()
}

/// The answer to a resource without a format: the spec's error, in XML (its required format).
fn no_format() -> Response {
    Open311Error::bad_request(
        "format",
        "请在资源名后加上格式：.json 或 .xml",
        "append the format to the resource: .json or .xml",
    )
    .in_format(Format::Xml)
    .into_response()
}

fn unknown_resource(name: &str) -> Open311Error {
    Open311Error::not_found(
        "resource",
        format!("没有资源 {name}"),
        format!("no resource {name}"),
    )
}

/// The flood guard: every Open311 request counts against its client address.
fn admit(state: &AppState, addr: ClientAddr) -> Result<(), Open311Error> {
    state
        .open311
        .addresses
        .check(addr.0, state.store.now_ms())
        .map_err(|secs| {
            tracing::debug!(client = %addr.0, "open311 requests from this address throttled");
            Open311Error::throttled(
                "client",
                format!("来自同一地址的请求过多，请 {secs} 秒后再试；本次请求未生效"),
                format!(
                    "too many requests from this address; try again in {secs} s. This request \
                     had no effect"
                ),
                secs,
            )
        })
}
