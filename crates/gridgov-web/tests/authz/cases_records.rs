//! The JSON API's routes for base data, the one collection form and verification tasks, each
//! with its authorization case.

use serde_json::{Value, json};

use super::case::{Case, Ctx, Outside, Send, Target, need::*};
use super::city::id_no;
use super::seed::form_definition;

const FORMS_ARE_SHARED: &str =
    "forms serve the whole deployment; a department of district B registers them for all";

fn person(c: &Ctx) -> Value {
    json!({"grid_id": c.side.grid.id, "name": format!("新{}", c.n),
        "id_card_no": id_no(c.side.county, c.n), "residence_type": "户籍"})
}

fn edit(v: Value, version: i64) -> Send {
    let mut v = v;
    v["version"] = json!(version);
    Send::json(v)
}

fn version(c: &Ctx) -> Send {
    Send::query(&[("version", &c.obj.version.to_string())])
}

fn organization(c: &Ctx) -> Value {
    json!({"grid_id": c.side.grid.id, "name": format!("组织{}", c.n), "kind": "群防群治"})
}

fn place(c: &Ctx) -> Value {
    json!({"grid_id": c.side.grid.id, "name": format!("场所{}", c.n), "kind": "水域"})
}

fn camera(c: &Ctx) -> Value {
    let (x, y, ..) = c.side.grid.square;
    json!({"grid_id": c.side.grid.id, "code": format!("CAM-{}", c.n), "name": format!("探头{}", c.n),
        "lng": (x + 0.001).to_string(), "lat": (y + 0.001).to_string()})
}

fn house(c: &Ctx) -> Value {
    json!({"unit": "2", "number": format!("{}", 200 + c.n), "house_use": "出租"})
}

pub fn cases() -> Vec<Case> {
    use Target::*;
    vec![
        Case::get("/api/v1/forms", READ_FORMS, Side),
        Case::post("/api/v1/forms", MANAGE_FORMS, Side)
            .send(|c| Send::json(form_definition(&format!("k{}", c.n)))),
        Case::get("/api/v1/forms/{id}", READ_FORMS, Form)
            .outside(Outside::Shared(FORMS_ARE_SHARED)),
        Case::post("/api/v1/forms/{id}/versions", MANAGE_FORMS, Form)
            .outside(Outside::Shared(FORMS_ARE_SHARED))
            .send(|c| Send::json(form_definition(&c.obj.form_key))),
        Case::get("/api/v1/records/{kind}/{id}/forms", VIEW_BASE, RecordForm),
        Case::get(
            "/api/v1/records/{kind}/{id}/forms/{form_id}",
            VIEW_BASE,
            RecordForm,
        ),
        Case::put(
            "/api/v1/records/{kind}/{id}/forms/{form_id}",
            EDIT_BASE,
            RecordForm,
        )
        .send(|_| Send::json(json!({"values": {"living": "独居"}}))),
        Case::get("/api/v1/verification/comparisons", COMPARISONS, Side),
        Case::get("/api/v1/verification/tasks", VERIFY, Side),
        Case::get("/api/v1/verification/tasks/{id}", VERIFY, Task),
        Case::post("/api/v1/verification/tasks/{id}/claim", VERIFY, FreshTask),
        Case::post(
            "/api/v1/verification/tasks/{id}/release",
            VERIFY,
            FreshClaimedTask,
        ),
        Case::post(
            "/api/v1/verification/tasks/{id}/decision",
            VERIFY,
            FreshClaimedTask,
        )
        .send(|_| Send::json(json!({"decision": "keep_record", "note": "入户核实"}))),
        Case::get("/api/v1/persons", VIEW_BASE, Person)
            .outside(Outside::Filtered)
            .send(|c| Send::query(&[("q", &c.side.person_name)])),
        Case::post("/api/v1/persons", EDIT_BASE, Side)
            .outside(Outside::Refused)
            .send(|c| Send::json(person(c))),
        Case::post("/api/v1/persons/export", VIEW_BASE, Side)
            .outside(Outside::Refused)
            .send(|c| Send::json(json!({"region": c.side.village}))),
        Case::get("/api/v1/persons/{county}/{id}", VIEW_BASE, Person),
        Case::patch("/api/v1/persons/{county}/{id}", EDIT_BASE, Person).send(|c| {
            edit(
                json!({"name": format!("改名{}", c.n), "id_card_no": c.side.person_id_no,
                    "residence_type": "户籍"}),
                c.obj.version,
            )
        }),
        Case::delete("/api/v1/persons/{county}/{id}", EDIT_BASE, FreshPerson).send(version),
        Case::post("/api/v1/persons/{county}/{id}/houses", EDIT_BASE, Person)
            .send(|c| Send::json(json!({"house_id": c.side.house, "relation": "本人"}))),
        Case::delete(
            "/api/v1/persons/{county}/{id}/houses/{house_id}",
            EDIT_BASE,
            FreshLink,
        ),
        Case::post("/api/v1/persons/{county}/{id}/unmask", UNMASK, Person)
            .send(|_| Send::json(json!({"field": "id_card_no", "reason": "入户核查身份"}))),
        Case::post("/api/v1/buildings", EDIT_BASE, Side)
            .outside(Outside::Refused)
            .send(|c| {
                Send::json(
                    json!({"grid_id": c.side.grid.id, "code": format!("B{}", c.n),
                    "address": format!("新路{}号", c.n), "floors": "6"}),
                )
            }),
        Case::get("/api/v1/buildings/{county}/{id}", VIEW_BASE, Building),
        Case::patch("/api/v1/buildings/{county}/{id}", EDIT_BASE, Building).send(|c| {
            edit(
                json!({"code": "B1", "address": format!("改路{}号", c.n), "floors": "8"}),
                c.obj.version,
            )
        }),
        Case::delete("/api/v1/buildings/{county}/{id}", EDIT_BASE, FreshBuilding).send(version),
        Case::post(
            "/api/v1/buildings/{county}/{id}/houses",
            EDIT_BASE,
            Building,
        )
        .send(|c| Send::json(house(c))),
        Case::get("/api/v1/houses/{county}/{id}", VIEW_BASE, House),
        Case::patch("/api/v1/houses/{county}/{id}", EDIT_BASE, House).send(|c| {
            edit(
                json!({"unit": "1", "number": "101", "house_use": "出租"}),
                c.obj.version,
            )
        }),
        Case::delete("/api/v1/houses/{county}/{id}", EDIT_BASE, FreshHouse).send(version),
        Case::post("/api/v1/organizations", EDIT_BASE, Side)
            .outside(Outside::Refused)
            .send(|c| Send::json(organization(c))),
        Case::get(
            "/api/v1/organizations/{county}/{id}",
            VIEW_BASE,
            Organization,
        ),
        Case::patch(
            "/api/v1/organizations/{county}/{id}",
            EDIT_BASE,
            Organization,
        )
        .send(|c| edit(organization(c), c.obj.version)),
        Case::delete(
            "/api/v1/organizations/{county}/{id}",
            EDIT_BASE,
            FreshOrganization,
        )
        .send(version),
        Case::post("/api/v1/places", EDIT_BASE, Side)
            .outside(Outside::Refused)
            .send(|c| Send::json(place(c))),
        Case::get("/api/v1/places/{county}/{id}", VIEW_BASE, Place),
        Case::patch("/api/v1/places/{county}/{id}", EDIT_BASE, Place)
            .send(|c| edit(place(c), c.obj.version)),
        Case::delete("/api/v1/places/{county}/{id}", EDIT_BASE, FreshPlace).send(version),
        Case::post("/api/v1/cameras", EDIT_BASE, Side)
            .outside(Outside::Refused)
            .send(|c| Send::json(camera(c))),
        Case::get("/api/v1/cameras/{county}/{id}", VIEW_BASE, Camera),
        Case::patch("/api/v1/cameras/{county}/{id}", EDIT_BASE, Camera)
            .send(|c| edit(camera(c), c.obj.version)),
        Case::delete("/api/v1/cameras/{county}/{id}", EDIT_BASE, FreshCamera).send(version),
        Case::get("/api/v1/grids/{id}/buildings", VIEW_BASE, Grid),
        Case::get("/api/v1/grids/{id}/residents", VIEW_BASE, Grid),
        Case::get("/api/v1/grids/{id}/organizations", VIEW_BASE, Grid),
        Case::get("/api/v1/grids/{id}/places", VIEW_BASE, Grid),
        Case::get("/api/v1/grids/{id}/cameras", VIEW_BASE, Grid),
        Case::get("/api/v1/population-counts", VIEW_BASE, Side)
            .outside(Outside::NotFound)
            .send(|c| Send::query(&[("region", c.side.village)])),
        Case::get("/api/v1/unmask-log", VIEW_AUDIT, Side),
    ]
}
