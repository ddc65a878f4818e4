//! Secrets kept at rest: sealed (encrypted and authenticated) when we must read them back,
//! keyed-hashed when we only compare.

use crate::error::{Error, Result};
use crate::secrets::SecretKey;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// Marks the format, so a later change of cipher can read old rows.
const VERSION: &str = "v1.";
const NONCE_LEN: usize = 24;

/// Encrypts `plaintext` under the key for `purpose`. `context` (a user id, say) is bound in
/// as associated data, so a sealed value copied to another row does not open.
pub(crate) fn seal(
    key: &SecretKey,
    purpose: &str,
    context: &[u8],
    plaintext: &[u8],
) -> Result<String> {
    let cipher = XChaCha20Poly1305::new(&key.derive(purpose).into());
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: context,
            },
        )
        .map_err(|_| Error::Internal("sealing failed".into()))?;
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    Ok(format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// Decrypts what [`seal`] made with the same key, purpose and context.
pub(crate) fn open(
    key: &SecretKey,
    purpose: &str,
    context: &[u8],
    sealed: &str,
) -> Result<Vec<u8>> {
    let broken = || Error::Internal(format!("a sealed {purpose} value does not open"));
    let encoded = sealed.strip_prefix(VERSION).ok_or_else(broken)?;
    let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| broken())?;
    if bytes.len() <= NONCE_LEN {
        return Err(broken());
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| broken())?;
    XChaCha20Poly1305::new(&key.derive(purpose).into())
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: body,
                aad: context,
            },
        )
        .map_err(|_| broken())
}

/// Hex HMAC-SHA256 of `value` under the key for `purpose`: for short secrets (backup codes)
/// that a plain hash would let anyone with the database guess offline.
pub(crate) fn keyed_digest(key: &SecretKey, purpose: &str, value: &str) -> String {
    crate::secrets::hmac_sha256(&key.derive(purpose), value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_purpose_and_context() -> Result<()> {
        let key = SecretKey::generate();
        let sealed = seal(&key, "totp", b"user-1", b"secret bytes")?;
        assert!(!sealed.contains("secret"));
        assert_eq!(open(&key, "totp", b"user-1", &sealed)?, b"secret bytes");
        assert!(open(&key, "totp", b"user-2", &sealed).is_err());
        assert!(open(&key, "other", b"user-1", &sealed).is_err());
        assert!(open(&SecretKey::generate(), "totp", b"user-1", &sealed).is_err());
        assert!(open(&key, "totp", b"user-1", "v1.AAAA").is_err());
        assert_ne!(seal(&key, "totp", b"user-1", b"secret bytes")?, sealed);
        Ok(())
    }

    #[test]
    fn keyed_digests_depend_on_the_key() {
        let key = SecretKey::generate();
        let digest = keyed_digest(&key, "backup", "abcde12345");
        assert_eq!(digest.len(), 64);
        assert_eq!(digest, keyed_digest(&key, "backup", "abcde12345"));
        assert_ne!(
            digest,
            keyed_digest(&SecretKey::generate(), "backup", "abcde12345")
        );
        assert_ne!(digest, keyed_digest(&key, "backup", "abcde12346"));
    }
}
