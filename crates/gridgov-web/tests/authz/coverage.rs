//! The case list against the code: every route the router serves (from the route table it is
//! built from) and every operation the OpenAPI document describes must have a case, and every
//! case must name a route that exists. A route added without a case fails here, by name.

use std::collections::BTreeSet;

use gridgov_web::{ApiDoc, route_table};
use utoipa::OpenApi;

use super::case::Case;

/// The document's operations as "METHOD /path".
fn documented() -> BTreeSet<String> {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in [
            "get", "put", "post", "delete", "patch", "head", "options", "trace",
        ] {
            if item.get(method).is_some() {
                ops.insert(format!("{} {path}", method.to_ascii_uppercase()));
            }
        }
    }
    ops
}

/// Routes of the API that the document does not describe, on purpose.
const UNDOCUMENTED: &[&str] = &["GET /api/v1/openapi.json"];

/// Every fault of coverage, one line each; empty when the cases and the code agree.
pub fn faults(cases: &[Case]) -> Vec<String> {
    let served: BTreeSet<String> = route_table().iter().map(|r| r.to_string()).collect();
    let listed: BTreeSet<String> = cases.iter().map(Case::name).collect();
    let documented = documented();
    let mut faults = Vec::new();
    let mut seen = BTreeSet::new();
    for c in cases {
        if !seen.insert(c.name()) {
            faults.push(format!("route {} has two authorization cases", c.name()));
        }
    }
    for r in &served {
        if !listed.contains(r) {
            faults.push(format!("route {r} has no authorization case"));
        }
        if r.contains(" /api/") && !UNDOCUMENTED.contains(&r.as_str()) && !documented.contains(r) {
            faults.push(format!(
                "route {r} is served but not in the OpenAPI document"
            ));
        }
    }
    for op in &documented {
        if !served.contains(op) {
            faults.push(format!("documented operation {op} is not served"));
        }
        if !listed.contains(op) {
            faults.push(format!(
                "documented operation {op} has no authorization case"
            ));
        }
    }
    for c in &listed {
        if !served.contains(c) {
            faults.push(format!("case {c} names no route the app serves"));
        }
    }
    if route_table().len() != served.len() {
        faults.push("the route table lists a route twice".into());
    }
    faults
}
