//! Server functions: thin doors from the pages into `directory`, and the data they return.

pub mod access;
pub mod account;
pub mod groups;
pub mod invites;
pub mod mfa;
pub mod recovery;
pub mod reference;
pub mod settings;
pub mod users;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in person as the pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: vocab::Role,
    /// So the UI disables what the server would refuse.
    pub permissions: Vec<vocab::Permission>,
    /// Signed in with a temporary password: every page leads to the password change.
    pub must_change_password: bool,
    /// Accounts waiting for approval, for the badge in the navigation (0 unless the viewer
    /// may approve).
    pub pending_approvals: u64,
    /// The administrator signed in as this user by impersonation, if any.
    pub impersonated_by: Option<String>,
    pub mfa_enabled: bool,
    /// 2FA is mandatory and this user has none yet: every page leads to its setup.
    pub must_set_up_mfa: bool,
    /// The configured minimum length of a new password, for the forms' hint.
    pub password_min: u32,
}

impl Me {
    pub fn can(&self, permission: vocab::Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRow {
    pub id: i64,
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    /// The event's details as `key: value` pairs, for reading at a glance.
    pub details: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub events: Vec<ActivityRow>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// The last periodic check of the audit hash chain.
    pub chain: ChainLine,
}

/// What the last walk of the audit hash chain found, in words for the Activity page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainLine {
    /// `verified`, `broken` or `unchecked`.
    pub state: String,
    pub text: String,
}

pub const PER_PAGE: u64 = 50;

/// Whether first-run setup is still open. Answers 404 once it is not, for `/setup`.
#[server(endpoint = "setup_state")]
pub async fn setup_state() -> Result<bool, AppError> {
    let needed = crate::ssr::directory()?.setup().is_needed().await?;
    if !needed && let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    Ok(needed)
}

/// Creates the owner on first run and signs them in.
#[server(endpoint = "setup")]
pub async fn setup_owner(
    username: String,
    email: String,
    full_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use directory::setup::OwnerInput;
    confirmed(&password, &password_confirm)?;
    let dir = crate::ssr::directory()?;
    let visitor = crate::ssr::visitor()?;
    let input = OwnerInput {
        username,
        email,
        full_name,
        password: password.into(),
    };
    let owner = dir.setup().create_owner(&visitor.actor, input).await?;
    start_session(&owner, &visitor, None).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Refuses a new password whose confirmation differs (a typo nobody could sign in with).
#[cfg(feature = "ssr")]
pub(crate) fn confirmed(password: &str, confirmation: &str) -> Result<(), AppError> {
    if password == confirmation {
        Ok(())
    } else {
        Err(directory::Error::invalid("password_confirm", "The passwords do not match.").into())
    }
}

/// Signs in with a username or email and a password. Someone with 2FA goes on to the code
/// page with a session that grants nothing yet.
#[server(endpoint = "login")]
pub async fn login(login: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let next = crate::ssr::safe_next(next.as_deref());
    let result = sign_in(&login, password, &next).await;
    if let Err(err) = &result {
        back_to_sign_in(&login, &next, err);
    }
    result
}

/// A plain form post (the sign-in page ships no script) that failed goes back to the form
/// with what was typed as the login, so only the password is typed again, and the error.
#[cfg(feature = "ssr")]
fn back_to_sign_in(login: &str, next: &str, err: &AppError) {
    use leptos::server_fn::ServerFn;
    use leptos::server_fn::error::ServerFnUrlError;
    if !crate::ssr::is_html_form_post() {
        return;
    }
    // `to_url` parses an absolute URL: the origin is a placeholder, cut off again, so the
    // redirect stays on this site.
    const ORIGIN: &str = "http://localhost";
    let form = format!(
        "{ORIGIN}/login?next={}&login={}",
        crate::url::encode(next),
        crate::url::encode(login)
    );
    if let Ok(url) = ServerFnUrlError::new(Login::PATH, err.clone()).to_url(&form) {
        let url = url.to_string();
        if let Some(path) = url.strip_prefix(ORIGIN) {
            leptos_axum::redirect(path);
        }
    }
}

#[cfg(feature = "ssr")]
async fn sign_in(login: &str, password: String, next: &str) -> Result<(), AppError> {
    use directory::auth::SignIn;
    let dir = crate::ssr::directory()?;
    let visitor = crate::ssr::visitor()?;
    match dir
        .auth()
        .login(&visitor.actor, login, &password.into())
        .await?
    {
        SignIn::Complete(user) => {
            start_session(&user, &visitor, None).await?;
            leptos_axum::redirect(next);
        }
        SignIn::Impersonated { user, by, until } => {
            let mark = directory::sessions::ImpersonationMark { by: by.id, until };
            start_session(&user, &visitor, Some(mark)).await?;
            leptos_axum::redirect("/");
        }
        SignIn::SecondFactor(pending) => {
            hold_for_code(&pending).await?;
            leptos_axum::redirect(&format!("{}?next={}", CODE_PAGE, crate::url::encode(next)));
        }
    }
    Ok(())
}

/// Where the second step of a sign-in happens.
pub const CODE_PAGE: &str = "/login/code";

/// Keeps a half-done sign-in in a fresh session that grants nothing.
#[cfg(feature = "ssr")]
async fn hold_for_code(pending: &directory::auth::PendingSignIn) -> Result<(), AppError> {
    use crate::ssr::session_error;
    let session = fresh_session().await?;
    session
        .insert(directory::sessions::PENDING_KEY, pending)
        .await
        .map_err(session_error)?;
    Ok(())
}

/// This request's session under a new id (so a planted cookie is worthless) and emptied of
/// whatever it held before.
#[cfg(feature = "ssr")]
async fn fresh_session() -> Result<tower_sessions::Session, AppError> {
    let session = crate::ssr::session()?;
    session
        .cycle_id()
        .await
        .map_err(crate::ssr::session_error)?;
    session.clear().await;
    Ok(session)
}

/// The second step: a code from the authenticator app or a backup code.
#[server(endpoint = "login_code")]
pub async fn login_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::ssr::session_error;
    use directory::auth::PendingSignIn;
    let dir = crate::ssr::directory()?;
    let visitor = crate::ssr::visitor()?;
    let session = crate::ssr::session()?;
    let pending: Option<PendingSignIn> = session
        .get(directory::sessions::PENDING_KEY)
        .await
        .map_err(session_error)?;
    let Some(pending) = pending else {
        return Err(directory::Error::SignInExpired.into());
    };
    match dir
        .auth()
        .second_factor(&visitor.actor, &pending, &code)
        .await
    {
        Ok(user) => {
            start_session(&user, &visitor, None).await?;
            leptos_axum::redirect(&crate::ssr::safe_next(next.as_deref()));
            Ok(())
        }
        Err(err @ (directory::Error::SignInExpired | directory::Error::SignInVoided)) => {
            session.clear().await;
            Err(err.into())
        }
        Err(err) => Err(err.into()),
    }
}

/// Starts a fresh session for `user` holding who signed in, from where, and who is
/// impersonating them if anyone.
#[cfg(feature = "ssr")]
pub(crate) async fn start_session(
    user: &directory::User,
    visitor: &crate::ssr::Visitor,
    impersonation: Option<directory::sessions::ImpersonationMark>,
) -> Result<(), AppError> {
    use crate::ssr::session_error;
    use directory::sessions::{IMPERSONATION_KEY, IP_KEY, USER_AGENT_KEY, USER_KEY};
    let session = fresh_session().await?;
    session
        .insert(USER_KEY, user.id)
        .await
        .map_err(session_error)?;
    session
        .insert(IP_KEY, &visitor.actor.ip)
        .await
        .map_err(session_error)?;
    session
        .insert(USER_AGENT_KEY, &visitor.actor.user_agent)
        .await
        .map_err(session_error)?;
    if let Some(mark) = impersonation {
        session
            .insert(IMPERSONATION_KEY, mark)
            .await
            .map_err(session_error)?;
    }
    Ok(())
}

/// Ends the session and goes back to the sign-in page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let dir = crate::ssr::directory()?;
    let visitor = crate::ssr::visitor()?;
    if visitor.user.is_some() {
        dir.auth().logout(&visitor.actor).await?;
    }
    crate::ssr::session()?
        .flush()
        .await
        .map_err(crate::ssr::session_error)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in person, or `None`.
#[server(endpoint = "me")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    let visitor = crate::ssr::visitor()?;
    let dir = crate::ssr::directory()?;
    let pending_approvals = dir.users().pending_count(&visitor.actor).await?;
    let password_min = dir.settings().current().await?.password.min_length;
    let impersonated_by = visitor
        .actor
        .impersonator
        .as_ref()
        .map(|admin| admin.username.to_string());
    Ok(visitor.user.map(|user| Me {
        pending_approvals,
        password_min,
        must_set_up_mfa: visitor.hold == Some(vocab::Hold::MfaSetup),
        impersonated_by,
        mfa_enabled: user.mfa_enabled,
        id: user.id.to_string(),
        must_change_password: visitor.hold == Some(vocab::Hold::PasswordChange),
        permissions: user.effective_role().permissions(),
        username: user.username.to_string(),
        email: user.email.to_string(),
        role: user.effective_role(),
        display_name: user.display_name,
    }))
}

/// The Activity page's filters, as its query string holds them; empty means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityFilter {
    /// A username, as actor or target.
    pub user: String,
    /// An action family (`auth`, `user`, …) or an action.
    pub action: String,
    /// `success` or `failure`.
    pub result: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
}

impl ActivityFilter {
    /// The query string for these filters (for links and the export).
    pub fn query(&self) -> String {
        [
            ("user", &self.user),
            ("action", &self.action),
            ("result", &self.result),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::components::widgets::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// One page of the audit trail, newest first, filtered.
#[server(endpoint = "activity")]
pub async fn list_activity(
    page: Option<u64>,
    #[server(default)] filter: ActivityFilter,
) -> Result<ActivityPage, AppError> {
    use crate::ssr::format_time;
    let (_, actor) = crate::ssr::signed_in()?;
    let page = page.unwrap_or(0);
    let given = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    let filter = directory::audit_search::AuditFilter::parse(
        given(filter.user),
        None,
        None,
        given(filter.action),
        Some(&filter.result),
        Some(&filter.from),
        Some(&filter.to),
    )?;
    let result = crate::ssr::directory()?
        .audit()
        .list(&actor, &filter, page, PER_PAGE)
        .await?;
    let events = result
        .events
        .into_iter()
        .map(|event| ActivityRow {
            id: event.id,
            at: format_time(event.at),
            actor: match (event.actor, event.on_behalf_of) {
                (Some(admin), Some(user)) => Some(format!("{admin} as {user}")),
                (actor, _) => actor,
            },
            action: event.action,
            target: event.target,
            ip: event.ip,
            details: crate::ssr::summarize_details(&event.details),
        })
        .collect();
    let chain = crate::ssr::directory()?
        .audit()
        .chain_status(&actor)
        .await?;
    Ok(ActivityPage {
        events,
        total: result.total,
        page,
        per_page: PER_PAGE,
        chain: chain_line(&chain),
    })
}

#[cfg(feature = "ssr")]
fn chain_line(status: &directory::audit::ChainStatus) -> ChainLine {
    use crate::ssr::format_time;
    let (state, text) = match (status.broken_at_id, status.checked_at) {
        (Some(id), _) => (
            "broken",
            format!(
                "Audit row {id} does not match the hash chain: the log was changed outside Gatehouse. Run `gatehouse audit verify`."
            ),
        ),
        (None, Some(checked)) => (
            "verified",
            match status.verified_through {
                Some(through) => format!(
                    "Hash chain verified up to {} (checked {}).",
                    format_time(through),
                    format_time(checked)
                ),
                None => format!(
                    "The hash chain had no rows yet at its last check ({}); it is checked every 15 minutes.",
                    format_time(checked)
                ),
            },
        ),
        (None, None) => (
            "unchecked",
            "The hash chain has not been checked yet; it is checked every 15 minutes.".to_string(),
        ),
    };
    ChainLine {
        state: state.to_string(),
        text,
    }
}
