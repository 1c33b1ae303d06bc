//! Keys of client applications: issued from the desk by a system administrator or a center
//! operator whose scope covers the city, shown once, kept as a SHA-256, revocable. Each has its
//! own rate (requests a minute), which the web layer enforces.

use gridgov_core::auth::{Actor, Permission};
use gridgov_core::scope::ScopePath;
use serde::Serialize;
use serde_json::json;

use super::fault;
use crate::audit::{self, Change};
use crate::auth::{random_token, token_hash};
use crate::records::need;
use crate::scope::{BindScope, ScopeRange};
use crate::{Store, StoreError, StoreResult};

/// The prefix of every key, so a leaked one is recognised for what it is.
const KEY_PREFIX: &str = "o311_";
/// The rate a key gets unless the desk says otherwise.
pub const DEFAULT_PER_MINUTE: i64 = 600;
/// The widest rate the desk may give a key: 10,000 a second.
const MAX_PER_MINUTE: i64 = 600_000;

/// A key as the web layer uses it on a request: who it is and where it reports.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub region_code: String,
    pub path: String,
    pub per_minute: i64,
}

impl ApiKey {
    /// The door this key reports through: a center operator over its city, named by the key.
    pub fn actor(&self) -> Actor {
        Actor::door(
            format!("open311:{}", self.id),
            format!("open311:{}", self.name),
            ScopePath::from_path(self.path.clone()),
        )
    }
}

/// A key as the desk lists it (never the key itself).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct KeyView {
    pub id: String,
    pub name: String,
    pub region_code: String,
    pub per_minute: i64,
    pub created_by: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A key just issued: the only time its secret is seen.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    pub id: String,
    pub key: String,
}

impl Store {
    /// Issues a key for the city `region_code` to a client application. The caller's scope must
    /// cover the whole city. The city's services are seeded from the public categories when it
    /// has none yet, so a key always has something to report to.
    pub async fn issue_open311_key(
        &self,
        actor: &Actor,
        region_code: &str,
        name: &str,
        per_minute: Option<i64>,
    ) -> StoreResult<IssuedKey> {
        need(actor, Permission::ManageSettings)?;
        let name = name.trim();
        if name.chars().count() < 2
            || name.chars().count() > 60
            || name.chars().any(char::is_control)
        {
            return Err(fault(
                "name",
                "bad_name",
                "请填写应用名称（2 到 60 个字）",
                "give the application's name (2 to 60 characters)",
            ));
        }
        let per_minute = per_minute.unwrap_or(DEFAULT_PER_MINUTE);
        if !(1..=MAX_PER_MINUTE).contains(&per_minute) {
            return Err(fault(
                "per_minute",
                "out_of_range",
                format!("每分钟请求数应在 1 到 {MAX_PER_MINUTE} 之间"),
                format!("requests a minute must lie between 1 and {MAX_PER_MINUTE}"),
            ));
        }
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let city = super::services::city_covered(&mut tx, actor, region_code).await?;
        let key = format!("{KEY_PREFIX}{}", random_token(24));
        let id = uuid::Uuid::now_v7().simple().to_string();
        sqlx::query(
            "INSERT INTO open311_keys (id, name, key_hash, region_code, path, per_minute, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(name)
        .bind(token_hash(&key))
        .bind(&city.region_code)
        .bind(&city.path)
        .bind(per_minute)
        .bind(&actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let seeded = super::services::seed_in(&mut tx, actor, &city, now).await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "open311.key_issued",
                resource: format!("open311_key:{id}"),
                scope_path: &city.path,
                summary: json!({"name": name, "city": city.region_code, "per_minute": per_minute,
                    "services_seeded": seeded}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(IssuedKey { id, key })
    }

    /// The keys of the cities inside the caller's scope, newest first.
    pub async fn open311_keys(&self, actor: &Actor) -> StoreResult<Vec<KeyView>> {
        need(actor, Permission::ManageSettings)?;
        let scope = ScopeRange::of(actor);
        Ok(sqlx::query_as::<_, KeyView>(&format!(
            "SELECT id, name, region_code, per_minute, created_by, created_at, revoked_at \
             FROM open311_keys WHERE {} ORDER BY created_at DESC, id LIMIT 500",
            scope.sql("path", 1)
        ))
        .bind_scope(&scope)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Revokes a key: from now on it is refused with 403. A key revoked already is left as it is.
    pub async fn revoke_open311_key(&self, actor: &Actor, id: &str) -> StoreResult<()> {
        need(actor, Permission::ManageSettings)?;
        let scope = ScopeRange::of(actor);
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let path: String = sqlx::query_scalar(&format!(
            "SELECT path FROM open311_keys WHERE id = $1 AND {}",
            scope.sql("path", 2)
        ))
        .bind(id)
        .bind_scope(&scope)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if !actor.scope.covers(&ScopePath::from_path(path.clone())) {
            // A district's center sees its city's keys but does not speak for the whole city.
            return Err(StoreError::Forbidden);
        }
        let changed = sqlx::query(
            "UPDATE open311_keys SET revoked_at = $2, revoked_by = $3 \
             WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .bind(&actor.user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            audit::append(
                &mut tx,
                now,
                actor,
                Change {
                    action: "open311.key_revoked",
                    resource: format!("open311_key:{id}"),
                    scope_path: &path,
                    summary: json!({}),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The live key a client sent, or `None` for a key that is unknown or revoked (the web layer
    /// answers both with 403, as the spec asks).
    pub async fn open311_key(&self, secret: &str) -> StoreResult<Option<ApiKey>> {
        if !secret.starts_with(KEY_PREFIX) || secret.len() > 100 {
            return Ok(None);
        }
        Ok(sqlx::query_as::<_, ApiKey>(
            "SELECT id, name, region_code, path, per_minute FROM open311_keys \
             WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash(secret))
        .fetch_optional(&self.pool)
        .await?)
    }
}
