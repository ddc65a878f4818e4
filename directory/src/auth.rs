//! Signing in and out: credential checks that answer the same whether the account exists.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::users;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::password_policy;
use crate::passwords;
use crate::policy::{Actor, Role};
use crate::rate_limit;
use crate::secrets::SecretString;
use crate::users::{Status, User};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

/// The longest sign-in name we look up or write to the audit log.
const LOGIN_MAX: usize = 254;

/// The sign-in service.
pub struct Auth<'a> {
    pub(crate) dir: &'a Directory,
}

impl Auth<'_> {
    /// Checks a username-or-email and password. `actor` is the anonymous request (its IP and
    /// user agent go into the audit row). Unknown accounts and wrong passwords get the same
    /// error after the same amount of hashing work.
    pub async fn login(&self, actor: &Actor, login: &str, password: &SecretString) -> Result<User> {
        let login = login.trim().to_lowercase();
        rate_limit::hit_ip(self.dir, rate_limit::LOGIN_PER_IP, actor).await?;
        if !login.is_empty() {
            rate_limit::hit(self.dir, rate_limit::LOGIN_PER_ACCOUNT, &login).await?;
        }
        let row = if login.is_empty() || login.chars().count() > LOGIN_MAX {
            None
        } else {
            let column = if login.contains('@') {
                users::Column::Email
            } else {
                users::Column::Username
            };
            users::Entity::find()
                .filter(column.eq(login.as_str()))
                .one(self.dir.db())
                .await?
        };
        let stored = row.as_ref().and_then(|r| r.password_hash.as_deref());
        let matches = passwords::verify(password, stored, self.dir.decoy_hash()).await?;
        let now = self.dir.now();
        let row = match row {
            Some(row) if matches => row,
            _ => {
                let entry = Entry::new("auth.login.failed").detail("login", login.as_str());
                audit::record(self.dir.db(), actor, now, entry).await?;
                return Err(Error::InvalidCredentials);
            }
        };
        let changed_at = row.password_changed_at.unwrap_or(row.created_at);
        let mut user = User::from_row(row)?;
        user.admin_by_group = self.admin_by_group(&user).await?;
        let signed_in = user.as_actor(actor.ip.clone(), actor.user_agent.clone());
        if user.status != Status::Active {
            let entry = Entry::new("auth.login.refused")
                .target("user", user.id, user.username.as_str())
                .detail("status", user.status.name());
            audit::record(self.dir.db(), &signed_in, now, entry).await?;
            return Err(Error::AccountInactive(inactive_message(user.status)));
        }
        let policy = crate::settings::load(self.dir.db()).await?.password;
        let too_old = password_policy::expired(&policy, changed_at, now);
        let txn = self.dir.db().begin().await?;
        let mut update = users::ActiveModel {
            id: Set(user.id.0),
            last_login_at: Set(Some(now)),
            ..Default::default()
        };
        let mut entry = Entry::new("auth.login").target("user", user.id, user.username.as_str());
        if too_old && !user.must_change_password {
            // The gate then holds the session on the password page until it is changed.
            update.must_change_password = Set(true);
            entry = entry.detail("password_expired", true);
        }
        update.update(&txn).await?;
        audit::record(&txn, &signed_in, now, entry).await?;
        txn.commit().await?;
        Ok(User {
            last_login_at: Some(now),
            must_change_password: user.must_change_password || too_old,
            ..user
        })
    }

    /// Records a sign-out; the transport ends the session itself.
    pub async fn logout(&self, actor: &Actor) -> Result<()> {
        audit::record(
            self.dir.db(),
            actor,
            self.dir.now(),
            Entry::new("auth.logout"),
        )
        .await
    }

    /// The user behind a session, if that user still exists and may still sign in.
    /// Read on every request, so a suspension or a role change takes effect at once on every
    /// process sharing the database.
    pub async fn session_user(&self, id: UserId) -> Result<Option<User>> {
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
        crate::groups::in_admin_group(self.dir.db(), user.id).await
    }
}

fn inactive_message(status: Status) -> String {
    match status {
        Status::Pending => "This account is waiting for an administrator's approval.".to_string(),
        Status::Suspended => "This account is suspended. Contact an administrator.".to_string(),
        Status::Active => "This account cannot sign in.".to_string(),
    }
}
