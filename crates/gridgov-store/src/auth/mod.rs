//! Authentication: passwords, login with throttling, browser sessions and API tokens.

pub(crate) mod login;
pub(crate) mod password;
mod sessions;
mod tokens;

pub use login::{MAX_FAILURES, WINDOW_MS};
pub use password::{hash_password, hashing_threads, verify_password};
pub use sessions::{SESSION_IDLE_MS, SESSION_MAX_MS, Session};
pub use tokens::ApiToken;

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random secret, URL-safe.
pub(crate) fn random_token(bytes: usize) -> String {
    use base64::Engine;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Secrets are stored hashed, so a copy of the database does not log anyone in.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
