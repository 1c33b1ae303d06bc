//! The course of a card after it is issued: the addressee's written reply, and the issuing
//! side's acceptance, sending back for a better reply, or closing. Core's card table decides;
//! the write is guarded by the version read, so of two concurrent replies one is kept and the
//! other is refused as stale (409).

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::supervision::{CardAction, card_check, check_reply_text};
use serde_json::json;

use super::input::CardActionInput;
use super::rows::CardView;
use super::seen::{allowed_on, card_by_key, card_in_doors, sides_of, state_of};
use crate::audit::{self, Change};
use crate::error::Refused;
use crate::incidents::facts::{CallerFacts, caller_facts};
use crate::records::need;
use crate::{Store, StoreError, StoreResult};

fn refusal(
    card: &CardView,
    code: &'static str,
    zh: String,
    en: String,
    allowed: Vec<String>,
) -> StoreError {
    StoreError::Refused(Box::new(Refused {
        code,
        zh,
        en,
        state: card.state.clone(),
        version: card.version,
        allowed,
    }))
}

fn stale(actor: &Actor, caller: &CallerFacts, card: &CardView) -> StoreResult<StoreError> {
    Ok(refusal(
        card,
        "version_conflict",
        "该督办单已被他人处理，请刷新后重试".into(),
        "someone else acted on this card; reload and try again".into(),
        allowed_on(actor, caller, card)?,
    ))
}

/// The text an action needs: a reply and a sending back say something; the others may not.
fn text_for(action: CardAction, text: &str) -> StoreResult<Option<String>> {
    Ok(match action {
        CardAction::Reply => Some(check_reply_text("reply", text)?),
        CardAction::SendBack => Some(check_reply_text("reason", text)?),
        CardAction::Accept | CardAction::Close => {
            if text.trim().is_empty() {
                None
            } else {
                Some(check_reply_text("note", text)?)
            }
        }
    })
}

impl Store {
    /// Takes one action on a card the caller sees, at the version they read it at.
    pub async fn act_on_card(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &CardActionInput,
    ) -> StoreResult<CardView> {
        need(actor, Permission::ViewIncidents)?;
        let action = CardAction::parse("action", &input.action)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let caller = caller_facts(&mut tx, actor).await?;
        let card = card_in_doors(&mut tx, &caller.doors(actor), county, id).await?;
        let state = state_of(&card)?;
        if input.version != card.version {
            return Err(stale(actor, &caller, &card)?);
        }
        let to = match card_check(action, state, sides_of(actor, &caller, &card)) {
            Ok(to) => to,
            Err(r) => {
                let allowed = allowed_on(actor, &caller, &card)?;
                return Err(refusal(&card, r.code, r.zh, r.en, allowed));
            }
        };
        let text = text_for(action, &input.text)?;
        let (reply, decision) = match action {
            CardAction::Reply => (text.as_deref(), None),
            _ => (None, text.as_deref()),
        };
        let written = sqlx::query(
            "UPDATE supervision_cards SET state = $3, version = version + 1, updated_at = $4, \
             reply = CASE WHEN $5 = 1 THEN $6 ELSE reply END, \
             replied_by = CASE WHEN $5 = 1 THEN $7 ELSE replied_by END, \
             replied_at = CASE WHEN $5 = 1 THEN $4 ELSE replied_at END, \
             sent_back_count = sent_back_count + $8, \
             decided_by = CASE WHEN $5 = 1 THEN decided_by ELSE $7 END, \
             decided_at = CASE WHEN $5 = 1 THEN decided_at ELSE $4 END, \
             decision_note = CASE WHEN $5 = 1 THEN decision_note ELSE $9 END \
             WHERE county_code = $1 AND id = $2 AND version = $10",
        )
        .bind(county)
        .bind(id)
        .bind(to.as_str())
        .bind(now)
        .bind(i64::from(action == CardAction::Reply))
        .bind(reply)
        .bind(&actor.user_id)
        .bind(i64::from(action == CardAction::SendBack))
        .bind(decision)
        .bind(card.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if written == 0 {
            drop(tx);
            let mut conn = self.pool.acquire().await?;
            let now_card = card_in_doors(&mut conn, &caller.doors(actor), county, id).await?;
            return Err(stale(actor, &caller, &now_card)?);
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: card_action_name(action),
                resource: format!("supervision_card:{id}"),
                scope_path: &card.addressee_path,
                summary: json!({
                    "incident": format!("{}/{}", card.county_code, card.incident_id),
                    "from": state.as_str(),
                    "to": to.as_str(),
                    "text": text,
                    "role": actor.role.as_str(),
                    "department": caller.department_id,
                }),
            },
        )
        .await?;
        let fresh = card_by_key(&mut tx, county, id, now).await?;
        tx.commit().await?;
        Ok(fresh)
    }
}

/// The audit action of a card action (`supervision.reply`).
fn card_action_name(action: CardAction) -> &'static str {
    match action {
        CardAction::Reply => "supervision.reply",
        CardAction::Accept => "supervision.accept",
        CardAction::SendBack => "supervision.send_back",
        CardAction::Close => "supervision.close",
    }
}
