//! Instance-wide settings as stored: JSON values by key, read into a [`SettingsView`] with
//! defaults for what is missing, checked and written back. The settings service sits above.

use crate::core::error::{Error, Result};
use crate::entities::settings;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;

const LOCK_PROFILES: &str = "profiles.locked";
const REGISTRATION: &str = "registration.mode";
const INVITE_EXPIRY: &str = "invites.expiry_hours";
const VERIFY_EMAIL: &str = "email.verify_changes";
const MIN_LENGTH: &str = "password.min_length";
const HISTORY: &str = "password.history";
const MAX_AGE: &str = "password.max_age_days";
const MFA_REQUIRED: &str = "mfa.required";
const IMPERSONATION_MINUTES: &str = "impersonation.minutes";
const MFA_FAILURES_PER_DAY: &str = "mfa.max_failures_per_day";
const AUDIT_RETENTION: &str = "audit.retention_days";
const API_RATE: &str = "api.requests_per_minute";

/// Who may create their own account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    #[default]
    Off,
    Open,
    /// Accounts wait as `pending` until an administrator approves them.
    Approval,
}

impl Registration {
    pub fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Open => "open",
            Self::Approval => "approval",
        }
    }

    pub fn parse(name: &str) -> Result<Self> {
        [Self::Off, Self::Open, Self::Approval]
            .into_iter()
            .find(|mode| mode.name() == name)
            .ok_or_else(|| Error::invalid("registration", "Choose off, open or approval."))
    }
}

/// What a new password must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PasswordPolicy {
    pub min_length: u32,
    /// How many of the user's previous passwords may not be used again (0: any).
    pub history: u32,
    /// Days after which a password must be changed at the next sign-in (0: never).
    pub max_age_days: u32,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 10,
            history: 5,
            max_age_days: 0,
        }
    }
}

/// All settings, as the settings page shows and edits them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SettingsView {
    /// Users may not change their own names and email (admins still can).
    pub lock_profiles: bool,
    pub registration: Registration,
    pub invite_expiry_hours: u32,
    /// A new email address takes effect only once its confirmation link is opened.
    pub verify_email_changes: bool,
    pub password: PasswordPolicy,
    /// Everyone must use two-factor authentication; those without it set it up at sign-in.
    pub mfa_required: bool,
    /// How long an impersonation password works.
    pub impersonation_minutes: u32,
    /// Wrong second-factor codes an account may see in a day before two-factor sign-in
    /// locks for an hour.
    pub mfa_failures_per_day: u32,
    /// Audit rows older than this many days are pruned (the chain keeps a checkpoint).
    pub audit_retention_days: u32,
    /// Requests one API key may make a minute (per process), ten seconds' worth at once.
    pub api_requests_per_minute: u32,
}

impl Default for SettingsView {
    fn default() -> Self {
        Self {
            lock_profiles: false,
            registration: Registration::Off,
            invite_expiry_hours: 72,
            verify_email_changes: true,
            password: PasswordPolicy::default(),
            mfa_required: false,
            impersonation_minutes: 15,
            mfa_failures_per_day: 20,
            audit_retention_days: 365,
            api_requests_per_minute: 6_000,
        }
    }
}

/// The bounds an admin may set, named in the error when a value is outside them.
const INVITE_EXPIRY_RANGE: (u32, u32) = (1, 24 * 30);
const MIN_LENGTH_RANGE: (u32, u32) = (8, 128);
const HISTORY_RANGE: (u32, u32) = (0, 24);
const MAX_AGE_RANGE: (u32, u32) = (0, 3650);
const IMPERSONATION_RANGE: (u32, u32) = (1, 240);
const MFA_FAILURES_RANGE: (u32, u32) = (3, 1000);
/// At least a month: an administrator cannot wipe the recent past by lowering it.
const AUDIT_RETENTION_RANGE: (u32, u32) = (30, 3650);
const API_RATE_RANGE: (u32, u32) = (60, 10_000_000);

impl SettingsView {
    pub(crate) fn validate(&self) -> Result<()> {
        let check = |field: &'static str, label: &str, value: u32, (low, high): (u32, u32)| {
            if (low..=high).contains(&value) {
                Ok(())
            } else {
                Err(Error::invalid(
                    field,
                    format!("{label} must be from {low} to {high}."),
                ))
            }
        };
        check(
            "invite_expiry_hours",
            "Invite lifetime",
            self.invite_expiry_hours,
            INVITE_EXPIRY_RANGE,
        )?;
        check(
            "min_length",
            "Minimum length",
            self.password.min_length,
            MIN_LENGTH_RANGE,
        )?;
        check(
            "history",
            "Remembered passwords",
            self.password.history,
            HISTORY_RANGE,
        )?;
        check(
            "max_age_days",
            "Maximum age",
            self.password.max_age_days,
            MAX_AGE_RANGE,
        )?;
        check(
            "impersonation_minutes",
            "Impersonation password lifetime",
            self.impersonation_minutes,
            IMPERSONATION_RANGE,
        )?;
        check(
            "mfa_failures_per_day",
            "Wrong codes allowed a day",
            self.mfa_failures_per_day,
            MFA_FAILURES_RANGE,
        )?;
        check(
            "audit_retention_days",
            "Audit log retention",
            self.audit_retention_days,
            AUDIT_RETENTION_RANGE,
        )?;
        check(
            "api_requests_per_minute",
            "API requests per key a minute",
            self.api_requests_per_minute,
            API_RATE_RANGE,
        )
    }

    pub(crate) fn entries(&self) -> [(&'static str, Value); 12] {
        [
            (LOCK_PROFILES, json!(self.lock_profiles)),
            (REGISTRATION, json!(self.registration.name())),
            (INVITE_EXPIRY, json!(self.invite_expiry_hours)),
            (VERIFY_EMAIL, json!(self.verify_email_changes)),
            (MIN_LENGTH, json!(self.password.min_length)),
            (HISTORY, json!(self.password.history)),
            (MAX_AGE, json!(self.password.max_age_days)),
            (MFA_REQUIRED, json!(self.mfa_required)),
            (IMPERSONATION_MINUTES, json!(self.impersonation_minutes)),
            (MFA_FAILURES_PER_DAY, json!(self.mfa_failures_per_day)),
            (AUDIT_RETENTION, json!(self.audit_retention_days)),
            (API_RATE, json!(self.api_requests_per_minute)),
        ]
    }

    fn from_stored(stored: &HashMap<String, Value>) -> Self {
        let defaults = Self::default();
        let flag =
            |key: &str, default: bool| stored.get(key).and_then(Value::as_bool).unwrap_or(default);
        let number = |key: &str, default: u32| {
            stored
                .get(key)
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(default)
        };
        Self {
            lock_profiles: flag(LOCK_PROFILES, defaults.lock_profiles),
            registration: stored
                .get(REGISTRATION)
                .and_then(Value::as_str)
                .and_then(|name| Registration::parse(name).ok())
                .unwrap_or_default(),
            invite_expiry_hours: number(INVITE_EXPIRY, defaults.invite_expiry_hours),
            verify_email_changes: flag(VERIFY_EMAIL, defaults.verify_email_changes),
            password: PasswordPolicy {
                min_length: number(MIN_LENGTH, defaults.password.min_length),
                history: number(HISTORY, defaults.password.history),
                max_age_days: number(MAX_AGE, defaults.password.max_age_days),
            },
            mfa_required: flag(MFA_REQUIRED, defaults.mfa_required),
            impersonation_minutes: number(IMPERSONATION_MINUTES, defaults.impersonation_minutes),
            mfa_failures_per_day: number(MFA_FAILURES_PER_DAY, defaults.mfa_failures_per_day),
            audit_retention_days: number(AUDIT_RETENTION, defaults.audit_retention_days),
            api_requests_per_minute: number(API_RATE, defaults.api_requests_per_minute),
        }
    }
}

pub(crate) async fn load(conn: &impl ConnectionTrait) -> Result<SettingsView> {
    let stored: HashMap<String, Value> = settings::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|row| {
            serde_json::from_str::<Value>(&row.value)
                .ok()
                .map(|v| (row.key, v))
        })
        .collect();
    Ok(SettingsView::from_stored(&stored))
}

pub(crate) async fn write(
    conn: &impl ConnectionTrait,
    key: &str,
    value: &Value,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_broken_values_fall_back_to_defaults() {
        let mut stored = HashMap::new();
        stored.insert(REGISTRATION.to_string(), json!("approval"));
        stored.insert(MIN_LENGTH.to_string(), json!("twelve"));
        stored.insert(HISTORY.to_string(), json!(3));
        let view = SettingsView::from_stored(&stored);
        assert_eq!(view.registration, Registration::Approval);
        assert_eq!(view.password.min_length, 10);
        assert_eq!(view.password.history, 3);
        assert!(view.verify_email_changes);
        assert_eq!(view.invite_expiry_hours, 72);
    }

    #[test]
    fn out_of_range_values_name_their_field() {
        let mut view = SettingsView::default();
        view.password.min_length = 4;
        match view.validate() {
            Err(Error::Invalid { field, message }) => {
                assert_eq!(field, Some("min_length"));
                assert!(message.contains("8 to 128"), "{message}");
            }
            other => panic!("expected invalid input, got {other:?}"),
        }
    }
}
