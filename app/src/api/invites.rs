//! Server functions for invites: the admins' list and actions, and the invitee's page.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub groups: Vec<String>,
    pub invited_by: String,
    pub sent: String,
    pub expires: String,
    /// `pending` or `expired` (accepted and revoked invites leave the list).
    pub state: String,
}

/// An invite just made or renewed, with the link that exists only in this answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedInvite {
    pub invite: InviteRow,
    pub link: String,
    pub mailed: bool,
}

/// What the invitee sees above the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInfo {
    pub email: String,
    pub role: String,
    pub invited_by: String,
    pub expires: String,
    pub suggested_username: String,
}

#[cfg(feature = "ssr")]
fn row(invite: directory::invites::Invite) -> InviteRow {
    use crate::ssr::format_time;
    InviteRow {
        id: invite.id.to_string(),
        email: invite.email.to_string(),
        role: invite.role.name().to_string(),
        groups: invite.groups,
        invited_by: invite.invited_by,
        sent: format_time(invite.sent_at),
        expires: format_time(invite.expires_at),
        state: match invite.state {
            directory::invites::InviteState::Expired => "expired",
            _ => "pending",
        }
        .to_string(),
    }
}

#[cfg(feature = "ssr")]
fn issued(issued: directory::invites::Issued) -> IssuedInvite {
    IssuedInvite {
        link: issued.link.expose().to_string(),
        mailed: issued.mailed,
        invite: row(issued.invite),
    }
}

#[cfg(feature = "ssr")]
fn invite_id(id: &str) -> Result<uuid::Uuid, AppError> {
    id.parse()
        .map_err(|_| directory::Error::NotFound("invite").into())
}

#[server(endpoint = "invites")]
pub async fn list_invites() -> Result<Vec<InviteRow>, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let invites = crate::ssr::directory()?.invites().list(&actor).await?;
    Ok(invites.into_iter().map(row).collect())
}

#[server(endpoint = "invite_create")]
pub async fn create_invite(
    email: String,
    role: String,
    groups: Option<Vec<String>>,
    send: Option<String>,
) -> Result<IssuedInvite, AppError> {
    use directory::invites::NewInvite;
    let (_, actor) = crate::ssr::signed_in()?;
    let groups = groups
        .unwrap_or_default()
        .iter()
        .map(|g| g.parse().map_err(|_| directory::Error::NotFound("group")))
        .collect::<Result<Vec<_>, _>>()?;
    let new = NewInvite {
        email,
        role: directory::policy::parse_for(&actor, directory::Permission::UsersCreate, || {
            directory::Role::parse(&role)
        })?,
        groups,
        send: crate::ssr::ticked(send.as_deref()),
    };
    let result = crate::ssr::directory()?
        .invites()
        .create(&actor, new)
        .await?;
    crate::ssr::back_to("/invites");
    Ok(issued(result))
}

/// A new link for an open invite (the old link stops working); mailed when `send` is ticked.
#[server(endpoint = "invite_reissue")]
pub async fn reissue_invite(id: String, send: Option<String>) -> Result<IssuedInvite, AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let result = crate::ssr::directory()?
        .invites()
        .reissue(&actor, invite_id(&id)?, crate::ssr::ticked(send.as_deref()))
        .await?;
    crate::ssr::back_to("/invites");
    Ok(issued(result))
}

#[server(endpoint = "invite_revoke")]
pub async fn revoke_invite(id: String) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    crate::ssr::directory()?
        .invites()
        .revoke(&actor, invite_id(&id)?)
        .await?;
    crate::ssr::back_to("/invites");
    Ok(())
}

/// What the invite page shows, or why its link does not work.
#[server(endpoint = "invite_lookup")]
pub async fn lookup_invite(token: String) -> Result<InviteInfo, AppError> {
    let visitor = crate::ssr::visitor()?;
    let view = crate::ssr::directory()?
        .invites()
        .lookup(&visitor.actor, &token)
        .await?;
    Ok(InviteInfo {
        email: view.email.to_string(),
        role: view.role.name().to_string(),
        invited_by: view.invited_by,
        expires: crate::ssr::format_time(view.expires_at),
        suggested_username: view.suggested_username,
    })
}

/// Creates the invited account and signs it in.
#[server(endpoint = "invite_accept")]
pub async fn accept_invite(
    token: String,
    username: String,
    full_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use directory::invites::Acceptance;
    super::confirmed(&password, &password_confirm)?;
    let visitor = crate::ssr::visitor()?;
    let input = Acceptance {
        username,
        full_name,
        password: password.into(),
    };
    let user = crate::ssr::directory()?
        .invites()
        .accept(&visitor.actor, &token, input)
        .await?;
    super::start_session(&user, &visitor, None).await?;
    leptos_axum::redirect("/");
    Ok(())
}
