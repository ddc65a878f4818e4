//! `/api/v1/invites`: invitations by email, with a role and groups; the link exists only in
//! the answer that makes it.

use super::body::Body;
use super::caller::ApiResult;
use super::types::{ErrorBody, InviteOut, IssuedOut, NewInviteIn, ResendIn};
use crate::web::AppState;
use app::ssr::Visitor;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use directory::invites::NewInvite;
use directory::{Error, Permission, Role};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invites, create_invite))
        .routes(routes!(revoke_invite))
        .routes(routes!(reissue_invite))
}

fn invite_id(id: &str) -> Result<Uuid, Error> {
    id.parse().map_err(|_| Error::NotFound("invite"))
}

/// Open invites (pending or expired), newest first.
#[utoipa::path(get, path = "/invites", tag = "invites",
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = Vec<InviteOut>, description = "The invites"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.create")))]
async fn list_invites(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> ApiResult<Json<Vec<InviteOut>>> {
    let invites = state.dir.invites().list(&visitor.actor).await?;
    Ok(Json(invites.into_iter().map(InviteOut::from).collect()))
}

/// Invites someone by email; the answer holds the link, mailed too when `send` is true.
#[utoipa::path(post, path = "/invites", tag = "invites", request_body = NewInviteIn,
    security(("api_key" = []), ("session" = [])),
    responses((status = 201, body = IssuedOut, description = "Created", headers(("Location" = String, description = "The invite's URL"))),
        (status = 401, body = ErrorBody, description = "Not signed in"), (status = 403, body = ErrorBody, description = "Needs users.create"),
        (status = 409, body = ErrorBody, description = "The address has an account or an open invite"),
        (status = 422, body = ErrorBody, description = "Invalid input")))]
async fn create_invite(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Body(new): Body<NewInviteIn>,
) -> ApiResult<Response> {
    let actor = &visitor.actor;
    let role = directory::policy::parse_for(actor, Permission::UsersCreate, || {
        new.role.as_deref().map_or(Ok(Role::User), Role::parse)
    })?;
    let groups = new
        .groups
        .iter()
        .map(|g| g.parse().map_err(|_| Error::NotFound("group")))
        .collect::<Result<Vec<_>, _>>()?;
    let new = NewInvite {
        email: new.email,
        role,
        groups,
        send: new.send,
    };
    let issued = state.dir.invites().create(actor, new).await?;
    let location = format!("/api/v1/invites/{}", issued.invite.id);
    let mut response = super::created(location, IssuedOut::from(issued));
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// Revokes an open invite: its link stops working.
#[utoipa::path(delete, path = "/invites/{id}", tag = "invites",
    params(("id" = String, Path, format = Uuid)),
    security(("api_key" = []), ("session" = [])),
    responses((status = 204, description = "Revoked"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.create"), (status = 404, body = ErrorBody, description = "No such open invite")))]
async fn revoke_invite(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .dir
        .invites()
        .revoke(&visitor.actor, invite_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new link for an open invite (the old one stops working), mailed when `send` is true.
#[utoipa::path(post, path = "/invites/{id}/link", tag = "invites", request_body = ResendIn,
    params(("id" = String, Path, format = Uuid)),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = IssuedOut, description = "The new link"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.create"), (status = 404, body = ErrorBody, description = "No such open invite")))]
async fn reissue_invite(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    Body(body): Body<ResendIn>,
) -> ApiResult<Json<IssuedOut>> {
    let issued = state
        .dir
        .invites()
        .reissue(&visitor.actor, invite_id(&id)?, body.send)
        .await?;
    Ok(Json(issued.into()))
}
