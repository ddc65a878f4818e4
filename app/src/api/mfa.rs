//! Server functions for two-factor authentication and impersonation.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where someone's 2FA stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaInfo {
    pub enabled: bool,
    pub enabled_at: Option<String>,
    pub backup_codes_left: u64,
    /// The server requires 2FA of everyone.
    pub required: bool,
}

/// The new key, as text and as a QR code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaSetup {
    /// Base32 in groups of four.
    pub key: String,
    pub uri: String,
    pub qr_svg: String,
}

/// A temporary password to sign in as someone else, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpersonationPassword {
    pub username: String,
    pub password: String,
    pub expires_at: String,
}

#[cfg(feature = "ssr")]
impl From<directory::mfa::MfaStatus> for MfaInfo {
    fn from(status: directory::mfa::MfaStatus) -> Self {
        Self {
            enabled: status.enabled,
            enabled_at: status.enabled_at.map(crate::ssr::format_time),
            backup_codes_left: status.backup_codes_left,
            required: status.required,
        }
    }
}

#[cfg(feature = "ssr")]
fn shown(codes: Vec<directory::SecretString>) -> Vec<String> {
    codes.iter().map(|c| c.expose().to_string()).collect()
}

/// The signed-in user's own 2FA.
#[server(endpoint = "mfa_status")]
pub async fn mfa_status() -> Result<MfaInfo, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    Ok(crate::ssr::directory()?.mfa().status(&actor).await?.into())
}

/// Starts setup (or shows the key setup started with).
#[server(endpoint = "mfa_setup_begin")]
pub async fn mfa_setup_begin() -> Result<MfaSetup, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let setup = crate::ssr::directory()?.mfa().begin_setup(&actor).await?;
    Ok(MfaSetup {
        key: setup.key.expose().to_string(),
        uri: setup.uri.expose().to_string(),
        qr_svg: setup.qr_svg,
    })
}

/// Confirms setup with a code from the app; answers the ten backup codes, shown once.
#[server(endpoint = "mfa_setup_confirm")]
pub async fn mfa_setup_confirm(code: String) -> Result<Vec<String>, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let codes = crate::ssr::directory()?
        .mfa()
        .confirm_setup(&actor, &code)
        .await?;
    Ok(shown(codes))
}

/// Ten new backup codes; the old ones stop working.
#[server(endpoint = "mfa_backup_codes")]
pub async fn mfa_backup_codes() -> Result<Vec<String>, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let codes = crate::ssr::directory()?
        .mfa()
        .regenerate_codes(&actor)
        .await?;
    Ok(shown(codes))
}

/// Turns off one's own 2FA after the password.
#[server(endpoint = "mfa_disable")]
pub async fn mfa_disable(password: String) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    crate::ssr::directory()?
        .mfa()
        .disable_own(&actor, &password.into())
        .await?;
    crate::ssr::back_to("/profile");
    Ok(())
}

/// Another user's 2FA, for their page.
#[server(endpoint = "user_mfa")]
pub async fn user_mfa(id: String) -> Result<MfaInfo, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let id = super::users::parse_user_id(&id)?;
    Ok(crate::ssr::directory()?
        .mfa()
        .status_of(&actor, id)
        .await?
        .into())
}

/// An administrator turns off a user's 2FA.
#[server(endpoint = "user_mfa_disable")]
pub async fn user_mfa_disable(id: String) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let user_id = super::users::parse_user_id(&id)?;
    crate::ssr::directory()?
        .mfa()
        .disable_for(&actor, user_id)
        .await?;
    crate::ssr::back_to(&format!("/users/{id}"));
    Ok(())
}

/// Makes a temporary password that signs in as the user, for the impersonation window.
#[server(endpoint = "user_impersonate")]
pub async fn user_impersonate(id: String) -> Result<ImpersonationPassword, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let id = super::users::parse_user_id(&id)?;
    let made = crate::ssr::directory()?
        .temp_logins()
        .impersonate(&actor, id)
        .await?;
    Ok(ImpersonationPassword {
        username: made.username.to_string(),
        password: made.password.expose().to_string(),
        expires_at: crate::ssr::format_time(made.expires_at),
    })
}
