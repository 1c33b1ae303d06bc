//! One person record: create, correct, remove, read (masked).
//!
//! Records are addressed by county and id, the table's primary key: the county is the
//! distribution column, so every lookup names it and stays on one shard once there are shards.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::{Ethnicity, PersonDraft, ValidPerson};
use gridgov_core::ids::china_date_of_ms;
use gridgov_core::ids::format_ymd;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::delete_versioned;
use super::{grid_for_edit, grid_for_record, invalid, mask, need, one_updated, written};
use crate::audit::{self, Change};
use crate::protect::{Protector, Sealed};
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// A person as typed in a form or sent to the API; checked by core's [`PersonDraft`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonInput {
    /// The grid the person lives in (its id); on an edit, empty keeps the grid.
    #[serde(default)]
    pub grid_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_card_no: String,
    /// Optional; must agree with the ID number when given.
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub ethnicity: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub registered_address: String,
    #[serde(default)]
    pub residence_type: String,
    #[serde(default)]
    pub tags: String,
}

impl PersonInput {
    fn draft(&self) -> PersonDraft<'_> {
        PersonDraft {
            name: &self.name,
            id_card_no: &self.id_card_no,
            gender: &self.gender,
            birth_date: &self.birth_date,
            ethnicity: &self.ethnicity,
            phone: &self.phone,
            registered_address: &self.registered_address,
            residence_type: &self.residence_type,
            tags: &self.tags,
        }
    }
}

/// A person as shown: the ID number and phone masked, never in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonView {
    pub id: String,
    pub county_code: String,
    pub grid_id: String,
    pub grid_code: String,
    pub grid_name: String,
    pub path: String,
    pub name: String,
    pub id_card_masked: String,
    pub gender: String,
    pub birth_date: String,
    /// Why the ID number deserves a look (`old_region_code`, `upgraded_15`), `;`-separated.
    pub id_flags: String,
    /// GB/T 3304 code, empty when unknown.
    pub ethnicity: String,
    pub ethnicity_zh: String,
    pub phone_masked: Option<String>,
    pub registered_address: String,
    pub residence_type: String,
    pub tags: String,
    pub created_batch: Option<String>,
    pub updated_batch: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A person in a list (search results, a grid's or a house's residents).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonListItem {
    pub id: String,
    pub county_code: String,
    pub grid_id: String,
    pub grid_code: String,
    pub grid_name: String,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    pub id_card_masked: String,
    pub phone_masked: Option<String>,
    pub residence_type: String,
}

/// The stored row with its grid's code and name.
#[derive(sqlx::FromRow)]
pub(crate) struct PersonRow {
    pub id: String,
    pub county_code: String,
    pub grid_id: String,
    pub grid_code: String,
    pub grid_name: String,
    pub path: String,
    pub name: String,
    pub id_card_sealed: String,
    pub id_card_bidx: String,
    pub gender: String,
    pub birth_date: String,
    pub id_flags: String,
    pub ethnicity: String,
    pub phone_sealed: Option<String>,
    pub phone_bidx: Option<String>,
    pub registered_address: String,
    pub residence_type: String,
    pub tags: String,
    pub created_batch: Option<String>,
    pub updated_batch: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) const PERSON_COLUMNS: &str = "p.id, p.county_code, p.grid_id, g.code AS grid_code, \
    g.name AS grid_name, p.path, p.name, p.id_card_sealed, p.id_card_bidx, p.gender, \
    p.birth_date, p.id_flags, p.ethnicity, p.phone_sealed, p.phone_bidx, p.registered_address, \
    p.residence_type, p.tags, p.created_batch, p.updated_batch, p.version, p.created_at, \
    p.updated_at";
pub(crate) const PERSON_FROM: &str = "FROM persons p JOIN grids g ON g.id = p.grid_id";

impl PersonRow {
    pub(crate) fn view(self, p: &Protector) -> StoreResult<PersonView> {
        Ok(PersonView {
            id_card_masked: mask::id_card(p, &self.id_card_sealed)?,
            phone_masked: mask::phone(p, self.phone_sealed.as_deref())?,
            ethnicity_zh: Ethnicity::parse("ethnicity", &self.ethnicity)
                .map(|e| e.zh().to_owned())
                .unwrap_or_default(),
            id: self.id,
            county_code: self.county_code,
            grid_id: self.grid_id,
            grid_code: self.grid_code,
            grid_name: self.grid_name,
            path: self.path,
            name: self.name,
            gender: self.gender,
            birth_date: self.birth_date,
            id_flags: self.id_flags,
            ethnicity: self.ethnicity,
            registered_address: self.registered_address,
            residence_type: self.residence_type,
            tags: self.tags,
            created_batch: self.created_batch,
            updated_batch: self.updated_batch,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }

    pub(crate) fn item(self, p: &Protector) -> StoreResult<PersonListItem> {
        Ok(PersonListItem {
            id_card_masked: mask::id_card(p, &self.id_card_sealed)?,
            phone_masked: mask::phone(p, self.phone_sealed.as_deref())?,
            id: self.id,
            county_code: self.county_code,
            grid_id: self.grid_id,
            grid_code: self.grid_code,
            grid_name: self.grid_name,
            name: self.name,
            gender: self.gender,
            birth_date: self.birth_date,
            residence_type: self.residence_type,
        })
    }
}

/// A person read inside a transaction or on the pool, inside the actor's scope.
pub(crate) async fn person_row(
    conn: &mut AnyConnection,
    actor: &Actor,
    county: &str,
    id: &str,
) -> StoreResult<PersonRow> {
    let scope = ScopeRange::of(actor);
    sqlx::query_as::<_, PersonRow>(&format!(
        "SELECT {PERSON_COLUMNS} {PERSON_FROM} WHERE p.county_code = $1 AND p.id = $2 AND {}",
        scope.sql("p.path", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The checked person with its protected fields sealed.
struct Prepared {
    valid: ValidPerson,
    id_card: Sealed,
    phone: Option<Sealed>,
}

/// Refuses an ID number another record inside the actor's scope already holds, naming that
/// record so the user can open it (they could find it by searching anyway). Nothing outside the
/// scope is read here: a number held elsewhere in the county is refused by the unique index on
/// the write itself, with [`id_card_unavailable`], the same path and the same words as a
/// registration of the number that commits between this check and the write.
async fn ensure_id_free(
    conn: &mut AnyConnection,
    actor: &Actor,
    index: &str,
    county: &str,
    except_id: Option<&str>,
) -> StoreResult<()> {
    let scope = ScopeRange::of(actor);
    let other: Option<(String, String)> = sqlx::query_as(&format!(
        "SELECT id, name FROM persons WHERE id_card_bidx = $1 AND county_code = $2 AND {}",
        scope.sql("path", 3)
    ))
    .bind(index)
    .bind(county)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?;
    match other {
        Some((id, name)) if Some(id.as_str()) != except_id => {
            Err(StoreError::Conflict(FieldError::new(
                "id_card_no",
                "duplicate_id_card",
                format!("该身份证号已有人员记录：{name}（{id}）"),
                format!("a person record with this ID number exists: {name} ({id})"),
            )))
        }
        _ => Ok(()),
    }
}

/// The one answer for an ID number this caller may not register, whatever holds it: a record
/// elsewhere in the county (outside the caller's scope), or a registration of the same number
/// that committed a moment ago, anywhere. It neither confirms nor denies a record outside the
/// scope, names no place, person or grid, and is worded the same on the form, the API, an edit
/// and every import row, so no path tells more than another. Why this and not "not found":
/// docs/security.md, "ID numbers outside the scope".
pub(crate) fn id_card_unavailable() -> FieldError {
    FieldError::new(
        "id_card_no",
        "id_card_unavailable",
        "该身份证号不能在此登记：请联系县级综治中心核实",
        "this ID number cannot be registered here; ask the county center",
    )
}

impl Store {
    /// Checks a person with core's rules against today's date and the regions held, and seals
    /// the number and phone.
    async fn prepare_person(&self, input: &PersonInput) -> StoreResult<Prepared> {
        let prot = self.protector()?;
        let prefixes = self.id_prefixes().await?;
        let today = china_date_of_ms(self.now_ms());
        let valid = input
            .draft()
            .check(today, |p| prefixes.status(p))
            .map_err(invalid)?;
        Ok(Prepared {
            id_card: prot.seal_id_card(&valid.id_card)?,
            phone: valid
                .phone
                .as_ref()
                .map(|p| prot.seal_phone(p))
                .transpose()?,
            valid,
        })
    }

    pub async fn create_person(
        &self,
        actor: &Actor,
        input: &PersonInput,
    ) -> StoreResult<PersonView> {
        need(actor, Permission::EditBaseData)?;
        let pr = self.prepare_person(input).await?;
        let v = &pr.valid;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let grid = grid_for_record(&mut tx, actor, &input.grid_id).await?;
        ensure_id_free(&mut tx, actor, &pr.id_card.index, &grid.county_code, None).await?;
        let inserted = sqlx::query(
            "INSERT INTO persons (id, county_code, grid_id, path, name, id_card_sealed, \
             id_card_bidx, gender, birth_date, id_flags, ethnicity, phone_sealed, phone_bidx, \
             registered_address, residence_type, tags, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, $17)",
        )
        .bind(&id)
        .bind(&grid.county_code)
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&v.name)
        .bind(&pr.id_card.sealed)
        .bind(&pr.id_card.index)
        .bind(v.gender.as_str())
        .bind(format_ymd(v.birth_date))
        .bind(v.flags.join(";"))
        .bind(v.ethnicity.map(|e| e.code()).unwrap_or_default())
        .bind(pr.phone.as_ref().map(|s| s.sealed.clone()))
        .bind(pr.phone.as_ref().map(|s| s.index.clone()))
        .bind(&v.registered_address)
        .bind(v.residence_type.as_str())
        .bind(&v.tags)
        .bind(now)
        .execute(&mut *tx)
        .await;
        // A number held outside the scope, or taken between the check and the insert.
        written(inserted, || StoreError::Conflict(id_card_unavailable()))?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "person.create",
                resource: format!("person:{id}"),
                scope_path: &grid.path,
                summary: json!({
                    "name": v.name, "id_card": v.id_card.masked(), "grid": grid.code,
                    "residence_type": v.residence_type.as_str(),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.person(actor, &grid.county_code, &id).await
    }

    /// Corrects a person. A new grid (inside the scope) moves the record there.
    pub async fn update_person(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &PersonInput,
        version: i64,
    ) -> StoreResult<PersonView> {
        need(actor, Permission::EditBaseData)?;
        let pr = self.prepare_person(input).await?;
        let v = &pr.valid;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = person_row(&mut tx, actor, county, id).await?;
        let grid = grid_for_edit(&mut tx, actor, &input.grid_id, &before.grid_id).await?;
        ensure_id_free(
            &mut tx,
            actor,
            &pr.id_card.index,
            &grid.county_code,
            Some(id),
        )
        .await?;
        let n = sqlx::query(
            "UPDATE persons SET county_code = $1, grid_id = $2, path = $3, name = $4, \
             id_card_sealed = $5, id_card_bidx = $6, gender = $7, birth_date = $8, \
             id_flags = $9, ethnicity = $10, phone_sealed = $11, phone_bidx = $12, \
             registered_address = $13, residence_type = $14, tags = $15, \
             version = version + 1, updated_at = $16 \
             WHERE county_code = $17 AND id = $18 AND version = $19",
        )
        .bind(&grid.county_code)
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&v.name)
        .bind(&pr.id_card.sealed)
        .bind(&pr.id_card.index)
        .bind(v.gender.as_str())
        .bind(format_ymd(v.birth_date))
        .bind(v.flags.join(";"))
        .bind(v.ethnicity.map(|e| e.code()).unwrap_or_default())
        .bind(pr.phone.as_ref().map(|s| s.sealed.clone()))
        .bind(pr.phone.as_ref().map(|s| s.index.clone()))
        .bind(&v.registered_address)
        .bind(v.residence_type.as_str())
        .bind(&v.tags)
        .bind(now)
        .bind(county)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await;
        one_updated(written(n, || StoreError::Conflict(id_card_unavailable()))?)?;
        if grid.county_code != before.county_code {
            // Links carry the county of their person and house; a move across counties
            // leaves the old houses behind (the person no longer lives there).
            sqlx::query("DELETE FROM person_houses WHERE county_code = $1 AND person_id = $2")
                .bind(&before.county_code)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        // Protected fields are named in the trail, never given: only whether they changed.
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "person.update",
                resource: format!("person:{id}"),
                scope_path: &grid.path,
                summary: json!({
                    "before": {"name": before.name, "grid_id": before.grid_id,
                        "ethnicity": before.ethnicity, "registered_address": before.registered_address,
                        "residence_type": before.residence_type, "tags": before.tags},
                    "after": {"name": v.name, "grid_id": grid.id,
                        "ethnicity": v.ethnicity.map(|e| e.code()).unwrap_or_default(),
                        "registered_address": v.registered_address,
                        "residence_type": v.residence_type.as_str(), "tags": v.tags},
                    "id_card_changed": before.id_card_bidx != pr.id_card.index,
                    "id_card": v.id_card.masked(),
                    "phone_changed": before.phone_bidx.as_deref()
                        != pr.phone.as_ref().map(|s| s.index.as_str()),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.person(actor, &grid.county_code, id).await
    }

    /// Removes a person and where they lived. The audit trail keeps that they existed.
    pub async fn delete_person(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        version: i64,
    ) -> StoreResult<()> {
        need(actor, Permission::EditBaseData)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = person_row(&mut tx, actor, county, id).await?;
        let masked = mask::id_card(self.protector()?, &before.id_card_sealed)?;
        delete_versioned(&mut tx, "persons", county, id, version).await?;
        sqlx::query("DELETE FROM person_houses WHERE county_code = $1 AND person_id = $2")
            .bind(county)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "person.delete",
                resource: format!("person:{id}"),
                scope_path: &before.path,
                summary: json!({"name": before.name, "id_card": masked, "grid_id": before.grid_id}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One person inside the actor's scope, masked.
    pub async fn person(&self, actor: &Actor, county: &str, id: &str) -> StoreResult<PersonView> {
        need(actor, Permission::ViewBaseData)?;
        let prot = self.protector()?;
        let mut conn = self.pool.acquire().await?;
        person_row(&mut conn, actor, county, id).await?.view(prot)
    }
}
