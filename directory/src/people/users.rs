//! The users service: creating an account, looking one up, counting, and an admin setting a
//! password. The `User` type and the row writes it shares with other services live in `store`.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::users;
use crate::error::{Error, Result};
use crate::ids::{UserId, Username};
use crate::passwords;
use crate::policy::{self, Actor, Permission, Role, is_owner_or_system, refuse_own_account};
use crate::secrets::SecretString;
use crate::store::accounts::{check_password_for, insert, write_password};
use crate::store::targets::guard_target;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

pub use crate::store::accounts::NewUser;
pub use crate::store::user_rows::{Status, User};

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

    /// A user by id or by username (the API addresses users either way). Whoever may not
    /// read users learns nothing about other accounts: 403 before any lookup.
    pub async fn lookup(&self, actor: &Actor, key: &str) -> Result<User> {
        if let Ok(id) = key.parse::<UserId>() {
            return self.get(actor, id).await;
        }
        let own = matches!(&actor.principal, policy::Principal::User { username, .. } if username.as_str() == key);
        if !own {
            policy::require(actor, Permission::UsersRead)?;
        }
        let username = Username::parse(key).map_err(|_| Error::NotFound("user"))?;
        self.find_by_username(&username)
            .await?
            .ok_or(Error::NotFound("user"))
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
        crate::store::session_end::revoke_keys(&txn, user.id, now).await?;
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
