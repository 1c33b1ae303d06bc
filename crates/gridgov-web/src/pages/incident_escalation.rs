//! How the incident page tells the escalation ladder: the rung it stands on, and what each of
//! the escalation pass's events says on the timeline.

use gridgov_core::escalation::Rung;

use super::time;
use crate::i18n::{IncidentTexts, Lang};

/// `网格议事会 · 第 2 次` / `网格议事会 · attempt 2`.
pub(super) fn rung_text(lang: Lang, r: &Rung) -> String {
    lang.pick(
        &format!("{} · 第 {} 次", r.name, r.attempt),
        &format!("{} · attempt {}", r.name, r.attempt),
    )
    .to_owned()
}

/// What an escalation event says beside its label: the rungs climbed from and to, the leader
/// named (or that none serves the area), the new due time.
pub(super) fn escalation_note(
    lang: Lang,
    it: &IncidentTexts,
    event: &serde_json::Value,
) -> Option<String> {
    let rung = |k: &str| {
        event
            .get(k)
            .and_then(|v| serde_json::from_value::<Rung>(v.clone()).ok())
    };
    let due = event
        .get("due_at")
        .and_then(|v| v.as_i64())
        .map(|at| format!("{} {}", it.due_at, time::minute(at)));
    let from = rung("from").map(|r| rung_text(lang, &r));
    let text = match event.get("kind").and_then(|k| k.as_str())? {
        "escalated" => {
            let to = rung_text(lang, &rung("to")?);
            Some(match from {
                Some(f) => format!("{f} → {to}"),
                None => to,
            })
        }
        "guarantor_assigned" => {
            let who = event
                .get("guarantor")
                .and_then(|g| g.get("name"))
                .and_then(|n| n.as_str())
                .map_or_else(|| it.no_guarantor.to_owned(), str::to_owned);
            Some(match from {
                Some(f) => format!("{f} → {}: {who}", it.guarantor),
                None => format!("{}: {who}", it.guarantor),
            })
        }
        "due_soon" | "overdue" => None,
        _ => return None,
    };
    Some(text.into_iter().chain(due).collect::<Vec<_>>().join(" · "))
}
