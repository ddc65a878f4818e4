//! The settings service: reading the instance-wide settings (cached until the directory
//! changes) and saving an admin's changes with their audit row.

use crate::Directory;
use crate::core::error::{Error, Result};
use crate::core::policy::{self, Actor, Permission};
use crate::entities::users as user_rows;
use crate::store::audit::{self, Entry};
use crate::store::session_end;
use crate::store::settings_rows::{load, write};
use sea_orm::{ConnectionTrait, EntityTrait};

pub use crate::store::settings_rows::{PasswordPolicy, Registration, SettingsView};

/// The settings service.
pub struct Settings<'a> {
    pub(crate) dir: &'a Directory,
}

impl Settings<'_> {
    pub async fn get(&self, actor: &Actor) -> Result<SettingsView> {
        policy::require(actor, Permission::SettingsRead)?;
        self.current().await
    }

    /// The settings without a permission check, for the services that obey them.
    pub async fn current(&self) -> Result<SettingsView> {
        let changes = self.dir.changes();
        if let Some(settings) = self.dir.cache().settings(changes) {
            return Ok(settings);
        }
        let seen = changes.generation();
        let settings = load(self.dir.db()).await?;
        self.dir.cache().keep_settings(changes, seen, &settings);
        Ok(settings)
    }

    pub async fn lock_profiles(&self) -> Result<bool> {
        Ok(self.current().await?.lock_profiles)
    }

    pub async fn registration(&self) -> Result<Registration> {
        Ok(self.current().await?.registration)
    }

    /// Saves every setting; the audit row names those that changed, with their new values.
    /// Turning mandatory 2FA on ends, in the same transaction, every session of a user
    /// without it.
    pub async fn update(&self, actor: &Actor, new: SettingsView) -> Result<SettingsView> {
        policy::require(actor, Permission::SettingsWrite)?;
        new.validate()?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let old = load(&txn).await?;
        let mut entry = Entry::new("settings.update");
        for ((key, value), (_, before)) in new.entries().into_iter().zip(old.entries()) {
            if value != before {
                write(&txn, key, &value, now).await?;
                entry = entry.detail(key, value);
            }
        }
        if new.mfa_required && !old.mfa_required {
            refuse_without_own_mfa(&txn, actor).await?;
            let ended = session_end::end_sessions_without_mfa(&txn).await?;
            entry = entry.detail("sessions_ended", ended);
        }
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.get(actor).await
    }
}

/// Mandatory 2FA may only be turned on by someone who uses it: otherwise the change would end
/// their own session in the middle of saving it.
async fn refuse_without_own_mfa(conn: &impl ConnectionTrait, actor: &Actor) -> Result<()> {
    let Some(id) = actor.user_id() else {
        return Ok(());
    };
    let row = user_rows::Entity::find_by_id(id.0).one(conn).await?;
    if row.is_some_and(|r| r.totp_enabled_at.is_some()) {
        Ok(())
    } else {
        Err(Error::NotAllowed(
            "Set up two-factor authentication for your own account before requiring it of everyone."
                .into(),
        ))
    }
}
