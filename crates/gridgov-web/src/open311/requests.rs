//! The public reads: a jurisdiction's requests with the spec's filters, one request, and the
//! request a token stands for.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use gridgov_core::open311::{PublicStatus, WINDOW_MS, format_w3c, parse_w3c};
use gridgov_store::open311::{PublicRequest, RequestFilter};

use super::errors::{Open311Error, Replied};
use super::format::split;
use super::format::{Answer, Format, Node};
use super::params::{Params, jurisdiction};
use super::services::both;
use super::{admit, no_format};
use crate::app::AppState;
use crate::auth::client::ClientAddr;

fn date(q: &Params, name: &str) -> Result<Option<i64>, Open311Error> {
    match q.one(name) {
        "" => Ok(None),
        v => parse_w3c(v).map(Some).ok_or_else(|| {
            Open311Error::bad_request(
                name,
                format!("日期格式有误：{v}；应为 W3C 格式并带时区，如 2026-12-07T00:00:00+08:00"),
                format!(
                    "bad date {v}: use the W3C format with a time zone, e.g. 2026-12-07T00:00:00Z"
                ),
            )
        }),
    }
}

/// The filter of a list: the spec's arguments, the window narrowed to at most 90 days (the
/// most recent 90 when no date is given).
fn filter(q: &Params, now: i64) -> Result<RequestFilter, Open311Error> {
    let ids = q.list("service_request_id");
    let (start, end) = (date(q, "start_date")?, date(q, "end_date")?);
    let (start, end) = match (start, end) {
        (None, None) => (now - WINDOW_MS, now),
        (Some(s), None) => (s, s.saturating_add(WINDOW_MS)),
        (None, Some(e)) => (e.saturating_sub(WINDOW_MS), e),
        (Some(s), Some(e)) => (s, e),
    };
    if end < start {
        return Err(Open311Error::bad_request(
            "end_date",
            "end_date 早于 start_date",
            "end_date lies before start_date",
        ));
    }
    if end - start > WINDOW_MS {
        return Err(Open311Error::bad_request(
            "start_date",
            "start_date 与 end_date 相隔不能超过 90 天",
            "start_date and end_date may not span more than 90 days",
        ));
    }
    let mut statuses = Vec::new();
    for s in q.list("status") {
        match PublicStatus::parse(&s) {
            Some(p) if !statuses.contains(&p) => statuses.push(p),
            Some(_) => {}
            None => {
                return Err(Open311Error::bad_request(
                    "status",
                    format!("状态应为 open 或 closed，实为 {s}"),
                    format!("status must be open or closed, not {s}"),
                ));
            }
        }
    }
    Ok(RequestFilter {
        ids,
        service_codes: q.list("service_code"),
        start,
        end,
        statuses,
    })
}

fn node(r: PublicRequest) -> Node {
    Node::Obj(vec![
        ("service_request_id", Node::text(r.service_request_id)),
        ("status", Node::text(r.status)),
        (
            "status_notes",
            r.status_notes
                .map(|(zh, en)| Node::text(both(zh, en)))
                .unwrap_or(Node::Null),
        ),
        ("service_name", Node::text(r.service_name)),
        ("service_code", Node::text(r.service_code)),
        ("description", Node::text(r.description)),
        ("agency_responsible", Node::Null),
        ("service_notice", Node::Null),
        ("requested_datetime", Node::text(format_w3c(r.requested_at))),
        ("updated_datetime", Node::text(format_w3c(r.updated_at))),
        ("expected_datetime", Node::Null),
        ("address", Node::opt(&r.address)),
        ("address_id", Node::opt(&r.address_id)),
        ("zipcode", Node::Null),
        ("lat", r.lat.map(Node::Float).unwrap_or(Node::Null)),
        ("long", r.long.map(Node::Float).unwrap_or(Node::Null)),
        ("media_url", Node::opt(&r.media_url)),
    ])
}

pub async fn list(state: &AppState, q: &Params, format: Format) -> Result<Answer, Open311Error> {
    let j = jurisdiction(state, q).await?;
    let f = filter(q, state.store.now_ms())?;
    let found = state.store.open311_requests(&j, &f).await?;
    Ok(Answer::ok(
        format,
        "service_requests",
        Node::List("request", found.into_iter().map(node).collect()),
    ))
}

/// GeoReport v2 one service request.
#[utoipa::path(get, operation_id = "open311_request", tag = "open311",
    path = "/open311/v2/requests/{file}", security(()),
    params(("file" = String, Path, description = "<service_request_id>.json or .xml"),
        ("jurisdiction_id" = String, Query)),
    responses((status = 200, description = "[request]"),
        (status = 404, description = "Unknown request or jurisdiction")))]
pub async fn one(
    State(state): State<AppState>,
    addr: ClientAddr,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((id, format)) = split(&file) else {
        return no_format();
    };
    let result: Result<Answer, Open311Error> = async {
        admit(&state, addr)?;
        let q = Params::parse(query.as_deref().unwrap_or("").as_bytes());
        let j = jurisdiction(&state, &q).await?;
        let found = state.store.open311_request(&j, id).await?.ok_or_else(|| {
            Open311Error::not_found(
                "service_request_id",
                format!("本辖区没有请求 {id}"),
                format!("service_request_id {id} was not found in this jurisdiction"),
            )
        })?;
        Ok(Answer::ok(
            format,
            "service_requests",
            Node::List("request", vec![node(found)]),
        ))
    }
    .await;
    Replied(format, result).into_response()
}

/// GeoReport v2 service request id from a token.
#[utoipa::path(get, operation_id = "open311_token", tag = "open311",
    path = "/open311/v2/tokens/{file}", security(()),
    params(("file" = String, Path, description = "<token>.json or .xml"),
        ("jurisdiction_id" = String, Query)),
    responses((status = 200, description = "[{service_request_id, token}]"),
        (status = 404, description = "Unknown token or jurisdiction")))]
pub async fn token(
    State(state): State<AppState>,
    addr: ClientAddr,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((token, format)) = split(&file) else {
        return no_format();
    };
    let result: Result<Answer, Open311Error> = async {
        admit(&state, addr)?;
        let q = Params::parse(query.as_deref().unwrap_or("").as_bytes());
        let j = jurisdiction(&state, &q).await?;
        let (token, id) = state.store.open311_token(&j, token).await?.ok_or_else(|| {
            Open311Error::not_found(
                "token",
                format!("本辖区没有令牌 {token}"),
                format!("token {token} was not found in this jurisdiction"),
            )
        })?;
        Ok(Answer::ok(
            format,
            "service_requests",
            Node::List(
                "request",
                vec![Node::Obj(vec![
                    ("service_request_id", Node::text(id)),
                    ("token", Node::text(token)),
                ])],
            ),
        ))
    }
    .await;
    Replied(format, result).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_defaults_to_the_last_90_days_and_may_not_be_wider() {
        let now = 1_800_000_000_000;
        let f = filter(&Params::parse(b""), now).ok();
        assert_eq!(f.map(|f| (f.start, f.end)), Some((now - WINDOW_MS, now)));
        let wide = Params::parse(b"start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z");
        assert!(filter(&wide, now).is_err());
        let bad = Params::parse(b"start_date=2026-01-01");
        assert!(filter(&bad, now).is_err());
        let status = Params::parse(b"status=open,pending");
        assert!(filter(&status, now).is_err());
    }
}
