//! Who lives where: linking a person to a house (or changing the relation) and unlinking.
//! Both records must lie inside the actor's scope and in one county (links carry the county as
//! their distribution column). Recorded on the person's audit stream, where their page reads it.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::LinkDraft;
use gridgov_core::ids::china_date_of_ms;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::houses::house_in;
use super::persons::person_row;
use super::{invalid, need};
use crate::audit::{self, Change};
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LinkInput {
    #[serde(default)]
    pub house_id: String,
    /// Relation to the householder (本人, 配偶, 子女, 租户…).
    #[serde(default)]
    pub relation: String,
    /// The date moved in, in any written form.
    #[serde(default)]
    pub since: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkView {
    pub county_code: String,
    pub person_id: String,
    pub house_id: String,
    pub relation: String,
    pub since: Option<String>,
}

impl Store {
    /// Records that a person lives in a house, or updates the relation and date when they do.
    pub async fn link_person_house(
        &self,
        actor: &Actor,
        county: &str,
        person_id: &str,
        input: &LinkInput,
    ) -> StoreResult<LinkView> {
        need(actor, Permission::EditBaseData)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let person = person_row(&mut tx, actor, county, person_id).await?;
        let house = match house_in(&mut tx, actor, county, input.house_id.trim()).await {
            Ok(h) => h,
            Err(StoreError::NotFound) => {
                return Err(FieldError::new(
                    "house_id",
                    "unknown_house",
                    "找不到该房屋或不在您的范围内（须与人员同县）",
                    "no such house inside your scope (it must be in the person's county)",
                )
                .into());
            }
            Err(e) => return Err(e),
        };
        let link = LinkDraft {
            building: &house.building_code,
            unit: &house.unit,
            number: &house.number,
            relation: &input.relation,
            since: &input.since,
        }
        .check(china_date_of_ms(now))
        .map_err(invalid)?;
        sqlx::query(
            "INSERT INTO person_houses (county_code, person_id, house_id, relation, since, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
             ON CONFLICT (county_code, person_id, house_id) \
             DO UPDATE SET relation = excluded.relation, since = excluded.since, \
             updated_at = excluded.updated_at",
        )
        .bind(county)
        .bind(person_id)
        .bind(&house.id)
        .bind(&link.relation)
        .bind(&link.since)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "person.link",
                resource: format!("person:{person_id}"),
                scope_path: &person.path,
                summary: json!({"house_id": house.id, "building": house.building_code,
                    "unit": house.unit, "number": house.number, "relation": link.relation,
                    "since": link.since}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(LinkView {
            county_code: county.to_owned(),
            person_id: person_id.to_owned(),
            house_id: house.id,
            relation: link.relation,
            since: link.since,
        })
    }

    /// Records that a person no longer lives in a house.
    pub async fn unlink_person_house(
        &self,
        actor: &Actor,
        county: &str,
        person_id: &str,
        house_id: &str,
    ) -> StoreResult<()> {
        need(actor, Permission::EditBaseData)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let person = person_row(&mut tx, actor, county, person_id).await?;
        let house = house_in(&mut tx, actor, county, house_id).await?;
        let n = sqlx::query(
            "DELETE FROM person_houses WHERE county_code = $1 AND person_id = $2 AND house_id = $3",
        )
        .bind(county)
        .bind(person_id)
        .bind(house_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "person.unlink",
                resource: format!("person:{person_id}"),
                scope_path: &person.path,
                summary: json!({"house_id": house.id, "building": house.building_code,
                    "unit": house.unit, "number": house.number}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
