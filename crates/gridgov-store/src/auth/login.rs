//! Checking a username and password, with throttling after repeated failures.
//!
//! Failures are counted per username in the database, so every web node sees the same count
//! and a restart does not reset it. Unknown usernames are counted too, and get the same answer
//! and the same hashing delay as wrong passwords, so the login form does not reveal who exists.

use gridgov_core::users::Username;

use super::password::verify_password;
use crate::users::{User, UserRow};
use crate::{Store, StoreError, StoreResult};

/// Failures allowed inside the window before the username is locked.
pub const MAX_FAILURES: i64 = 5;
/// The window in which failures add up, and how long a lock lasts.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// A valid Argon2id hash of a random password, verified against when the user does not exist so
/// that both paths take the same time.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Hmyh0d6vT1b0mCq0qzL3CwP4mOlWvCG0p9JpH0l3Tz8";

impl Store {
    /// The user behind a username and password, or `BadCredentials` / `Throttled`.
    pub async fn check_login(&self, username: &str, password: &str) -> StoreResult<User> {
        let now = self.now_ms();
        let name = Username::parse("username", username)
            .map(|u| u.as_str().to_owned())
            .unwrap_or_else(|_| username.trim().to_ascii_lowercase());
        let locked: Option<Option<i64>> =
            sqlx::query_scalar("SELECT locked_until FROM login_failures WHERE username = $1")
                .bind(&name)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(Some(until)) = locked
            && until > now
        {
            return Err(StoreError::Throttled {
                retry_after_secs: (until - now + 999) / 1000,
            });
        }
        let row = sqlx::query_as::<_, UserRow>(&format!(
            "SELECT {} FROM users WHERE username = $1",
            crate::users::USER_COLUMNS
        ))
        .bind(&name)
        .fetch_optional(&self.pool)
        .await?;
        let ok = match &row {
            Some(r) => verify_password(&r.password_hash, password).await? && r.disabled == 0,
            None => {
                verify_password(DUMMY_HASH, password).await?;
                false
            }
        };
        match (ok, row) {
            (true, Some(r)) => {
                sqlx::query("DELETE FROM login_failures WHERE username = $1")
                    .bind(&name)
                    .execute(&self.pool)
                    .await?;
                r.into_user()
            }
            _ => {
                self.record_failure(&name, now).await?;
                Err(StoreError::BadCredentials)
            }
        }
    }

    async fn record_failure(&self, name: &str, now: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let cur: Option<(i64, i64)> = sqlx::query_as(
            "SELECT failures, first_failed_at FROM login_failures WHERE username = $1",
        )
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        let (failures, first) = match cur {
            Some((f, first)) if now - first < WINDOW_MS => (f + 1, first),
            _ => (1, now),
        };
        let locked_until = (failures >= MAX_FAILURES).then_some(now + WINDOW_MS);
        sqlx::query(
            "INSERT INTO login_failures (username, failures, first_failed_at, locked_until) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO UPDATE SET \
             failures = excluded.failures, first_failed_at = excluded.first_failed_at, \
             locked_until = excluded.locked_until",
        )
        .bind(name)
        .bind(failures)
        .bind(first)
        .bind(locked_until)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        if locked_until.is_some() {
            tracing::warn!(
                username = name,
                failures,
                "login locked after repeated failures"
            );
        }
        Ok(())
    }
}
