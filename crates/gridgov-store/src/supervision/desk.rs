//! The supervision desk (督办台): every card in the caller's scope, through the incidents'
//! doors, by colour and state, with replies due, overdue and answered; and the addressee's
//! view, the cards waiting for the caller's own reply.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::incidents::is_center_role;
use gridgov_core::supervision::{CardColour, CardState};
use serde::{Deserialize, Serialize};

use super::rows::{CARD_COLUMNS, CARD_JOINS, CardListItem};
use super::seen::mark_overdue;
use crate::incidents::facts::caller_facts;
use crate::records::need;
use crate::scope::{BindScope, IncidentDoors};
use crate::{Store, StoreResult};

/// Which cards the desk shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeskView {
    /// Every card in the caller's scope.
    #[default]
    All,
    /// Cards addressed to the caller (their center or department) waiting for their reply.
    ToReply,
    /// Waiting for a reply, deadline not yet passed.
    Due,
    /// Waiting for a reply past the deadline.
    Overdue,
    /// Replied, waiting for the issuing side to accept or send back.
    Answered,
}

impl DeskView {
    pub const ALL: &'static [DeskView] = &[
        DeskView::All,
        DeskView::ToReply,
        DeskView::Due,
        DeskView::Overdue,
        DeskView::Answered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeskView::All => "all",
            DeskView::ToReply => "to_reply",
            DeskView::Due => "due",
            DeskView::Overdue => "overdue",
            DeskView::Answered => "answered",
        }
    }
}

/// The desk's filters; empty fields filter nothing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeskFilter {
    pub view: DeskView,
    /// yellow, red, black
    pub colour: String,
    /// issued, replied, accepted, closed
    pub state: String,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// How many cards stand where, in the caller's scope.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeskCounts {
    pub due: i64,
    pub overdue: i64,
    pub answered: i64,
    pub accepted: i64,
    pub closed: i64,
    /// Addressed to the caller and waiting for their reply.
    pub to_reply: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SupervisionDesk {
    pub cards: Vec<CardListItem>,
    pub counts: DeskCounts,
}

/// The most cards one page shows.
const PAGE_MAX: i64 = 200;

impl Store {
    /// The cards the caller sees, most pressing first (the earliest deadline), with counts.
    pub async fn supervision_desk(
        &self,
        actor: &Actor,
        f: &DeskFilter,
    ) -> StoreResult<SupervisionDesk> {
        need(actor, Permission::ViewIncidents)?;
        let colour = match f.colour.trim() {
            "" => None,
            c => Some(CardColour::parse("colour", c)?.as_str()),
        };
        let state = match f.state.trim() {
            "" => None,
            s => Some(CardState::parse("state", s)?.as_str()),
        };
        let now = self.now_ms();
        let mut conn = self.pool.acquire().await?;
        let caller = caller_facts(&mut conn, actor).await?;
        let doors = caller.doors(actor);
        // $1..$4 the doors, $5 now, $6 the caller's department, $7 their center's path ('' for
        // a role that is no center), $8 colour, $9 state.
        let base = format!(
            "FROM supervision_cards c {CARD_JOINS} \
             JOIN incidents i ON i.county_code = c.county_code AND i.id = c.incident_id \
             WHERE {}",
            doors.sql("i", 1)
        );
        let mine = "((c.addressee_type = 'department' AND c.addressee_id = $6) \
                    OR (c.addressee_type = 'center' AND c.addressee_path = $7))";
        let view = match f.view {
            DeskView::All => String::new(),
            DeskView::ToReply => format!(" AND c.state = 'issued' AND {mine}"),
            DeskView::Due => " AND c.state = 'issued' AND c.due_at >= $5".into(),
            DeskView::Overdue => " AND c.state = 'issued' AND c.due_at < $5".into(),
            DeskView::Answered => " AND c.state = 'replied'".into(),
        };
        let dept = caller.department_id.clone().unwrap_or_default();
        let center = if is_center_role(actor.role) {
            actor.scope.as_str().to_owned()
        } else {
            String::new()
        };
        let limit = f.limit.unwrap_or(50).clamp(1, PAGE_MAX);
        let offset = f.offset.unwrap_or(0).max(0);
        let sql = format!(
            "SELECT {CARD_COLUMNS}, i.number AS incident_number, i.title AS incident_title, \
             i.state AS incident_state {base}{view} \
             AND ($8 = '' OR c.colour = $8) AND ($9 = '' OR c.state = $9) \
             AND $5 = $5 AND $6 = $6 AND $7 = $7 \
             ORDER BY CASE WHEN c.state IN ('issued', 'replied') THEN 0 ELSE 1 END, c.due_at, c.id \
             LIMIT {limit} OFFSET {offset}"
        );
        let mut cards = sqlx::query_as::<_, CardListItem>(&sql)
            .bind_doors(&doors)
            .bind(now)
            .bind(&dept)
            .bind(&center)
            .bind(colour.unwrap_or(""))
            .bind(state.unwrap_or(""))
            .fetch_all(&mut *conn)
            .await?;
        for c in &mut cards {
            mark_overdue(&mut c.card, now)?;
        }
        let counts = counts(&mut conn, &base, mine, &doors, now, &dept, &center).await?;
        Ok(SupervisionDesk { cards, counts })
    }
}

/// The desk's counts in one statement.
async fn counts(
    conn: &mut sqlx::AnyConnection,
    base: &str,
    mine: &str,
    doors: &IncidentDoors,
    now: i64,
    dept: &str,
    center: &str,
) -> StoreResult<DeskCounts> {
    let n = |cond: &str| {
        format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)")
    };
    let sql = format!(
        "SELECT {}, {}, {}, {}, {}, {} {base} AND $5 = $5 AND $6 = $6 AND $7 = $7",
        n("c.state = 'issued' AND c.due_at >= $5"),
        n("c.state = 'issued' AND c.due_at < $5"),
        n("c.state = 'replied'"),
        n("c.state = 'accepted'"),
        n("c.state = 'closed'"),
        n(&format!("c.state = 'issued' AND {mine}")),
    );
    let (due, overdue, answered, accepted, closed, to_reply): (i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(&sql)
            .bind_doors(doors)
            .bind(now)
            .bind(dept)
            .bind(center)
            .fetch_one(&mut *conn)
            .await?;
    Ok(DeskCounts {
        due,
        overdue,
        answered,
        accepted,
        closed,
        to_reply,
    })
}
