//! `/api/v1/sessions`: the caller's web sessions (or, with `?user=`, someone else's for those
//! who may), and ending them.

use super::caller::ApiResult;
use super::own_types::{EndedOut, SessionOut};
use super::target::Whose;
use super::types::ErrorBody;
use crate::web::AppState;
use app::ssr::Visitor;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions, end_other_sessions))
        .routes(routes!(end_session))
}

/// Live sessions, most recently used first; `current` marks the one this request came with.
#[utoipa::path(get, path = "/sessions", tag = "sessions", params(Whose),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = Vec<SessionOut>, description = "The sessions"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.update for someone else's"), (status = 404, body = ErrorBody, description = "No such user")))]
async fn list_sessions(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(whose): Query<Whose>,
) -> ApiResult<Json<Vec<SessionOut>>> {
    let user = whose.owner(&state, &visitor).await?;
    let sessions = state.dir.session_list().list(&visitor.actor, user).await?;
    Ok(Json(sessions.into_iter().map(SessionOut::from).collect()))
}

/// Ends every session but this one (for someone else: all of theirs).
#[utoipa::path(delete, path = "/sessions", tag = "sessions", params(Whose),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = EndedOut, description = "How many ended"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.update for someone else's"), (status = 404, body = ErrorBody, description = "No such user")))]
async fn end_other_sessions(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(whose): Query<Whose>,
) -> ApiResult<Json<EndedOut>> {
    let user = whose.owner(&state, &visitor).await?;
    let ended = state
        .dir
        .session_list()
        .end_others(&visitor.actor, user)
        .await?;
    Ok(Json(EndedOut { ended }))
}

/// Ends one session; whoever holds it is signed out at their next request.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "The session's id from the list"), Whose),
    security(("api_key" = []), ("session" = [])),
    responses((status = 204, description = "Ended"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.update for someone else's"), (status = 404, body = ErrorBody, description = "No such session")))]
async fn end_session(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    Query(whose): Query<Whose>,
) -> ApiResult<StatusCode> {
    let user = whose.owner(&state, &visitor).await?;
    state
        .dir
        .session_list()
        .end(&visitor.actor, user, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
