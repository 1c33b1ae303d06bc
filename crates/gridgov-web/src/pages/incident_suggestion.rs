//! The suggestion on the incident page: what the text suggests where an operator accepts or
//! dispatches (the lead department comes preselected), and, once the action is taken, whether
//! the operator took it, recorded for the acceptance rate.

use gridgov_store::incidents::ActionInput;
use gridgov_store::suggestions::{CATEGORY, DEPARTMENT, Decision, IncidentSuggestion, Suggested};

use crate::app::AppState;
use crate::auth::PageUser;
use crate::i18n::Lang;

/// The lines shown above the action forms; none before the first training.
pub fn lines(lang: Lang, s: &IncidentSuggestion) -> Vec<String> {
    let line = |zh: &str, en: &str, items: &[Suggested]| {
        let listed: Vec<String> = items
            .iter()
            .map(|x| format!("{} {:.0}%", x.name, x.confidence * 100.0))
            .collect();
        format!("{}：{}", lang.pick(zh, en), listed.join(" · "))
    };
    let mut out = Vec::new();
    if !s.categories.is_empty() {
        out.push(line("建议分类", "Suggested category", &s.categories));
    }
    if !s.departments.is_empty() {
        out.push(line(
            "建议主办部门",
            "Suggested lead department",
            &s.departments,
        ));
    }
    out
}

/// Records what the operator did with the suggestion shown for an accept (the category the
/// incident is accepted under) or a dispatch (the lead department). The action stands whether
/// or not the record is written: a failure is logged.
pub async fn record(
    state: &AppState,
    u: &PageUser,
    county: &str,
    id: &str,
    category: &str,
    shown: &IncidentSuggestion,
    input: &ActionInput,
) {
    let decision = match input.action.as_str() {
        "accept" => shown.categories.first().map(|top| Decision {
            kind: CATEGORY.into(),
            suggested: top.code.clone(),
            confidence: top.confidence,
            chosen: category.to_owned(),
        }),
        "dispatch" if !input.dispatch.lead_department.is_empty() => {
            shown.departments.first().map(|top| Decision {
                kind: DEPARTMENT.into(),
                suggested: top.code.clone(),
                confidence: top.confidence,
                chosen: input.dispatch.lead_department.clone(),
            })
        }
        _ => None,
    };
    let Some(d) = decision else {
        return;
    };
    if let Err(e) = state
        .store
        .record_suggestion_decision(&u.actor, county, id, &d)
        .await
    {
        tracing::warn!(county, id, error = %e, "suggestion decision not recorded");
    }
}
