//! Listed supervision (挂牌督办): one card each on many incidents, addressed to the center
//! holding each, in one transaction: all are issued or none, and a refusal names the incident
//! it was for.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::{FieldError, Invalid};

use super::input::ListedInput;
use super::issue::{card_content, issue_one, see_in};
use super::rows::CardView;
use crate::records::need;
use crate::{Store, StoreError, StoreResult};

/// The most incidents one list supervises: a list longer than this is a campaign, not a list
/// of named matters, and would hold the one writer for too long.
pub const LISTED_MAX: usize = 200;

fn too_many() -> StoreError {
    FieldError::new(
        "incidents",
        "too_many",
        format!("一次挂牌督办至多 {LISTED_MAX} 件"),
        format!("at most {LISTED_MAX} incidents in one listed supervision"),
    )
    .into()
}

/// A refusal for one incident of the list, named by its place in it.
fn for_incident(n: usize, e: StoreError) -> StoreError {
    let field = |f: &str| {
        if f == "incident" {
            format!("incidents[{n}]")
        } else {
            format!("incidents[{n}].{f}")
        }
    };
    match e {
        StoreError::Invalid(Invalid(faults)) => StoreError::Invalid(Invalid(
            faults
                .into_iter()
                .map(|f| {
                    let name = field(&f.field);
                    f.for_field(name)
                })
                .collect(),
        )),
        StoreError::NotFound => FieldError::new(
            format!("incidents[{n}]"),
            "not_found",
            "未找到该事件",
            "no such incident in your scope",
        )
        .into(),
        StoreError::Refused(r) if !r.is_conflict() => {
            FieldError::new(format!("incidents[{n}]"), r.code, r.zh, r.en).into()
        }
        other => other,
    }
}

impl Store {
    /// Issues one card on each incident named (or on each the work list's filters give), all
    /// or none; the cards issued, in the order of the list.
    pub async fn issue_listed(
        &self,
        actor: &Actor,
        input: &ListedInput,
    ) -> StoreResult<Vec<CardView>> {
        need(actor, Permission::ViewIncidents)?;
        let content = card_content(&input.colour, &input.due_days, &input.due_date, &input.note)?;
        let keys = self.listed_keys(actor, input).await?;
        if keys.is_empty() {
            return Err(FieldError::new(
                "incidents",
                "required",
                "请选择要挂牌督办的事件",
                "choose the incidents to supervise",
            )
            .into());
        }
        let now = self.now_ms();
        let batch = uuid::Uuid::now_v7().to_string();
        let mut tx = self.begin_write().await?;
        let mut cards = Vec::with_capacity(keys.len());
        for (n, (county, id)) in keys.iter().enumerate() {
            let seen = see_in(&mut tx, actor, county, id)
                .await
                .map_err(|e| for_incident(n, e))?;
            let card = issue_one(&mut tx, actor, &seen, &content, "", Some(&batch), now)
                .await
                .map_err(|e| for_incident(n, e))?;
            cards.push(card);
        }
        tx.commit().await?;
        Ok(cards)
    }

    /// The incidents of a list: those named (`county/id`, each once), or every page of the
    /// work list the filters give, up to [`LISTED_MAX`].
    async fn listed_keys(
        &self,
        actor: &Actor,
        input: &ListedInput,
    ) -> StoreResult<Vec<(String, String)>> {
        let mut keys: Vec<(String, String)> = Vec::new();
        if !input.incidents.is_empty() {
            for (n, key) in input.incidents.iter().enumerate() {
                let Some((county, id)) = key.trim().split_once('/') else {
                    return Err(FieldError::new(
                        format!("incidents[{n}]"),
                        "bad_key",
                        "事件须写作 <县区代码>/<编号>",
                        "an incident is written <county>/<id>",
                    )
                    .into());
                };
                let k = (county.to_owned(), id.to_owned());
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            if keys.len() > LISTED_MAX {
                return Err(too_many());
            }
            return Ok(keys);
        }
        let Some(filter) = &input.filter else {
            return Ok(keys);
        };
        let mut f = filter.clone();
        f.after.clear();
        loop {
            let page = self.incidents(actor, &f).await?;
            keys.extend(page.items.into_iter().map(|i| (i.county_code, i.id)));
            if keys.len() > LISTED_MAX {
                return Err(too_many());
            }
            match page.next {
                Some(next) => f.after = next,
                None => return Ok(keys),
            }
        }
    }
}
