//! Per-request gatekeeping: who is asking (from the session), first-run setup, sign-in
//! requirements for pages, and a same-origin check on every state-changing request.

use super::client_ip::{TrustedProxies, client_ip};
use super::{AppState, host};
use app::ssr::{Hold, Visitor};
use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use directory::sessions::{IMPERSONATION_KEY, ImpersonationMark, USER_KEY};
use directory::{Actor, UserId};
use serde_json::json;
use std::net::SocketAddr;
use tower_sessions::Session;

/// Server functions that must work before the owner exists.
const SETUP_ENDPOINTS: &[&str] = &["/api/setup", "/api/setup_state"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Built files (`/pkg/…`, `/favicon.svg`): no session, no gate.
    Asset,
    Health,
    /// Server functions and, later, the REST API.
    Api,
    Page,
}

pub fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

fn classify(path: &str) -> Kind {
    match path {
        "/healthz" | "/readyz" => Kind::Health,
        _ if path.starts_with("/api/") => Kind::Api,
        _ if is_static(path) => Kind::Asset,
        _ => Kind::Page,
    }
}

pub(super) fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

pub async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let kind = classify(&path);
    if matches!(kind, Kind::Asset | Kind::Health) {
        return next.run(req).await;
    }
    if !same_origin(&req, &state.config.base_url) {
        return json_error(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "Cross-origin requests are refused.",
        );
    }
    let (session, ip, user_agent) = request_facts(&req, &state.config.trusted_proxies);
    let mut visitor = match resolve_session(&state, session, ip, user_agent).await {
        Ok(visitor) => visitor,
        Err(response) => return *response,
    };
    let signed_in = visitor.user.is_some();
    visitor.hold = match holds(&state, &visitor).await {
        Ok(hold) => hold,
        Err(response) => return *response,
    };
    let hold = visitor.hold;
    req.extensions_mut().insert(visitor);
    if let Some(response) = hold.and_then(|hold| apply(hold, kind, &path)) {
        return response;
    }

    let setup_needed = match state.dir.setup().is_needed().await {
        Ok(needed) => needed,
        Err(err) => {
            tracing::error!(error = %err, "setup check failed");
            return json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The database cannot be reached.",
            );
        }
    };
    if setup_needed {
        if !host_allowed(&req, &state.config.base_url) {
            return misdirected(kind);
        }
        match kind {
            Kind::Page if path != "/setup" => return Redirect::to("/setup").into_response(),
            Kind::Api if !SETUP_ENDPOINTS.contains(&path.as_str()) => {
                return json_error(
                    StatusCode::CONFLICT,
                    "setup_required",
                    "Create the owner account at /setup first.",
                );
            }
            _ => {}
        }
    } else if kind == Kind::Page {
        if path == "/login" && signed_in {
            return Redirect::to("/").into_response();
        }
        if !signed_in && !app::is_public_page(&path) {
            let wanted = req
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str())
                .unwrap_or("/");
            let target = if wanted == "/" {
                "/login".to_string()
            } else {
                format!("/login?next={}", app::url::encode(wanted))
            };
            return Redirect::to(&target).into_response();
        }
    }
    next.run(req).await
}

/// Sends every page to the step's page and refuses every other server function.
fn apply(hold: Hold, kind: Kind, path: &str) -> Option<Response> {
    let (page, endpoints, code, message) = match hold {
        Hold::Password => (
            app::PASSWORD_PAGE,
            app::PASSWORD_ENDPOINTS,
            "password_change_required",
            "Choose a new password first.",
        ),
        Hold::TwoFactorSetup => (
            app::MFA_SETUP_PAGE,
            app::MFA_SETUP_ENDPOINTS,
            "mfa_setup_required",
            "Set up two-factor authentication first.",
        ),
    };
    match kind {
        Kind::Page if path != page => Some(Redirect::to(page).into_response()),
        Kind::Api if !endpoints.contains(&path) => {
            Some(json_error(StatusCode::FORBIDDEN, code, message))
        }
        _ => None,
    }
}

/// Which step, if any, holds this visitor. An administrator impersonating someone is never
/// held: the password and the second factor are the user's own to choose.
async fn holds(state: &AppState, visitor: &Visitor) -> Result<Option<Hold>, Box<Response>> {
    let Some(user) = &visitor.user else {
        return Ok(None);
    };
    if visitor.actor.impersonator.is_some() {
        return Ok(None);
    }
    if user.must_change_password {
        return Ok(Some(Hold::Password));
    }
    if user.mfa_enabled {
        return Ok(None);
    }
    match state.dir.settings().current().await {
        Ok(settings) if settings.mfa_required => Ok(Some(Hold::TwoFactorSetup)),
        Ok(_) => Ok(None),
        Err(err) => {
            tracing::error!(error = %err, "settings lookup failed");
            Err(Box::new(json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The database cannot be reached.",
            )))
        }
    }
}

/// Whether the request names a host that may reach first-run setup (see [`host`]).
fn host_allowed(req: &Request, base_url: &str) -> bool {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or_default();
    host::allowed_before_setup(host, base_url)
}

/// Before setup, a request under a foreign `Host` may be a DNS-rebinding page: refuse it,
/// and tell an admin who reached us under another name how to get in.
fn misdirected(kind: Kind) -> Response {
    let message = "Setup answers only at GATEHOUSE_BASE_URL's host or at localhost. \
                   Set GATEHOUSE_BASE_URL to the address you use, or open Gatehouse via localhost.";
    if kind == Kind::Api {
        return json_error(StatusCode::MISDIRECTED_REQUEST, "misdirected_host", message);
    }
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>Misdirected request \
         · Gatehouse</title><h1>Misdirected request</h1><p>{message}</p></html>"
    );
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// Copies what identifies the visitor out of the request: a request body is not `Sync`, so no
/// reference to the request may live across an await.
fn request_facts(
    req: &Request,
    trusted: &TrustedProxies,
) -> (Option<Session>, Option<String>, Option<String>) {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| client_ip(c.0.ip(), req.headers(), trusted).to_string());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(256).collect::<String>());
    (req.extensions().get::<Session>().cloned(), ip, user_agent)
}

/// Reads the session's user; a session whose user was suspended or deleted is ended here,
/// so no door has to remember to check.
async fn resolve_session(
    state: &AppState,
    session: Option<Session>,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<Visitor, Box<Response>> {
    let anonymous = Visitor {
        actor: Actor::anonymous(ip.clone(), user_agent.clone()),
        user: None,
        hold: None,
    };
    let Some(session) = session else {
        return Ok(anonymous);
    };
    let unavailable = |what: &str, err: &dyn std::fmt::Display| {
        tracing::error!(error = %err, "{what}");
        Box::new(json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Sessions are unavailable right now.",
        ))
    };
    let user_id: Option<UserId> = session
        .get(USER_KEY)
        .await
        .map_err(|e| unavailable("session load failed", &e))?;
    let Some(user_id) = user_id else {
        return Ok(anonymous);
    };
    let mark: Option<ImpersonationMark> = session
        .get(IMPERSONATION_KEY)
        .await
        .map_err(|e| unavailable("session load failed", &e))?;
    match state.dir.auth().session(user_id, mark.as_ref()).await {
        Ok(Some(user)) => {
            let mut actor = user.actor(ip, user_agent);
            actor.session = session
                .id()
                .map(|id| directory::sessions::hash_id(&id.to_string()));
            Ok(Visitor {
                actor,
                user: Some(user.user),
                hold: None,
            })
        }
        Ok(None) => {
            session
                .flush()
                .await
                .map_err(|e| unavailable("session flush failed", &e))?;
            Ok(anonymous)
        }
        Err(err) => Err(unavailable("session user lookup failed", &err)),
    }
}

/// A state-changing request must come from our own pages: its `Origin` (sent by every
/// current browser on POST) must be this server's.
fn same_origin(req: &Request, base_url: &str) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    if origin == base_url {
        return true;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    !host.is_empty() && origin_host == host
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_classified_by_path() {
        assert_eq!(classify("/pkg/gatehouse.wasm"), Kind::Asset);
        assert_eq!(classify("/favicon.svg"), Kind::Asset);
        assert_eq!(classify("/healthz"), Kind::Health);
        assert_eq!(classify("/api/login"), Kind::Api);
        assert_eq!(classify("/users"), Kind::Page);
        assert_eq!(classify("/"), Kind::Page);
    }

    fn post(origin: Option<&str>, host: &str) -> Request {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri("/api/login")
            .header(header::HOST, host);
        if let Some(origin) = origin {
            builder = builder.header(header::ORIGIN, origin);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn cross_origin_posts_are_refused() {
        let base = "https://id.example.com";
        assert!(same_origin(&post(Some(base), "id.example.com"), base));
        assert!(same_origin(
            &post(Some("http://127.0.0.1:3000"), "127.0.0.1:3000"),
            base
        ));
        assert!(same_origin(&post(None, "id.example.com"), base));
        assert!(!same_origin(
            &post(Some("https://evil.example"), "id.example.com"),
            base
        ));
    }
}
