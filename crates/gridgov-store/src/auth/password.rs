//! Argon2id password hashes, computed on a small pool of threads of their own.
//!
//! Each hash needs 19 MiB and tens of milliseconds of one core, and a login form lets anyone
//! start one. So hashing is bounded: as many threads as cores, each reusing one memory buffer,
//! and a request that cannot get a turn within [`WAIT`] is told the system is busy instead of
//! queueing without end. Before this pool, 200 parallel logins for unknown names made a server
//! allocate (and the allocator keep) several gigabytes.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use gridgov_core::users::NewPassword;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{StoreError, StoreResult};

/// How long a request waits for a hashing thread before it is told to come back.
const WAIT: Duration = Duration::from_secs(2);
/// The largest memory cost accepted from a stored hash (KiB): a hash from elsewhere with an
/// absurd cost must not make a thread allocate gigabytes.
const MAX_M_COST: u32 = 256 * 1024;

type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// The hashing threads and the permits that bound how many hashes are running or queued.
struct Pool {
    permits: Arc<Semaphore>,
    jobs: Mutex<mpsc::Sender<Job>>,
    threads: usize,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("gridgov-hash-{i}"))
                .spawn(move || {
                    // One buffer per thread for the life of the process: the memory of a
                    // hash is reused, never handed back to the allocator and asked for again.
                    let mut memory: Vec<Block> = Vec::new();
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut memory),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        Pool {
            permits: Arc::new(Semaphore::new(threads)),
            jobs: Mutex::new(tx),
            threads,
        }
    })
}

/// How many hashes run at once: one per core.
pub fn hashing_threads() -> usize {
    pool().threads
}

/// Runs `work` on a hashing thread, once one is free within [`WAIT`]; otherwise `Busy`.
async fn run<T: Send + 'static>(
    work: impl FnOnce(&mut Vec<Block>) -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    let pool = pool();
    let permit: OwnedSemaphorePermit =
        match tokio::time::timeout(WAIT, pool.permits.clone().acquire_owned()).await {
            Ok(Ok(p)) => p,
            _ => {
                return Err(StoreError::Busy {
                    retry_after_secs: 2,
                });
            }
        };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move |memory| {
        // The permit is held until the hash is done, even when the request has gone away,
        // so the count of running hashes stays true.
        let _permit = permit;
        let _ = tx.send(work(memory));
    });
    pool.jobs
        .lock()
        .map_err(|_| StoreError::Internal("password hashing pool poisoned".into()))?
        .send(job)
        .map_err(|_| StoreError::Internal("password hashing threads have stopped".into()))?;
    rx.await
        .map_err(|_| StoreError::Internal("password hashing thread failed".into()))?
}

/// The buffer for `params`, grown when a hash needs more than it holds.
fn blocks<'a>(memory: &'a mut Vec<Block>, params: &Params) -> &'a mut [Block] {
    let n = params.block_count();
    if memory.len() < n {
        memory.resize(n, Block::default());
    }
    &mut memory[..n]
}

fn internal(e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("password hashing failed: {e}"))
}

/// An Argon2id hash of a new password, in the PHC string form (`$argon2id$v=19$…`).
pub async fn hash_password(password: &NewPassword) -> StoreResult<String> {
    let pw = password.expose().to_owned();
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    run(move |memory| {
        let params = Params::default();
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let mut salt_raw = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_raw).map_err(internal)?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        argon
            .hash_password_into_with_memory(
                pw.as_bytes(),
                salt_bytes,
                &mut out,
                blocks(memory, &params),
            )
            .map_err(internal)?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(internal)?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(internal)?),
        };
        Ok(phc.to_string())
    })
    .await
}

/// True when the password matches the stored hash. A malformed hash never matches.
pub async fn verify_password(hash: &str, password: &str) -> StoreResult<bool> {
    let (hash, pw) = (hash.to_owned(), password.to_owned());
    run(move |memory| Ok(verify_with(memory, &hash, &pw))).await
}

fn verify_with(memory: &mut Vec<Block>, hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(expected), Some(salt)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.hash,
        parsed.salt,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    if params.m_cost() > MAX_M_COST {
        return false;
    }
    let mut salt_raw = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_raw) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    if argon
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt_bytes,
            &mut out,
            blocks(memory, &params),
        )
        .is_err()
    {
        return false;
    }
    // Output compares in constant time.
    Output::new(&out).is_ok_and(|o| o == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordVerifier;

    #[tokio::test]
    async fn hashes_verify_here_and_with_the_reference_verifier() {
        let pw = NewPassword::parse("password", "a-long-passphrase-2026").unwrap();
        let h = hash_password(&pw).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "a-long-passphrase-2026").await.unwrap());
        assert!(!verify_password(&h, "a-long-passphrase-2027").await.unwrap());
        // The crate's own verifier agrees, so hashes stay portable.
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"a-long-passphrase-2026", &parsed)
                .is_ok()
        );
    }

    #[tokio::test]
    async fn hashes_made_by_the_reference_hasher_verify() {
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        // A cheaper cost than ours, as an older deployment might have stored.
        let params = Params::new(4096, 3, 1, None).unwrap();
        let h = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(b"old-password-1", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password(&h, "old-password-1").await.unwrap());
        assert!(!verify_password(&h, "old-password-2").await.unwrap());
    }

    #[tokio::test]
    async fn malformed_or_absurd_hashes_never_match() {
        for bad in [
            "",
            "plain",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$",
            "$argon2id$v=19$m=4000000,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$Hmyh0d6vT1b0mCq0qzL3CwP4mOlWvCG0p9JpH0l3Tz8",
            "$bcrypt$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Hmyh0d6vT1b0mCq0qzL3CwP4mOlWvCG0p9JpH0l3Tz8",
        ] {
            assert!(!verify_password(bad, "x").await.unwrap(), "{bad}");
        }
    }
}
