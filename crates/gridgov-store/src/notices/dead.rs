//! The dead-letter list: deliveries whose every attempt failed, in the caller's scope (by the
//! path of the region whose channels they use), newest first, and resending one (attempts
//! from zero, due now, audited as `notice.resend` on the stream `notice_delivery:<id>`). Under
//! `ManageJobs`: it is the deployment's outbound work, as the failed jobs are.

use gridgov_core::auth::{Actor, Permission};
use serde::Serialize;
use serde_json::json;

use super::NOTIFY_DELIVER;
use crate::audit::{Change, append};
use crate::jobs::NewJob;
use crate::records::need;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// Which dead deliveries to list.
#[derive(Debug, Clone, Default)]
pub struct DeadFilter {
    /// Default: every channel.
    pub channel: Option<String>,
    pub limit: i64,
}

/// A dead delivery as listed.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DeadDelivery {
    pub id: String,
    pub notice_id: String,
    pub channel: String,
    /// The phone (shown masked on the desk) or the group robot's name.
    pub target: String,
    pub path: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub incident_number: String,
    pub title: String,
    pub kind: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Store {
    /// The dead deliveries of the caller's scope, newest first.
    pub async fn dead_deliveries(
        &self,
        actor: &Actor,
        filter: &DeadFilter,
    ) -> StoreResult<Vec<DeadDelivery>> {
        need(actor, Permission::ManageJobs)?;
        let scope = ScopeRange::of(actor);
        Ok(sqlx::query_as::<_, DeadDelivery>(&format!(
            "SELECT d.id, d.notice_id, d.channel, d.target, d.path, d.attempts, d.last_error, \
             n.incident_number, n.title, n.kind, d.created_at, d.updated_at \
             FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id \
             WHERE d.state = 'dead' AND {} AND ($3 IS NULL OR d.channel = $3) \
             ORDER BY d.updated_at DESC, d.id DESC LIMIT $4",
            scope.sql("d.path", 1)
        ))
        .bind_scope(&scope)
        .bind(filter.channel.as_deref())
        .bind(filter.limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Sends a dead delivery of the caller's scope again: attempts from zero, due now. One that
    /// is not dead (sent meanwhile, or already resent) is refused as stale; one outside the
    /// scope is `NotFound`.
    pub async fn resend_delivery(&self, actor: &Actor, id: &str) -> StoreResult<()> {
        need(actor, Permission::ManageJobs)?;
        let scope = ScopeRange::of(actor);
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let found: Option<(String, String, String, String)> = sqlx::query_as(&format!(
            "SELECT state, path, channel, target FROM notice_deliveries WHERE id = $1 AND {}",
            scope.sql("path", 2)
        ))
        .bind(id)
        .bind_scope(&scope)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((state, path, channel, target)) = found else {
            return Err(StoreError::NotFound);
        };
        if state != "dead" {
            return Err(StoreError::VersionConflict);
        }
        let n = sqlx::query(
            "UPDATE notice_deliveries SET state = 'pending', attempts = 0, next_at = $2, \
             lease_owner = NULL, lease_until = NULL, updated_at = $2 \
             WHERE id = $1 AND state = 'dead'",
        )
        .bind(id)
        .bind(now)
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
                action: "notice.resend",
                resource: format!("notice_delivery:{id}"),
                scope_path: &path,
                // A phone stays out of the trail; a robot's name is no one's data.
                summary: json!({
                    "channel": channel,
                    "target": if channel == "sms" { "" } else { target.as_str() },
                }),
            },
        )
        .await?;
        let job = NewJob::system(NOTIFY_DELIVER, json!({}))
            .keyed(format!("{NOTIFY_DELIVER}:{}", now / 1000));
        crate::jobs::insert_job(&mut tx, &job, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
