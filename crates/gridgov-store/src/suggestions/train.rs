//! Training the deployment's models from its own incidents: the category from closed incidents
//! (their category is the one the matter turned out to be), the lead department from the lead
//! tasks of dispatched incidents. The categories' names are learned too, one short example each.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::suggest::{Example, Model, document, names_example, recipes};
use serde::Serialize;
use serde_json::json;

use super::{CATEGORY, DEPARTMENT, MIN_EXAMPLES, RETRAIN_AFTER};
use crate::audit::{self, Change};
use crate::records::need;
use crate::{Store, StoreError, StoreResult};

/// A model trained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trained {
    pub kind: String,
    pub examples: i64,
    pub labels: i64,
}

/// What a training run did: the models it trained, and the kinds it left as they were (too
/// few new examples, or too few at all).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TrainReport {
    pub trained: Vec<Trained>,
    pub skipped: Vec<String>,
}

impl Store {
    /// Retrains each model that has [`RETRAIN_AFTER`] new examples since its last training (or
    /// every model with enough examples when `force`). It reads the whole deployment's
    /// incidents, so it is for the deployment's own job (or an administrator of the whole
    /// country).
    pub async fn train_suggesters(&self, actor: &Actor, force: bool) -> StoreResult<TrainReport> {
        need(actor, Permission::ManageCategories)?;
        if !actor.scope.is_root() {
            return Err(StoreError::Forbidden);
        }
        let mut conn = self.pool.acquire().await?;
        let categories: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT title, description, category_code FROM incidents \
             WHERE state IN ('closed', 'evaluated') ORDER BY county_code, id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let departments: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT i.title, i.description, t.assignee_id FROM incident_tasks t \
             JOIN incidents i ON i.county_code = t.county_code AND i.id = t.incident_id \
             WHERE t.kind = 'department_lead' AND t.assignee_type = 'department' \
             ORDER BY t.county_code, t.id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let names: Vec<(String, String)> =
            sqlx::query_as("SELECT code, name FROM incident_categories WHERE active = 1")
                .fetch_all(&mut *conn)
                .await?;
        let before: Vec<(String, i64)> =
            sqlx::query_as("SELECT kind, examples FROM suggestion_models")
                .fetch_all(&mut *conn)
                .await?;
        drop(conn);
        let mut report = TrainReport::default();
        for (kind, rows) in [(CATEGORY, categories), (DEPARTMENT, departments)] {
            let n = rows.len() as i64;
            let last = before.iter().find(|(k, _)| k == kind).map(|(_, e)| *e);
            let due = match last {
                _ if n < MIN_EXAMPLES => false,
                None => true,
                Some(e) => force || n >= e + RETRAIN_AFTER,
            };
            if !due {
                report.skipped.push(kind.to_owned());
                continue;
            }
            let mut examples: Vec<Example> = rows
                .into_iter()
                .map(|(title, description, label)| Example {
                    text: document(&title, &description),
                    label,
                })
                .collect();
            if kind == CATEGORY {
                let seen: std::collections::BTreeSet<String> =
                    examples.iter().map(|e| e.label.clone()).collect();
                examples.extend(
                    names
                        .iter()
                        .filter(|(code, _)| seen.contains(code))
                        .map(|(code, name)| names_example(code, &[name])),
                );
            }
            // Seconds of arithmetic for a large deployment: off the async threads.
            let (json, labels) = tokio::task::spawn_blocking(move || {
                let model = Model::train(&recipes::suggester(), &examples, &[]);
                model.to_json().map(|j| (j, model.labels.len() as i64))
            })
            .await
            .map_err(|e| StoreError::Internal(format!("training a suggestion model: {e}")))?
            .map_err(|e| StoreError::Internal(format!("writing a suggestion model: {e}")))?;
            self.keep_model(actor, kind, &json, n, labels).await?;
            report.trained.push(Trained {
                kind: kind.to_owned(),
                examples: n,
                labels,
            });
        }
        Ok(report)
    }

    async fn keep_model(
        &self,
        actor: &Actor,
        kind: &str,
        json: &str,
        examples: i64,
        labels: i64,
    ) -> StoreResult<()> {
        let now = self.now_ms();
        let id = uuid::Uuid::now_v7().simple().to_string();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM suggestion_models WHERE kind = $1")
            .bind(kind)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO suggestion_models (kind, model_id, model, examples, labels, trained_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(kind)
        .bind(&id)
        .bind(json)
        .bind(examples)
        .bind(labels)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "suggestion_model.train",
                resource: format!("suggestion_model:{kind}"),
                scope_path: "",
                summary: json!({ "model_id": id, "examples": examples, "labels": labels }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
