//! Browser sessions. The cookie holds a random token; the database holds only its hash.
//! A session ends after eight idle hours or a day at most, on logout, when the password is
//! reset, and when the account is disabled.

use gridgov_core::auth::Actor;
use serde_json::json;

use super::{random_token, token_hash};
use crate::audit::{self, Change};
use crate::users::{User, UserRow};
use crate::{Store, StoreResult};

pub const SESSION_IDLE_MS: i64 = 8 * 3600 * 1000;
pub const SESSION_MAX_MS: i64 = 24 * 3600 * 1000;
/// Activity is written back at most this often, so page views stay reads.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

#[derive(Debug, Clone)]
pub struct Session {
    /// The secret for the cookie; shown once.
    pub token: String,
    pub expires_at: i64,
}

impl Store {
    /// Opens a session for a user who just proved their password.
    pub async fn create_session(&self, user: &User) -> StoreResult<Session> {
        let now = self.now_ms();
        let token = random_token(32);
        let expires_at = now + SESSION_IDLE_MS;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(&user.id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        let actor = user.actor();
        audit::append(
            &mut tx,
            now,
            &actor,
            Change {
                action: "session.login",
                resource: format!("user:{}", user.id),
                scope_path: user.scope_path.as_str(),
                summary: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Session { token, expires_at })
    }

    /// The user behind a session cookie, if the session is live and the account enabled.
    pub async fn session_user(&self, token: &str) -> StoreResult<Option<User>> {
        let now = self.now_ms();
        let hash = token_hash(token);
        let row = sqlx::query_as::<_, UserRowWithSession>(&format!(
            "SELECT s.created_at AS s_created_at, s.last_seen_at AS s_last_seen_at, {} \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
            crate::users::USER_COLUMNS_U
        ))
        .bind(&hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let (created, last_seen) = (r.s_created_at, r.s_last_seen_at);
        if now - created > SESSION_MAX_MS {
            self.delete_session(token).await?;
            return Ok(None);
        }
        if now - last_seen > TOUCH_EVERY_MS {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1",
            )
            .bind(&hash)
            .bind(now)
            .bind((now + SESSION_IDLE_MS).min(created + SESSION_MAX_MS))
            .execute(self.writer())
            .await?;
        }
        Ok(Some(r.user.into_user()?))
    }

    /// Logs out: ends the session behind this cookie and records it in the user's audit stream.
    pub async fn logout(&self, token: &str) -> StoreResult<()> {
        let now = self.now_ms();
        let hash = token_hash(token);
        let mut tx = self.begin_write().await?;
        let who = sqlx::query_as::<_, UserRow>(&format!(
            "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
            crate::users::USER_COLUMNS_U
        ))
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = who else { return Ok(()) };
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
        let user = row.into_user()?;
        let change = Change {
            action: "session.logout",
            resource: format!("user:{}", user.id),
            scope_path: user.scope_path.as_str(),
            summary: json!({}),
        };
        audit::append(&mut tx, now, &user.actor(), change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends one session without a trace (it expired).
    pub async fn delete_session(&self, token: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Removes expired sessions; run now and then.
    pub async fn purge_expired_sessions(&self) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(self.now_ms())
            .execute(self.writer())
            .await?;
        Ok(r.rows_affected())
    }

    /// Logs the actor out everywhere.
    pub async fn logout_everywhere(&self, actor: &Actor) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(&actor.user_id)
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct UserRowWithSession {
    s_created_at: i64,
    s_last_seen_at: i64,
    #[sqlx(flatten)]
    user: UserRow,
}
