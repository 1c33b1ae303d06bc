//! Checking a username and password, with throttling after repeated failures.
//!
//! Attempts are counted per username in the database, so every web node sees the same count
//! and a restart does not reset it. An attempt is *reserved* (counted) in one atomic statement
//! before its password is hashed, and the count is cleared only by a success: forty guesses sent
//! at once get five hashes between them, not forty. Unknown usernames are counted too, and get
//! the same answer and the same hashing delay as wrong passwords, so the login form does not
//! reveal who exists. Text that cannot be a username at all is refused without either.

use gridgov_core::users::Username;

use super::password::verify_password;
use crate::users::{User, UserRow};
use crate::{Store, StoreError, StoreResult};

/// Attempts allowed inside the window before the key is locked.
pub const MAX_FAILURES: i64 = 5;
/// The window in which attempts add up, and how long a lock lasts.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// A valid Argon2id hash of a random password, verified against when the user does not exist so
/// that both paths take the same time.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Hmyh0d6vT1b0mCq0qzL3CwP4mOlWvCG0p9JpH0l3Tz8";

/// What is counted: the attempts at one account's password, through one door.
pub(crate) enum AttemptKey<'a> {
    /// The login form and the token endpoint, by username.
    Login(&'a str),
    /// The current password on the password-change form, by user id.
    PasswordChange(&'a str),
}

impl AttemptKey<'_> {
    /// The row key; the prefixes keep the doors apart (a username has no `:`).
    fn key(&self) -> String {
        match self {
            AttemptKey::Login(name) => (*name).to_owned(),
            AttemptKey::PasswordChange(id) => format!("password-change:{id}"),
        }
    }
}

impl Store {
    /// The user behind a username and password, or `BadCredentials` / `Throttled` (and `Busy`
    /// when every hashing thread is taken for too long).
    pub async fn check_login(&self, username: &str, password: &str) -> StoreResult<User> {
        let Ok(name) = Username::parse("username", username) else {
            return Err(StoreError::BadCredentials);
        };
        let name = name.as_str();
        let key = AttemptKey::Login(name);
        self.refuse_if_locked(&key).await?;
        self.reserve_attempt(&key).await?;
        let row = sqlx::query_as::<_, UserRow>(&format!(
            "SELECT {} FROM users WHERE username = $1",
            crate::users::USER_COLUMNS
        ))
        .bind(name)
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
                self.clear_attempts(&key).await?;
                r.into_user()
            }
            _ => Err(StoreError::BadCredentials),
        }
    }

    /// `Throttled` when the key is locked now. A read, so that a locked name under attack costs
    /// the database no write; [`Store::reserve_attempt`] is what decides.
    pub(crate) async fn refuse_if_locked(&self, key: &AttemptKey<'_>) -> StoreResult<()> {
        let now = self.now_ms();
        let locked: Option<Option<i64>> =
            sqlx::query_scalar("SELECT locked_until FROM login_failures WHERE username = $1")
                .bind(key.key())
                .fetch_optional(&self.pool)
                .await?;
        match locked {
            Some(Some(until)) if until > now => Err(throttled(until, now)),
            _ => Ok(()),
        }
    }

    /// Counts one attempt, in one statement that every database runs atomically: within the
    /// window the count goes up by one, after it starts again at one; past [`MAX_FAILURES`] the
    /// key is locked for [`WINDOW_MS`] and the attempt refused before any hashing.
    pub(crate) async fn reserve_attempt(&self, key: &AttemptKey<'_>) -> StoreResult<()> {
        let now = self.now_ms();
        // In ON CONFLICT … DO UPDATE, `login_failures.x` is the row as it was: every CASE below
        // decides from the same old values.
        let (failures, locked_until): (i64, Option<i64>) = sqlx::query_as(
            "INSERT INTO login_failures (username, failures, first_failed_at, locked_until) \
             VALUES ($1, 1, $2, NULL) \
             ON CONFLICT (username) DO UPDATE SET \
             failures = CASE \
                 WHEN login_failures.locked_until > $2 THEN login_failures.failures \
                 WHEN login_failures.first_failed_at <= $2 - $4 THEN 1 \
                 ELSE login_failures.failures + 1 END, \
             first_failed_at = CASE \
                 WHEN login_failures.locked_until > $2 THEN login_failures.first_failed_at \
                 WHEN login_failures.first_failed_at <= $2 - $4 THEN $2 \
                 ELSE login_failures.first_failed_at END, \
             locked_until = CASE \
                 WHEN login_failures.locked_until > $2 THEN login_failures.locked_until \
                 WHEN login_failures.first_failed_at <= $2 - $4 THEN NULL \
                 WHEN login_failures.failures + 1 > $3 THEN $2 + $4 \
                 ELSE NULL END \
             RETURNING failures, locked_until",
        )
        .bind(key.key())
        .bind(now)
        .bind(MAX_FAILURES)
        .bind(WINDOW_MS)
        .fetch_one(self.writer())
        .await?;
        match locked_until {
            Some(until) if until > now => {
                if failures == MAX_FAILURES + 1 {
                    tracing::warn!(key = %key.key(), "locked after repeated failed attempts");
                }
                Err(throttled(until, now))
            }
            _ => Ok(()),
        }
    }

    /// Forgets the attempts of a key whose password was just proved.
    pub(crate) async fn clear_attempts(&self, key: &AttemptKey<'_>) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(key.key())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Removes attempt counts whose window and lock have both passed; run now and then, so
    /// guesses at names that do not exist do not pile up.
    pub async fn purge_stale_attempts(&self) -> StoreResult<u64> {
        let now = self.now_ms();
        let r = sqlx::query(
            "DELETE FROM login_failures WHERE first_failed_at <= $1 \
             AND (locked_until IS NULL OR locked_until <= $2)",
        )
        .bind(now - WINDOW_MS)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(r.rows_affected())
    }
}

fn throttled(until: i64, now: i64) -> StoreError {
    StoreError::Throttled {
        retry_after_secs: (until - now + 999) / 1000,
    }
}
