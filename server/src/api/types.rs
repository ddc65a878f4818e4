//! The JSON bodies of the REST API, with their OpenAPI schemas. Times are RFC 3339 strings.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

/// Every error answer.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable: `invalid_input`, `forbidden`, `key_expired`, …
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    /// The input field the error is about (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

pub fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// A user account.
#[derive(Serialize, ToSchema)]
pub struct UserOut {
    #[schema(format = Uuid)]
    pub id: String,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    /// `owner`, `admin`, `user_manager`, `operator`, `viewer` or `user`.
    pub role: String,
    /// `pending`, `active` or `suspended`.
    pub status: String,
    /// The POSIX uid number LDAP gives the account.
    pub uid_number: i64,
    pub mfa_enabled: bool,
    pub must_change_password: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[schema(format = DateTime)]
    pub last_login_at: Option<String>,
}

impl From<directory::User> for UserOut {
    fn from(user: directory::User) -> Self {
        Self {
            id: user.id.to_string(),
            username: user.username.to_string(),
            email: user.email.to_string(),
            first_name: user.first_name,
            last_name: user.last_name,
            display_name: user.display_name,
            role: user.role.name().to_string(),
            status: user.status.name().to_string(),
            uid_number: user.uid_number,
            mfa_enabled: user.mfa_enabled,
            must_change_password: user.must_change_password,
            created_at: rfc3339(user.created_at),
            updated_at: rfc3339(user.updated_at),
            last_login_at: user.last_login_at.map(rfc3339),
        }
    }
}

/// One page of a list. `next_cursor` is absent on the last page.
#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserOut>,
    pub next_cursor: Option<String>,
}

/// A new user. They sign in with `password` and must change it at once.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserIn {
    pub username: String,
    pub email: String,
    #[serde(default)]
    pub full_name: String,
    /// Default `user`.
    #[serde(default)]
    pub role: Option<String>,
    /// A temporary password.
    pub password: String,
    /// Create the account waiting for approval rather than active.
    #[serde(default)]
    pub pending: bool,
}

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

/// A group.
#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    pub description: String,
    /// The POSIX gid number, unique and never changed.
    pub gid_number: i64,
    /// Members act with the admin role's permissions.
    pub is_admin: bool,
    /// Made by Gatehouse itself: cannot be renamed or deleted.
    pub builtin: bool,
    pub member_count: u64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<directory::groups::Group> for GroupOut {
    fn from(group: directory::groups::Group) -> Self {
        Self {
            id: group.id.to_string(),
            name: group.name,
            description: group.description,
            gid_number: group.gid_number,
            is_admin: group.is_admin,
            builtin: group.builtin,
            member_count: group.member_count,
            created_at: rfc3339(group.created_at),
            updated_at: rfc3339(group.updated_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroupIn {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Absent: the next free GID.
    #[serde(default)]
    pub gid_number: Option<i64>,
    #[serde(default)]
    pub is_admin: bool,
}

/// The fields to change; those left out stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub is_admin: Option<bool>,
}
