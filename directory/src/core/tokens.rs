//! One-time link tokens: 32 random bytes handed out once, kept only as their SHA-256.

use crate::secrets::SecretString;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new token (43 URL-safe characters) and the hash to store in its place.
pub fn generate() -> (SecretString, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = digest(&token);
    (SecretString::new(token), hash)
}

/// Hex SHA-256. A token has 256 bits of entropy, so a fast hash is enough: nothing can be
/// guessed from the stored value, and lookups by hash need no constant-time comparison.
pub fn digest(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a string could be a token at all, so junk never reaches the database.
pub fn well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Why a link no longer works, told plainly to the person holding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkProblem {
    Unknown,
    Expired,
    Used,
    Revoked,
    /// A newer link for the same thing was sent.
    Replaced,
}

impl LinkProblem {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unknown => "link_unknown",
            Self::Expired => "link_expired",
            Self::Used => "link_used",
            Self::Revoked => "link_revoked",
            Self::Replaced => "link_replaced",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::Unknown => {
                "This link is not valid. Check that you copied all of it, or ask for a new one."
            }
            Self::Expired => "This link has expired. Ask for a new one.",
            Self::Used => "This link has already been used. Each link works once.",
            Self::Revoked => "This link was withdrawn by an administrator.",
            Self::Replaced => "A newer link replaced this one. Use the link in the newest mail.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_unique() {
        let (a, hash_a) = generate();
        let (b, _) = generate();
        assert!(well_formed(a.expose()), "{}", a.expose());
        assert_ne!(a.expose(), b.expose());
        assert_eq!(hash_a, digest(a.expose()));
        assert_eq!(hash_a.len(), 64);
        assert!(!hash_a.contains(a.expose()));
    }

    #[test]
    fn junk_is_not_a_token() {
        assert!(!well_formed(""));
        assert!(!well_formed(&"a".repeat(42)));
        assert!(!well_formed(&format!("{}/", "a".repeat(42))));
    }
}
