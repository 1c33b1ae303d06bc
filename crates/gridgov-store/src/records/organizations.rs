//! Organizations of a grid (群防群治组织, enterprises, schools…): create, correct, remove, read.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::base_data::{OrganizationDraft, ValidOrganization};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

use super::delete_versioned;
use super::{grid_for_edit, grid_for_record, invalid, need, one_updated, written};
use crate::audit::{self, Change};
use crate::grids::grid_in;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrganizationInput {
    /// On an edit, empty keeps the grid.
    #[serde(default)]
    pub grid_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct OrganizationView {
    pub id: String,
    pub county_code: String,
    pub grid_id: String,
    pub grid_code: String,
    pub path: String,
    pub name: String,
    pub kind: String,
    pub credit_code: Option<String>,
    pub address: String,
    pub contact: String,
    /// A public contact number, shown as stored.
    pub phone: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "o.id, o.county_code, o.grid_id, g.code AS grid_code, o.path, o.name, \
    o.kind, o.credit_code, o.address, o.contact, o.phone, o.version, o.created_at, o.updated_at";

async fn organization_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    county: &str,
    id: &str,
) -> StoreResult<OrganizationView> {
    let scope = ScopeRange::of(actor);
    sqlx::query_as::<_, OrganizationView>(&format!(
        "SELECT {COLUMNS} FROM organizations o JOIN grids g ON g.id = o.grid_id \
         WHERE o.county_code = $1 AND o.id = $2 AND {}",
        scope.sql("o.path", 3)
    ))
    .bind(county)
    .bind(id)
    .bind_scope(&scope)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

fn name_taken(name: &str) -> StoreError {
    StoreError::Conflict(FieldError::new(
        "name",
        "taken",
        format!("本网格已有名为 {name} 的组织"),
        format!("this grid already has an organization named {name}"),
    ))
}

impl OrganizationInput {
    fn check(&self) -> StoreResult<ValidOrganization> {
        OrganizationDraft {
            name: &self.name,
            kind: &self.kind,
            credit_code: &self.credit_code,
            address: &self.address,
            contact: &self.contact,
            phone: &self.phone,
        }
        .check()
        .map_err(invalid)
    }
}

fn summary(o: &ValidOrganization, grid: &str) -> serde_json::Value {
    json!({"grid": grid, "name": o.name, "kind": o.kind.as_str(),
        "credit_code": o.credit_code.as_ref().map(|c| c.as_str().to_owned()),
        "address": o.address, "contact": o.contact})
}

impl Store {
    pub async fn create_organization(
        &self,
        actor: &Actor,
        input: &OrganizationInput,
    ) -> StoreResult<OrganizationView> {
        need(actor, Permission::EditBaseData)?;
        let o = input.check()?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let grid = grid_for_record(&mut tx, actor, &input.grid_id).await?;
        let r = sqlx::query(
            "INSERT INTO organizations (id, county_code, grid_id, path, name, kind, credit_code, \
             address, contact, phone, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(&id)
        .bind(&grid.county_code)
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&o.name)
        .bind(o.kind.as_str())
        .bind(o.credit_code.as_ref().map(|c| c.as_str().to_owned()))
        .bind(&o.address)
        .bind(&o.contact)
        .bind(
            o.phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        )
        .bind(now)
        .execute(&mut *tx)
        .await;
        written(r, || name_taken(&o.name))?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "organization.create",
                resource: format!("organization:{id}"),
                scope_path: &grid.path,
                summary: summary(&o, &grid.code),
            },
        )
        .await?;
        tx.commit().await?;
        self.organization(actor, &grid.county_code, &id).await
    }

    pub async fn update_organization(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        input: &OrganizationInput,
        version: i64,
    ) -> StoreResult<OrganizationView> {
        need(actor, Permission::EditBaseData)?;
        let o = input.check()?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = organization_in(&mut tx, actor, county, id).await?;
        let grid = grid_for_edit(&mut tx, actor, &input.grid_id, &before.grid_id).await?;
        let r = sqlx::query(
            "UPDATE organizations SET county_code = $1, grid_id = $2, path = $3, name = $4, \
             kind = $5, credit_code = $6, address = $7, contact = $8, phone = $9, \
             version = version + 1, updated_at = $10 \
             WHERE county_code = $11 AND id = $12 AND version = $13",
        )
        .bind(&grid.county_code)
        .bind(&grid.id)
        .bind(&grid.path)
        .bind(&o.name)
        .bind(o.kind.as_str())
        .bind(o.credit_code.as_ref().map(|c| c.as_str().to_owned()))
        .bind(&o.address)
        .bind(&o.contact)
        .bind(
            o.phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        )
        .bind(now)
        .bind(county)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await;
        one_updated(written(r, || name_taken(&o.name))?)?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "organization.update",
                resource: format!("organization:{id}"),
                scope_path: &grid.path,
                summary: json!({"before": {"grid_id": before.grid_id, "name": before.name,
                    "kind": before.kind, "address": before.address, "contact": before.contact},
                    "after": summary(&o, &grid.code)}),
            },
        )
        .await?;
        tx.commit().await?;
        self.organization(actor, &grid.county_code, id).await
    }

    pub async fn delete_organization(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        version: i64,
    ) -> StoreResult<()> {
        need(actor, Permission::EditBaseData)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = organization_in(&mut tx, actor, county, id).await?;
        delete_versioned(&mut tx, "organizations", county, id, version).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "organization.delete",
                resource: format!("organization:{id}"),
                scope_path: &before.path,
                summary: json!({"name": before.name, "kind": before.kind}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn organization(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
    ) -> StoreResult<OrganizationView> {
        need(actor, Permission::ViewBaseData)?;
        let mut conn = self.pool.acquire().await?;
        organization_in(&mut conn, actor, county, id).await
    }

    /// The organizations of a grid, by name; `NotFound` for a grid outside the actor's scope.
    pub async fn grid_organizations(
        &self,
        actor: &Actor,
        grid_id: &str,
    ) -> StoreResult<Vec<OrganizationView>> {
        need(actor, Permission::ViewBaseData)?;
        let mut conn = self.pool.acquire().await?;
        let grid = grid_in(&mut conn, actor, grid_id).await?;
        Ok(sqlx::query_as::<_, OrganizationView>(&format!(
            "SELECT {COLUMNS} FROM organizations o JOIN grids g ON g.id = o.grid_id \
             WHERE o.path = $1 AND o.grid_id = $2 ORDER BY o.name LIMIT 2000"
        ))
        .bind(&grid.path)
        .bind(&grid.id)
        .fetch_all(&mut *conn)
        .await?)
    }
}
