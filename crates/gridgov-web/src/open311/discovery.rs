//! Discovery: where the endpoint is, what it speaks, and how to get a key.

use super::format::{Answer, Format, Node};
use crate::app::AppState;

/// When this endpoint's behaviour last changed; clients compare it to notice.
const CHANGESET: &str = "2026-12-07T00:00:00+08:00";

pub fn answer(state: &AppState, format: Format) -> Answer {
    let base = state
        .config
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/');
    let endpoint = Node::Obj(vec![
        (
            "specification",
            Node::text("http://wiki.open311.org/GeoReport_v2"),
        ),
        ("url", Node::text(format!("{base}/open311/v2"))),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        (
            "formats",
            Node::List(
                "format",
                vec![Node::text("text/xml"), Node::text("application/json")],
            ),
        ),
    ]);
    Answer::ok(
        format,
        "discovery",
        Node::Obj(vec![
            ("changeset", Node::text(CHANGESET)),
            (
                "contact",
                Node::text(
                    "各市综治中心 / the comprehensive-governance center of each city; \
                     jurisdiction_id is the city's region code (e.g. 4202)",
                ),
            ),
            (
                "key_service",
                Node::text(
                    "api_key 由本市综治中心在工作台签发 / api_key is issued by the city's center \
                     from its desk",
                ),
            ),
            ("endpoints", Node::List("endpoint", vec![endpoint])),
        ]),
    )
}
