//! Recording whether the operator took a suggestion, and the acceptance rate over the caller's
//! scope. A decision is filed under the incident's path, so the rate of a district counts its
//! own incidents only.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use gridgov_core::incidents::is_center_role;
use serde::Serialize;
use serde_json::json;

use super::KINDS;
use crate::audit::{self, Change};
use crate::records::{invalid, need};
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// What was suggested and what the operator chose.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// `category` or `department`.
    pub kind: String,
    pub suggested: String,
    /// The suggestion's confidence, 0 to 1.
    pub confidence: f32,
    pub chosen: String,
}

/// How often operators took the suggestion of one kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acceptance {
    pub kind: String,
    pub decisions: i64,
    pub taken: i64,
    /// `taken / decisions`; none before the first decision.
    pub rate: Option<f64>,
}

impl Decision {
    fn check(&self) -> StoreResult<()> {
        let mut errors = Vec::new();
        if !KINDS.contains(&self.kind.as_str()) {
            errors.push(FieldError::new(
                "kind",
                "unknown_kind",
                "建议类型只能是 category 或 department",
                "the kind of suggestion is category or department",
            ));
        }
        for (field, value) in [("suggested", &self.suggested), ("chosen", &self.chosen)] {
            if value.trim().is_empty() {
                errors.push(FieldError::new(
                    field,
                    "required",
                    "不能为空",
                    "is required",
                ));
            }
        }
        if !(0.0..=1.0).contains(&self.confidence) {
            errors.push(FieldError::new(
                "confidence",
                "out_of_range",
                "置信度须在 0 到 1 之间",
                "the confidence lies between 0 and 1",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(invalid(errors))
        }
    }
}

impl Store {
    /// Records one decision of a center operator on an incident they can see.
    pub async fn record_suggestion_decision(
        &self,
        actor: &Actor,
        county: &str,
        id: &str,
        decision: &Decision,
    ) -> StoreResult<()> {
        decision.check()?;
        let incident = self.incident(actor, county, id).await?;
        if !is_center_role(actor.role) {
            return Err(StoreError::Forbidden);
        }
        let now = self.now_ms();
        let row_id = uuid::Uuid::now_v7().simple().to_string();
        let taken = decision.suggested == decision.chosen;
        let permille = (decision.confidence * 1000.0).round() as i64;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO suggestion_decisions (id, county_code, incident_id, kind, suggested, \
             confidence, chosen, taken, path, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&row_id)
        .bind(&incident.county_code)
        .bind(&incident.id)
        .bind(&decision.kind)
        .bind(&decision.suggested)
        .bind(permille)
        .bind(&decision.chosen)
        .bind(i64::from(taken))
        .bind(&incident.path)
        .bind(&actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "suggestion.decision",
                resource: format!("incident:{}", incident.id),
                scope_path: &incident.path,
                summary: json!({
                    "kind": decision.kind,
                    "suggested": decision.suggested,
                    "confidence_permille": permille,
                    "chosen": decision.chosen,
                    "taken": taken,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The acceptance rate of each kind over the decisions on incidents inside the caller's
    /// scope; every kind is listed, with no rate before its first decision.
    pub async fn suggestion_acceptance(&self, actor: &Actor) -> StoreResult<Vec<Acceptance>> {
        need(actor, Permission::ViewIncidents)?;
        let scope = ScopeRange::of(actor);
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT kind, COUNT(*), CAST(COALESCE(SUM(taken), 0) AS BIGINT) FROM suggestion_decisions \
             WHERE {} GROUP BY kind",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?;
        Ok(KINDS
            .iter()
            .map(|kind| {
                let (decisions, taken) = rows
                    .iter()
                    .find(|(k, _, _)| k == kind)
                    .map_or((0, 0), |(_, d, t)| (*d, *t));
                Acceptance {
                    kind: (*kind).to_owned(),
                    decisions,
                    taken,
                    rate: (decisions > 0).then(|| taken as f64 / decisions as f64),
                }
            })
            .collect())
    }
}
