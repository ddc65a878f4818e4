//! Users: the domain type, creation, lookup, listing and passwords.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::users;
use crate::error::{Error, Result};
use crate::groups;
use crate::ids::{Email, UserId, Username};
use crate::password_policy::{self, Candidate};
use crate::passwords;
use crate::policy::{self, Actor, Permission, Principal, Role};
use crate::rules;
use crate::secrets::SecretString;
use crate::settings::PasswordPolicy;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde::Serialize;

pub use crate::user_list::{ListQuery, SortKey, UserPage};
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

impl User {
    pub(crate) fn from_row(row: users::Model) -> Result<Self> {
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
        }
    }
}

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
    let uid_number = crate::posix_ids::next_uid(conn).await?;
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
    let everyone = groups::builtin_id(conn, groups::EVERYONE).await?;
    groups::add_membership(conn, everyone, user.id, now).await?;
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
    crate::user_tokens::void_address_changes(conn, id, now).await?;
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
    let policy = crate::settings::load(conn).await?.password;
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

/// Checks that `actor` may change `target` at all, before the permission-specific checks:
/// only owners change owners, and only those who may set roles change anyone who holds more
/// than the `user` role (directly or through an administrators' group).
pub(crate) async fn guard_target(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    target: &User,
) -> Result<()> {
    if target.role == Role::Owner && !is_owner_or_system(actor) {
        return Err(Error::NotAllowed(
            "Only an owner can change an owner's account.".into(),
        ));
    }
    if actor.can(Permission::UsersSetRole) || actor.user_id() == Some(target.id) {
        return Ok(());
    }
    if target.role != Role::User || groups::in_admin_group(conn, target.id).await? {
        return Err(Error::NotAllowed(format!(
            "{} has the {} role; only an owner or admin can change their account.",
            target.username,
            if target.role == Role::User {
                Role::Admin
            } else {
                target.role
            }
        )));
    }
    Ok(())
}

/// Refuses an administrator's action aimed at their own account when the same thing has a
/// self-service way that asks for more (the current password, a confirmation link): the
/// admin door must not be a way around it.
pub(crate) fn refuse_own_account(actor: &Actor, target: UserId, what: &str) -> Result<()> {
    if actor.user_id() == Some(target) {
        return Err(Error::NotAllowed(format!(
            "To {what} on your own account, use your profile."
        )));
    }
    Ok(())
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

/// The users service.
pub struct Users<'a> {
    pub(crate) dir: &'a Directory,
}

impl Users<'_> {
    /// Creates a user. Only owners and admins pick a role other than `user`, and only an
    /// owner (or the command line) makes another owner.
    pub async fn create(&self, actor: &Actor, new: NewUser) -> Result<User> {
        policy::require(actor, Permission::UsersCreate)?;
        if new.role != Role::User {
            policy::require(actor, Permission::UsersSetRole)?;
        }
        if new.role == Role::Owner && !is_owner_or_system(actor) {
            return Err(Error::Forbidden(Permission::UsersSetRole));
        }
        let policy = self.dir.settings().current().await?.password;
        let user = new.validate(self.dir.db(), &policy).await?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let user = insert(&txn, user, now).await?;
        let entry = Entry::new("user.create")
            .target("user", user.id, user.username.as_str())
            .detail("role", user.role.name())
            .detail("status", user.status.name());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(user)
    }

    pub async fn get(&self, actor: &Actor, id: UserId) -> Result<User> {
        if actor.user_id() != Some(id) {
            policy::require(actor, Permission::UsersRead)?;
        }
        self.find(id).await?.ok_or(Error::NotFound("user"))
    }

    /// Sets a user's password (the command line). Ends none of their sessions, as an admin's
    /// password change in Keycloak does not; a reset link ends them all.
    pub async fn set_password(
        &self,
        actor: &Actor,
        username: &Username,
        password: &SecretString,
    ) -> Result<User> {
        let user = self
            .find_by_username(username)
            .await?
            .ok_or(Error::NotFound("user"))?;
        policy::require(actor, Permission::UsersUpdate)?;
        // One's own password changes from the profile, which asks for the current one.
        refuse_own_account(actor, user.id, "change your password")?;
        guard_target(self.dir.db(), actor, &user).await?;
        check_password_for(self.dir.db(), &user, password, "password").await?;
        let hash = passwords::hash(password).await?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        write_password(&txn, user.id, hash, now).await?;
        let entry = Entry::new("user.password.set").target("user", user.id, user.username.as_str());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(user)
    }

    pub async fn find(&self, id: UserId) -> Result<Option<User>> {
        users::Entity::find_by_id(id.0)
            .one(self.dir.db())
            .await?
            .map(User::from_row)
            .transpose()
    }

    /// The user with this id, or `not_found`.
    pub async fn existing(&self, id: UserId) -> Result<User> {
        self.find(id).await?.ok_or(Error::NotFound("user"))
    }

    pub async fn find_by_username(&self, username: &Username) -> Result<Option<User>> {
        users::Entity::find()
            .filter(users::Column::Username.eq(username.as_str()))
            .one(self.dir.db())
            .await?
            .map(User::from_row)
            .transpose()
    }

    /// Accounts waiting for approval (for the navigation badge).
    /// Accounts waiting for approval, for the navigation's badge: 0 for whoever may not
    /// approve them.
    pub async fn pending_count(&self, actor: &Actor) -> Result<u64> {
        if !actor.can(Permission::UsersSuspend) {
            return Ok(0);
        }
        Ok(users::Entity::find()
            .filter(users::Column::Status.eq(Status::Pending.name()))
            .count(self.dir.db())
            .await?)
    }

    pub async fn count(&self) -> Result<u64> {
        Ok(users::Entity::find().count(self.dir.db()).await?)
    }
}

/// An active owner or admin, as someone to tell about accounts (approvals, locks).
struct Administrator {
    id: UserId,
    email: Email,
}

/// Every active owner and admin.
async fn administrators(conn: &impl ConnectionTrait) -> Result<Vec<Administrator>> {
    let rows = users::Entity::find()
        .filter(users::Column::Status.eq(Status::Active.name()))
        .filter(users::Column::Role.is_in([Role::Owner.name(), Role::Admin.name()]))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Administrator {
            id: UserId(row.id),
            email: Email::from_stored(row.email),
        })
        .collect())
}

/// Queues one mail to every active owner and admin about the account `about`, each made by
/// `letter` from a notice whose button leads to that account's page.
pub(crate) async fn mail_administrators(
    conn: &impl ConnectionTrait,
    base_url: &str,
    about: &User,
    now: OffsetDateTime,
    letter: impl for<'a> Fn(crate::mail::Notice<'a>) -> crate::mail::Mail,
) -> Result<()> {
    let review = format!("{base_url}/users/{}", about.id);
    for admin in administrators(conn).await? {
        let notice = crate::mail::Notice {
            to: &admin.email,
            user_id: admin.id,
            username: about.username.as_str(),
            link: &review,
            base_url,
        };
        crate::outbox::enqueue(conn, letter(notice), now).await?;
    }
    Ok(())
}

pub(crate) fn is_owner_or_system(actor: &Actor) -> bool {
    matches!(
        actor.principal,
        Principal::System
            | Principal::User {
                role: Role::Owner,
                ..
            }
    )
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
