//! The JSON bodies of one's own account in the REST API: profile, password, second factor,
//! API keys and sessions, with their OpenAPI schemas.

use super::types::{UserPatch, rfc3339};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An API key (never the key itself, except once in [`NewKeyOut`]).
#[derive(Serialize, ToSchema)]
pub struct KeyOut {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub owner: String,
    pub label: String,
    /// The key's first characters.
    pub prefix: String,
    pub read_only: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
    pub last_used_ip: Option<String>,
    /// Requests per UTC day over the last 30 days, oldest first; days without use are left
    /// out. Counts reach this list within a minute.
    pub requests: Vec<DayCount>,
}

#[derive(Serialize, ToSchema)]
pub struct DayCount {
    #[schema(format = Date)]
    pub day: String,
    pub requests: i64,
}

impl From<directory::api_keys::ApiKey> for KeyOut {
    fn from(key: directory::api_keys::ApiKey) -> Self {
        Self {
            id: key.id.to_string(),
            owner: key.owner.to_string(),
            label: key.label,
            prefix: key.prefix,
            read_only: key.read_only,
            created_at: rfc3339(key.created_at),
            expires_at: key.expires_at.map(rfc3339),
            revoked_at: key.revoked_at.map(rfc3339),
            last_used_at: key.last_used_at.map(rfc3339),
            last_used_ip: key.last_used_ip,
            requests: key
                .requests
                .into_iter()
                .map(|(day, requests)| DayCount { day, requests })
                .collect(),
        }
    }
}

/// A new key, shown this once.
#[derive(Serialize, ToSchema)]
pub struct NewKeyOut {
    /// `gate_` and 43 characters. Store it now: only its HMAC is kept.
    pub key: String,
    #[serde(flatten)]
    pub details: KeyOut,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyIn {
    pub label: String,
    /// The caller's current password: a key outlives the session that makes it.
    pub password: String,
    /// Days until the key stops working (1 to 3650); absent for never.
    #[serde(default)]
    pub expires_days: Option<u32>,
    #[serde(default)]
    pub read_only: bool,
}

/// A web session.
#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub id: String,
    pub browser: String,
    pub os: String,
    pub ip: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Up to a minute behind: it is written at most once a minute.
    #[schema(format = DateTime)]
    pub last_active_at: String,
    /// The session this request came with.
    pub current: bool,
}

impl From<directory::session_list::SessionInfo> for SessionOut {
    fn from(s: directory::session_list::SessionInfo) -> Self {
        Self {
            id: s.id,
            browser: s.browser.to_string(),
            os: s.os.to_string(),
            ip: s.ip,
            created_at: rfc3339(s.created_at),
            last_active_at: rfc3339(s.last_active_at),
            current: s.current,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct EndedOut {
    pub ended: u64,
}

/// One's own names and addresses; those left out stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    pub email: Option<String>,
    pub fallback_email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    /// The current password, needed to change an address.
    pub password: Option<String>,
}

impl ProfilePatch {
    /// The details to change, and the password that vouches for an address change.
    pub fn split(self) -> (UserPatch, Option<String>) {
        let patch = UserPatch {
            email: self.email,
            fallback_email: self.fallback_email,
            first_name: self.first_name,
            last_name: self.last_name,
            display_name: self.display_name,
        };
        (patch, self.password)
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeIn {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordIn {
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeIn {
    /// Six digits from the authenticator app.
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct MfaOut {
    pub enabled: bool,
    #[schema(format = DateTime)]
    pub enabled_at: Option<String>,
    pub backup_codes_left: u64,
}

impl From<directory::mfa::MfaStatus> for MfaOut {
    fn from(s: directory::mfa::MfaStatus) -> Self {
        Self {
            enabled: s.enabled,
            enabled_at: s.enabled_at.map(rfc3339),
            backup_codes_left: s.backup_codes_left,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MfaSetupOut {
    /// The key in base32, to type into the app.
    pub key: String,
    /// `otpauth://` URI, for a QR code.
    pub uri: String,
}

/// Backup codes, shown this once.
#[derive(Serialize, ToSchema)]
pub struct BackupCodesOut {
    pub codes: Vec<String>,
}

impl From<Vec<directory::SecretString>> for BackupCodesOut {
    fn from(codes: Vec<directory::SecretString>) -> Self {
        Self {
            codes: codes.iter().map(|c| c.expose().to_string()).collect(),
        }
    }
}
