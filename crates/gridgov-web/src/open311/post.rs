//! POST of a request: form-encoded, with the client's `api_key`. The order of the checks is
//! the order of their cost: the address's rate (memory), the key (one indexed read), the key's
//! rate (memory), then the store, which checks everything else before it writes anything.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use gridgov_store::open311::Open311Report;

use super::errors::{Open311Error, Replied};
use super::format::split;
use super::format::{Answer, Node};
use super::params::Params;
use super::{admit, no_format, unknown_resource};
use crate::app::AppState;
use crate::auth::client::ClientAddr;

/// GeoReport v2 POST of a service request, form-encoded with the application's `api_key`.
#[utoipa::path(post, operation_id = "open311_post", tag = "open311", path = "/open311/v2/{file}",
    security(()),
    params(("file" = String, Path, description = "requests.json or requests.xml")),
    request_body(content_type = "application/x-www-form-urlencoded", description = "api_key, \
        jurisdiction_id, service_code, lat & long or address_string or address_id, \
        attribute[code], email, device_id, account_id, first_name, last_name, phone, \
        description, media_url"),
    responses((status = 200, description = "[{service_request_id, token, service_notice, account_id}]"),
        (status = 400, description = "The spec's errors, one a field (outside every grid, bad \
            attribute …)"),
        (status = 403, description = "Missing, wrong or revoked api_key"),
        (status = 404, description = "Unknown service_code"),
        (status = 429, description = "The key over its rate, or a flood from one address"),
        (status = 503, description = "Busy; nothing was written")))]
pub async fn create(
    State(state): State<AppState>,
    addr: ClientAddr,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let Some((name, format)) = split(&file) else {
        return no_format();
    };
    let result: Result<Answer, Open311Error> = async {
        if name != "requests" {
            return Err(unknown_resource(name));
        }
        admit(&state, addr)?;
        let mut p = Params::parse(&body);
        // Some clients put the key in the address; the body wins when both carry one.
        p.extend(Params::parse(query.as_deref().unwrap_or("").as_bytes()));
        let secret = p.one("api_key");
        if secret.is_empty() {
            return Err(Open311Error::bad_key(false));
        }
        let key = state
            .store
            .open311_key(secret)
            .await?
            .ok_or_else(|| Open311Error::bad_key(true))?;
        state
            .open311
            .keys
            .check(&key.id, key.per_minute, state.store.now_ms())
            .map_err(|secs| {
                Open311Error::throttled(
                    "api_key",
                    format!(
                        "该 api_key 已超过每分钟 {} 次的限额，请 {secs} 秒后再试；本次请求未生效",
                        key.per_minute
                    ),
                    format!(
                        "this api_key is over its limit of {} requests a minute; try again in \
                         {secs} s. This request had no effect",
                        key.per_minute
                    ),
                    secs,
                )
            })?;
        let j = p.one("jurisdiction_id");
        if !j.is_empty() && j != key.region_code {
            return Err(Open311Error::bad_request(
                "jurisdiction_id",
                format!("该 api_key 属于辖区 {}，不是 {j}", key.region_code),
                format!(
                    "this api_key serves jurisdiction {}, not {j}",
                    key.region_code
                ),
            ));
        }
        let opt = |n: &str| p.has(n).then(|| p.one(n).to_owned());
        let report = Open311Report {
            service_code: p.one("service_code").to_owned(),
            lat: opt("lat"),
            long: opt("long"),
            address_string: p.one("address_string").to_owned(),
            address_id: p.one("address_id").to_owned(),
            email: p.one("email").to_owned(),
            device_id: p.one("device_id").to_owned(),
            account_id: p.one("account_id").to_owned(),
            first_name: p.one("first_name").to_owned(),
            last_name: p.one("last_name").to_owned(),
            phone: p.one("phone").to_owned(),
            description: p.one("description").to_owned(),
            media_url: p.one("media_url").to_owned(),
            attributes: p.attributes(),
        };
        let posted = state.store.open311_report(&key, &report).await?;
        Ok(Answer::ok(
            format,
            "service_requests",
            Node::List(
                "request",
                vec![Node::Obj(vec![
                    ("service_request_id", Node::text(posted.service_request_id)),
                    ("token", Node::text(posted.token)),
                    (
                        "service_notice",
                        Node::text(
                            "已收到，将由本市综治中心受理 / Received; the city's governance \
                             center will accept it",
                        ),
                    ),
                    ("account_id", Node::opt(&posted.account_id)),
                ])],
            ),
        ))
    }
    .await;
    Replied(format, result).into_response()
}
