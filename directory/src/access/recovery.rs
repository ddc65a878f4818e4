//! Password reset: "forgot password" mails a one-hour link, an administrator can make one
//! for a user, and using it sets a new password and ends every session of the account.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::users as user_rows;
use crate::error::{Error, Result};
use crate::ids::{Email, UserId};
use crate::mail;
use crate::passwords;
use crate::policy::{self, Actor, Permission};
use crate::rate_limit;
use crate::secrets::SecretString;
use crate::store::user_rows::{Status, User};
use crate::store::user_tokens::{self, RESET};
use crate::store::{accounts, outbox_queue, session_end, targets};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::Duration;

/// A link from "forgot password" lives an hour.
pub const RESET_LIFETIME: Duration = Duration::hours(1);
/// A link an administrator hands over lives a day: it travels by chat or phone.
pub const ADMIN_RESET_LIFETIME: Duration = Duration::hours(24);

/// A reset link an administrator made.
#[derive(Clone, Debug)]
pub struct ResetLink {
    pub link: SecretString,
    pub expires_at: time::OffsetDateTime,
    pub mailed_to: Option<Email>,
}

/// The password reset service.
pub struct Recovery<'a> {
    pub(crate) dir: &'a Directory,
}

impl Recovery<'_> {
    /// Mails a reset link when `login` (username or email) names an active account. Answers
    /// the same either way, so nobody learns which accounts exist.
    pub async fn request(&self, actor: &Actor, login: &str) -> Result<()> {
        let login = login.trim().to_lowercase();
        if login.is_empty() {
            return Err(Error::invalid("login", "Enter your username or email."));
        }
        rate_limit::hit_ip(self.dir, rate_limit::RESET_PER_IP, actor).await?;
        let column = if login.contains('@') {
            user_rows::Column::Email
        } else {
            user_rows::Column::Username
        };
        let row = user_rows::Entity::find()
            .filter(column.eq(login.as_str()))
            .one(self.dir.db())
            .await?;
        // One bucket per account, whichever of its names was typed.
        let rule = rate_limit::RESET_PER_ACCOUNT;
        match &row {
            Some(row) => rate_limit::hit_account(self.dir, rule, UserId(row.id)).await?,
            None => rate_limit::hit_typed(self.dir, rule, &login).await?,
        }
        let now = self.dir.now();
        let Some(user) = row.map(User::from_row).transpose()? else {
            let entry = Entry::new("password.reset.unknown")
                .detail("login_digest", crate::auth::login_digest(self.dir, &login));
            return audit::record_alone(self.dir, actor, now, entry).await;
        };
        if user.status != Status::Active {
            let entry = Entry::new("password.reset.refused")
                .target("user", user.id, user.username.as_str())
                .detail("status", user.status.name());
            return audit::record_alone(self.dir, actor, now, entry).await;
        }
        self.issue(actor, &user, RESET_LIFETIME, true, "password.reset.request")
            .await?;
        Ok(())
    }

    /// Makes a reset link for a user for an administrator to pass on, and mails it if asked.
    pub async fn admin_link(&self, actor: &Actor, id: UserId, send: bool) -> Result<ResetLink> {
        policy::require(actor, Permission::UsersUpdate)?;
        // A link signs in as the user: from a key it would skip the admin's own second factor.
        actor.refuse_delegated("make password-reset links")?;
        crate::policy::refuse_own_account(actor, id, "change your password")?;
        let user = self.dir.users().existing(id).await?;
        targets::guard_target(self.dir.db(), actor, &user).await?;
        self.issue(actor, &user, ADMIN_RESET_LIFETIME, send, "user.reset_link")
            .await
    }

    async fn issue(
        &self,
        actor: &Actor,
        user: &User,
        lifetime: Duration,
        send: bool,
        action: &'static str,
    ) -> Result<ResetLink> {
        let now = self.dir.now();
        let expires_at = now + lifetime;
        let base_url = self.dir.base_url();
        let txn = crate::changes::Change::begin(self.dir).await?;
        // One live link per account: a new request voids the older ones.
        user_tokens::replace_all(&txn, user.id, RESET, now).await?;
        let token = user_tokens::issue(&txn, user.id, RESET, None, now, expires_at).await?;
        let link = format!("{base_url}/reset/{}", token.expose());
        if send {
            let addresses = std::iter::once(&user.email).chain(user.fallback_email.as_ref());
            for to in addresses {
                let notice = mail::Notice {
                    to,
                    user_id: user.id,
                    username: user.username.as_str(),
                    link: &link,
                    base_url: &base_url,
                };
                let mail = mail::password_reset(notice, mail::Window { now, expires_at });
                outbox_queue::enqueue(&txn, mail, now).await?;
            }
        }
        let entry = Entry::new(action)
            .target("user", user.id, user.username.as_str())
            .detail("mailed", send);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        if send {
            self.dir.wake_mailer();
        }
        Ok(ResetLink {
            link: SecretString::new(link),
            expires_at,
            mailed_to: send.then(|| user.email.clone()),
        })
    }

    /// The account a reset link is for, or why the link does not work.
    pub async fn lookup(&self, actor: &Actor, token: &str) -> Result<User> {
        rate_limit::hit_ip(self.dir, rate_limit::LINK_PER_IP, actor).await?;
        let row = user_tokens::usable(self.dir.db(), token, RESET, self.dir.now()).await?;
        self.dir
            .users()
            .find(UserId(row.user_id))
            .await?
            .filter(|user| user.status == Status::Active)
            .ok_or(Error::Link(crate::tokens::LinkProblem::Unknown))
    }

    /// Sets the new password, uses up the link, ends every session of the account and revokes
    /// its API keys (a key made from a stolen session must not outlive the reset).
    /// Second factors stay as they are: a reset proves only access to the mailbox.
    pub async fn complete(
        &self,
        actor: &Actor,
        token: &str,
        password: &SecretString,
    ) -> Result<User> {
        let user = self.lookup(actor, token).await?;
        accounts::check_password_for(self.dir.db(), &user, password, "password").await?;
        let hash = passwords::hash(password).await?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let row = user_tokens::usable(&txn, token, RESET, now).await?;
        if !user_tokens::consume(&txn, &row, now).await? {
            return Err(Error::Link(crate::tokens::LinkProblem::Used));
        }
        accounts::write_password(&txn, user.id, hash, now).await?;
        let ended = session_end::end_all(&txn, user.id).await?;
        let revoked = session_end::revoke_keys(&txn, user.id, now).await?;
        let me = user.as_actor(actor.ip.clone(), actor.user_agent.clone());
        let entry = Entry::new("password.reset")
            .target("user", user.id, user.username.as_str())
            .detail("sessions_ended", ended)
            .detail("keys_revoked", revoked);
        audit::record(&txn, &me, now, entry).await?;
        txn.commit().await?;
        Ok(user)
    }
}
