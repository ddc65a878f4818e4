//! Server-side glue for server functions: the directory handle and who is asking.

use crate::error::AppError;
use directory::{Actor, Directory, User};
use leptos::prelude::use_context;

/// Who sent the request, resolved once per request by the web server's middleware from the
/// session cookie and put into the request's extensions.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub actor: Actor,
    pub user: Option<User>,
    /// The step this person must take before anything else, worked out once by the gate.
    pub hold: Option<Hold>,
}

pub use directory::Hold;

/// The shared directory handle, provided to every server function and page render.
pub fn directory() -> Result<Directory, AppError> {
    use_context::<Directory>()
        .ok_or_else(|| AppError::new("internal", "The directory is not available."))
}

/// How mail leaves this process, for the settings page (the web server provides it).
#[derive(Clone, Debug, Default)]
pub struct MailStatus {
    /// `host:port (TLS mode, as user)`; `None` when no SMTP server is configured.
    pub server: Option<String>,
    pub from: String,
}

pub fn mail_status() -> MailStatus {
    use_context::<MailStatus>().unwrap_or_default()
}

/// The visitor the middleware resolved for this request.
pub fn visitor() -> Result<Visitor, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Visitor>().cloned())
        .ok_or_else(|| AppError::new("internal", "The request was not authenticated."))
}

/// The signed-in user and their actor, or `unauthenticated`.
pub fn signed_in() -> Result<(User, Actor), AppError> {
    let visitor = visitor()?;
    match visitor.user {
        Some(user) => Ok((user, visitor.actor)),
        None => Err(directory::Error::Unauthenticated.into()),
    }
}

/// The session of this request (tower-sessions puts it into the request's extensions).
pub fn session() -> Result<tower_sessions::Session, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<tower_sessions::Session>().cloned())
        .ok_or_else(|| AppError::new("internal", "Sessions are not available."))
}

pub fn session_error(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %err, "session store failed");
    AppError::new(
        "internal",
        "Your session could not be saved. Please try again.",
    )
}

/// True for a browser's plain form submission (before hydration), which expects a redirect.
pub fn is_html_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|accept| accept.contains("text/html"))
        })
        .unwrap_or(false)
}

/// A checkbox sends "on" when ticked and nothing at all otherwise.
pub fn ticked(value: Option<&str>) -> bool {
    matches!(value, Some("on" | "true"))
}

/// After a change made by a plain form post (no JavaScript yet), sends the browser back to
/// `path`; a hydrated page refreshes its own data instead.
pub fn back_to(path: &str) {
    if is_html_form_post() {
        leptos_axum::redirect(path);
    }
}

/// Flattens an audit row's JSON details into `key: value, …` (ids left out: the target
/// column names the thing already).
pub fn summarize_details(details: &serde_json::Value) -> String {
    let Some(map) = details.as_object() else {
        return String::new();
    };
    map.iter()
        .filter(|(key, _)| !key.ends_with("_id"))
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| i.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                other => other.to_string(),
            };
            format!("{}: {text}", key.replace('_', " "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Formats a time the way every page shows it.
pub fn format_time(at: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| at.to_string())
}

/// Accepts only a local path as the place to go after signing in (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.chars().all(|c| c.is_ascii_graphic())
                && !path.starts_with("/login")
                && !path.starts_with("/setup") =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn audit_details_read_as_pairs_without_ids() {
        let details = serde_json::json!({"from": "user", "to": "admin", "user_id": "x", "groups": ["a", "b"], "sessions_ended": 2});
        assert_eq!(
            super::summarize_details(&details),
            "from: user, groups: a b, sessions ended: 2, to: admin"
        );
        assert_eq!(super::summarize_details(&serde_json::Value::Null), "");
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/users?page=2")), "/users?page=2");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/login",
            "javascript:x",
            "/é",
            "/a b",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
