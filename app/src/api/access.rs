//! Server functions for sessions and API keys: one's own (the profile's sections), and
//! another user's (their page, for those who may change their account).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A live session as the profile lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub browser: String,
    pub os: String,
    pub ip: String,
    pub created: String,
    pub last_active: String,
    pub current: bool,
}

/// An API key as the profile lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    pub id: String,
    pub label: String,
    pub prefix: String,
    pub read_only: bool,
    pub created: String,
    pub expires: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub state: String,
    pub last_used: Option<String>,
    pub last_ip: Option<String>,
    /// Requests over the last 30 days.
    pub requests_30d: i64,
}

/// Whose sessions or keys a call is about: the caller's own without `user`, else that user's
/// (the directory decides whether the caller may; the page offers it to those who may).
#[cfg(feature = "ssr")]
fn owner(
    user: Option<&str>,
    me: &directory::User,
) -> Result<(directory::UserId, String), AppError> {
    match user.filter(|u| !u.is_empty()) {
        None => Ok((me.id, "/profile".to_string())),
        Some(id) => {
            let id = super::users::parse_user_id(id)?;
            Ok((id, format!("/users/{id}")))
        }
    }
}

/// Live sessions: one's own, or (with `user`) someone else's.
#[server(endpoint = "sessions")]
pub async fn sessions(user: Option<String>) -> Result<Vec<SessionRow>, AppError> {
    use crate::ssr::format_time;
    let (me, actor) = crate::ssr::signed_in()?;
    let (owner, _) = owner(user.as_deref(), &me)?;
    let sessions = crate::ssr::directory()?
        .session_list()
        .list(&actor, owner)
        .await?;
    Ok(sessions
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            browser: s.browser.to_string(),
            os: s.os.to_string(),
            ip: s.ip.unwrap_or_else(|| "—".to_string()),
            created: format_time(s.created_at),
            last_active: format_time(s.last_active_at),
            current: s.current,
        })
        .collect())
}

#[server(endpoint = "session_end")]
pub async fn end_session(user: Option<String>, id: String) -> Result<(), AppError> {
    let (me, actor) = crate::ssr::signed_in()?;
    let (owner, page) = owner(user.as_deref(), &me)?;
    crate::ssr::directory()?
        .session_list()
        .end(&actor, owner, &id)
        .await?;
    crate::ssr::back_to(&page);
    Ok(())
}

/// Ends every session but the caller's own: all others of one's own, or all of someone
/// else's.
#[server(endpoint = "sessions_end_others")]
pub async fn end_other_sessions(user: Option<String>) -> Result<u64, AppError> {
    let (me, actor) = crate::ssr::signed_in()?;
    let (owner, page) = owner(user.as_deref(), &me)?;
    let ended = crate::ssr::directory()?
        .session_list()
        .end_others(&actor, owner)
        .await?;
    crate::ssr::back_to(&page);
    Ok(ended)
}

/// API keys with their use: one's own, or (with `user`) someone else's.
#[server(endpoint = "api_keys")]
pub async fn api_keys(user: Option<String>) -> Result<Vec<KeyRow>, AppError> {
    use crate::ssr::format_time;
    let (me, actor) = crate::ssr::signed_in()?;
    let (owner, _) = owner(user.as_deref(), &me)?;
    let dir = crate::ssr::directory()?;
    let now = dir.now();
    let keys = dir.api_keys().list(&actor, owner).await?;
    Ok(keys
        .into_iter()
        .map(|k| KeyRow {
            state: if k.revoked_at.is_some() {
                "revoked"
            } else if k.expires_at.is_some_and(|at| at <= now) {
                "expired"
            } else {
                "active"
            }
            .to_string(),
            id: k.id.to_string(),
            label: k.label,
            prefix: k.prefix,
            read_only: k.read_only,
            created: format_time(k.created_at),
            expires: k.expires_at.map(format_time),
            last_used: k.last_used_at.map(format_time),
            last_ip: k.last_used_ip,
            requests_30d: k.requests.iter().map(|(_, n)| n).sum(),
        })
        .collect())
}

/// Makes a key; answers it, shown this once.
#[server(endpoint = "my_api_key_create")]
pub async fn create_my_api_key(
    label: String,
    expires_days: String,
    read_only: Option<String>,
    password: String,
) -> Result<String, AppError> {
    use directory::api_keys::NewKey;
    let (user, actor) = crate::ssr::signed_in()?;
    let expires_days = match expires_days.trim() {
        "" | "never" => None,
        days => Some(days.parse().map_err(|_| {
            directory::Error::invalid("expires_days", "Enter a number of days, or leave it empty.")
        })?),
    };
    let new = NewKey {
        label,
        expires_days,
        read_only: crate::ssr::ticked(read_only.as_deref()),
        password: Some(password.into()),
    };
    let (_, key) = crate::ssr::directory()?
        .api_keys()
        .create(&actor, user.id, new)
        .await?;
    Ok(key.expose().to_string())
}

/// Revokes a key: one's own, or (from their page, `user`) someone else's.
#[server(endpoint = "api_key_revoke")]
pub async fn revoke_api_key(user: Option<String>, id: String) -> Result<(), AppError> {
    let (me, actor) = crate::ssr::signed_in()?;
    let (_, page) = owner(user.as_deref(), &me)?;
    let id = id
        .parse()
        .map_err(|_| directory::Error::NotFound("API key"))?;
    crate::ssr::directory()?
        .api_keys()
        .revoke(&actor, id)
        .await?;
    crate::ssr::back_to(&page);
    Ok(())
}
