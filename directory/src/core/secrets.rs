//! Wrappers for secret values whose `Debug` never prints them, and the instance secret key.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use rand::RngCore;
use subtle::ConstantTimeEq;

/// A secret string (a password, a token) that never shows in logs or debug output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; the name makes every use easy to find in review.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// The 32-byte root of every secret the instances share (`GATEHOUSE_SECRET_KEY`).
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    pub const LEN: usize = 32;

    /// Parses the base64 form used in the environment and in the data dir's key file.
    pub fn from_base64(encoded: &str) -> Result<Self, String> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .map_err(|_| "is not valid base64".to_string())?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|bytes: Vec<u8>| format!("decodes to {} bytes, expected 32", bytes.len()))?;
        Ok(Self(key))
    }

    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self(key)
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A key for one purpose (HMAC-SHA256 of the purpose under the root), so no two uses
    /// share a key and none reveals the root.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        hmac_sha256(&self.0, purpose.as_bytes())
    }
}

/// HMAC-SHA256 under a 32-byte key.
pub fn hmac_sha256(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    use hmac::digest::KeyInit;
    use hmac::{Hmac, Mac};
    // HMAC pads a short key with zeros to the hash's 64-byte block; doing it here lets us use
    // the infallible constructor.
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new(&block.into());
    mac.update(message);
    mac.finalize().into_bytes().into()
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_debug_print() {
        let secret = SecretString::new("hunter2-hunter2");
        assert_eq!(format!("{secret:?}"), "***");
        let key = SecretKey::generate();
        assert!(!format!("{key:?}").contains(&key.to_base64()));
    }

    #[test]
    fn secret_key_round_trips_and_rejects_bad_lengths() {
        let key = SecretKey::generate();
        assert_eq!(SecretKey::from_base64(&key.to_base64()), Ok(key));
        assert!(SecretKey::from_base64("not base64!").is_err());
        assert!(
            SecretKey::from_base64("c2hvcnQ=")
                .unwrap_err()
                .contains("5 bytes")
        );
    }
}
