//! Signing in and out: credential checks that answer the same whether the account exists.

use crate::Directory;
use crate::access::mfa_guard;
use crate::audit::{self, Entry};
use crate::entities::users;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::mfa::SecondFactor;
use crate::password_policy;
use crate::passwords;
use crate::policy::Impersonator;
use crate::policy::{Actor, Role};
use crate::rate_limit;
use crate::secrets::SecretString;
use crate::sessions::ImpersonationMark;
use crate::store::memberships;
use crate::store::user_rows::{Status, User};
use crate::temp_logins::{self, Redeemed};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// How long the second step of a sign-in may take after the password.
pub const SECOND_STEP_WINDOW: Duration = Duration::minutes(5);

/// A password accepted, its second factor still owed. Grants nothing; the web session keeps
/// it apart from a signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub user: UserId,
    #[serde(with = "time::serde::timestamp")]
    pub started_at: OffsetDateTime,
}

/// Where a sign-in stands after the password.
#[derive(Debug)]
pub enum SignIn {
    Complete(User),
    /// The password was an administrator's impersonation password for this user.
    Impersonated {
        user: User,
        by: Impersonator,
        until: OffsetDateTime,
    },
    SecondFactor(PendingSignIn),
}

/// A signed-in session's user, and the administrator behind it when impersonated.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub user: User,
    pub impersonator: Option<Impersonator>,
}

impl SessionUser {
    pub fn actor(&self, ip: Option<String>, user_agent: Option<String>) -> Actor {
        Actor {
            impersonator: self.impersonator.clone(),
            ..self.user.as_actor(ip, user_agent)
        }
    }
}

/// What completed a sign-in, for the audit row and the password-age check.
#[derive(Clone, Copy)]
enum How {
    Password,
    SecondFactor(SecondFactor),
    Impersonation,
    OwnerRecovery,
}

/// The longest sign-in name we look up or write to the audit log.
const LOGIN_MAX: usize = 254;

/// The sign-in service.
pub struct Auth<'a> {
    pub(crate) dir: &'a Directory,
}

impl Auth<'_> {
    /// Checks a username-or-email and password (or a live temporary password). `actor` is
    /// the anonymous request (its IP and user agent go into the audit row). Unknown accounts
    /// and wrong passwords get the same error after the same amount of work. A user with 2FA
    /// gets [`SignIn::SecondFactor`]: nothing is granted until [`Auth::second_factor`].
    pub async fn login(
        &self,
        actor: &Actor,
        login: &str,
        password: &SecretString,
    ) -> Result<SignIn> {
        let login = login.trim().to_lowercase();
        rate_limit::hit_ip(self.dir, rate_limit::LOGIN_PER_IP, actor).await?;
        let row = self.find_login(&login).await?;
        let rule = rate_limit::LOGIN_PER_ACCOUNT;
        match &row {
            Some(row) => rate_limit::hit_account(self.dir, rule, UserId(row.id)).await?,
            None if !login.is_empty() => rate_limit::hit_typed(self.dir, rule, &login).await?,
            None => {}
        }
        let stored = row.as_ref().and_then(|r| r.password_hash.as_deref());
        let matches = passwords::verify(password, stored, self.dir.decoy_hash()).await?;
        let now = self.dir.now();
        let redeemed = if matches {
            None
        } else {
            let id = row.as_ref().map_or_else(UserId::new, |r| UserId(r.id));
            temp_logins::redeem(self.dir.db(), self.dir.secret_key(), id, password, now).await?
        };
        let row = match row {
            Some(row) if matches || redeemed.is_some() => row,
            _ => {
                // People type passwords into the username field: keep only what lets an
                // administrator see that attempts repeat, never the typed text.
                let entry = Entry::new("auth.login.failed")
                    .detail("login_digest", login_digest(self.dir, &login));
                audit::record_alone(self.dir, actor, now, entry).await?;
                return Err(Error::InvalidCredentials);
            }
        };
        let mut user = User::from_row(row)?;
        user.admin_by_group = self.admin_by_group(&user).await?;
        let signed_in = user.as_actor(actor.ip.clone(), actor.user_agent.clone());
        if user.status != Status::Active {
            let entry = Entry::new("auth.login.refused")
                .target("user", user.id, user.username.as_str())
                .detail("status", user.status.name());
            audit::record_alone(self.dir, &signed_in, now, entry).await?;
            return Err(Error::AccountInactive(user.status));
        }
        match redeemed {
            None if user.mfa_enabled => Ok(SignIn::SecondFactor(PendingSignIn {
                user: user.id,
                started_at: now,
            })),
            None => Ok(SignIn::Complete(
                self.finish(&signed_in, user, How::Password).await?,
            )),
            Some(Redeemed::OwnerRecovery) => Ok(SignIn::Complete(
                self.finish(&signed_in, user, How::OwnerRecovery).await?,
            )),
            Some(Redeemed::Impersonation { by, until }) => {
                if self.may_still_impersonate(by.id, &user).await?.is_none() {
                    let entry = Entry::new("auth.login.failed")
                        .target("user", user.id, user.username.as_str())
                        .detail("impersonation_refused", true);
                    audit::record_alone(self.dir, actor, now, entry).await?;
                    return Err(Error::InvalidCredentials);
                }
                let mut acting = signed_in;
                acting.impersonator = Some(by.clone());
                let user = self.finish(&acting, user, How::Impersonation).await?;
                Ok(SignIn::Impersonated { user, by, until })
            }
        }
    }

    async fn find_login(&self, login: &str) -> Result<Option<users::Model>> {
        if login.is_empty() || login.chars().count() > LOGIN_MAX {
            return Ok(None);
        }
        let column = if login.contains('@') {
            users::Column::Email
        } else {
            users::Column::Username
        };
        Ok(users::Entity::find()
            .filter(column.eq(login))
            .one(self.dir.db())
            .await?)
    }

    /// The second step of a sign-in with 2FA: a TOTP code or a backup code, within five
    /// minutes of the password.
    pub async fn second_factor(
        &self,
        actor: &Actor,
        pending: &PendingSignIn,
        code: &str,
    ) -> Result<User> {
        let now = self.dir.now();
        if now - pending.started_at > SECOND_STEP_WINDOW || now < pending.started_at {
            return Err(Error::SignInExpired);
        }
        let Some(user) = self.session_user(pending.user).await? else {
            return Err(Error::SignInExpired);
        };
        // The session keeps whole seconds, so compare whole seconds.
        if user.password_changed_at.unix_timestamp() > pending.started_at.unix_timestamp() {
            // The password that started this sign-in has been changed since.
            return Err(Error::SignInExpired);
        }
        // Before the bucket: a void or locked sign-in is refused without spending anything.
        mfa_guard::check_open(self.dir.db(), &user, pending.started_at, now).await?;
        rate_limit::hit_second_factor(self.dir, user.id).await?;
        let signed_in = user.as_actor(actor.ip.clone(), actor.user_agent.clone());
        match self.dir.mfa().check(user.id, code).await? {
            Some(factor) => {
                mfa_guard::record_success(self.dir.db(), &user).await?;
                self.finish(&signed_in, user, How::SecondFactor(factor))
                    .await
            }
            None => {
                let per_day = self.dir.settings().current().await?.mfa_failures_per_day;
                Err(mfa_guard::record_failure(self.dir, &signed_in, &user, per_day).await?)
            }
        }
    }

    /// Records a completed sign-in: last sign-in time, an expired password, the audit row.
    async fn finish(&self, actor: &Actor, user: User, how: How) -> Result<User> {
        let now = self.dir.now();
        let too_old = match how {
            How::Password | How::SecondFactor(_) => {
                let policy = self.dir.settings().current().await?.password;
                password_policy::expired(&policy, user.password_changed_at, now)
            }
            How::Impersonation | How::OwnerRecovery => false,
        };
        let expires = too_old && !user.must_change_password;
        // Only an expired password changes what a session resolves to; the time of the last
        // sign-in is not worth clearing every process's caches for, only this one's roster.
        let txn = if expires {
            crate::changes::Change::begin(self.dir).await?
        } else {
            crate::changes::Change::begin_quiet(self.dir)
                .await?
                .listed()
        };
        let mut update = users::ActiveModel {
            id: Set(user.id.0),
            last_login_at: Set(Some(now)),
            ..Default::default()
        };
        let mut entry = Entry::new("auth.login").target("user", user.id, user.username.as_str());
        entry = match how {
            How::Password => entry,
            How::SecondFactor(factor) => entry.detail("second_factor", factor.name()),
            How::Impersonation => entry.detail("impersonation", true),
            How::OwnerRecovery => entry.detail("owner_recovery", true),
        };
        if expires {
            // The gate then holds the session on the password page until it is changed.
            update.must_change_password = Set(true);
            entry = entry.detail("password_expired", true);
        }
        update.update(&txn).await?;
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(User {
            last_login_at: Some(now),
            must_change_password: user.must_change_password || too_old,
            ..user
        })
    }

    /// Checks the password a signed-in user typed to confirm a change of their own account,
    /// counted against the account as a sign-in is, so a borrowed session cannot guess it.
    pub(crate) async fn confirm_password(
        &self,
        id: UserId,
        stored: Option<&str>,
        password: &SecretString,
    ) -> Result<bool> {
        rate_limit::hit_account(self.dir, rate_limit::LOGIN_PER_ACCOUNT, id).await?;
        passwords::verify(password, stored, self.dir.decoy_hash()).await
    }

    /// Records a sign-out; the transport ends the session itself.
    pub async fn logout(&self, actor: &Actor) -> Result<()> {
        audit::record_alone(self.dir, actor, self.dir.now(), Entry::new("auth.logout")).await
    }

    /// The user behind a session and, for an impersonation session, the administrator; `None`
    /// once the user may no longer sign in, the impersonation window has closed, or the
    /// administrator has lost the right to impersonate.
    pub async fn session(
        &self,
        id: UserId,
        impersonation: Option<&ImpersonationMark>,
    ) -> Result<Option<SessionUser>> {
        let Some(user) = self.session_user(id).await? else {
            return Ok(None);
        };
        let Some(mark) = impersonation else {
            return Ok(Some(SessionUser {
                user,
                impersonator: None,
            }));
        };
        if self.dir.now() >= mark.until {
            return Ok(None);
        }
        // Re-asked on every request: a promotion of the user (to owner, say) or a demotion
        // of the administrator ends the session at once.
        let Some(admin) = self.may_still_impersonate(mark.by, &user).await? else {
            return Ok(None);
        };
        Ok(Some(SessionUser {
            user,
            impersonator: Some(Impersonator {
                id: admin.id,
                username: admin.username,
            }),
        }))
    }

    /// The administrator `by`, if still active and still allowed to impersonate `user` as
    /// things stand now.
    async fn may_still_impersonate(&self, by: UserId, user: &User) -> Result<Option<User>> {
        let Some(admin) = self.session_user(by).await? else {
            return Ok(None);
        };
        let actor = admin.as_actor(None, None);
        let answer = crate::temp_logins::may_impersonate(self.dir.db(), &actor, user).await;
        Ok(crate::error::allowed(answer)?.then_some(admin))
    }

    /// The user behind a session, if that user still exists and may still sign in.
    /// Asked on every request and served from this process's cache, which every change
    /// clears (here at once, in other processes within a second, and in any case after a few
    /// seconds: see [`crate::cache`]), so a suspension or a role change takes effect at once.
    pub async fn session_user(&self, id: UserId) -> Result<Option<User>> {
        let changes = self.dir.changes();
        if let Some(user) = self.dir.cache().session_user(changes, id) {
            return Ok(user);
        }
        let seen = changes.generation();
        let user = self.load_session_user(id).await?;
        self.dir.cache().keep_session_user(changes, seen, id, &user);
        Ok(user)
    }

    async fn load_session_user(&self, id: UserId) -> Result<Option<User>> {
        let Some(mut user) = self.dir.users().find(id).await? else {
            return Ok(None);
        };
        if user.status != Status::Active {
            return Ok(None);
        }
        user.admin_by_group = self.admin_by_group(&user).await?;
        Ok(Some(user))
    }

    /// Membership of an administrators' group, looked up only when it could raise the role.
    async fn admin_by_group(&self, user: &User) -> Result<bool> {
        if matches!(user.role, Role::Owner | Role::Admin) {
            return Ok(false);
        }
        memberships::in_admin_group(self.dir.db(), user.id).await
    }
}

/// A keyed digest of a typed sign-in name: equal for equal names, so repeated attempts
/// stand out in the audit log, and useless to whoever reads the log without the key.
pub(crate) fn login_digest(dir: &Directory, login: &str) -> String {
    let digest = crate::core::sealed::keyed_digest(dir.secret_key(), "audit-login", login);
    digest.chars().take(16).collect()
}
