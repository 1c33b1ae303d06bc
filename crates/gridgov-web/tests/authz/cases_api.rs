//! The JSON API's routes for accounts, regions, users, the audit trail and the grid network,
//! each with its authorization case.

use gridgov_store::testing::PASSWORD;
use serde_json::json;

use super::case::{Access, Case, Outside, Send, Target, need::*};
use super::cases_pages::{OWN_INBOX, halves_geojson, new_grid_geojson};
use super::seed::{collection, square_feature};

pub fn cases() -> Vec<Case> {
    use Target::*;
    vec![
        Case::get(
            "/api/v1/openapi.json",
            Access::Public("the API's own description"),
            Side,
        ),
        Case::post(
            "/api/v1/auth/token",
            Access::Public("trades a password for a token"),
            Side,
        )
        .send(|_| Send::json(json!({"username": "nobody", "password": "wrong"}))),
        Case::post(
            "/api/v1/bridges/{bridge_id}/orders",
            Access::Public("a hotline's platform, trusted by the bridge's signature, not a user"),
            Side,
        )
        .fixed(&[("bridge_id", "a-bridge")])
        .send(|_| Send::json(json!({"no": "HS-MATRIX", "title": "未签名的工单"}))),
        Case::get("/api/v1/me", Access::Own, Side),
        Case::get("/api/v1/regions", VIEW_REGIONS, Side),
        Case::get("/api/v1/regions/{code}", VIEW_REGIONS, Region),
        Case::post("/api/v1/regions/boundaries", MANAGE_REGIONS, Side)
            .outside(Outside::Refused)
            .send(|c| {
                let (x0, y0, ..) = c.side.grid.square;
                // Far south of every grid, so no grid import is checked against it.
                let sq = (x0, y0 - 1.0, x0 + 0.01, y0 - 0.99);
                Send::geojson(collection(vec![square_feature(
                    json!({"code": c.side.outline_village}),
                    sq,
                )]))
            }),
        Case::get("/api/v1/users", VIEW_USERS, User)
            .outside(Outside::Filtered)
            .send(|c| Send::query(&[("search", &c.side.user.username)])),
        Case::post("/api/v1/users", MANAGE_USERS, Side)
            .outside(Outside::Refused)
            .send(|c| {
                Send::json(
                    json!({"username": format!("api-{}", c.n), "display_name": "新用户",
                    "role": "grid_worker", "scope": c.side.village, "password": PASSWORD}),
                )
            }),
        Case::get("/api/v1/users/{id}", VIEW_USERS, User),
        Case::patch("/api/v1/users/{id}", MANAGE_USERS, User).send(|c| {
            Send::json(
                json!({"display_name": format!("改名{}", c.n), "role": "grid_worker",
                "scope": c.side.village, "version": c.obj.version}),
            )
        }),
        Case::post("/api/v1/users/{id}/disable", MANAGE_USERS, User),
        Case::post("/api/v1/users/{id}/enable", MANAGE_USERS, User),
        Case::get("/api/v1/audit", VIEW_AUDIT, Side),
        Case::get("/api/v1/jobs", MANAGE_JOBS, Side),
        Case::get("/api/v1/jobs/{id}", MANAGE_JOBS, ImportJob),
        Case::post("/api/v1/jobs/{id}/retry", MANAGE_JOBS, FreshFailedJob),
        Case::get("/api/v1/notices", Access::Own, Side).outside(Outside::NotApplicable(OWN_INBOX)),
        Case::get("/api/v1/notices/unread", Access::Own, Side)
            .outside(Outside::NotApplicable(OWN_INBOX)),
        Case::post("/api/v1/notices/read-all", Access::Own, Side)
            .outside(Outside::NotApplicable(OWN_INBOX)),
        Case::post("/api/v1/notices/{id}/read", Access::Own, FreshNotice),
        Case::get("/api/v1/grids", VIEW_GRIDS, Side)
            .outside(Outside::NotFound)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::post("/api/v1/grids", MANAGE_GRIDS, Side)
            .outside(Outside::Refused)
            .send(|c| {
                Send::json(
                    json!({"region": c.side.village, "code": format!("N{}", c.n),
                    "name": "新网格", "household_target": 400}),
                )
            }),
        Case::get("/api/v1/grids/counts", VIEW_GRIDS, Side)
            .outside(Outside::NotFound)
            .send(|c| Send::query(&[("region", c.side.village)])),
        // A point in a grid elsewhere answers "outside every grid", like a point in no grid.
        Case::get("/api/v1/grids/locate", VIEW_GRIDS, Grid)
            .outside(Outside::Filtered)
            .send(|c| {
                let (x0, y0, x1, y1) = c.side.grid.square;
                Send::query(&[
                    ("lng", &((x0 + x1) / 2.0).to_string()),
                    ("lat", &((y0 + y1) / 2.0).to_string()),
                ])
            }),
        Case::get("/api/v1/grids/boundaries", VIEW_GRIDS, Side)
            .outside(Outside::NotFound)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::post("/api/v1/grids/boundaries", MANAGE_GRIDS, Side)
            .outside(Outside::Refused)
            .send(|c| Send::geojson(new_grid_geojson(c)).with_query(&[("allow_gaps", "true")])),
        Case::post("/api/v1/grids/merge", MANAGE_GRIDS, FreshGridPair)
            .outside(Outside::Refused)
            .send(|c| {
                Send::json(json!({"ids": c.obj.grids, "code": format!("M{}", c.n),
                    "name": "合并网格"}))
            }),
        Case::post("/api/v1/grids/one-per-village", MANAGE_GRIDS, Side)
            .outside(Outside::Refused)
            .send(|c| Send::json(json!({"region": c.side.township, "household_target": 400}))),
        Case::get("/api/v1/grids/{id}", VIEW_GRIDS, Grid),
        Case::patch("/api/v1/grids/{id}", MANAGE_GRIDS, Grid).send(|c| {
            Send::json(json!({"name": format!("改名{}", c.n), "version": c.obj.version}))
        }),
        Case::post("/api/v1/grids/{id}/retire", MANAGE_GRIDS, FreshGrid)
            .send(|c| Send::json(json!({"reason": "撤并", "version": c.obj.version}))),
        Case::post("/api/v1/grids/{id}/split", MANAGE_GRIDS, FreshBoundedGrid)
            .send(|c| Send::geojson(halves_geojson(c))),
        Case::get("/api/v1/grids/{id}/staff", VIEW_GRIDS, Grid),
        Case::post("/api/v1/grids/{id}/staff", MANAGE_STAFF, FreshGrid).send(|c| {
            Send::json(json!({"username": c.home.staff.username, "duty": "grid_worker"}))
        }),
        Case::delete(
            "/api/v1/grids/{id}/staff/{user_id}/{duty}",
            MANAGE_STAFF,
            FreshStaffedGrid,
        )
        .fixed(&[("duty", "grid_worker")]),
        Case::get("/api/v1/grids/{id}/micro-grids", VIEW_GRIDS, Grid),
        Case::post("/api/v1/grids/{id}/micro-grids", MANAGE_GRIDS, Grid).send(|c| {
            Send::json(json!({"code": format!("W{}", c.n), "name": "微网格", "buildings": "2 栋"}))
        }),
        Case::delete(
            "/api/v1/grids/{id}/micro-grids/{code}",
            MANAGE_GRIDS,
            FreshMicroGrid,
        )
        .fixed(&[("code", "M1")]),
        Case::post("/api/v1/grids/{id}/police", MANAGE_GRIDS, FreshGrid)
            .send(|c| Send::json(json!({"officer": c.home.officer.username}))),
        Case::delete("/api/v1/grids/{id}/police", UNPAIR, FreshPairedGrid),
        Case::get(
            "/api/v1/grid-cards/{region_code}/{code}",
            Access::Public("the grid's card behind the QR code at its service station"),
            GridCard,
        ),
        Case::post("/api/v1/incidents", REPORT_INCIDENTS, Side)
            .outside(Outside::Refused)
            .send(|c| {
                Send::json(
                    json!({"title": format!("井盖缺失{}", c.n), "category": "99",
                    "grid_id": c.side.grid.id}),
                )
            }),
        Case::post("/api/v1/incidents/duplicates", VIEW_INCIDENTS, Side)
            .outside(Outside::Refused)
            .send(|c| {
                Send::json(
                    json!({"title": format!("井盖缺失{}", c.n), "category": "99",
                    "grid_id": c.side.grid.id}),
                )
            }),
        Case::get("/api/v1/incidents", VIEW_INCIDENTS, Side)
            .outside(Outside::Filtered)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::get("/api/v1/incidents/export", VIEW_INCIDENTS, Side)
            .outside(Outside::Filtered)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::get("/api/v1/incidents/{county}/{id}", VIEW_INCIDENTS, Incident),
        Case::get(
            "/api/v1/incidents/{county}/{id}/suggestion",
            VIEW_INCIDENTS,
            Incident,
        ),
        Case::get("/api/v1/suggestions/acceptance", VIEW_INCIDENTS, Side).outside(
            Outside::NotApplicable(
                "the rate of the caller's own scope; the request names no place",
            ),
        ),
        Case::post(
            "/api/v1/incidents/{county}/{id}/actions",
            VIEW_INCIDENTS,
            Incident,
        )
        .send(|c| {
            Send::json(json!({"action": "comment", "note": "已知悉", "version": c.obj.version}))
        }),
    ]
}
