//! Self-service: a signed-in user's own names, email, password and avatar.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::avatars;
use crate::entities::users as user_rows;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::passwords;
use crate::policy::{Actor, Permission};
use crate::rules;
use crate::secrets::SecretString;
use crate::user_admin::{UserUpdate, write_profile};
use crate::users::User;
use sea_orm::{EntityTrait, TransactionTrait};

/// The profile service: every method acts on the actor's own account.
pub struct Profile<'a> {
    pub(crate) dir: &'a Directory,
}

impl Profile<'_> {
    fn me(&self, actor: &Actor) -> Result<UserId> {
        actor.user_id().ok_or(Error::Unauthenticated)
    }

    async fn load(&self, actor: &Actor) -> Result<User> {
        let id = self.me(actor)?;
        self.dir
            .users()
            .find(id)
            .await?
            .ok_or(Error::Unauthenticated)
    }

    /// Changes one's own names and emails, unless an admin locked profiles (those who may
    /// edit users anyway are not held by the lock).
    pub async fn update(&self, actor: &Actor, update: UserUpdate) -> Result<User> {
        let user = self.load(actor).await?;
        if self.dir.settings().lock_profiles().await? && !actor.can(Permission::UsersUpdate) {
            return Err(Error::NotAllowed(
                "Profiles are locked: ask an administrator to change your name or email.".into(),
            ));
        }
        let valid = update.validate(user.username.as_str())?;
        let now = self.dir.now();
        let txn = self.dir.db().begin().await?;
        write_profile(&txn, &user, &valid, now).await?;
        let mut entry =
            Entry::new("profile.update").target("user", user.id, user.username.as_str());
        if valid.email != user.email {
            entry = entry.detail("email", valid.email.as_str());
        }
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.load(actor).await
    }

    /// Changes one's own password; the current one is required, so a borrowed session alone
    /// cannot take the account over. Clears a "must change password" mark.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &SecretString,
        new: &SecretString,
    ) -> Result<()> {
        let id = self.me(actor)?;
        let row = user_rows::Entity::find_by_id(id.0)
            .one(self.dir.db())
            .await?
            .ok_or(Error::Unauthenticated)?;
        let ok =
            passwords::verify(current, row.password_hash.as_deref(), self.dir.decoy_hash()).await?;
        if !ok {
            return Err(Error::invalid(
                "current_password",
                "Your current password is not correct.",
            ));
        }
        rules::check_new_password(new.expose())
            .map_err(|message| Error::invalid("new_password", message))?;
        if current.expose() == new.expose() {
            return Err(Error::invalid(
                "new_password",
                "Choose a password different from the current one.",
            ));
        }
        let hash = passwords::hash(new).await?;
        let now = self.dir.now();
        let txn = self.dir.db().begin().await?;
        crate::users::write_password(&txn, id, hash, now).await?;
        let entry = Entry::new("profile.password.change").target("user", id, row.username);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Sets one's own avatar from an uploaded PNG, JPEG or WebP image.
    pub async fn set_avatar(&self, actor: &Actor, upload: Vec<u8>) -> Result<()> {
        let user = self.load(actor).await?;
        avatars::store(self.dir, actor, &user, upload).await
    }

    pub async fn remove_avatar(&self, actor: &Actor) -> Result<()> {
        let user = self.load(actor).await?;
        avatars::remove(self.dir, actor, &user).await
    }
}
