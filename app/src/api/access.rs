//! Server functions for one's own sessions and API keys (the profile's sections).

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

#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionRow>, AppError> {
    use crate::ssr::format_time;
    let (user, actor) = crate::ssr::signed_in()?;
    let sessions = crate::ssr::directory()?
        .session_list()
        .list(&actor, user.id)
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

#[server(endpoint = "my_session_end")]
pub async fn end_my_session(id: String) -> Result<(), AppError> {
    let (user, actor) = crate::ssr::signed_in()?;
    crate::ssr::directory()?
        .session_list()
        .end(&actor, user.id, &id)
        .await?;
    crate::ssr::back_to("/profile");
    Ok(())
}

#[server(endpoint = "my_sessions_end_others")]
pub async fn end_my_other_sessions() -> Result<u64, AppError> {
    let (user, actor) = crate::ssr::signed_in()?;
    let ended = crate::ssr::directory()?
        .session_list()
        .end_others(&actor, user.id)
        .await?;
    crate::ssr::back_to("/profile");
    Ok(ended)
}

#[server(endpoint = "my_api_keys")]
pub async fn my_api_keys() -> Result<Vec<KeyRow>, AppError> {
    use crate::ssr::format_time;
    let (user, actor) = crate::ssr::signed_in()?;
    let dir = crate::ssr::directory()?;
    let now = dir.now();
    let keys = dir.api_keys().list(&actor, user.id).await?;
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

#[server(endpoint = "my_api_key_revoke")]
pub async fn revoke_my_api_key(id: String) -> Result<(), AppError> {
    let (_, actor) = crate::ssr::signed_in()?;
    let id = id
        .parse()
        .map_err(|_| directory::Error::NotFound("API key"))?;
    crate::ssr::directory()?
        .api_keys()
        .revoke(&actor, id)
        .await?;
    crate::ssr::back_to("/profile");
    Ok(())
}
