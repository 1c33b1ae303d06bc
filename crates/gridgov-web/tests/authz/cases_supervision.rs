//! Supervision's routes, each with its authorization case: reminders, cards, extensions and
//! listed supervision on district A's incident are judged by the store's rules (a higher center
//! only, the addressee only, the dispatching center only); district B's incident and card are
//! not found, and a list naming B's incident is refused naming it.

use serde_json::json;

use super::case::{Case, Ctx, Outside, Send, Target, need::*};

fn listed_json(c: &Ctx) -> Send {
    Send::json(json!({
        "incidents": [format!("{}/{}", c.side.county, c.side.incident)],
        "colour": "yellow",
        "due_days": "3",
        "note": "挂牌督办",
    }))
}

fn listed_form(c: &Ctx) -> Send {
    let key = format!("{}/{}", c.side.county, c.side.incident);
    Send {
        query: String::new(),
        body: super::case::Body::Form(vec![
            ("incidents".into(), key),
            ("colour".into(), "yellow".into()),
            ("due_days".into(), "3".into()),
            ("note".into(), "挂牌督办".into()),
        ]),
    }
}

pub fn cases() -> Vec<Case> {
    use Target::*;
    const NO_EXTENSION: &[(&str, &str)] = &[("extension", "00000000-0000-0000-0000-000000000000")];
    vec![
        // The desk.
        Case::get("/supervision", VIEW_INCIDENTS, Side)
            .outside(Outside::Filtered)
            .send(|_| Send::query(&[("view", "all")])),
        Case::post("/supervision/listed", VIEW_INCIDENTS, Side)
            .outside(Outside::Refused)
            .send(listed_form),
        Case::get("/supervision/cards/{county}/{id}", VIEW_INCIDENTS, Card),
        Case::post(
            "/supervision/cards/{county}/{id}/actions",
            VIEW_INCIDENTS,
            Card,
        )
        .send(|_| Send::form(&[("action", "reply"), ("version", "1"), ("text", "已整改")])),
        Case::post("/incidents/{county}/{id}/remind", VIEW_INCIDENTS, Incident)
            .send(|_| Send::form(&[("note", "请加快办理")])),
        Case::post("/incidents/{county}/{id}/cards", VIEW_INCIDENTS, Incident).send(|_| {
            Send::form(&[
                ("colour", "yellow"),
                ("due_days", "3"),
                ("note", "限期回复"),
            ])
        }),
        Case::post(
            "/incidents/{county}/{id}/extensions",
            VIEW_INCIDENTS,
            Incident,
        )
        .send(|_| Send::form(&[("days", "2"), ("reason", "等待材料到货")])),
        Case::post(
            "/incidents/{county}/{id}/extensions/{extension}",
            VIEW_INCIDENTS,
            Incident,
        )
        .fixed(NO_EXTENSION)
        .send(|_| Send::form(&[("decision", "grant")])),
        // The API.
        Case::get("/api/v1/supervision", VIEW_INCIDENTS, Side)
            .outside(Outside::Filtered)
            .send(|_| Send::query(&[("view", "all")])),
        Case::post("/api/v1/supervision/listed", VIEW_INCIDENTS, Side)
            .outside(Outside::Refused)
            .send(listed_json),
        Case::get(
            "/api/v1/supervision/cards/{county}/{id}",
            VIEW_INCIDENTS,
            Card,
        ),
        Case::post(
            "/api/v1/supervision/cards/{county}/{id}/actions",
            VIEW_INCIDENTS,
            Card,
        )
        .send(|_| Send::json(json!({"action": "reply", "version": 1, "text": "已整改"}))),
        Case::post(
            "/api/v1/incidents/{county}/{id}/reminders",
            VIEW_INCIDENTS,
            Incident,
        )
        .send(|_| Send::json(json!({"note": "请加快办理"}))),
        Case::post(
            "/api/v1/incidents/{county}/{id}/cards",
            VIEW_INCIDENTS,
            Incident,
        )
        .send(|_| Send::json(json!({"colour": "red", "due_days": "3", "note": "限期回复"}))),
        Case::post(
            "/api/v1/incidents/{county}/{id}/extensions",
            VIEW_INCIDENTS,
            Incident,
        )
        .send(|_| Send::json(json!({"days": "2", "reason": "等待材料到货"}))),
        Case::post(
            "/api/v1/incidents/{county}/{id}/extensions/{extension}",
            VIEW_INCIDENTS,
            Incident,
        )
        .fixed(NO_EXTENSION)
        .send(|_| Send::json(json!({"grant": true}))),
    ]
}
