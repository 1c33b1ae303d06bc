//! Listing forms and reading one with its versions.

use gridgov_core::auth::Actor;
use gridgov_core::forms::FormTarget;

use super::{Form, FormSummary, FormVersion, may_read_forms, stored_definition};
use crate::{Store, StoreError, StoreResult};

/// A form joined with its current version's definition.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    key: String,
    target: String,
    department: String,
    current_version: i64,
    created_by: String,
    created_at: i64,
    definition: String,
}

const SUMMARY_SELECT: &str = "SELECT f.id, f.key, f.target, f.department, \
    f.current_version, f.created_by, f.created_at, v.definition \
    FROM forms f JOIN form_versions v ON v.form_id = f.id AND v.version = f.current_version";

impl SummaryRow {
    fn into_summary(self) -> StoreResult<FormSummary> {
        let target = FormTarget::parse("target", &self.target)
            .map_err(|e| StoreError::Internal(format!("stored form {}: {e}", self.id)))?;
        let d = stored_definition(&self.id, self.current_version, &self.definition)?;
        Ok(FormSummary {
            id: self.id,
            key: self.key,
            target,
            department: self.department,
            title_zh: d.title_zh,
            title_en: d.title_en,
            current_version: self.current_version,
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

impl Store {
    /// Every form, or those of one target, by target and key.
    pub async fn forms(
        &self,
        actor: &Actor,
        target: Option<FormTarget>,
    ) -> StoreResult<Vec<FormSummary>> {
        may_read_forms(actor)?;
        let rows = match target {
            Some(t) => {
                sqlx::query_as::<_, SummaryRow>(&format!(
                    "{SUMMARY_SELECT} WHERE f.target = $1 ORDER BY f.target, f.key"
                ))
                .bind(t.as_str())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as::<_, SummaryRow>(&format!(
                    "{SUMMARY_SELECT} ORDER BY f.target, f.key"
                ))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.into_iter().map(SummaryRow::into_summary).collect()
    }

    /// One form with all its versions.
    pub async fn form(&self, actor: &Actor, id: &str) -> StoreResult<Form> {
        may_read_forms(actor)?;
        let summary = sqlx::query_as::<_, SummaryRow>(&format!("{SUMMARY_SELECT} WHERE f.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?
            .into_summary()?;
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT version, definition, created_by, created_at FROM form_versions \
             WHERE form_id = $1 ORDER BY version",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let versions = rows
            .into_iter()
            .map(|(version, text, created_by, created_at)| {
                Ok(FormVersion {
                    version,
                    definition: stored_definition(id, version, &text)?,
                    created_by,
                    created_at,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(Form { summary, versions })
    }
}
