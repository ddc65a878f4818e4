//! Self-service: a signed-in user's own names, email, password and avatar.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::avatars;
use crate::entities::users as user_rows;
use crate::error::{Error, Result};
use crate::ids::Email;
use crate::ids::UserId;
use crate::mail::{self, Address};
use crate::passwords;
use crate::policy::{Actor, Permission};
use crate::rate_limit;
use crate::secrets::SecretString;
use crate::store::user_rows::{Status, User};
use crate::store::user_tokens;
use crate::store::{accounts, outbox_queue, session_end, settings_rows};
use crate::tokens::LinkProblem;
use crate::user_admin::{UserUpdate, write_profile};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, Set};
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
    /// edit users anyway are not held by the lock). Both addresses receive reset links, so
    /// changing either takes the current password and is refused to an impersonated session,
    /// and with confirmation on (the default) a new one counts only once its link is opened.
    pub async fn update(
        &self,
        actor: &Actor,
        update: UserUpdate,
        password: Option<&SecretString>,
    ) -> Result<User> {
        let user = self.load(actor).await?;
        let settings = self.dir.settings().current().await?;
        if locked(&settings, actor) {
            return Err(Error::NotAllowed(
                "Profiles are locked: ask an administrator to change your name or email.".into(),
            ));
        }
        let mut valid = update.validate(user.username.as_str())?;
        let primary = (valid.email != user.email).then(|| valid.email.clone());
        let fallback =
            (valid.fallback_email != user.fallback_email).then(|| valid.fallback_email.clone());
        if primary.is_some() || fallback.is_some() {
            self.may_change_addresses(actor, &user, password).await?;
        }
        let verify = settings.verify_email_changes;
        if verify {
            // The old addresses stay until the new ones prove they are reachable.
            valid.email = user.email.clone();
            if matches!(fallback, Some(Some(_))) {
                valid.fallback_email = user.fallback_email.clone();
            }
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        write_profile(&txn, &user, &valid, now).await?;
        let mut entry =
            Entry::new("profile.update").target("user", user.id, user.username.as_str());
        if let Some(new) = &primary {
            entry = self
                .change_address(&txn, &user, Some(new), Address::Primary, verify, entry, now)
                .await?;
        }
        if let Some(new) = &fallback {
            let which = Address::Recovery;
            entry = self
                .change_address(&txn, &user, new.as_ref(), which, verify, entry, now)
                .await?;
        }
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        if primary.is_some() || fallback.is_some() {
            self.dir.wake_mailer();
        }
        self.load(actor).await
    }

    /// An address change is the way to the account (reset links follow it): only the person,
    /// with their current password, counted against the account like a sign-in.
    async fn may_change_addresses(
        &self,
        actor: &Actor,
        user: &User,
        password: Option<&SecretString>,
    ) -> Result<()> {
        actor.refuse_delegated("change the account's email addresses")?;
        let Some(password) = password.filter(|p| !p.expose().is_empty()) else {
            return Err(Error::invalid(
                "address_password",
                "Enter your current password to change an email address.",
            ));
        };
        let row = user_rows::Entity::find_by_id(user.id.0)
            .one(self.dir.db())
            .await?
            .ok_or(Error::Unauthenticated)?;
        let stored = row.password_hash.as_deref();
        if !self
            .dir
            .auth()
            .confirm_password(user.id, stored, password)
            .await?
        {
            return Err(Error::invalid(
                "address_password",
                "Your current password is not correct.",
            ));
        }
        Ok(())
    }

    /// Starts the confirmation of a new address, or (confirmation off) tells the old
    /// addresses of the change already written; answers the audit entry with the change.
    #[allow(clippy::too_many_arguments)]
    async fn change_address(
        &self,
        txn: &DatabaseTransaction,
        user: &User,
        new: Option<&Email>,
        which: Address,
        verify: bool,
        entry: Entry,
        now: OffsetDateTime,
    ) -> Result<Entry> {
        let key = match which {
            Address::Primary => "email",
            Address::Recovery => "fallback_email",
        };
        match new {
            Some(new) if verify => {
                self.start_email_change(txn, user, new, which, now).await?;
                Ok(entry.detail(&format!("{key}_pending"), new.as_str()))
            }
            _ => {
                self.tell_old_addresses(txn, user, new, which, now).await?;
                Ok(entry.detail(key, new.map_or("", Email::as_str)))
            }
        }
    }

    /// Mails a confirmation link to the new address and a notice to the old ones. An address
    /// another account uses gets a notice instead of a link (the change can never complete),
    /// and the answer is the same, so the form tells nobody which addresses have accounts.
    async fn start_email_change(
        &self,
        txn: &DatabaseTransaction,
        user: &User,
        new: &Email,
        which: Address,
        now: OffsetDateTime,
    ) -> Result<()> {
        let purpose = purpose_of(which);
        user_tokens::replace_all(txn, user.id, purpose, now).await?;
        let expires_at = now + EMAIL_CHANGE_LIFETIME;
        let token = user_tokens::issue(
            txn,
            user.id,
            purpose,
            Some(new.to_string()),
            now,
            expires_at,
        )
        .await?;
        let base_url = self.dir.base_url();
        let link = format!("{base_url}/verify-email/{}", token.expose());
        let to_new = mail::Notice {
            to: new,
            user_id: user.id,
            username: user.username.as_str(),
            link: &link,
            base_url: &base_url,
        };
        let taken = which == Address::Primary && accounts::email_in_use(txn, new).await?;
        let letter = if taken {
            mail::address_taken(mail::Notice {
                link: &base_url,
                ..to_new
            })
        } else {
            mail::email_change_verify(to_new, mail::Window { now, expires_at }, which)
        };
        outbox_queue::enqueue(txn, letter, now).await?;
        self.tell_old_addresses(txn, user, Some(new), which, now)
            .await
    }

    /// Tells the account's current addresses (primary and recovery) about a change.
    async fn tell_old_addresses(
        &self,
        txn: &DatabaseTransaction,
        user: &User,
        new: Option<&Email>,
        which: Address,
        now: OffsetDateTime,
    ) -> Result<()> {
        let base_url = self.dir.base_url();
        for to in std::iter::once(&user.email).chain(user.fallback_email.as_ref()) {
            let notice = mail::Notice {
                to,
                user_id: user.id,
                username: user.username.as_str(),
                link: &base_url,
                base_url: &base_url,
            };
            outbox_queue::enqueue(txn, mail::email_change_notice(notice, new, which), now).await?;
        }
        Ok(())
    }

    /// The address waiting for its confirmation link to be opened, if any.
    pub async fn pending_email(&self, actor: &Actor) -> Result<Option<String>> {
        let id = self.me(actor)?;
        user_tokens::pending_email(self.dir.db(), id, user_tokens::EMAIL_CHANGE, self.dir.now())
            .await
    }

    /// The recovery address waiting for its confirmation link to be opened, if any.
    pub async fn pending_fallback_email(&self, actor: &Actor) -> Result<Option<String>> {
        let id = self.me(actor)?;
        let purpose = user_tokens::FALLBACK_CHANGE;
        user_tokens::pending_email(self.dir.db(), id, purpose, self.dir.now()).await
    }

    /// Opens an email-change link: the new address becomes the account's (its email or its
    /// recovery address, as the link was made for). Works without a session, since the link
    /// is opened from the new mailbox. Answers the address now in use.
    pub async fn confirm_email(&self, actor: &Actor, token: &str) -> Result<Email> {
        rate_limit::hit_ip(self.dir, rate_limit::LINK_PER_IP, actor).await?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let row = match user_tokens::usable(&txn, token, user_tokens::EMAIL_CHANGE, now).await {
            Err(Error::Link(LinkProblem::Unknown)) => {
                user_tokens::usable(&txn, token, user_tokens::FALLBACK_CHANGE, now).await?
            }
            other => other?,
        };
        let which = if row.purpose == user_tokens::FALLBACK_CHANGE {
            Address::Recovery
        } else {
            Address::Primary
        };
        let user = user_rows::Entity::find_by_id(row.user_id)
            .one(&txn)
            .await?
            .filter(|user| user.status == Status::Active.name())
            .ok_or(Error::Link(LinkProblem::Unknown))?;
        let new = row
            .new_email
            .clone()
            .ok_or(Error::Link(LinkProblem::Unknown))?;
        if !user_tokens::consume(&txn, &row, now).await? {
            return Err(Error::Link(LinkProblem::Used));
        }
        let mut change = user_rows::ActiveModel {
            id: Set(user.id),
            updated_at: Set(now),
            ..Default::default()
        };
        let (action, from) = match which {
            Address::Primary => {
                change.email = Set(new.clone());
                ("profile.email.confirm", Some(user.email.clone()))
            }
            Address::Recovery => {
                change.fallback_email = Set(Some(new.clone()));
                (
                    "profile.fallback_email.confirm",
                    user.fallback_email.clone(),
                )
            }
        };
        change
            .update(&txn)
            .await
            .map_err(|e| Error::from_unique(e, format!("Another account already uses {new}.")))?;
        user_tokens::replace_all(&txn, UserId(user.id), purpose_of(which), now).await?;
        let user = User::from_row(user)?;
        let me = user.as_actor(actor.ip.clone(), actor.user_agent.clone());
        let entry = Entry::new(action)
            .target("user", user.id, user.username.as_str())
            .detail("from", from.unwrap_or_default())
            .detail("to", new.as_str());
        audit::record(&txn, &me, now, entry).await?;
        txn.commit().await?;
        Ok(Email::from_stored(new))
    }

    /// Changes one's own password; the current one is required, so a borrowed session alone
    /// cannot take the account over. Clears a "must change password" mark.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &SecretString,
        new: &SecretString,
    ) -> Result<()> {
        actor.refuse_delegated("change the password")?;
        let id = self.me(actor)?;
        let row = user_rows::Entity::find_by_id(id.0)
            .one(self.dir.db())
            .await?
            .ok_or(Error::Unauthenticated)?;
        let ok = self
            .dir
            .auth()
            .confirm_password(id, row.password_hash.as_deref(), current)
            .await?;
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
        accounts::check_password_for(self.dir.db(), &user, new, "new_password").await?;
        let hash = passwords::hash(new).await?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        accounts::write_password(&txn, id, hash, now).await?;
        // Whoever else is signed in (with the old password, say) is signed out.
        let ended = session_end::end_others(&txn, id, actor.session.as_deref()).await?;
        // A new password is how a person takes their account back: keys go with the sessions.
        session_end::revoke_keys(&txn, id, now).await?;
        let entry = Entry::new("profile.password.change")
            .target("user", id, row.username)
            .detail("sessions_ended", ended);
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

fn purpose_of(which: Address) -> &'static str {
    match which {
        Address::Primary => user_tokens::EMAIL_CHANGE,
        Address::Recovery => user_tokens::FALLBACK_CHANGE,
    }
}

/// Whether `actor`'s own names and addresses are locked: admins may lock profiles, and then
/// only those who may update users change them.
fn locked(settings: &settings_rows::SettingsView, actor: &Actor) -> bool {
    settings.lock_profiles && !actor.can(Permission::UsersUpdate)
}

impl Profile<'_> {
    /// Whether the profile form is read-only for `actor` (see [`locked`]).
    pub async fn is_locked(&self, actor: &Actor) -> Result<bool> {
        Ok(locked(&self.dir.settings().current().await?, actor))
    }
}
