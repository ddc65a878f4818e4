//! Server functions for one's own account: profile, email, password and avatar.

use super::users::GroupRef;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileData {
    pub id: String,
    pub username: String,
    pub email: String,
    pub fallback_email: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub role: String,
    pub uid_number: i64,
    pub groups: Vec<GroupRef>,
    pub has_avatar: bool,
    /// Profiles are locked and this person may not edit users: the form is read-only.
    pub locked: bool,
    /// The configured minimum length of a new password.
    pub password_min: u32,
    pub created: String,
    /// A new address waiting for its confirmation link to be opened.
    pub pending_email: Option<String>,
    /// Likewise for the fallback address.
    pub pending_fallback_email: Option<String>,
    /// The administrator impersonating this user, who may not change their password or 2FA.
    pub impersonated_by: Option<String>,
}

#[server(endpoint = "profile")]
pub async fn profile() -> Result<ProfileData, AppError> {
    let (user, actor) = crate::ssr::signed_in()?;
    let dir = crate::ssr::directory()?;
    let groups = dir.groups().of_user(&actor, user.id).await?;
    let has_avatar = dir.avatars().exists(user.id).await?;
    let locked = dir.profile().is_locked(&actor).await?;
    let password_min = dir.settings().current().await?.password.min_length;
    Ok(ProfileData {
        id: user.id.to_string(),
        username: user.username.to_string(),
        email: user.email.to_string(),
        fallback_email: user
            .fallback_email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        display_name: user.display_name.clone(),
        role: user.effective_role().name().to_string(),
        uid_number: user.uid_number,
        groups: groups.into_iter().map(super::users::group_ref).collect(),
        has_avatar,
        locked,
        password_min,
        created: crate::ssr::format_time(user.created_at),
        pending_email: dir.profile().pending_email(&actor).await?,
        pending_fallback_email: dir.profile().pending_fallback_email(&actor).await?,
        impersonated_by: actor.impersonator.as_ref().map(|a| a.username.to_string()),
    })
}

#[server(endpoint = "profile_update")]
pub async fn update_profile(
    email: String,
    fallback_email: String,
    first_name: String,
    last_name: String,
    display_name: String,
    address_password: Option<String>,
) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let update = super::users::details(email, fallback_email, first_name, last_name, display_name);
    let password = address_password.map(directory::SecretString::new);
    crate::ssr::directory()?
        .profile()
        .update(&actor, update, password.as_ref())
        .await?;
    crate::ssr::back_to("/profile");
    Ok(())
}

/// Changes one's own password. Also the way out of a temporary password.
#[server(endpoint = "password_change")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_confirm: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    if new_password != new_password_confirm {
        return Err(directory::Error::invalid(
            "new_password_confirm",
            "The new passwords do not match.",
        )
        .into());
    }
    crate::ssr::directory()?
        .profile()
        .change_password(&actor, &current_password.into(), &new_password.into())
        .await?;
    leptos_axum::redirect(&crate::ssr::safe_next(next.as_deref()));
    Ok(())
}

#[server(endpoint = "avatar_remove")]
pub async fn remove_avatar() -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    crate::ssr::directory()?
        .profile()
        .remove_avatar(&actor)
        .await?;
    crate::ssr::back_to("/profile");
    Ok(())
}
