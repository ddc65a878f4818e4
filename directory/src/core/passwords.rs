//! Password hashing with argon2id (OWASP parameters), run off the async threads.

use crate::error::{Error, Result};
use crate::secrets::SecretString;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// OWASP's argon2id recommendation: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19_456;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

/// Each hash takes 19 MiB for its duration: a burst of sign-ins must not be able to take
/// gigabytes (or every blocking thread), so hashes queue for one slot per core.
fn slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

/// How many hashes may wait for a slot at once; past that a request is turned away at once
/// rather than queued behind a flood (a signed-in user hammering "confirm with your
/// password" must not stall everyone else's sign-in).
const MAX_WAITING: usize = 64;
/// How long a hash waits for a slot before the request is turned away.
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

fn waiting() -> &'static std::sync::atomic::AtomicUsize {
    static WAITING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    &WAITING
}

/// Counts a waiter for as long as it lives.
struct Waiter;

impl Waiter {
    fn join() -> Option<Self> {
        use std::sync::atomic::Ordering;
        let before = waiting().fetch_add(1, Ordering::AcqRel);
        if before >= MAX_WAITING {
            waiting().fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Self)
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        waiting().fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Runs one argon2 computation on the blocking pool once a slot is free: the queue is
/// bounded in length and in time, and a request beyond either gets [`Error::Busy`].
async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let busy = Error::Busy(MAX_WAIT.as_secs().max(1));
    let waiter = Waiter::join().ok_or(Error::Busy(1))?;
    let _slot = match tokio::time::timeout(MAX_WAIT, slots().acquire()).await {
        Ok(slot) => slot.map_err(|e| Error::Internal(format!("hashing slots: {e}")))?,
        Err(_) => return Err(busy),
    };
    drop(waiter);
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(format!("hashing task: {e}")))
}

fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub async fn hash(password: &SecretString) -> Result<String> {
    let password = password.clone();
    bounded(move || hash_blocking(password.expose())).await?
}

fn hash_blocking(password: &str) -> Result<String> {
    hasher()?
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(format!("argon2 hash: {e}")))
}

/// Checks a password against a stored PHC string. With no stored hash (an unknown user, or a
/// user without a password) it checks against `decoy` instead, so both answers take as long.
pub async fn verify(password: &SecretString, stored: Option<&str>, decoy: &str) -> Result<bool> {
    let password = password.clone();
    let (hash, real) = match stored {
        Some(hash) => (hash.to_string(), true),
        None => (decoy.to_string(), false),
    };
    let matches = bounded(move || {
        hasher().map(|h| {
            h.verify_password(password.expose().as_bytes(), hash.as_str())
                .is_ok()
        })
    })
    .await??;
    Ok(real && matches)
}

/// A hash of a random password, made once at start, for [`verify`] to spend time on.
pub fn decoy_hash() -> Result<String> {
    let random: [u8; 16] = rand::random();
    hash_blocking(&format!("{random:x?}"))
}

/// A temporary password for an admin to hand over: 20 characters from an alphabet without
/// look-alikes (about 110 bits), in groups of five for reading aloud.
pub fn generate_temporary() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..5)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters() {
        let hash = hash(&SecretString::new("correct horse battery"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }

    #[tokio::test]
    async fn verify_accepts_only_the_right_password() {
        let decoy = decoy_hash().unwrap();
        let password = SecretString::new("correct horse battery");
        let stored = hash(&password).await.unwrap();
        assert!(verify(&password, Some(&stored), &decoy).await.unwrap());
        let wrong = SecretString::new("correct horse batterz");
        assert!(!verify(&wrong, Some(&stored), &decoy).await.unwrap());
    }

    #[tokio::test]
    async fn same_password_gets_a_new_salt_each_time() {
        let password = SecretString::new("correct horse battery");
        assert_ne!(
            hash(&password).await.unwrap(),
            hash(&password).await.unwrap()
        );
    }

    #[tokio::test]
    async fn no_stored_hash_never_matches() {
        let decoy = decoy_hash().unwrap();
        let password = SecretString::new("anything at all");
        assert!(!verify(&password, None, &decoy).await.unwrap());
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_a_mismatch_not_a_crash() {
        let decoy = decoy_hash().unwrap();
        let password = SecretString::new("anything at all");
        assert!(
            !verify(&password, Some("not-a-phc-string"), &decoy)
                .await
                .unwrap()
        );
    }

    #[test]
    fn temporary_passwords_pass_the_rules_and_differ() {
        let a = generate_temporary();
        assert_eq!(a.len(), 23);
        assert!(crate::rules::check_new_password(&a).is_ok(), "{a}");
        assert_ne!(a, generate_temporary());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_burst_of_hashes_queues_and_every_one_finishes()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let burst = (0..6).map(|i| {
            tokio::spawn(
                async move { hash(&SecretString::new(format!("burst-password-{i}"))).await },
            )
        });
        for task in burst {
            assert!(task.await??.starts_with("$argon2id$"));
        }
        Ok(())
    }
}
