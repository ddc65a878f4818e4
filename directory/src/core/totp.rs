//! TOTP codes as RFC 6238 and every authenticator app make them (SHA-1, 6 digits, 30-second
//! steps), and the window of steps we accept them in. Pure: the time is always an argument.

use rand::RngCore;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use totp_rs::{Algorithm, TOTP};

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: usize = 6;
/// Steps either side of now that still count, for clocks that drift and people who type slowly.
pub const DRIFT_STEPS: i64 = 1;
/// 160 bits, the length RFC 4226 recommends and every app accepts.
const SECRET_LEN: usize = 20;
/// Shown as the account's issuer in authenticator apps.
pub const ISSUER: &str = "Gatehouse";

/// A user's TOTP key. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpKey(Vec<u8>);

impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(***)")
    }
}

impl TotpKey {
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_LEN];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// A key as people type it (base32, spaces and case ignored); `None` if it is not one.
    pub fn from_base32(text: &str) -> Option<Self> {
        let plain: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        totp_rs::Secret::Encoded(plain)
            .to_bytes()
            .ok()
            .filter(|bytes| !bytes.is_empty())
            .map(Self)
    }

    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    fn totp(&self, account: &str) -> TOTP {
        TOTP::new_unchecked(
            Algorithm::SHA1,
            DIGITS,
            DRIFT_STEPS as u8,
            STEP_SECONDS as u64,
            self.0.clone(),
            Some(ISSUER.to_string()),
            account.to_string(),
        )
    }

    /// The key in base32, as people type it into an app.
    pub fn base32(&self) -> String {
        self.totp("").get_secret_base32()
    }

    /// The `otpauth://` URI the QR code carries.
    pub fn uri(&self, account: &str) -> String {
        // A colon separates issuer and account in the label; usernames never hold one.
        self.totp(&account.replace(':', "")).get_url()
    }

    pub fn code_at_step(&self, step: i64) -> String {
        self.totp("")
            .generate(step.max(0) as u64 * STEP_SECONDS as u64)
    }

    pub fn code_at(&self, at: OffsetDateTime) -> String {
        self.code_at_step(step_of(at))
    }
}

/// The step `at` falls in.
pub fn step_of(at: OffsetDateTime) -> i64 {
    at.unix_timestamp().div_euclid(STEP_SECONDS)
}

/// Six digits, with any spaces or dashes people type taken out; `None` if it cannot be a code.
pub fn normalize(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (digits.len() == DIGITS && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// The step within the drift window whose code is `code`, if any. Every candidate is compared
/// in constant time, so the time taken does not tell which step (or whether one) matched.
pub fn matching_step(key: &TotpKey, code: &str, at: OffsetDateTime) -> Option<i64> {
    let code = normalize(code)?;
    let now = step_of(at);
    let mut found = None;
    for step in now - DRIFT_STEPS..=now + DRIFT_STEPS {
        let expected = key.code_at_step(step);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// Groups a base32 key in fours for reading aloud or typing.
pub fn grouped(base32: &str) -> String {
    base32
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(seconds).unwrap()
    }

    /// RFC 6238 appendix B, SHA-1, truncated to six digits.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let key = TotpKey::from_bytes(b"12345678901234567890".to_vec());
        assert_eq!(key.code_at(at(59)), "287082");
        assert_eq!(key.code_at(at(1_111_111_109)), "081804");
        assert_eq!(key.code_at(at(1_234_567_890)), "005924");
        assert_eq!(key.code_at(at(2_000_000_000)), "279037");
    }

    #[test]
    fn a_code_counts_one_step_either_side_and_no_further() {
        let key = TotpKey::generate();
        let start = at(1_800_000_000); // a step boundary: 1_800_000_000 / 30 has no remainder
        let step = step_of(start);
        let code = key.code_at(start);
        assert_eq!(matching_step(&key, &code, start), Some(step));
        // The last second of the next step and the first of the previous one still accept it.
        assert_eq!(
            matching_step(&key, &code, start + Duration::seconds(59)),
            Some(step)
        );
        assert_eq!(
            matching_step(&key, &code, start - Duration::seconds(30)),
            Some(step)
        );
        // Two steps away it is refused (unless the key happens to repeat the code).
        let later = start + Duration::seconds(60);
        let earlier = start - Duration::seconds(31);
        for moment in [later, earlier] {
            let window: Vec<String> = (-1..=1)
                .map(|d| key.code_at_step(step_of(moment) + d))
                .collect();
            if !window.contains(&code) {
                assert_eq!(matching_step(&key, &code, moment), None);
            }
        }
    }

    #[test]
    fn malformed_codes_are_refused_before_any_work() {
        let key = TotpKey::generate();
        let now = at(1_800_000_000);
        assert_eq!(normalize("123 456"), Some("123456".into()));
        assert_eq!(normalize("123-456"), Some("123456".into()));
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"] {
            assert_eq!(normalize(bad), None, "{bad}");
            assert_eq!(matching_step(&key, bad, now), None);
        }
    }

    #[test]
    fn keys_are_base32_and_never_print() {
        let key = TotpKey::generate();
        let base32 = key.base32();
        assert_eq!(base32.len(), 32);
        assert!(
            base32
                .chars()
                .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        );
        assert!(!format!("{key:?}").contains(&base32));
        let uri = key.uri("ada");
        assert!(
            uri.starts_with("otpauth://totp/Gatehouse:ada?secret="),
            "{uri}"
        );
        assert!(uri.contains("issuer=Gatehouse"));
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(
            TotpKey::from_base32(&grouped(&base32).to_lowercase()),
            Some(key)
        );
        assert_eq!(TotpKey::from_base32("not base32!"), None);
    }
}
