//! What the desk shows of the bridges' traffic, in the caller's scope (by the bridge's path),
//! under `ManageJobs`: the orders received, the delivery log of pushes (any state, newest
//! first; the dead ones are the dead-letter list), and replaying a push: attempts from zero,
//! due now, audited as `bridge.replay` on the stream `bridge_push:<id>`.

use gridgov_core::auth::{Actor, Permission};
use serde::Serialize;
use serde_json::json;

use super::BRIDGE_PUSH;
use crate::audit::{Change, append};
use crate::jobs::NewJob;
use crate::records::need;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

const PAGE_MAX: i64 = 500;

/// Which pushes to list.
#[derive(Debug, Clone, Default)]
pub struct PushFilter {
    /// pending, sending, sent or dead; default: all.
    pub state: Option<String>,
    pub bridge: Option<String>,
    pub limit: i64,
}

/// A push as the delivery log shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PushRow {
    pub id: String,
    pub bridge_id: String,
    pub external_no: String,
    pub county_code: String,
    pub incident_id: String,
    pub status: String,
    pub body: String,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub next_at: i64,
    pub last_error: Option<String>,
    pub last_code: Option<i64>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub updated_at: i64,
}

/// An order as the inbound log shows it (the caller's phone stays sealed).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OrderRow {
    pub bridge_id: String,
    pub external_no: String,
    pub county_code: String,
    pub incident_id: String,
    pub incident_number: String,
    pub caller_name: String,
    pub received_at: i64,
}

impl Store {
    /// The pushes of the caller's scope, newest first.
    pub async fn bridge_pushes(
        &self,
        actor: &Actor,
        filter: &PushFilter,
    ) -> StoreResult<Vec<PushRow>> {
        need(actor, Permission::ManageJobs)?;
        let scope = ScopeRange::of(actor);
        Ok(sqlx::query_as::<_, PushRow>(&format!(
            "SELECT id, bridge_id, external_no, county_code, incident_id, status, body, state, \
             attempts, max_attempts, next_at, last_error, last_code, created_at, sent_at, \
             updated_at FROM bridge_pushes WHERE {} AND ($3 IS NULL OR state = $3) \
             AND ($4 IS NULL OR bridge_id = $4) ORDER BY updated_at DESC, id DESC LIMIT $5",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .bind(filter.state.as_deref())
        .bind(filter.bridge.as_deref())
        .bind(filter.limit.clamp(1, PAGE_MAX))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The orders received by the bridges of the caller's scope, newest first.
    pub async fn bridge_orders(
        &self,
        actor: &Actor,
        bridge: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<OrderRow>> {
        need(actor, Permission::ManageJobs)?;
        let scope = ScopeRange::of(actor);
        Ok(sqlx::query_as::<_, OrderRow>(&format!(
            "SELECT bridge_id, external_no, county_code, incident_id, incident_number, \
             caller_name, received_at FROM bridge_orders WHERE {} \
             AND ($3 IS NULL OR bridge_id = $3) ORDER BY received_at DESC, external_no DESC \
             LIMIT $4",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .bind(bridge)
        .bind(limit.clamp(1, PAGE_MAX))
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many orders a bridge of the caller's scope has received, and how many incidents its
    /// door has reported: equal when every order was stored once.
    pub async fn bridge_order_counts(
        &self,
        actor: &Actor,
        bridge: &str,
    ) -> StoreResult<(i64, i64)> {
        let b = self.bridge(actor, bridge).await?;
        let (orders,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM bridge_orders WHERE bridge_id = $1")
                .bind(&b.id)
                .fetch_one(&self.pool)
                .await?;
        let (incidents,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM incidents WHERE reporter_id = $1")
                .bind(super::door_id(&b.id))
                .fetch_one(&self.pool)
                .await?;
        Ok((orders, incidents))
    }

    /// Sends a push of the caller's scope again from the start: a dead one (every attempt
    /// failed), or a sent one the bridge says it lost. One pending or being sent is refused as
    /// stale; one outside the scope is `NotFound`.
    pub async fn replay_push(&self, actor: &Actor, id: &str) -> StoreResult<()> {
        need(actor, Permission::ManageJobs)?;
        let scope = ScopeRange::of(actor);
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let found: Option<(String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT state, path, bridge_id, status FROM bridge_pushes WHERE id = $1 AND {}",
            scope.sql("path", 2)
        ))
        .bind(id)
        .bind_scope(&scope)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((state, path, bridge, status)) = found else {
            return Err(StoreError::NotFound);
        };
        if state != "dead" && state != "sent" {
            return Err(StoreError::VersionConflict);
        }
        let n = sqlx::query(
            "UPDATE bridge_pushes SET state = 'pending', attempts = 0, next_at = $2, \
             lease_owner = NULL, lease_until = NULL, updated_at = $2 \
             WHERE id = $1 AND state = $3",
        )
        .bind(id)
        .bind(now)
        .bind(&state)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::VersionConflict);
        }
        append(
            &mut tx,
            now,
            actor,
            Change {
                action: "bridge.replay",
                resource: format!("bridge_push:{id}"),
                scope_path: &path,
                summary: json!({"bridge": bridge, "status": status, "was": state}),
            },
        )
        .await?;
        let job =
            NewJob::system(BRIDGE_PUSH, json!({})).keyed(format!("{BRIDGE_PUSH}:{}", now / 1000));
        crate::jobs::insert_job(&mut tx, &job, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
