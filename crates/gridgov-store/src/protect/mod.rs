//! Personal data at rest: sealing ID numbers and phones, and blind indexes for exact lookup.
//!
//! A protected field is stored as two columns: the *sealed* value (AES-256-GCM, readable only
//! with the data key) and its *blind index* (a keyed hash of the normalised value), which is what
//! exact search and deduplication compare. The database, its backups and its dumps then hold no
//! ID number or phone in the clear, yet "find the person with this phone" is one indexed
//! equality lookup. What this module does not do is left to its callers: masking for display,
//! deciding which role may unmask, asking for and auditing the reason, and masking exports.
//!
//! # Keys
//!
//! The deployment configures one [`DataKey`] (32 random bytes as 64 hex digits). [`Protector`]
//! never uses it directly; it derives two subkeys with HMAC-SHA256 under distinct labels:
//! `gridgov/v1/encrypt` for AES-256-GCM and `gridgov/v1/blind-index` for the index HMAC. Two
//! keys rather than one because:
//! - each primitive's guarantees assume its key serves nothing else; with one key for both, index
//!   values (which sit in plain sight in every query plan, log of slow queries and dump) would be
//!   outputs of a function of the encryption key. With separate keys, no number of index values
//!   tells anything about the encryption key;
//! - rotation of one need not force the other. Re-encrypting under a new key (a `v2` sealed form
//!   whose key comes from a new master) leaves every blind index, and so every lookup and
//!   uniqueness constraint, valid while rows are re-sealed in the background; re-indexing under a
//!   new index key leaves the sealed values alone. One shared key would turn either into a
//!   stop-the-world rewrite of both columns.
//!
//! The index key is nonetheless as sensitive as the encryption key in practice. Phones
//! (about 10^10) and ID numbers (about 10^11 valid ones, given the region codes, birth dates and
//! check digit) are small spaces: whoever holds the index key and the index column can hash every
//! candidate and read the values back. Keep both subkeys (in effect the master) out of the
//! database host. [`Protector::key_check`] gives a short public value per master key, so a
//! deployment can store it once and refuse to start with a different key instead of silently
//! writing rows no lookup will find.
//!
//! # Sealed form
//!
//! `v1.` followed by base64url without padding of `nonce (12 bytes) || ciphertext || tag (16)`:
//! 65 characters for an 18-character ID number, 55 for an 11-digit phone. The [`FieldKind`]'s
//! label is the AES-GCM associated data, so a sealed phone copied into the ID column fails to
//! open instead of being shown as an ID number. The row is not bound: a sealed value copied to
//! another person's row of the same column opens there. Binding the row id as well would close
//! that, at the price of knowing the id before sealing and of re-sealing on any id change.
//!
//! # Nonces
//!
//! AES-GCM loses both confidentiality and integrity if a nonce repeats under one key, so every
//! seal takes a fresh random 96-bit nonce. It comes from the thread's CSPRNG (`rand`'s
//! `ThreadRng`: ChaCha12 seeded from the operating system, reseeded from it every 64 KiB of
//! output and after a fork) rather than from the operating system on every call, which costs a
//! system call per seal, two per imported row, for no gain: GCM needs nonces unique, not secret
//! beyond what a CSPRNG gives. A counter was rejected because several processes (the server, an
//! import, a second node) seal under the same key with no shared state, and a counter restarted
//! from a stale value repeats. Random nonces are safe for about 2^32 seals per key (NIST
//! SP 800-38D, section 8.3: the chance of any repeat stays below 2^-32); ten million persons with
//! two fields each is 2^24, so a key is due for rotation long before that bound matters.
//!
//! # Blind index
//!
//! `HMAC-SHA256(index key, kind label || 0x00 || value)`, truncated to 16 bytes, base64url
//! (22 characters). The kind label makes equal strings of different kinds index differently, and
//! the zero byte, which no label contains, keeps label and value apart. 128 bits rather than the
//! full 256 halves the column and its index; the chance of any two of five million distinct
//! values colliding is about n²/2^129 ≈ 4·10^-26, while 64 bits would already give 7·10^-7, and a
//! collision here would merge two persons. The caller normalises the value before indexing
//! (for example upper-case `X` in ID numbers, digits only in phones) the same way on write and
//! on search, or the lookup misses.
//!
//! The index is deterministic on purpose, so it reveals which rows share a value (that is how
//! dedupe works) and how often a value occurs, but not the value.
//!
//! # Cost
//!
//! Sealing two fields and computing two indexes takes about 1 µs per row on one core of the
//! development machine (a seal about 280 ns, an open about 265 ns, an index about 180 ns; run
//! the ignored `throughput` test in release to measure). Taking each nonce from the operating
//! system instead would add about 0.85 µs per row. A [`Protector`] is an
//! `Arc` around the expanded keys, so clones are free and threads share no lock.

mod confirm;
mod keys;
mod person_fields;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

pub use keys::DataKey;
pub use person_fields::Sealed;

use crate::error::{StoreError, StoreResult};

/// Prefix of every value sealed by this version.
const V1: &str = "v1.";
/// The associated data of a sealed bridge secret.
const SECRET_LABEL: &str = "bridge_secret";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Bytes of the HMAC kept in a blind index.
const INDEX_LEN: usize = 16;

/// What a protected value is. Its label is bound into every sealed value and blind index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// 居民身份证号码.
    IdCardNo,
    /// Mobile or landline phone number.
    Phone,
    /// An e-mail address a citizen left with a report (Open311).
    Email,
}

impl FieldKind {
    pub const ALL: [FieldKind; 3] = [FieldKind::IdCardNo, FieldKind::Phone, FieldKind::Email];

    /// The kind's stable name. Never change one: every value sealed or indexed under the old
    /// name would stop opening or matching. A new kind gets a new name.
    pub const fn label(self) -> &'static str {
        match self {
            FieldKind::IdCardNo => "id_card_no",
            FieldKind::Phone => "phone",
            FieldKind::Email => "email",
        }
    }
}

/// Seals, opens and indexes protected fields under one data key. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Protector {
    inner: Arc<Inner>,
}

struct Inner {
    cipher: Aes256Gcm,
    /// HMAC already keyed with the index key: cloning it skips hashing the key per call.
    index: Hmac<Sha256>,
    key_check: String,
}

impl Protector {
    pub fn new(key: &DataKey) -> Protector {
        let cipher = Aes256Gcm::new(&key.derive(keys::ENCRYPT_LABEL).into());
        let index = keys::hmac_sha256(&key.derive(keys::INDEX_LABEL));
        let key_check = URL_SAFE_NO_PAD.encode(&key.derive(keys::CHECK_LABEL)[..8]);
        Protector {
            inner: Arc::new(Inner {
                cipher,
                index,
                key_check,
            }),
        }
    }

    /// Encrypts `plaintext` as a `kind` value: `v1.<base64url(nonce || ciphertext || tag)>`.
    ///
    /// Two seals of the same value differ (fresh nonce each time), so sealed columns cannot be
    /// compared; compare [`blind_index`](Self::blind_index) values instead.
    pub fn seal(&self, kind: FieldKind, plaintext: &str) -> StoreResult<String> {
        self.seal_as(kind.label(), plaintext)
    }

    /// Seals a bridge's shared secret. Not a person's field, so not a [`FieldKind`] (whose
    /// kinds the person pages list); its own label keeps it from opening as one.
    pub fn seal_secret(&self, plaintext: &str) -> StoreResult<String> {
        self.seal_as(SECRET_LABEL, plaintext)
    }

    /// Opens a secret sealed by [`Protector::seal_secret`].
    pub fn open_secret(&self, sealed: &str) -> StoreResult<String> {
        self.open_as(SECRET_LABEL, sealed)
    }

    fn seal_as(&self, label: &str, plaintext: &str) -> StoreResult<String> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let mut buf = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
        buf.extend_from_slice(&nonce);
        buf.extend_from_slice(plaintext.as_bytes());
        // Fails only for plaintexts over 64 GiB, the GCM limit.
        let tag = self
            .inner
            .cipher
            .encrypt_in_place_detached(&Nonce::from(nonce), label.as_bytes(), &mut buf[NONCE_LEN..])
            .map_err(|_| StoreError::Internal(format!("sealing {label}: too long")))?;
        buf.extend_from_slice(&tag);
        let mut out = String::with_capacity(V1.len() + (buf.len() * 4).div_ceil(3));
        out.push_str(V1);
        URL_SAFE_NO_PAD.encode_string(&buf, &mut out);
        Ok(out)
    }

    /// Decrypts a value sealed as `kind` under this key.
    ///
    /// Tampering, another data key and another kind are indistinguishable by design (the tag
    /// fails in each case), so they share one error; an unknown version or a value that is not in
    /// the sealed form at all is reported as such. Errors never quote the value.
    pub fn open(&self, kind: FieldKind, sealed: &str) -> StoreResult<String> {
        self.open_as(kind.label(), sealed)
    }

    fn open_as(&self, label: &str, sealed: &str) -> StoreResult<String> {
        let fail = |why: &str| StoreError::Internal(format!("opening {label}: {why}"));
        let Some(body) = sealed.strip_prefix(V1) else {
            let version = sealed.split_once('.').map(|(v, _)| v).filter(|v| {
                v.len() <= 8
                    && v.len() > 1
                    && v.starts_with('v')
                    && v[1..].bytes().all(|b| b.is_ascii_digit())
            });
            return Err(match version {
                Some(v) => fail(&format!(
                    "sealed format {v} is unknown to this version of gridgov"
                )),
                None => fail("not a sealed value (expected v1.<base64url>)"),
            });
        };
        let mut buf = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| fail("sealed value is not valid base64url"))?;
        let too_short = || fail("sealed value is too short");
        let (nonce, rest) = buf
            .split_first_chunk_mut::<NONCE_LEN>()
            .ok_or_else(too_short)?;
        let (ciphertext, tag) = rest
            .split_last_chunk_mut::<TAG_LEN>()
            .ok_or_else(too_short)?;
        self.inner
            .cipher
            .decrypt_in_place_detached(
                &Nonce::from(*nonce),
                label.as_bytes(),
                ciphertext,
                &Tag::from(*tag),
            )
            .map_err(|_| {
                fail(
                    "authentication failed: the value was altered, sealed under another data \
                     key, or sealed as another kind of field",
                )
            })?;
        buf.truncate(buf.len() - TAG_LEN);
        buf.drain(..NONCE_LEN);
        String::from_utf8(buf).map_err(|_| fail("plaintext is not UTF-8"))
    }

    /// The blind index of an already normalised value: equal for equal `(kind, value)`, and
    /// useless without the key. See the module documentation for the construction.
    pub fn blind_index(&self, kind: FieldKind, normalized_value: &str) -> String {
        let mut mac = self.inner.index.clone();
        mac.update(kind.label().as_bytes());
        mac.update(&[0]);
        mac.update(normalized_value.as_bytes());
        URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..INDEX_LEN])
    }

    /// A short public value that is the same for the same master key and differs otherwise (11
    /// characters). It reveals nothing about the key; store it at first start and compare on
    /// every later start to catch a misconfigured key before it writes anything.
    pub fn key_check(&self) -> &str {
        &self.inner.key_check
    }
}

impl std::fmt::Debug for Protector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Protector")
            .field("key_check", &self.inner.key_check)
            .finish_non_exhaustive()
    }
}
