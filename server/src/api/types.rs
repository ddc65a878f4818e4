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

/// The fields to change; those left out stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub email: Option<String>,
    /// Where resets go when the main address is lost; empty removes it.
    pub fallback_email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
}

impl UserPatch {
    /// The account's details with this patch's fields laid over them.
    pub fn over(self, current: directory::User) -> directory::user_admin::UserUpdate {
        directory::user_admin::UserUpdate {
            email: self.email.unwrap_or_else(|| current.email.to_string()),
            fallback_email: self.fallback_email.unwrap_or_else(|| {
                current
                    .fallback_email
                    .map(|e| e.to_string())
                    .unwrap_or_default()
            }),
            first_name: self.first_name.unwrap_or(current.first_name),
            last_name: self.last_name.unwrap_or(current.last_name),
            display_name: self.display_name.unwrap_or(current.display_name),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    /// `owner`, `admin`, `user_manager`, `operator`, `viewer` or `user`.
    pub role: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetLinkIn {
    /// Mail the link to the user too.
    #[serde(default)]
    pub send: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ResetLinkOut {
    pub link: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub mailed_to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImpersonationOut {
    pub username: String,
    /// Signs in as the user once, without their second factor.
    pub password: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// One audit row.
#[derive(Serialize, ToSchema, Clone)]
pub struct AuditOut {
    pub id: i64,
    #[schema(format = DateTime)]
    pub at: String,
    /// Who acted (the administrator, under impersonation).
    pub actor: Option<String>,
    /// The user an administrator was impersonating.
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// What changed; never a secret.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<directory::audit_search::AuditEvent> for AuditOut {
    fn from(e: directory::audit_search::AuditEvent) -> Self {
        Self {
            id: e.id,
            at: rfc3339(e.at),
            actor: e.actor,
            on_behalf_of: e.on_behalf_of,
            action: e.action,
            target: e.target,
            ip: e.ip,
            user_agent: e.user_agent,
            details: e.details,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditOut>,
    pub next_cursor: Option<String>,
}

/// An open invite.
#[derive(Serialize, ToSchema)]
pub struct InviteOut {
    #[schema(format = Uuid)]
    pub id: String,
    pub email: String,
    pub role: String,
    /// Names of the groups the new account joins.
    pub groups: Vec<String>,
    pub invited_by: String,
    #[schema(format = DateTime)]
    pub sent_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// `pending` or `expired`.
    pub state: String,
}

impl From<directory::invites::Invite> for InviteOut {
    fn from(invite: directory::invites::Invite) -> Self {
        Self {
            id: invite.id.to_string(),
            email: invite.email.to_string(),
            role: invite.role.name().to_string(),
            groups: invite.groups,
            invited_by: invite.invited_by,
            sent_at: rfc3339(invite.sent_at),
            expires_at: rfc3339(invite.expires_at),
            state: match invite.state {
                directory::invites::InviteState::Expired => "expired",
                directory::invites::InviteState::Accepted => "accepted",
                directory::invites::InviteState::Revoked => "revoked",
                directory::invites::InviteState::Pending => "pending",
            }
            .to_string(),
        }
    }
}

/// An invite with its link, which exists only in this answer.
#[derive(Serialize, ToSchema)]
pub struct IssuedOut {
    pub invite: InviteOut,
    pub link: String,
    pub mailed: bool,
}

impl From<directory::invites::Issued> for IssuedOut {
    fn from(issued: directory::invites::Issued) -> Self {
        Self {
            link: issued.link.expose().to_string(),
            mailed: issued.mailed,
            invite: issued.invite.into(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInviteIn {
    pub email: String,
    /// Default `user`.
    #[serde(default)]
    pub role: Option<String>,
    /// Ids of the groups the new account joins.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Mail the link (otherwise pass it on yourself).
    #[serde(default)]
    pub send: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResendIn {
    #[serde(default)]
    pub send: bool,
}

/// A built-in role.
#[derive(Serialize, ToSchema)]
pub struct RoleOut {
    pub name: String,
    pub permissions: Vec<String>,
}

/// Every instance setting.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    /// People cannot change their own names and email.
    pub lock_profiles: bool,
    /// `off`, `open` or `approval`.
    pub registration: String,
    pub invite_expiry_hours: u32,
    pub verify_email_changes: bool,
    pub password_min_length: u32,
    pub password_history: u32,
    pub password_max_age_days: u32,
    pub mfa_required: bool,
    pub impersonation_minutes: u32,
    pub mfa_failures_per_day: u32,
    pub audit_retention_days: u32,
    /// Requests one API key may make a minute, per server process.
    pub api_requests_per_minute: u32,
}

impl From<directory::settings::SettingsView> for SettingsBody {
    fn from(s: directory::settings::SettingsView) -> Self {
        Self {
            lock_profiles: s.lock_profiles,
            registration: s.registration.name().to_string(),
            invite_expiry_hours: s.invite_expiry_hours,
            verify_email_changes: s.verify_email_changes,
            password_min_length: s.password.min_length,
            password_history: s.password.history,
            password_max_age_days: s.password.max_age_days,
            mfa_required: s.mfa_required,
            impersonation_minutes: s.impersonation_minutes,
            mfa_failures_per_day: s.mfa_failures_per_day,
            audit_retention_days: s.audit_retention_days,
            api_requests_per_minute: s.api_requests_per_minute,
        }
    }
}

impl SettingsBody {
    pub fn into_view(self) -> Result<directory::settings::SettingsView, directory::Error> {
        use directory::settings::{PasswordPolicy, Registration, SettingsView};
        Ok(SettingsView {
            lock_profiles: self.lock_profiles,
            registration: Registration::parse(&self.registration)?,
            invite_expiry_hours: self.invite_expiry_hours,
            verify_email_changes: self.verify_email_changes,
            password: PasswordPolicy {
                min_length: self.password_min_length,
                history: self.password_history,
                max_age_days: self.password_max_age_days,
            },
            mfa_required: self.mfa_required,
            impersonation_minutes: self.impersonation_minutes,
            mfa_failures_per_day: self.mfa_failures_per_day,
            audit_retention_days: self.audit_retention_days,
            api_requests_per_minute: self.api_requests_per_minute,
        })
    }
}
