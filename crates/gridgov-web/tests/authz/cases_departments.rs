//! The routes of departments and the category tree, API and desk, each with its authorization
//! case. A department of district B is not found from district A; the category tree is one for
//! the whole deployment, so its records are shared.

use serde_json::json;

use super::case::{Case, Ctx, Outside, Send, Target, need::*};

const TREE_IS_SHARED: &str = "the category tree is one for the whole deployment";

fn department(c: &Ctx) -> serde_json::Value {
    json!({"name": format!("{}部门{}", c.side.label, c.n), "sector": "城管",
        "region_code": c.side.county, "phone": "0714-6251234"})
}

fn version(c: &Ctx) -> Send {
    Send::json(json!({"version": c.obj.version}))
}

fn version_form(c: &Ctx) -> Send {
    Send::form(&[("version", &c.obj.version.to_string())])
}

/// A new category under a class of its own per door (API, desk), so the two never collide.
fn new_code(parent: &str, c: &Ctx) -> String {
    format!("{parent}{:02}", 10 + c.n % 80)
}

pub fn cases() -> Vec<Case> {
    use Target::*;
    vec![
        Case::get("/api/v1/departments", VIEW_DEPARTMENTS, Side)
            .outside(Outside::NotFound)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::post("/api/v1/departments", MANAGE_DEPARTMENTS, Side)
            .outside(Outside::Refused)
            .send(|c| Send::json(department(c))),
        Case::get("/api/v1/departments/{id}", VIEW_DEPARTMENTS, Department),
        Case::patch("/api/v1/departments/{id}", MANAGE_DEPARTMENTS, Department).send(|c| {
            let mut body = department(c);
            body["version"] = json!(c.obj.version);
            body["region_code"] = json!("");
            Send::json(body)
        }),
        Case::post(
            "/api/v1/departments/{id}/deactivate",
            MANAGE_DEPARTMENTS,
            FreshDepartment,
        )
        .send(version),
        Case::post(
            "/api/v1/departments/{id}/activate",
            MANAGE_DEPARTMENTS,
            FreshDepartment,
        )
        .send(version),
        Case::get(
            "/api/v1/departments/{id}/members",
            VIEW_DEPARTMENTS,
            Department,
        ),
        Case::post(
            "/api/v1/departments/{id}/members",
            MANAGE_DEPARTMENTS,
            FreshDepartment,
        )
        .send(|c| Send::json(json!({"username": c.home.free_handler.username}))),
        Case::delete(
            "/api/v1/departments/{id}/members/{user_id}",
            MANAGE_DEPARTMENTS,
            FreshMember,
        ),
        Case::get("/api/v1/incident-categories", VIEW_CATEGORIES, Side),
        Case::post("/api/v1/incident-categories", MANAGE_CATEGORIES, Side).send(|c| {
            Send::json(
                json!({"code": new_code("09", c), "name": format!("分类{}", c.n),
                "sectors": ["公安"]}),
            )
        }),
        Case::get(
            "/api/v1/incident-categories/{code}",
            VIEW_CATEGORIES,
            Category,
        )
        .outside(Outside::Shared(TREE_IS_SHARED)),
        Case::patch(
            "/api/v1/incident-categories/{code}",
            MANAGE_CATEGORIES,
            Category,
        )
        .outside(Outside::Shared(TREE_IS_SHARED))
        .send(|c| {
            Send::json(
                json!({"version": c.obj.version, "name": format!("分类{}", c.n),
                "sectors": ["urban_management"], "evidence_required": true}),
            )
        }),
        Case::post(
            "/api/v1/incident-categories/{code}/deactivate",
            MANAGE_CATEGORIES,
            Category,
        )
        .outside(Outside::Shared(TREE_IS_SHARED))
        .send(version),
        Case::post(
            "/api/v1/incident-categories/{code}/activate",
            MANAGE_CATEGORIES,
            Category,
        )
        .outside(Outside::Shared(TREE_IS_SHARED))
        .send(version),
        Case::get("/departments", VIEW_DEPARTMENTS, Side)
            .outside(Outside::NotFound)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::post("/departments", MANAGE_DEPARTMENTS, Side)
            .outside(Outside::Refused)
            .send(|c| {
                Send::form(&[
                    ("name", &format!("{}部门{}", c.side.label, c.n)),
                    ("sector", "urban_management"),
                    ("region_code", c.side.county),
                    ("phone", ""),
                ])
            }),
        Case::get("/departments/new", MANAGE_DEPARTMENTS, Side),
        Case::get("/departments/{id}", VIEW_DEPARTMENTS, Department),
        Case::post("/departments/{id}", MANAGE_DEPARTMENTS, Department).send(|c| {
            Send::form(&[
                ("name", &format!("{}部门{}", c.side.label, c.n)),
                ("sector", "justice"),
                ("region_code", ""),
                ("phone", ""),
                ("version", &c.obj.version.to_string()),
            ])
        }),
        Case::post(
            "/departments/{id}/deactivate",
            MANAGE_DEPARTMENTS,
            FreshDepartment,
        )
        .send(version_form),
        Case::post(
            "/departments/{id}/activate",
            MANAGE_DEPARTMENTS,
            FreshDepartment,
        )
        .send(version_form),
        Case::post(
            "/departments/{id}/members",
            MANAGE_DEPARTMENTS,
            FreshDepartment,
        )
        .send(|c| Send::form(&[("username", &c.home.free_handler.username)])),
        Case::post(
            "/departments/{id}/members/remove",
            MANAGE_DEPARTMENTS,
            FreshMember,
        )
        .send(|c| Send::form(&[("user_id", c.obj.param("user_id").unwrap_or_default())])),
        Case::get("/categories", VIEW_CATEGORIES, Side),
        Case::post("/categories", MANAGE_CATEGORIES, Side).send(|c| {
            Send::form(&[
                ("code", &new_code("10", c)),
                ("name", &format!("分类{}", c.n)),
                ("default_grade", "general"),
                ("sectors", "civil_affairs"),
                ("public", "1"),
            ])
        }),
        Case::get("/categories/{code}", VIEW_CATEGORIES, Category)
            .outside(Outside::Shared(TREE_IS_SHARED)),
        Case::post("/categories/{code}", MANAGE_CATEGORIES, Category)
            .outside(Outside::Shared(TREE_IS_SHARED))
            .send(|c| {
                Send::form(&[
                    ("name", &format!("分类{}", c.n)),
                    ("default_grade", "general"),
                    ("sectors", "urban_management"),
                    ("evidence_required", "1"),
                    ("public", "1"),
                    ("version", &c.obj.version.to_string()),
                ])
            }),
        Case::post("/categories/{code}/deactivate", MANAGE_CATEGORIES, Category)
            .outside(Outside::Shared(TREE_IS_SHARED))
            .send(version_form),
        Case::post("/categories/{code}/activate", MANAGE_CATEGORIES, Category)
            .outside(Outside::Shared(TREE_IS_SHARED))
            .send(version_form),
    ]
}
