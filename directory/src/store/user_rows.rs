//! User rows as the domain sees them: the `User` type and its conversion from a stored row.
//! Below every service, so any of them can name a user without calling the users service.

use crate::core::error::{Error, Result};
use crate::core::ids::{Email, UserId, Username};
use crate::core::policy::{Actor, Principal, Role};
use crate::entities::users;
use sea_orm::DerivePartialModel;
use serde::Serialize;
use time::OffsetDateTime;

pub use vocab::Status;

fn stored_status(name: &str) -> Result<Status> {
    Status::parse(name).map_err(|_| Error::Internal(format!("unknown stored status {name:?}")))
}

/// A user as the domain sees it. Never carries the password hash.
#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub email: Email,
    /// Where password resets go when the main address is the one lost.
    pub fallback_email: Option<Email>,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub status: Status,
    pub role: Role,
    pub uid_number: i64,
    pub must_change_password: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub last_login_at: Option<OffsetDateTime>,
    /// When the password was last set (creation when it never was), for the maximum age.
    pub password_changed_at: OffsetDateTime,
    /// An administrators' group raises this user's role to admin. Filled in only where the
    /// user is about to act (sign-in, session lookup), and only for roles below admin.
    pub admin_by_group: bool,
    /// Two-factor authentication is set up and required at every sign-in.
    pub mfa_enabled: bool,
}

/// The columns a [`User`] is made of: a row without its password hash and TOTP secret, which
/// lists have no use for (every column read is a copy per row, and secrets stay on disk).
#[derive(Debug, DerivePartialModel)]
#[sea_orm(entity = "users::Entity", from_query_result)]
pub(crate) struct UserColumns {
    pub id: uuid::Uuid,
    pub username: String,
    pub email: String,
    pub fallback_email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub status: String,
    pub role: String,
    pub must_change_password: bool,
    pub uid_number: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub last_login_at: Option<OffsetDateTime>,
    pub password_changed_at: Option<OffsetDateTime>,
    pub totp_enabled_at: Option<OffsetDateTime>,
}

impl From<users::Model> for UserColumns {
    fn from(row: users::Model) -> Self {
        Self {
            id: row.id,
            username: row.username,
            email: row.email,
            fallback_email: row.fallback_email,
            first_name: row.first_name,
            last_name: row.last_name,
            display_name: row.display_name,
            status: row.status,
            role: row.role,
            must_change_password: row.must_change_password,
            uid_number: row.uid_number,
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_login_at: row.last_login_at,
            password_changed_at: row.password_changed_at,
            totp_enabled_at: row.totp_enabled_at,
        }
    }
}

impl User {
    pub(crate) fn from_row(row: users::Model) -> Result<Self> {
        Self::from_columns(row.into())
    }

    pub(crate) fn from_columns(row: UserColumns) -> Result<Self> {
        Ok(Self {
            id: UserId(row.id),
            username: Username::from_stored(row.username),
            email: Email::from_stored(row.email),
            fallback_email: row.fallback_email.map(Email::from_stored),
            first_name: row.first_name,
            last_name: row.last_name,
            display_name: row.display_name,
            status: stored_status(&row.status)?,
            role: Role::parse(&row.role)
                .map_err(|_| Error::Internal(format!("unknown stored role {:?}", row.role)))?,
            uid_number: row.uid_number,
            must_change_password: row.must_change_password,
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_login_at: row.last_login_at,
            password_changed_at: row.password_changed_at.unwrap_or(row.created_at),
            admin_by_group: false,
            mfa_enabled: row.totp_enabled_at.is_some(),
        })
    }

    /// The role the user acts with: their own, raised to admin by an administrators' group.
    pub fn effective_role(&self) -> Role {
        match self.role {
            Role::Owner | Role::Admin => self.role,
            _ if self.admin_by_group => Role::Admin,
            other => other,
        }
    }

    /// The actor this user acts as once signed in.
    pub fn as_actor(&self, ip: Option<String>, user_agent: Option<String>) -> Actor {
        Actor {
            principal: Principal::User {
                id: self.id,
                username: self.username.clone(),
                role: self.effective_role(),
            },
            ip,
            user_agent,
            impersonator: None,
            session: None,
            key: None,
        }
    }
}
