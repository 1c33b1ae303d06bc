//! What callers send: a card, an action on a card, a listed supervision, an extension asked
//! for and its decision. Plain text fields, as forms and JSON bring them; core reads them.

use serde::Deserialize;

use crate::incidents::IncidentFilter;

/// A supervision card to issue.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CardInput {
    /// yellow, red or black (or 黄牌督办 …).
    pub colour: String,
    /// `center:<region code>` or `department:<id>`; empty for the center holding the incident.
    pub addressee: String,
    /// The deadline of the reply: working days, or a date (`due_date`), exactly one.
    pub due_days: String,
    pub due_date: String,
    /// What the card asks for.
    pub note: String,
}

/// An action on a card: reply, accept, send_back, close; at the version read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CardActionInput {
    pub action: String,
    pub version: i64,
    /// The written reply, or the reason a reply is sent back, or a note.
    pub text: String,
}

/// One card each on many incidents at once (挂牌督办), addressed to the center holding each:
/// the incidents named, or those the work list's filters give.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListedInput {
    /// `<county>/<id>` of each incident.
    pub incidents: Vec<String>,
    /// The work list's filters, when no incidents are named.
    pub filter: Option<IncidentFilter>,
    pub colour: String,
    pub due_days: String,
    pub due_date: String,
    pub note: String,
}

/// More time asked for on the caller's task.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExtensionInput {
    /// The task; empty for the caller's one live task.
    pub task_id: String,
    /// Extra working days, as typed.
    pub days: String,
    pub reason: String,
}

/// The dispatching center's decision on a request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExtensionDecision {
    pub grant: bool,
    pub note: String,
}
