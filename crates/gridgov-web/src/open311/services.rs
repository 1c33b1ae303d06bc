//! The service list of a jurisdiction and one service's definition.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use gridgov_core::open311::ATTRIBUTES;

use super::errors::{Open311Error, Replied};
use super::format::split;
use super::format::{Answer, Format, Node};
use super::params::{Params, jurisdiction};
use super::{admit, no_format};
use crate::app::AppState;
use crate::auth::client::ClientAddr;

/// Both languages in one string, as every text of these answers.
pub fn both(zh: &str, en: &str) -> String {
    if en.is_empty() || zh == en {
        zh.to_owned()
    } else {
        format!("{zh} / {en}")
    }
}

pub async fn list(state: &AppState, q: &Params, format: Format) -> Result<Answer, Open311Error> {
    let j = jurisdiction(state, q).await?;
    let services = state.store.open311_services(&j.region_code).await?;
    let items = services
        .into_iter()
        .map(|s| {
            Node::Obj(vec![
                ("service_code", Node::text(s.service_code)),
                ("service_name", Node::text(s.name)),
                ("description", Node::opt(&s.description)),
                // Every service has the attributes of its definition.
                ("metadata", Node::Bool(true)),
                ("type", Node::text("realtime")),
                ("keywords", Node::opt(&s.keywords)),
                ("group", Node::opt(&s.group_name)),
            ])
        })
        .collect();
    Ok(Answer::ok(format, "services", Node::List("service", items)))
}

/// GeoReport v2 service definition.
#[utoipa::path(get, operation_id = "open311_service_definition", tag = "open311",
    path = "/open311/v2/services/{file}", security(()),
    params(("file" = String, Path, description = "<service_code>.json or .xml"),
        ("jurisdiction_id" = String, Query)),
    responses((status = 200, description = "{service_code, attributes}"),
        (status = 404, description = "Unknown service code or jurisdiction")))]
pub async fn definition(
    State(state): State<AppState>,
    addr: ClientAddr,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((code, format)) = split(&file) else {
        return no_format();
    };
    let result: Result<Answer, Open311Error> = async {
        admit(&state, addr)?;
        let q = Params::parse(query.as_deref().unwrap_or("").as_bytes());
        let j = jurisdiction(&state, &q).await?;
        let services = state.store.open311_services(&j.region_code).await?;
        if !services.iter().any(|s| s.service_code == code) {
            return Err(Open311Error::not_found(
                "service_code",
                format!("本辖区没有服务代码 {code}"),
                format!("service_code {code} was not found in this jurisdiction"),
            ));
        }
        let attributes = ATTRIBUTES
            .iter()
            .map(|a| {
                Node::Obj(vec![
                    ("variable", Node::Bool(true)),
                    ("code", Node::text(a.code)),
                    ("datatype", Node::text(a.datatype)),
                    ("required", Node::Bool(a.required)),
                    (
                        "datatype_description",
                        if a.datatype == "datetime" {
                            Node::text("W3C, e.g. 2026-12-07T09:30:00+08:00")
                        } else {
                            Node::Null
                        },
                    ),
                    ("order", Node::Int(i64::from(a.order))),
                    (
                        "description",
                        Node::text(both(a.description_zh, a.description_en)),
                    ),
                ])
            })
            .collect();
        Ok(Answer::ok(
            format,
            "service_definition",
            Node::Obj(vec![
                ("service_code", Node::text(code)),
                ("attributes", Node::List("attribute", attributes)),
            ]),
        ))
    }
    .await;
    Replied(format, result).into_response()
}
