//! Changing the tree: a new category under an existing parent, a change of what a category says
//! (its code and place are fixed: incidents keep the code), deactivating and reactivating.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::departments::{CategoryDraft, ValidCategory, place_in_tree, sectors_text};
use serde_json::json;

use super::Category;
use super::tree::category_in;
use crate::audit::{self, Change};
use crate::records::{invalid, need, one_updated, written};
use crate::{Store, StoreError, StoreResult};

/// A category as typed (public unless said otherwise). On an edit `code` and `parent_code` may be left out; if sent they must
/// be the category's own.
#[derive(Debug, Clone)]
pub struct CategoryInput {
    pub code: String,
    /// Empty: the parent the code implies.
    pub parent_code: String,
    pub name: String,
    pub name_en: String,
    /// A grade code or label; empty is `general`.
    pub default_grade: String,
    /// Sector codes or labels; each item may hold several, with commas or `、` between.
    pub sectors: Vec<String>,
    pub evidence_required: bool,
    /// Offered to citizens' reports.
    pub public: bool,
    /// Place among its siblings; empty: the code's last two digits.
    pub sort_order: String,
    /// The most working days a task may be extended by in all (延期); empty for the default
    /// (`gridgov_core::supervision::DEFAULT_MAX_EXTENSION_DAYS`).
    pub max_extension_days: String,
}

impl Default for CategoryInput {
    fn default() -> Self {
        CategoryInput {
            code: String::new(),
            parent_code: String::new(),
            name: String::new(),
            name_en: String::new(),
            default_grade: String::new(),
            sectors: Vec::new(),
            evidence_required: false,
            public: true,
            sort_order: String::new(),
            max_extension_days: String::new(),
        }
    }
}

impl CategoryInput {
    fn check(&self) -> StoreResult<ValidCategory> {
        CategoryDraft {
            name: &self.name,
            name_en: &self.name_en,
            default_grade: &self.default_grade,
            sectors: &self.sectors,
            evidence_required: self.evidence_required,
            public: self.public,
            sort_order: &self.sort_order,
        }
        .check()
        .map_err(invalid)
    }

    /// The maximum as typed: empty for the default, else a whole number of working days.
    fn max_extension(&self) -> StoreResult<Option<i64>> {
        let typed = match self.max_extension_days.trim() {
            "" => None,
            t => Some(t.parse::<i64>().map_err(|_| {
                FieldError::new(
                    "max_extension_days",
                    "not_a_number",
                    "最长延期须为整数个工作日",
                    "the longest extension must be a whole number of working days",
                )
            })?),
        };
        Ok(gridgov_core::supervision::check_max_extension_days(typed)?)
    }
}

fn summary(v: &ValidCategory, max_extension_days: Option<i64>) -> serde_json::Value {
    json!({"name": v.name, "name_en": v.name_en, "default_grade": v.default_grade.as_str(),
        "sectors": sectors_text(&v.sectors), "evidence_required": v.evidence_required,
        "public": v.public, "sort_order": v.sort_order,
        "max_extension_days": max_extension_days})
}

/// The deployment-wide tree is audited under the whole-country scope path.
const TREE_SCOPE: &str = "";

impl Store {
    pub async fn create_category(
        &self,
        actor: &Actor,
        input: &CategoryInput,
    ) -> StoreResult<Category> {
        need(actor, Permission::ManageCategories)?;
        let place = place_in_tree(&input.code, &input.parent_code);
        let max_extension = input.max_extension()?;
        let v = input.check();
        let ((code, parent), v) = match (place, v) {
            (Ok(p), Ok(v)) => (p, v),
            (Err(e), Ok(_)) => return Err(e.into()),
            (Ok(_), Err(e)) => return Err(e),
            (Err(e), Err(StoreError::Invalid(mut all))) => {
                all.0.insert(0, e);
                return Err(StoreError::Invalid(all));
            }
            (Err(_), Err(e)) => return Err(e),
        };
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        if let Some(p) = &parent {
            let found: Option<(String,)> =
                sqlx::query_as("SELECT code FROM incident_categories WHERE code = $1")
                    .bind(p.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Err(FieldError::new(
                    "parent_code",
                    "unknown_parent",
                    format!("上级分类 {p} 不存在"),
                    format!("there is no category {p} to put it under"),
                )
                .into());
            }
        }
        let r = sqlx::query(
            "INSERT INTO incident_categories (code, parent_code, level, name, name_en, \
             default_grade, sectors, evidence_required, public, active, sort_order, version, \
             created_at, updated_at, max_extension_days) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, 1, $11, $11, $12)",
        )
        .bind(code.as_str())
        .bind(parent.as_ref().map(|p| p.to_string()))
        .bind(code.level())
        .bind(&v.name)
        .bind(&v.name_en)
        .bind(v.default_grade.as_str())
        .bind(sectors_text(&v.sectors))
        .bind(i64::from(v.evidence_required))
        .bind(i64::from(v.public))
        .bind(v.sort_order.unwrap_or_else(|| code.ordinal()))
        .bind(now)
        .bind(max_extension)
        .execute(&mut *tx)
        .await;
        written(r, || {
            StoreError::Conflict(FieldError::new(
                "code",
                "taken",
                format!("分类代码 {code} 已存在"),
                format!("category code {code} is taken"),
            ))
        })?;
        let mut s = summary(&v, max_extension);
        s["parent_code"] = json!(parent.as_ref().map(|p| p.to_string()));
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "category.create",
                resource: format!("category:{code}"),
                scope_path: TREE_SCOPE,
                summary: s,
            },
        )
        .await?;
        let created = category_in(&mut tx, code.as_str()).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Changes what a category says; `VersionConflict` when someone changed it since.
    pub async fn update_category(
        &self,
        actor: &Actor,
        code: &str,
        input: &CategoryInput,
        version: i64,
    ) -> StoreResult<Category> {
        need(actor, Permission::ManageCategories)?;
        let v = input.check()?;
        let max_extension = input.max_extension()?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = category_in(&mut tx, code).await?;
        for (field, sent, own) in [
            ("code", &input.code, Some(&before.code)),
            (
                "parent_code",
                &input.parent_code,
                before.parent_code.as_ref(),
            ),
        ] {
            let sent = sent.trim();
            if !sent.is_empty() && Some(sent) != own.map(String::as_str) {
                return Err(FieldError::new(
                    field,
                    "fixed",
                    "分类代码及其上级创建后不可更改（事件保留原分类代码），请新建分类",
                    "a category's code and parent are fixed once made (incidents keep the code); \
                     create a new category instead",
                )
                .into());
            }
        }
        let order = v.sort_order.unwrap_or_else(|| code_ordinal(&before.code));
        let n = sqlx::query(
            "UPDATE incident_categories SET name = $1, name_en = $2, default_grade = $3, \
             sectors = $4, evidence_required = $5, public = $6, sort_order = $7, \
             max_extension_days = $11, \
             version = version + 1, updated_at = $8 WHERE code = $9 AND version = $10",
        )
        .bind(&v.name)
        .bind(&v.name_en)
        .bind(v.default_grade.as_str())
        .bind(sectors_text(&v.sectors))
        .bind(i64::from(v.evidence_required))
        .bind(i64::from(v.public))
        .bind(order)
        .bind(now)
        .bind(&before.code)
        .bind(version)
        .bind(max_extension)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_updated(n)?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "category.update",
                resource: format!("category:{}", before.code),
                scope_path: TREE_SCOPE,
                summary: json!({
                    "before": {"name": before.name, "name_en": before.name_en,
                        "default_grade": before.default_grade.as_str(),
                        "sectors": sectors_text(&before.sectors),
                        "evidence_required": before.evidence_required, "public": before.public,
                        "sort_order": before.sort_order,
                        "max_extension_days": before.max_extension_days},
                    "after": summary(&v, max_extension),
                }),
            },
        )
        .await?;
        let after = category_in(&mut tx, &before.code).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deactivates (or reactivates) one category; those below it follow without being changed.
    pub async fn set_category_active(
        &self,
        actor: &Actor,
        code: &str,
        active: bool,
        version: i64,
    ) -> StoreResult<Category> {
        need(actor, Permission::ManageCategories)?;
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let before = category_in(&mut tx, code).await?;
        if before.version != version {
            return Err(StoreError::VersionConflict);
        }
        if before.active != active {
            let n = sqlx::query(
                "UPDATE incident_categories SET active = $1, version = version + 1, \
                 updated_at = $2 WHERE code = $3 AND version = $4",
            )
            .bind(i64::from(active))
            .bind(now)
            .bind(&before.code)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            one_updated(n)?;
            audit::append(
                &mut tx,
                now,
                actor,
                Change {
                    action: if active {
                        "category.activate"
                    } else {
                        "category.deactivate"
                    },
                    resource: format!("category:{}", before.code),
                    scope_path: TREE_SCOPE,
                    summary: json!({"name": before.name, "active": active}),
                },
            )
            .await?;
        }
        let after = category_in(&mut tx, &before.code).await?;
        tx.commit().await?;
        Ok(after)
    }
}

fn code_ordinal(code: &str) -> i64 {
    gridgov_core::departments::CategoryCode::parse("code", code)
        .map(|c| c.ordinal())
        .unwrap_or(0)
}
