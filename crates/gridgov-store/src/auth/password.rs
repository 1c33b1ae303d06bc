//! Argon2id password hashes. Hashing is deliberately slow, so it runs off the async threads.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use gridgov_core::users::NewPassword;

use crate::{StoreError, StoreResult};

pub async fn hash_password(password: &NewPassword) -> StoreResult<String> {
    let pw = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))?
}

/// True when the password matches the stored hash. A malformed hash never matches.
pub async fn verify_password(hash: &str, password: &str) -> StoreResult<bool> {
    let (hash, pw) = (hash.to_owned(), password.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))
}
