//! Cards and extension requests as stored and as shown.

use serde::Serialize;

/// The card columns every read selects, for the alias `c`.
pub(crate) const CARD_COLUMNS: &str = "c.county_code, c.id, c.incident_id, c.colour, c.state, \
     c.issuer_id, c.issuer_path, c.addressee_type, c.addressee_id, c.addressee_path, c.note, \
     c.due_at, c.reply, c.replied_by, c.replied_at, c.sent_back_count, c.decided_by, \
     c.decided_at, c.decision_note, c.batch_id, c.version, c.created_at, c.updated_at, \
     COALESCE(d.name, r.name, c.addressee_id) AS addressee_name";

/// The joins that name a card's addressee, for [`CARD_COLUMNS`].
pub(crate) const CARD_JOINS: &str = "LEFT JOIN departments d ON c.addressee_type = 'department' \
     AND d.id = c.addressee_id \
     LEFT JOIN regions r ON c.addressee_type = 'center' AND r.code = c.addressee_id";

/// One supervision card (督办单).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CardView {
    pub county_code: String,
    pub id: String,
    pub incident_id: String,
    /// yellow, red, black
    pub colour: String,
    /// issued, replied, accepted, closed
    pub state: String,
    pub issuer_id: String,
    pub issuer_path: String,
    /// center or department
    pub addressee_type: String,
    /// A region code (center) or a department id.
    pub addressee_id: String,
    pub addressee_path: String,
    /// The department's or the region's name.
    pub addressee_name: String,
    pub note: String,
    pub due_at: i64,
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<i64>,
    pub sent_back_count: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    /// The listed supervision (挂牌督办) it came with.
    pub batch_id: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Waiting for a reply past its deadline; worked out when read.
    #[sqlx(skip)]
    pub overdue: bool,
}

/// A card on the desk, with the incident it presses on.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CardListItem {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub card: CardView,
    pub incident_number: String,
    pub incident_title: String,
    pub incident_state: String,
}

/// The extension columns, for the alias `x`.
pub(crate) const EXTENSION_COLUMNS: &str = "x.county_code, x.id, x.incident_id, x.task_id, \
     x.days, x.reason, x.state, x.asked_by, x.asked_at, x.decided_by, x.decided_at, x.note, \
     x.due_before, x.due_after";

/// One request for more time on a task (延期申请).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExtensionView {
    pub county_code: String,
    pub id: String,
    pub incident_id: String,
    pub task_id: String,
    pub days: i64,
    pub reason: String,
    /// pending, granted, refused
    pub state: String,
    pub asked_by: String,
    pub asked_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub note: Option<String>,
    pub due_before: Option<i64>,
    pub due_after: Option<i64>,
}
