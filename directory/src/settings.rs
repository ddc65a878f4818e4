//! Instance-wide settings an admin changes in the UI, stored as JSON values by key.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::settings;
use crate::error::Result;
use crate::policy::{self, Actor, Permission};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set, TransactionTrait};
use serde::Serialize;

/// Users may not change their own names and email (admins still can).
const LOCK_PROFILES: &str = "profiles.locked";

/// The settings as the settings page shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SettingsView {
    pub lock_profiles: bool,
}

/// The settings service.
pub struct Settings<'a> {
    pub(crate) dir: &'a Directory,
}

impl Settings<'_> {
    pub async fn get(&self, actor: &Actor) -> Result<SettingsView> {
        policy::require(actor, Permission::SettingsRead)?;
        Ok(SettingsView {
            lock_profiles: self.lock_profiles().await?,
        })
    }

    /// Read on every profile change; settings are rows, so every process sees a change at once.
    pub async fn lock_profiles(&self) -> Result<bool> {
        read_bool(self.dir.db(), LOCK_PROFILES).await
    }

    pub async fn set_lock_profiles(&self, actor: &Actor, locked: bool) -> Result<SettingsView> {
        policy::require(actor, Permission::SettingsWrite)?;
        let now = self.dir.now();
        let txn = self.dir.db().begin().await?;
        write(&txn, LOCK_PROFILES, serde_json::Value::Bool(locked), now).await?;
        let entry = Entry::new("settings.update")
            .target("setting", LOCK_PROFILES, LOCK_PROFILES)
            .detail("value", locked);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.get(actor).await
    }
}

async fn read_bool(conn: &impl ConnectionTrait, key: &str) -> Result<bool> {
    let row = settings::Entity::find_by_id(key.to_string())
        .one(conn)
        .await?;
    Ok(row
        .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.value).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false))
}

async fn write(
    conn: &impl ConnectionTrait,
    key: &str,
    value: serde_json::Value,
    now: time::OffsetDateTime,
) -> Result<()> {
    settings::Entity::insert(settings::ActiveModel {
        key: Set(key.to_string()),
        value: Set(value.to_string()),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .update_columns([settings::Column::Value, settings::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(conn)
    .await?;
    Ok(())
}
