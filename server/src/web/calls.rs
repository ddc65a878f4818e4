//! The server-function door: the pages' calls under `/_fn/…` (Leptos' server-function
//! prefix, set once in Cargo.toml and .cargo/config.toml), plus the avatar upload, the one
//! call a URL-encoded form cannot carry. Cookie-authenticated, so same-origin only.

use super::{AppState, Context, avatars, body_limit, errors, first_run, identity};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use std::collections::HashSet;
use std::sync::Arc;

/// Where every server function answers.
pub const PREFIX: &str = "/_fn";
/// The avatar upload (multipart, so not a server function).
pub const AVATAR_UPLOAD: &str = "/_fn/profile/avatar";

pub fn router(state: &AppState, context: Context) -> Router<AppState> {
    // By path and method: a function registered for POST must not be reachable by GET,
    // which a cross-site link or image can send with the session cookie.
    let known: Arc<HashSet<(&'static str, axum::http::Method)>> =
        Arc::new(leptos::server_fn::axum::server_fn_paths().collect());
    let handler = move |req: Request<Body>| {
        let context = context.clone();
        let known = known.clone();
        async move {
            // Leptos answers an unknown name with a plain-text 400 about its internals.
            if !known.contains(&(req.uri().path(), req.method().clone())) {
                return errors::plain(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "There is no such server function.",
                );
            }
            leptos_axum::handle_server_fns_with_context(move || context(), req)
                .await
                .into_response()
        }
    };
    let functions = Router::new()
        .route(
            &format!("{PREFIX}/{{*name}}"),
            post(handler.clone()).get(handler),
        )
        .layer(from_fn_with_state(
            body_limit::DEFAULT_LIMIT,
            body_limit::limit_body,
        ));
    let upload = Router::new()
        .route(AVATAR_UPLOAD, post(avatars::upload_avatar))
        .layer(from_fn_with_state(
            avatars::BODY_LIMIT,
            body_limit::limit_body,
        ));
    functions
        .merge(upload)
        .layer(from_fn_with_state(state.clone(), gate))
}

/// Same origin, who is asking, then refusals: everything but setup before there is an owner,
/// everything but the step's own calls while a step holds the visitor.
async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let visitor = match identity::admit(&state, &mut req).await {
        Ok(visitor) => visitor,
        Err(response) => return response,
    };
    let name = req
        .uri()
        .path()
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or_default()
        .to_string();
    if let Some(hold) = visitor.hold
        && !app::hold_allows(hold, &name)
    {
        let (code, message) = app::hold_refusal(hold);
        return errors::plain(StatusCode::FORBIDDEN, code, message);
    }
    let host = first_run::host_of(&req);
    match first_run::setup_needed(&state, &host, true).await {
        Err(response) => return response,
        Ok(true) if !app::SETUP_CALLS.contains(&name.as_str()) => {
            return errors::plain(
                StatusCode::CONFLICT,
                "setup_required",
                "Create the owner account at /setup first.",
            );
        }
        Ok(_) => {}
    }
    next.run(req).await
}
