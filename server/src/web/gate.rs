//! Per-request gatekeeping: who is asking (from the session), first-run setup, sign-in
//! requirements for pages, and a same-origin check on every state-changing request.

use super::AppState;
use app::ssr::Visitor;
use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use directory::sessions::USER_KEY;
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

fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
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
    let (session, ip, user_agent) = request_facts(&req);
    let visitor = match resolve_session(&state, session, ip, user_agent).await {
        Ok(visitor) => visitor,
        Err(response) => return *response,
    };
    let signed_in = visitor.user.is_some();
    let must_change_password = visitor
        .user
        .as_ref()
        .is_some_and(|u| u.must_change_password);
    req.extensions_mut().insert(visitor);
    if must_change_password {
        if let Some(response) = hold_for_password_change(kind, &path) {
            return response;
        }
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
                format!("/login?next={}", encode(wanted))
            };
            return Redirect::to(&target).into_response();
        }
    }
    next.run(req).await
}

/// Someone signed in with a temporary password may only choose a new one (or sign out).
fn hold_for_password_change(kind: Kind, path: &str) -> Option<Response> {
    match kind {
        Kind::Page if path != app::PASSWORD_PAGE => {
            Some(Redirect::to(app::PASSWORD_PAGE).into_response())
        }
        Kind::Api if !app::PASSWORD_ENDPOINTS.contains(&path) => Some(json_error(
            StatusCode::FORBIDDEN,
            "password_change_required",
            "Choose a new password first.",
        )),
        _ => None,
    }
}

/// Copies what identifies the visitor out of the request: a request body is not `Sync`, so no
/// reference to the request may live across an await.
fn request_facts(req: &Request) -> (Option<Session>, Option<String>, Option<String>) {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
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
    match state.dir.auth().session_user(user_id).await {
        Ok(Some(user)) => Ok(Visitor {
            actor: user.as_actor(ip, user_agent),
            user: Some(user),
        }),
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

/// Percent-encodes a path for the `next` parameter.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
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

    #[test]
    fn next_paths_are_encoded() {
        assert_eq!(
            encode("/users?q=a b&page=2"),
            "/users%3Fq%3Da%20b%26page%3D2"
        );
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
