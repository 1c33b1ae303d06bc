//! A card as the caller sees it: through the incident's doors, with the sides the caller stands
//! on and the actions open to them.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::incidents::is_center_role;
use gridgov_core::supervision::{CardSides, CardState, card_allowed, is_overdue};
use serde::Serialize;
use sqlx::AnyConnection;

use super::rows::{CARD_COLUMNS, CARD_JOINS, CardView};
use crate::incidents::facts::{CallerFacts, caller_facts, incident_in_doors, stored};
use crate::incidents::{IncidentView, TimelineEntry};
use crate::records::need;
use crate::scope::{BindScope, IncidentDoors};
use crate::{Store, StoreError, StoreResult};

/// A card with what its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct CardPage {
    pub card: CardView,
    pub incident: IncidentView,
    /// The card's own record: issued, replied, sent back, accepted, closed.
    pub timeline: Vec<TimelineEntry>,
    /// The card actions open to the caller now (reply, accept, send_back, close).
    pub allowed: Vec<String>,
}

/// A card by its key, if the caller sees its incident through one of their doors.
pub(super) async fn card_in_doors(
    conn: &mut AnyConnection,
    doors: &IncidentDoors,
    county: &str,
    id: &str,
) -> StoreResult<CardView> {
    sqlx::query_as::<_, CardView>(&format!(
        "SELECT {CARD_COLUMNS} FROM supervision_cards c {CARD_JOINS} \
         JOIN incidents i ON i.county_code = c.county_code AND i.id = c.incident_id \
         WHERE c.county_code = $1 AND c.id = $2 AND {}",
        doors.sql("i", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_doors(doors)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// A card read back after a write (the caller has just been let through its doors).
pub(super) async fn card_by_key(
    conn: &mut AnyConnection,
    county: &str,
    id: &str,
    now: i64,
) -> StoreResult<CardView> {
    let mut card = sqlx::query_as::<_, CardView>(&format!(
        "SELECT {CARD_COLUMNS} FROM supervision_cards c {CARD_JOINS} \
         WHERE c.county_code = $1 AND c.id = $2"
    ))
    .bind(county)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    mark_overdue(&mut card, now)?;
    Ok(card)
}

pub(super) fn state_of(card: &CardView) -> StoreResult<CardState> {
    stored(CardState::parse("state", &card.state))
}

pub(super) fn mark_overdue(card: &mut CardView, now: i64) -> StoreResult<()> {
    card.overdue = is_overdue(state_of(card)?, card.due_at, now);
    Ok(())
}

/// How the caller stands to a card: on the issuing side when a center role's scope is the
/// issuing center's or above it; addressed when they are the center it went to (a center role
/// of exactly that scope) or a handler of the department it went to.
pub(super) fn sides_of(actor: &Actor, caller: &CallerFacts, card: &CardView) -> CardSides {
    let center = is_center_role(actor.role);
    CardSides {
        issuer: center && actor.scope.contains(&card.issuer_path),
        addressee: match card.addressee_type.as_str() {
            "center" => center && actor.scope.as_str() == card.addressee_path,
            _ => caller.department_id.as_deref() == Some(card.addressee_id.as_str()),
        },
    }
}

/// The card actions open to the caller, as codes.
pub(super) fn allowed_on(
    actor: &Actor,
    caller: &CallerFacts,
    card: &CardView,
) -> StoreResult<Vec<String>> {
    let state = state_of(card)?;
    Ok(card_allowed(state, sides_of(actor, caller, card))
        .into_iter()
        .map(|a| a.as_str().to_owned())
        .collect())
}

impl Store {
    /// A card with its incident, its record and what the caller may do, if the caller sees the
    /// incident through one of their doors.
    pub async fn supervision_card(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
    ) -> StoreResult<CardPage> {
        need(actor, Permission::ViewIncidents)?;
        let mut conn = self.pool.acquire().await?;
        let caller = caller_facts(&mut conn, actor).await?;
        let doors = caller.doors(actor);
        let mut card = card_in_doors(&mut conn, &doors, county, id).await?;
        mark_overdue(&mut card, self.now_ms())?;
        let incident = incident_in_doors(&mut conn, &doors, county, &card.incident_id).await?;
        let timeline = crate::incidents::read::stream_entries(
            &mut conn,
            &format!("supervision_card:{id}"),
            true,
        )
        .await?;
        let allowed = allowed_on(actor, &caller, &card)?;
        Ok(CardPage {
            card,
            incident,
            timeline,
            allowed,
        })
    }
}
