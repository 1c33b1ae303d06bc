//! The routes of regional settings, API and desk, each with its authorization case: a region of
//! district B is not found, for reading and for changing alike.

use serde_json::json;

use super::case::{Case, Send, Target, need::*};

const KIND: &[(&str, &str)] = &[("kind", "household_band")];

pub fn cases() -> Vec<Case> {
    use Target::*;
    vec![
        Case::get("/api/v1/regions/{code}/settings", VIEW_SETTINGS, Region),
        Case::put(
            "/api/v1/regions/{code}/settings/{kind}",
            MANAGE_SETTINGS,
            Region,
        )
        .fixed(KIND)
        .send(|_| Send::json(json!({"value": {"min": 200, "max": 400}, "version": 0}))),
        Case::delete(
            "/api/v1/regions/{code}/settings/{kind}",
            MANAGE_SETTINGS,
            Region,
        )
        .fixed(KIND)
        .send(|_| Send::query(&[("version", "1")])),
        Case::get("/regions/{code}/settings", VIEW_SETTINGS, Region),
        Case::post("/regions/{code}/settings/{kind}", MANAGE_SETTINGS, Region)
            .fixed(KIND)
            .send(|_| Send::form(&[("text", "200-400"), ("version", "0"), ("op", "save")])),
    ]
}
