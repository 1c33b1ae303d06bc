//! The incident desk and the attachment routes, each with its authorization case: the work
//! lists filter to the caller's doors, a report naming district B's grid is refused as an
//! unknown one, district B's incident and its photo are not found.

use super::case::{Body, Case, Ctx, Outside, Send, Target, need::*};

fn report(c: &Ctx) -> Send {
    let text = |s: &str| s.as_bytes().to_vec();
    Send {
        query: String::new(),
        body: Body::Multipart(vec![
            ("title".into(), None, text(&format!("井盖缺失{}", c.n))),
            ("category".into(), None, text("99")),
            ("grid_id".into(), None, text(&c.side.grid.id)),
        ]),
    }
}

fn comment(c: &Ctx) -> Send {
    Send {
        query: String::new(),
        body: Body::Multipart(vec![
            ("action".into(), None, b"comment".to_vec()),
            (
                "version".into(),
                None,
                c.obj.version.to_string().into_bytes(),
            ),
            ("note".into(), None, "已知悉".as_bytes().to_vec()),
        ]),
    }
}

fn photo(_: &Ctx) -> Send {
    Send {
        query: String::new(),
        body: Body::Multipart(vec![(
            "files".into(),
            Some("现场.png".into()),
            gridgov_store::testing::images::png(32, 24),
        )]),
    }
}

pub fn cases() -> Vec<Case> {
    use Target::*;
    vec![
        Case::get("/incidents", VIEW_INCIDENTS, Side)
            .outside(Outside::Filtered)
            .send(|c| Send::query(&[("region", c.side.village), ("list", "all")])),
        Case::get("/incidents/new", REPORT_INCIDENTS, Side),
        Case::post("/incidents/new", REPORT_INCIDENTS, Side)
            .outside(Outside::Refused)
            .send(report),
        Case::get("/incidents/{county}/{id}", VIEW_INCIDENTS, Incident),
        Case::post("/incidents/{county}/{id}/actions", VIEW_INCIDENTS, Incident).send(comment),
        Case::get("/attachments/{id}", VIEW_INCIDENTS, Attachment),
        Case::get("/attachments/{id}/thumb", VIEW_INCIDENTS, Attachment),
        Case::post("/api/v1/attachments", VIEW_INCIDENTS, Side).send(photo),
        Case::get("/api/v1/attachments/{id}", VIEW_INCIDENTS, Attachment),
        Case::get(
            "/api/v1/attachments/{id}/content",
            VIEW_INCIDENTS,
            Attachment,
        ),
        Case::get("/api/v1/attachments/{id}/thumb", VIEW_INCIDENTS, Attachment),
    ]
}
