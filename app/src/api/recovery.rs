//! Server functions for getting into an account: forgotten passwords, reset links,
//! self-registration and email confirmation.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A reset link an administrator made for someone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetLinkData {
    pub link: String,
    pub expires: String,
    pub mailed_to: Option<String>,
}

/// Where a registration ended. The same whether or not the address had an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    pub username: String,
    pub email: String,
    /// After the link mailed to `email` is opened, the account waits for approval.
    pub pending: bool,
}

/// Mails a reset link if the account exists; the answer is the same either way.
#[server(endpoint = "password_forgot")]
pub async fn forgot_password(login: String) -> Result<(), AppError> {
    let visitor = crate::ssr::visitor()?;
    crate::ssr::directory()?
        .recovery()
        .request(&visitor.actor, &login)
        .await?;
    Ok(())
}

/// The username a reset link is for, or why it does not work.
#[server(endpoint = "password_reset_lookup")]
pub async fn lookup_reset(token: String) -> Result<String, AppError> {
    let visitor = crate::ssr::visitor()?;
    let user = crate::ssr::directory()?
        .recovery()
        .lookup(&visitor.actor, &token)
        .await?;
    Ok(user.username.to_string())
}

/// Sets the new password; every session of the account ends, so the person signs in again.
#[server(endpoint = "password_reset")]
pub async fn reset_password(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    super::confirmed(&password, &password_confirm)?;
    let visitor = crate::ssr::visitor()?;
    crate::ssr::directory()?
        .recovery()
        .complete(&visitor.actor, &token, &password.into())
        .await?;
    crate::ssr::session()?
        .flush()
        .await
        .map_err(crate::ssr::session_error)?;
    leptos_axum::redirect("/login?reset=done");
    Ok(())
}

/// An administrator's reset link for a user, optionally mailed to them.
#[server(endpoint = "user_reset_link")]
pub async fn user_reset_link(id: String, send: Option<String>) -> Result<ResetLinkData, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let id = super::users::parse_user_id(&id)?;
    let link = crate::ssr::directory()?
        .recovery()
        .admin_link(&actor, id, crate::ssr::ticked(send.as_deref()))
        .await?;
    Ok(ResetLinkData {
        link: link.link.expose().to_string(),
        expires: crate::ssr::format_time(link.expires_at),
        mailed_to: link.mailed_to.map(|e| e.to_string()),
    })
}

/// `off`, `open` or `approval`: whether the sign-in page offers registration.
#[server(endpoint = "registration_mode")]
pub async fn registration_mode() -> Result<String, AppError> {
    let mode = crate::ssr::directory()?.registration().mode().await?;
    Ok(mode.name().to_string())
}

#[server(endpoint = "register")]
pub async fn register(
    username: String,
    first_name: String,
    last_name: String,
    email: String,
    password: String,
    password_confirm: String,
) -> Result<Registered, AppError> {
    use directory::registration::{Registered as Outcome, Signup};
    super::confirmed(&password, &password_confirm)?;
    let visitor = crate::ssr::visitor()?;
    let answer = Registered {
        username: username.trim().to_lowercase(),
        email: email.trim().to_string(),
        pending: false,
    };
    let signup = Signup {
        username,
        first_name,
        last_name,
        email,
        password: password.into(),
    };
    let outcome = crate::ssr::directory()?
        .registration()
        .register(&visitor.actor, signup)
        .await?;
    Ok(Registered {
        pending: outcome == Outcome::AwaitingApproval,
        ..answer
    })
}

/// The username a registration link would create (404 with the link's problem otherwise).
#[server(endpoint = "register_lookup")]
pub async fn register_lookup(token: String) -> Result<String, AppError> {
    let visitor = crate::ssr::visitor()?;
    Ok(crate::ssr::directory()?
        .registration()
        .lookup(&visitor.actor, &token)
        .await?)
}

/// Opens a registration link: the account is created and, unless it waits for approval,
/// signed in. Answers whether it waits for approval.
#[server(endpoint = "register_confirm")]
pub async fn register_confirm(token: String) -> Result<bool, AppError> {
    let visitor = crate::ssr::visitor()?;
    let user = crate::ssr::directory()?
        .registration()
        .confirm(&visitor.actor, &token)
        .await?;
    let pending = user.status != directory::Status::Active;
    if !pending {
        super::start_session(&user, &visitor, None).await?;
        leptos_axum::redirect("/");
    }
    Ok(pending)
}

/// Confirms a new email address from the link mailed to it; answers the address.
#[server(endpoint = "email_confirm")]
pub async fn confirm_email(token: String) -> Result<String, AppError> {
    let visitor = crate::ssr::visitor()?;
    let address = crate::ssr::directory()?
        .profile()
        .confirm_email(&visitor.actor, &token)
        .await?;
    Ok(address.to_string())
}
