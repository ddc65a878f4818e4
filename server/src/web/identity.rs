//! Who is asking, for the cookie doors: the facts of the request (session, address, user
//! agent) handed to `directory`, which answers with an actor and a hold.

use super::client_ip::client_ip;
use super::{AppState, errors};
use app::ssr::Visitor;
use axum::extract::{ConnectInfo, Request};
use axum::http::header;
use axum::response::Response;
use directory::Facts;
use directory::sessions::{IMPERSONATION_KEY, ImpersonationMark, USER_KEY};
use std::net::SocketAddr;
use tower_sessions::Session;

/// The opening of every cookie door: a write must come from our own pages, then who is
/// asking is resolved (see [`attach`]).
pub async fn admit(state: &AppState, req: &mut Request) -> Result<Visitor, Response> {
    if !super::origin::same_origin(req, &state.config.base_url) {
        return Err(errors::plain(
            axum::http::StatusCode::FORBIDDEN,
            "cross_origin",
            "Cross-origin requests are refused.",
        ));
    }
    attach(state, req).await
}

/// Resolves the request's visitor and puts it into the request's extensions; a session whose
/// user may no longer be signed in is ended here, so no door has to remember to check.
async fn attach(state: &AppState, req: &mut Request) -> Result<Visitor, Response> {
    let (session, mut facts) = facts(state, req);
    if let Some(session) = &session {
        facts.user = session
            .get::<directory::UserId>(USER_KEY)
            .await
            .map_err(|e| store_failed(&e))?;
        if facts.user.is_some() {
            facts.impersonation = session
                .get::<ImpersonationMark>(IMPERSONATION_KEY)
                .await
                .map_err(|e| store_failed(&e))?;
            facts.session = session
                .id()
                .map(|id| directory::sessions::hash_id(&id.to_string()));
        }
    }
    let resolved = state.dir.auth().resolve(facts).await.map_err(|err| {
        tracing::error!(error = %err, "resolving the visitor failed");
        errors::unavailable()
    })?;
    if resolved.ended
        && let Some(session) = &session
    {
        session.flush().await.map_err(|e| store_failed(&e))?;
    }
    let visitor = Visitor {
        actor: resolved.actor,
        user: resolved.user,
        hold: resolved.hold,
    };
    req.extensions_mut().insert(visitor.clone());
    Ok(visitor)
}

/// Copies what identifies the visitor out of the request: a request body is not `Sync`, so no
/// reference to the request may live across an await.
fn facts(state: &AppState, req: &Request) -> (Option<Session>, Facts) {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| client_ip(c.0.ip(), req.headers(), &state.config.trusted_proxies).to_string());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(256).collect::<String>());
    let facts = Facts {
        ip,
        user_agent,
        ..Facts::default()
    };
    (req.extensions().get::<Session>().cloned(), facts)
}

fn store_failed(err: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %err, "session store failed");
    errors::unavailable()
}
