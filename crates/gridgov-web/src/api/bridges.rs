//! The inbound door of the 12345 hotline and 110 police bridges: an order, signed with the
//! bridge's shared secret, becomes an incident of the bridge's region once per external order
//! number. No user is behind it: the signature is the authentication (see
//! `crate::bridges::signature` for its form), so a bad one is 401, and a body that does not
//! read through the bridge's mapping is 400; neither stores anything.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gridgov_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::bridges::{SIGNATURE_HEADER, TIMESTAMP_HEADER, verify};
use crate::error::{AppError, ErrorBody, respond};
use crate::routes::Routes;

pub fn router() -> Routes {
    Routes::new().post("/api/v1/bridges/{bridge_id}/orders", receive)
}

/// The answer to an order, the same for every delivery of it.
#[derive(Serialize, ToSchema)]
pub struct OrderReceived {
    pub bridge: String,
    /// The external order number, as sent.
    pub order_no: String,
    pub county_code: String,
    pub incident_id: String,
    /// The incident's number (事件编号), for the hotline's records.
    pub incident_number: String,
}

fn bad_order(
    code: &'static str,
    zh: &str,
    en: &str,
    fields: Vec<gridgov_core::FieldError>,
) -> Response {
    let mut b = ErrorBody::new(code, zh, en);
    b.fields = fields;
    respond(StatusCode::BAD_REQUEST, b)
}

#[utoipa::path(post, operation_id = "receive_bridge_order", tag = "bridges",
    path = "/api/v1/bridges/{bridge_id}/orders",
    params(("bridge_id" = String, Path, description = "The bridge's id, as configured on the desk"),
        ("X-Gridgov-Timestamp" = String, Header, description = "Unix seconds; within five minutes of the server's clock"),
        ("X-Gridgov-Signature" = String, Header, description = "sha256= and the hex HMAC-SHA256 of timestamp.body under the bridge's secret")),
    request_body(content = serde_json::Value, description = "The external system's order, read through the bridge's field mapping"),
    responses((status = 200, body = OrderReceived, description = "Reported; a repeated delivery answers the same and stores nothing"),
        (status = 400, body = ErrorBody, description = "Not JSON, or not readable through the mapping (the fields at fault are named); nothing stored"),
        (status = 401, body = ErrorBody, description = "Signature or timestamp missing, wrong or outside the window; nothing stored"),
        (status = 404, body = ErrorBody, description = "No active bridge with this id")),
    security(()))]
pub async fn receive(
    State(state): State<AppState>,
    Path(bridge_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let door = state.store.bridge_door(&bridge_id).await?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let now_secs = state.store.now_ms().div_euclid(1000);
    if let Err(fault) = verify(
        &door.secret,
        header(TIMESTAMP_HEADER),
        header(SIGNATURE_HEADER),
        &body,
        now_secs,
    ) {
        let b = ErrorBody::new(fault.code(), fault.zh(), fault.en());
        return Ok(respond(StatusCode::UNAUTHORIZED, b));
    }
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return Ok(bad_order(
                "bad_json",
                &format!("工单不是有效的 JSON：{e}"),
                &format!("the order is not valid JSON: {e}"),
                Vec::new(),
            ));
        }
    };
    let order = match door.mapping.apply(&value) {
        Ok(o) => o,
        Err(inv) => {
            return Ok(bad_order(
                "mapping_mismatch",
                "工单与字段映射不符",
                "the order does not match the bridge's field mapping",
                inv.0,
            ));
        }
    };
    match state.store.receive_order(&door, &order).await {
        Ok(r) => Ok(Json(OrderReceived {
            bridge: r.bridge,
            order_no: r.order_no,
            county_code: r.county_code,
            incident_id: r.incident_id,
            incident_number: r.incident_number,
        })
        .into_response()),
        // The order read, but the report refused what it says (a category the tree does not
        // have, a place outside every grid of the region): the sender's data, so 400.
        Err(StoreError::Invalid(inv)) => Ok(bad_order(
            "order_refused",
            "工单内容无法登记为事件",
            "the order cannot be reported as an incident",
            inv.0,
        )),
        Err(e) => Err(e.into()),
    }
}
