//! Writing user rows: checking and inserting a new account, storing a new password, and
//! whether an address is taken. The users, invites, sign-up, setup, profile and recovery
//! services all create accounts or set passwords through these.

use crate::core::error::{Error, Result};
use crate::core::ids::{Email, UserId, Username};
use crate::core::passwords;
use crate::core::policy::Role;
use crate::core::secrets::SecretString;
use crate::entities::users;
use crate::rules;
use crate::store::password_policy::{self, Candidate};
use crate::store::settings_rows::PasswordPolicy;
use crate::store::user_rows::{Status, User};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use time::OffsetDateTime;

/// What it takes to create a user; checked by [`NewUser::validate`].
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub status: Status,
    pub password: Option<SecretString>,
    pub must_change_password: bool,
}

/// A [`NewUser`] whose fields passed the rules.
pub(crate) struct ValidUser {
    pub username: Username,
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub role: Role,
    pub status: Status,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
}

impl NewUser {
    /// Checks every field (all problems of the first failing field are reported) and hashes the
    /// password, which is the slow part, before any transaction opens.
    pub(crate) async fn validate(
        self,
        conn: &impl ConnectionTrait,
        policy: &PasswordPolicy,
    ) -> Result<ValidUser> {
        let username = Username::parse(&self.username)?;
        let email = Email::parse(&self.email)?;
        let display_name = rules::normalize_full_name(&self.full_name)
            .map_err(|message| Error::invalid("full_name", message))?;
        let (first_name, last_name) = split_full_name(&display_name);
        let password_hash = match &self.password {
            Some(password) => {
                let candidate = Candidate {
                    password,
                    field: "password",
                    context: vec![
                        username.to_string(),
                        email.to_string(),
                        first_name.clone(),
                        last_name.clone(),
                    ],
                    user: None,
                };
                password_policy::check(conn, policy, candidate).await?;
                Some(passwords::hash(password).await?)
            }
            None => None,
        };
        Ok(ValidUser {
            display_name: if display_name.is_empty() {
                username.to_string()
            } else {
                display_name
            },
            username,
            email,
            first_name,
            last_name,
            role: self.role,
            status: self.status,
            password_hash,
            must_change_password: self.must_change_password,
        })
    }
}

/// Splits "Ada King Lovelace" into the LDAP `givenName` "Ada" and `sn` "King Lovelace".
fn split_full_name(full: &str) -> (String, String) {
    match full.split_once(' ') {
        Some((first, last)) => (first.to_string(), last.to_string()),
        None => (full.to_string(), String::new()),
    }
}

/// Inserts a validated user on `conn` (the caller's transaction).
pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    user: ValidUser,
    now: OffsetDateTime,
) -> Result<User> {
    let uid_number = crate::store::posix_ids::next_uid(conn).await?;
    let first_hash = user.password_hash.clone();
    let row = users::ActiveModel {
        id: Set(UserId::new().0),
        username: Set(user.username.to_string()),
        email: Set(user.email.to_string()),
        fallback_email: Set(None),
        first_name: Set(user.first_name),
        last_name: Set(user.last_name),
        display_name: Set(user.display_name),
        status: Set(user.status.name().to_string()),
        role: Set(user.role.name().to_string()),
        password_hash: Set(user.password_hash),
        must_change_password: Set(user.must_change_password),
        uid_number: Set(uid_number),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
        password_changed_at: Set(first_hash.as_ref().map(|_| now)),
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
    };
    let username = user.username.clone();
    let email = user.email.clone();
    let user = match row.insert(conn).await {
        Ok(row) => User::from_row(row)?,
        Err(err) => return Err(taken(conn, err, &username, &email).await),
    };
    if let Some(hash) = first_hash {
        password_policy::record(conn, user.id, &hash, now).await?;
    }
    let everyone =
        crate::store::memberships::builtin_id(conn, crate::store::memberships::EVERYONE).await?;
    crate::store::memberships::add_membership(conn, everyone, user.id, now).await?;
    Ok(user)
}

/// Stores a new password hash, remembers it against reuse, voids address changes asked for
/// before, and clears any "must change password" mark.
pub(crate) async fn write_password(
    conn: &impl ConnectionTrait,
    id: UserId,
    hash: String,
    now: OffsetDateTime,
) -> Result<()> {
    password_policy::record(conn, id, &hash, now).await?;
    crate::store::user_tokens::void_address_changes(conn, id, now).await?;
    users::ActiveModel {
        id: Set(id.0),
        password_hash: Set(Some(hash)),
        must_change_password: Set(false),
        password_changed_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(())
}

/// Checks a new password for an existing user against the current policy.
pub(crate) async fn check_password_for(
    conn: &impl ConnectionTrait,
    user: &User,
    password: &SecretString,
    field: &'static str,
) -> Result<()> {
    let policy = crate::store::settings_rows::load(conn).await?.password;
    let candidate = Candidate {
        password,
        field,
        context: vec![
            user.username.to_string(),
            user.email.to_string(),
            user.first_name.clone(),
            user.last_name.clone(),
        ],
        user: Some(user.id),
    };
    password_policy::check(conn, &policy, candidate).await
}

/// Whether an account already uses `email` (checked before sending anything to it).
pub(crate) async fn email_in_use(conn: &impl ConnectionTrait, email: &Email) -> Result<bool> {
    let count = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .count(conn)
        .await?;
    Ok(count > 0)
}

/// Names which unique field clashed, so the person knows what to change.
async fn taken(
    conn: &impl ConnectionTrait,
    err: sea_orm::DbErr,
    username: &Username,
    email: &Email,
) -> Error {
    if !matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    ) {
        return Error::Database(err);
    }
    let name_taken = users::Entity::find()
        .filter(users::Column::Username.eq(username.as_str()))
        .count(conn)
        .await
        .map(|n| n > 0)
        .unwrap_or(false);
    if name_taken {
        Error::Conflict(format!("The username \"{username}\" is already taken."))
    } else {
        Error::Conflict(format!("Another account already uses {email}."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_names_split_at_the_first_space() {
        assert_eq!(
            split_full_name("Ada King Lovelace"),
            ("Ada".into(), "King Lovelace".into())
        );
        assert_eq!(split_full_name("Plato"), ("Plato".into(), String::new()));
    }
}
