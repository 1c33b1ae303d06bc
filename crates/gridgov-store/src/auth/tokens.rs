//! Bearer API tokens for integrations and the mobile client. A token is shown once, stored as a
//! hash, belongs to one user and acts with that user's role and scope.

use gridgov_core::FieldError;
use gridgov_core::auth::{Actor, Permission};
use serde::Serialize;
use serde_json::json;

use super::{random_token, token_hash};
use crate::audit::{self, Change};
use crate::users::{User, UserRow};
use crate::{Store, StoreError, StoreResult};

/// Every token starts with this, so leaked tokens are easy to recognise in logs and scanners.
pub const TOKEN_PREFIX: &str = "ggv_";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Creates a token for the actor; returns it with the secret, which is not kept.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        valid_days: Option<i64>,
    ) -> StoreResult<(ApiToken, String)> {
        if !actor.can(Permission::UseApiTokens) {
            return Err(StoreError::Forbidden);
        }
        let name = name.trim();
        if gridgov_core::text::visible_chars(name) == 0 || name.chars().count() > 60 {
            return Err(FieldError::new(
                "name",
                "bad_length",
                "令牌名称长度应为1到60个字符",
                "a token name has 1 to 60 characters",
            )
            .into());
        }
        if let Some(d) = valid_days
            && !(1..=3650).contains(&d)
        {
            return Err(FieldError::new(
                "valid_days",
                "out_of_range",
                "有效天数应为1到3650",
                "valid days are 1 to 3650",
            )
            .into());
        }
        let now = self.now_ms();
        let secret = format!("{TOKEN_PREFIX}{}", random_token(32));
        let token = ApiToken {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_owned(),
            prefix: secret.chars().take(10).collect(),
            created_at: now,
            expires_at: valid_days.map(|d| now + d * 86_400_000),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&token.id)
        .bind(&actor.user_id)
        .bind(&token.name)
        .bind(token_hash(&secret))
        .bind(&token.prefix)
        .bind(now)
        .bind(token.expires_at)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "token.create",
                resource: format!("user:{}", actor.user_id),
                scope_path: actor.scope.as_str(),
                summary: json!({"token_id": token.id, "name": token.name}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    /// The actor's own tokens, newest first.
    pub async fn list_api_tokens(&self, actor: &Actor) -> StoreResult<Vec<ApiToken>> {
        Ok(sqlx::query_as::<_, ApiToken>(
            "SELECT id, name, prefix, created_at, expires_at, last_used_at, revoked_at \
             FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC",
        )
        .bind(&actor.user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Revokes one of the actor's own tokens.
    pub async fn revoke_api_token(&self, actor: &Actor, id: &str) -> StoreResult<()> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(&actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            now,
            actor,
            Change {
                action: "token.revoke",
                resource: format!("user:{}", actor.user_id),
                scope_path: actor.scope.as_str(),
                summary: json!({"token_id": id}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user a bearer token acts for, if the token is live and the account enabled.
    pub async fn token_user(&self, secret: &str) -> StoreResult<Option<User>> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let now = self.now_ms();
        let hash = token_hash(secret);
        let row = sqlx::query_as::<_, TokenUserRow>(&format!(
            "SELECT t.last_used_at AS t_last_used_at, {} FROM api_tokens t \
             JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL \
             AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled = 0",
            crate::users::USER_COLUMNS_U
        ))
        .bind(&hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.t_last_used_at.is_none_or(|t| now - t > 60_000) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1")
                .bind(&hash)
                .bind(now)
                .execute(self.writer())
                .await?;
        }
        Ok(Some(row.user.into_user()?))
    }
}

#[derive(sqlx::FromRow)]
struct TokenUserRow {
    t_last_used_at: Option<i64>,
    #[sqlx(flatten)]
    user: UserRow,
}
