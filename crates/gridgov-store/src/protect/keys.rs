//! The master data key and the subkeys derived from it.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

use crate::error::{StoreError, StoreResult};

/// Label of the AES-256-GCM key of sealed format `v1`.
pub(crate) const ENCRYPT_LABEL: &[u8] = b"gridgov/v1/encrypt";
/// Label of the blind-index key of index format `v1`.
pub(crate) const INDEX_LABEL: &[u8] = b"gridgov/v1/blind-index";
/// Label of the key check, a public value that tells whether two configurations hold the same key.
pub(crate) const CHECK_LABEL: &[u8] = b"gridgov/v1/key-check";

/// The master key for personal data: 32 bytes from the configuration, written as 64 hex digits.
///
/// It is never used directly: [`Protector::new`](super::Protector::new) derives one subkey per
/// purpose from it. `Debug` prints no key material, so a configuration struct holding one can be
/// logged.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// Parses 64 hex digits (surrounding whitespace ignored, as from a key file).
    ///
    /// Errors never quote the input: a key pasted into the wrong place must not end up in a log.
    pub fn from_hex(s: &str) -> StoreResult<DataKey> {
        let s = s.trim();
        if s.len() != 64 {
            return Err(StoreError::Config(format!(
                "data key: expected 64 hex digits (32 bytes), got {} characters",
                s.chars().count()
            )));
        }
        let mut key = [0u8; 32];
        hex::decode_to_slice(s, &mut key).map_err(|_| {
            StoreError::Config("data key: expected 64 hex digits, found another character".into())
        })?;
        // A placeholder such as 000…0 or fff…f parses fine and protects nothing; catch it here
        // rather than encrypt a deployment's data under it.
        if key.iter().all(|&b| b == key[0]) {
            return Err(StoreError::Config(
                "data key: all bytes are equal, which looks like a placeholder; \
                 generate a random key"
                    .into(),
            ));
        }
        Ok(DataKey(key))
    }

    /// A fresh random key as 64 hex digits, for setting up a deployment or a test.
    pub fn generate_hex() -> String {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        hex::encode(key)
    }

    /// The subkey for one purpose: HMAC-SHA256(master, label).
    ///
    /// HMAC with a uniformly random key is a pseudorandom function, so outputs for different
    /// labels are independent keys and none reveals the master or another subkey. (This is the
    /// one-block case of the NIST SP 800-108 KDF; no extract step is needed since the master is
    /// already uniform.)
    pub(crate) fn derive(&self, label: &[u8]) -> [u8; 32] {
        let mut mac = hmac_sha256(&self.0);
        mac.update(label);
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// HMAC-SHA256 keyed with 32 bytes, without a fallible constructor.
///
/// HMAC pads a key shorter than the hash's 64-byte block with zeros (RFC 2104, section 2), so
/// the padded block is the very same key; this spares every caller an error path that cannot
/// happen.
pub(crate) fn hmac_sha256(key: &[u8; 32]) -> Hmac<Sha256> {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    <Hmac<Sha256> as KeyInit>::new(&block.into())
}
