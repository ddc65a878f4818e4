//! `/api/v1/api-keys`: the caller's API keys (an administrator's view of someone else's is
//! `?user=`), made from a signed-in session and revoked from anywhere.

use super::body::Body;
use super::caller::ApiResult;
use super::own_types::{KeyOut, NewKeyIn, NewKeyOut};
use super::target::Whose;
use super::types::ErrorBody;
use crate::web::AppState;
use app::ssr::Visitor;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use axum::{Extension, Json};
use directory::Error;
use directory::api_keys::NewKey;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
}

/// API keys, newest first, with their use.
#[utoipa::path(
    get,
    path = "/api-keys",
    tag = "api-keys",
    params(Whose),
    security(("api_key" = []), ("session" = [])),
    responses(
        (status = 200, body = Vec<KeyOut>, description = "OK"),
        (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"),
        (status = 403, body = ErrorBody, description = "Not allowed"),
        (status = 404, body = ErrorBody, description = "Not found"),
    )
)]
async fn list_api_keys(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Query(whose): Query<Whose>,
) -> ApiResult<Json<Vec<KeyOut>>> {
    let actor = &visitor.actor;
    let owner = whose.owner(&state, &visitor).await?;
    let keys = state.dir.api_keys().list(actor, owner).await?;
    Ok(Json(keys.into_iter().map(KeyOut::from).collect()))
}

/// Makes a key for the caller and shows it this once. Only from a signed-in session, with the
/// current password: a key cannot make keys, nor can an administrator acting as someone.
#[utoipa::path(
    post,
    path = "/api-keys",
    tag = "api-keys",
    request_body = NewKeyIn,
    security(("session" = [])),
    responses(
        (status = 201, body = NewKeyOut, headers(("Location" = String)), description = "Created"),
        (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"),
        (status = 403, body = ErrorBody, description = "Not allowed"),
        (status = 409, body = ErrorBody, description = "Too many keys"),
        (status = 422, body = ErrorBody, description = "Invalid input; `field` names it"),
    )
)]
async fn create_api_key(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Body(new): Body<NewKeyIn>,
) -> ApiResult<Response> {
    let actor = &visitor.actor;
    let owner = actor.user_id().ok_or(Error::Unauthenticated)?;
    let new = NewKey {
        label: new.label,
        expires_days: new.expires_days,
        read_only: new.read_only,
        password: Some(new.password.into()),
    };
    let (details, key) = state.dir.api_keys().create(actor, owner, new).await?;
    let location = format!("/api/v1/api-keys/{}", details.id);
    let body = NewKeyOut {
        key: key.expose().to_string(),
        details: details.into(),
    };
    let mut response = super::created(location, body);
    // The answer holds a secret: no cache may keep it.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Revokes a key at once: requests with it answer 401 `key_revoked`.
#[utoipa::path(
    delete,
    path = "/api-keys/{id}",
    tag = "api-keys",
    params(("id" = String, Path, format = Uuid)),
    security(("api_key" = []), ("session" = [])),
    responses(
        (status = 200, body = KeyOut, description = "OK"),
        (status = 401, body = ErrorBody, description = "Not signed in, or the API key is not valid"),
        (status = 403, body = ErrorBody, description = "Not allowed"),
        (status = 404, body = ErrorBody, description = "Not found"),
    )
)]
async fn revoke_api_key(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> ApiResult<Json<KeyOut>> {
    let id = id.parse().map_err(|_| Error::NotFound("API key"))?;
    let key = state.dir.api_keys().revoke(&visitor.actor, id).await?;
    Ok(Json(key.into()))
}
