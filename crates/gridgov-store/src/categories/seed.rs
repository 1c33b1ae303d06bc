//! Loading the 综治 category tree a deployment starts with (`gridgov_core::departments::
//! CATEGORY_SEED`). Only what is missing is added: a category an administrator changed or
//! deactivated stays as they left it, and a second load writes nothing, not even an audit
//! record.

use std::collections::HashSet;

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::departments::{CATEGORY_SEED, CategoryCode, sectors_text};
use serde_json::json;

use crate::audit::{self, Change};
use crate::records::need;
use crate::{Store, StoreError, StoreResult};

impl Store {
    /// Adds the seed's categories that are missing, in one transaction; returns how many.
    pub async fn seed_categories(&self, actor: &Actor) -> StoreResult<usize> {
        need(actor, Permission::ManageCategories)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let have: HashSet<String> = sqlx::query_scalar("SELECT code FROM incident_categories")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
        let mut added = Vec::new();
        for s in CATEGORY_SEED.iter().filter(|s| !have.contains(s.code)) {
            let code = CategoryCode::parse("code", s.code)
                .map_err(|e| StoreError::Internal(format!("seed category {}: {e}", s.code)))?;
            sqlx::query(
                "INSERT INTO incident_categories (code, parent_code, level, name, name_en, \
                 default_grade, sectors, evidence_required, public, active, sort_order, \
                 version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, 1, $11, $11)",
            )
            .bind(code.as_str())
            .bind(code.parent().map(|p| p.to_string()))
            .bind(code.level())
            .bind(s.name)
            .bind(s.name_en)
            .bind(s.grade.as_str())
            .bind(sectors_text(s.sectors))
            .bind(i64::from(s.evidence_required))
            .bind(i64::from(s.public))
            .bind(code.ordinal())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            added.push(s.code);
        }
        if !added.is_empty() {
            audit::append(
                &mut tx,
                now,
                actor,
                Change {
                    action: "category.seed",
                    resource: "categories:seed".to_owned(),
                    scope_path: "",
                    summary: json!({"added": added.len(), "codes": added}),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(added.len())
    }
}
