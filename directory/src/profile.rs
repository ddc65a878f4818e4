//! Self-service: a signed-in user's own names, email, password and avatar.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::avatars;
use crate::entities::users as user_rows;
use crate::error::{Error, Result};
use crate::ids::Email;
use crate::ids::UserId;
use crate::mail;
use crate::outbox;
use crate::passwords;
use crate::policy::{Actor, Permission};
use crate::rate_limit;
use crate::secrets::SecretString;
use crate::tokens::LinkProblem;
use crate::user_admin::{UserUpdate, write_profile};
use crate::user_tokens;
use crate::users::User;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, Set, TransactionTrait};
use time::{Duration, OffsetDateTime};

/// How long a confirmation link for a new email address works.
const EMAIL_CHANGE_LIFETIME: Duration = Duration::hours(24);

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
        let settings = self.dir.settings().current().await?;
        if settings.lock_profiles && !actor.can(Permission::UsersUpdate) {
            return Err(Error::NotAllowed(
                "Profiles are locked: ask an administrator to change your name or email.".into(),
            ));
        }
        let mut valid = update.validate(user.username.as_str())?;
        let verify = valid.email != user.email && settings.verify_email_changes;
        let new_email = valid.email.clone();
        if verify {
            if crate::users::email_in_use(self.dir.db(), &new_email).await? {
                return Err(Error::Conflict(format!(
                    "Another account already uses {new_email}."
                )));
            }
            // The old address stays until the new one proves it is reachable.
            valid.email = user.email.clone();
        }
        let now = self.dir.now();
        let txn = self.dir.db().begin().await?;
        write_profile(&txn, &user, &valid, now).await?;
        let mut entry =
            Entry::new("profile.update").target("user", user.id, user.username.as_str());
        if verify {
            self.start_email_change(&txn, &user, &new_email, now)
                .await?;
            entry = entry.detail("email_pending", new_email.as_str());
        } else if valid.email != user.email {
            entry = entry.detail("email", valid.email.as_str());
        }
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        if verify {
            self.dir.wake_mailer();
        }
        self.load(actor).await
    }

    /// Mails a confirmation link to the new address and a notice to the old one.
    async fn start_email_change(
        &self,
        txn: &DatabaseTransaction,
        user: &User,
        new: &Email,
        now: OffsetDateTime,
    ) -> Result<()> {
        user_tokens::replace_all(txn, user.id, user_tokens::EMAIL_CHANGE, now).await?;
        let expires_at = now + EMAIL_CHANGE_LIFETIME;
        let token = user_tokens::issue(
            txn,
            user.id,
            user_tokens::EMAIL_CHANGE,
            Some(new.to_string()),
            now,
            expires_at,
        )
        .await?;
        let base_url = self.dir.base_url();
        let link = format!("{base_url}/verify-email/{}", token.expose());
        let window = mail::Window { now, expires_at };
        let to_new = mail::Notice {
            to: new,
            user_id: user.id,
            username: user.username.as_str(),
            link: &link,
            base_url: &base_url,
        };
        let to_old = mail::Notice {
            to: &user.email,
            ..to_new
        };
        outbox::enqueue(txn, mail::email_change_verify(to_new, window), now).await?;
        outbox::enqueue(txn, mail::email_change_notice(to_old, new), now).await?;
        Ok(())
    }

    /// The address waiting for its confirmation link to be opened, if any.
    pub async fn pending_email(&self, actor: &Actor) -> Result<Option<String>> {
        let id = self.me(actor)?;
        user_tokens::pending_email(self.dir.db(), id, self.dir.now()).await
    }

    /// Opens an email-change link: the new address becomes the account's. Works without
    /// a session, since the link is opened from the new mailbox.
    pub async fn confirm_email(&self, actor: &Actor, token: &str) -> Result<User> {
        rate_limit::hit_ip(self.dir, rate_limit::LINK_PER_IP, actor).await?;
        let now = self.dir.now();
        let txn = self.dir.db().begin().await?;
        let row = user_tokens::usable(&txn, token, user_tokens::EMAIL_CHANGE, now).await?;
        let user = user_rows::Entity::find_by_id(row.user_id)
            .one(&txn)
            .await?
            .ok_or(Error::Link(LinkProblem::Unknown))?;
        let new = row
            .new_email
            .clone()
            .ok_or(Error::Link(LinkProblem::Unknown))?;
        if !user_tokens::consume(&txn, &row, now).await? {
            return Err(Error::Link(LinkProblem::Used));
        }
        user_rows::ActiveModel {
            id: Set(user.id),
            email: Set(new.clone()),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await
        .map_err(|e| Error::from_unique(e, format!("Another account already uses {new}.")))?;
        user_tokens::replace_all(&txn, UserId(user.id), user_tokens::EMAIL_CHANGE, now).await?;
        let user = User::from_row(user)?;
        let me = user.as_actor(actor.ip.clone(), actor.user_agent.clone());
        let entry = Entry::new("profile.email.confirm")
            .target("user", user.id, user.username.as_str())
            .detail("from", user.email.as_str())
            .detail("to", new.as_str());
        audit::record(&txn, &me, now, entry).await?;
        txn.commit().await?;
        self.dir
            .users()
            .find(user.id)
            .await?
            .ok_or(Error::NotFound("user"))
    }

    /// Changes one's own password; the current one is required, so a borrowed session alone
    /// cannot take the account over. Clears a "must change password" mark.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &SecretString,
        new: &SecretString,
    ) -> Result<()> {
        actor.refuse_impersonation("change the password")?;
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
        if current.expose() == new.expose() {
            return Err(Error::invalid(
                "new_password",
                "Choose a password different from the current one.",
            ));
        }
        let user = User::from_row(row.clone())?;
        crate::users::check_password_for(self.dir.db(), &user, new, "new_password").await?;
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
