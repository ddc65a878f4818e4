//! Server functions for the instance settings and the mail outbox.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsData {
    pub lock_profiles: bool,
    /// `off`, `open` or `approval`.
    pub registration: String,
    pub invite_expiry_hours: u32,
    pub verify_email_changes: bool,
    pub min_length: u32,
    pub history: u32,
    pub max_age_days: u32,
    pub mfa_required: bool,
    pub impersonation_minutes: u32,
    pub mfa_failures_per_day: u32,
    pub audit_retention_days: u32,
    pub api_requests_per_minute: u32,
    /// The viewer may change settings; otherwise the page is read-only.
    pub writable: bool,
}

/// One mail of the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created: String,
    pub next_attempt: String,
    pub sent: Option<String>,
    pub link: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailData {
    /// Where mail goes; `None` when no SMTP server is configured.
    pub server: Option<String>,
    pub from: String,
    pub pending: u64,
    pub failed: u64,
    pub sent: u64,
    pub recent: Vec<OutboxRow>,
    pub writable: bool,
}

/// How a test mail went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestMailOutcome {
    /// `sent`, `pending` (still trying, or no SMTP server) or `failed`.
    pub status: String,
    pub to: String,
    pub error: Option<String>,
}

#[server(endpoint = "settings")]
pub async fn get_settings() -> Result<SettingsData, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let s = crate::ssr::directory()?.settings().get(&actor).await?;
    Ok(SettingsData {
        lock_profiles: s.lock_profiles,
        registration: s.registration.name().to_string(),
        invite_expiry_hours: s.invite_expiry_hours,
        verify_email_changes: s.verify_email_changes,
        min_length: s.password.min_length,
        history: s.password.history,
        max_age_days: s.password.max_age_days,
        mfa_required: s.mfa_required,
        impersonation_minutes: s.impersonation_minutes,
        mfa_failures_per_day: s.mfa_failures_per_day,
        audit_retention_days: s.audit_retention_days,
        api_requests_per_minute: s.api_requests_per_minute,
        writable: actor.can(directory::Permission::SettingsWrite),
    })
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "settings_update")]
pub async fn update_settings(
    lock_profiles: Option<String>,
    verify_email_changes: Option<String>,
    registration: String,
    invite_expiry_hours: String,
    min_length: String,
    history: String,
    max_age_days: String,
    mfa_required: Option<String>,
    impersonation_minutes: String,
    mfa_failures_per_day: String,
    audit_retention_days: String,
    api_requests_per_minute: String,
) -> Result<(), AppError> {
    use directory::settings::{PasswordPolicy, Registration, SettingsView};
    let (_, actor) = crate::ssr::signed_in()?;
    let view = SettingsView {
        lock_profiles: crate::ssr::ticked(lock_profiles.as_deref()),
        verify_email_changes: crate::ssr::ticked(verify_email_changes.as_deref()),
        registration: Registration::parse(&registration)?,
        invite_expiry_hours: number("invite_expiry_hours", &invite_expiry_hours)?,
        password: PasswordPolicy {
            min_length: number("min_length", &min_length)?,
            history: number("history", &history)?,
            max_age_days: number("max_age_days", &max_age_days)?,
        },
        mfa_required: crate::ssr::ticked(mfa_required.as_deref()),
        impersonation_minutes: number("impersonation_minutes", &impersonation_minutes)?,
        mfa_failures_per_day: number("mfa_failures_per_day", &mfa_failures_per_day)?,
        audit_retention_days: number("audit_retention_days", &audit_retention_days)?,
        api_requests_per_minute: number("api_requests_per_minute", &api_requests_per_minute)?,
    };
    crate::ssr::directory()?
        .settings()
        .update(&actor, view)
        .await?;
    crate::ssr::back_to("/settings");
    Ok(())
}

#[cfg(feature = "ssr")]
fn number(field: &'static str, value: &str) -> Result<u32, AppError> {
    value
        .trim()
        .parse()
        .map_err(|_| directory::Error::invalid(field, "Enter a whole number.").into())
}

#[server(endpoint = "mail_overview")]
pub async fn mail_overview() -> Result<MailData, AppError> {
    use crate::ssr::format_time;
    let (_, actor) = crate::ssr::signed_in()?;
    let dir = crate::ssr::directory()?;
    let counts = dir.outbox().counts(&actor).await?;
    let recent = dir
        .outbox()
        .list(&actor, 25)
        .await?
        .into_iter()
        .map(|m| OutboxRow {
            id: m.id,
            kind: m.kind.replace('_', " "),
            to: m.to,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            created: format_time(m.created_at),
            next_attempt: format_time(m.next_attempt_at),
            sent: m.sent_at.map(format_time),
            link: m.link,
        })
        .collect();
    let status = crate::ssr::mail_status();
    Ok(MailData {
        server: status.server,
        from: status.from,
        pending: counts.pending,
        failed: counts.failed,
        sent: counts.sent,
        recent,
        writable: actor.can(directory::Permission::SettingsWrite),
    })
}

/// Sends a test mail to the signed-in admin and waits a little for the outcome.
#[server(endpoint = "mail_test")]
pub async fn send_test_mail() -> Result<TestMailOutcome, AppError> {
    let (user, actor) = crate::ssr::signed_in()?;
    let dir = crate::ssr::directory()?;
    let id = dir.outbox().send_test(&actor, &user.email).await?;
    let configured = crate::ssr::mail_status().server.is_some();
    let mut outcome = dir.outbox().status(&actor, id).await?;
    // The sender works in the background; an answer within a few seconds is worth the wait.
    for _ in 0..40 {
        if !configured || outcome.0 != "pending" || outcome.1.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        outcome = dir.outbox().status(&actor, id).await?;
    }
    Ok(TestMailOutcome {
        status: outcome.0,
        to: user.email.to_string(),
        error: outcome.1,
    })
}

#[server(endpoint = "mail_retry")]
pub async fn retry_mail() -> Result<u64, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let retried = crate::ssr::directory()?.outbox().retry(&actor).await?;
    crate::ssr::back_to("/settings");
    Ok(retried)
}
