//! `/api/v1/users/{user}/…`: what an administrator does to one account, each a call to the
//! same service the user page's buttons call.

use super::body::Body;
use super::caller::ApiResult;
use super::target::target;
use super::types::{
    ErrorBody, ImpersonationOut, ResetLinkIn, ResetLinkOut, RoleIn, UserOut, UserPatch, rfc3339,
};
use crate::web::AppState;
use app::ssr::Visitor;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use directory::{Permission, Role};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(update_user, delete_user))
        .routes(routes!(set_user_role))
        .routes(routes!(approve_user))
        .routes(routes!(suspend_user))
        .routes(routes!(reactivate_user))
        .routes(routes!(user_reset_link))
        .routes(routes!(impersonate_user))
        .routes(routes!(disable_user_mfa))
}

/// Changes names and addresses; fields left out stay as they are.
#[utoipa::path(patch, path = "/users/{user}", tag = "users", request_body = UserPatch,
    params(("user" = String, Path, description = "Id or username")),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = UserOut, description = "Saved"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.update"), (status = 404, body = ErrorBody, description = "No such user"),
        (status = 409, body = ErrorBody, description = "Email taken"), (status = 422, body = ErrorBody, description = "Invalid input")))]
async fn update_user(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(user): Path<String>,
    Body(patch): Body<UserPatch>,
) -> ApiResult<Json<UserOut>> {
    let id = target(&state, &visitor, &user).await?;
    let current = state.dir.users().get(&visitor.actor, id).await?;
    let update = patch.over(current);
    let user = state.dir.users().update(&visitor.actor, id, update).await?;
    Ok(Json(user.into()))
}

#[utoipa::path(delete, path = "/users/{user}", tag = "users",
    params(("user" = String, Path, description = "Id or username")),
    security(("api_key" = []), ("session" = [])),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.delete"), (status = 404, body = ErrorBody, description = "No such user")))]
async fn delete_user(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(user): Path<String>,
) -> ApiResult<StatusCode> {
    let id = target(&state, &visitor, &user).await?;
    state.dir.users().delete(&visitor.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/users/{user}/role", tag = "users", request_body = RoleIn,
    params(("user" = String, Path, description = "Id or username")),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = UserOut, description = "Saved"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.set_role"), (status = 404, body = ErrorBody, description = "No such user"),
        (status = 422, body = ErrorBody, description = "Unknown role")))]
async fn set_user_role(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(user): Path<String>,
    Body(body): Body<RoleIn>,
) -> ApiResult<Json<UserOut>> {
    let role = directory::policy::parse_for(&visitor.actor, Permission::UsersSetRole, || {
        Role::parse(&body.role)
    })?;
    let id = target(&state, &visitor, &user).await?;
    let user = state.dir.users().set_role(&visitor.actor, id, role).await?;
    Ok(Json(user.into()))
}

macro_rules! status_change {
    ($name:ident, $path:literal, $method:ident, $what:literal, $permission:literal) => {
        #[doc = $what]
        #[utoipa::path(post, path = $path, tag = "users",
            params(("user" = String, Path, description = "Id or username")),
            security(("api_key" = []), ("session" = [])),
            responses((status = 200, body = UserOut, description = "Done"), (status = 401, body = ErrorBody, description = "Not signed in"),
                (status = 403, body = ErrorBody, description = $permission), (status = 404, body = ErrorBody, description = "No such user"),
                (status = 409, body = ErrorBody, description = "Not in a state this applies to")))]
        async fn $name(
            State(state): State<AppState>,
            Extension(visitor): Extension<Visitor>,
            Path(user): Path<String>,
        ) -> ApiResult<Json<UserOut>> {
            let id = target(&state, &visitor, &user).await?;
            let user = state.dir.users().$method(&visitor.actor, id).await?;
            Ok(Json(user.into()))
        }
    };
}

status_change!(
    suspend_user,
    "/users/{user}/suspend",
    suspend,
    "Suspends the account and ends its sessions.",
    "Needs users.suspend"
);
status_change!(
    reactivate_user,
    "/users/{user}/reactivate",
    reactivate,
    "Lets a suspended account sign in again.",
    "Needs users.suspend"
);

/// Approves a pending account.
#[utoipa::path(post, path = "/users/{user}/approve", tag = "users",
    params(("user" = String, Path, description = "Id or username")),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = UserOut, description = "Approved"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.suspend"), (status = 404, body = ErrorBody, description = "No such user"),
        (status = 409, body = ErrorBody, description = "Not pending")))]
async fn approve_user(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(user): Path<String>,
) -> ApiResult<Json<UserOut>> {
    let id = target(&state, &visitor, &user).await?;
    let user = state.dir.users().approve(&visitor.actor, id, &[]).await?;
    Ok(Json(user.into()))
}

/// A password-reset link for the user (shown once), optionally mailed to them.
#[utoipa::path(post, path = "/users/{user}/reset-link", tag = "users", request_body = ResetLinkIn,
    params(("user" = String, Path, description = "Id or username")),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = ResetLinkOut, description = "The link"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.update"), (status = 404, body = ErrorBody, description = "No such user")))]
async fn user_reset_link(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(user): Path<String>,
    Body(body): Body<ResetLinkIn>,
) -> ApiResult<Json<ResetLinkOut>> {
    let id = target(&state, &visitor, &user).await?;
    let link = state
        .dir
        .recovery()
        .admin_link(&visitor.actor, id, body.send)
        .await?;
    Ok(Json(ResetLinkOut {
        link: link.link.expose().to_string(),
        expires_at: rfc3339(link.expires_at),
        mailed_to: link.mailed_to.map(|e| e.to_string()),
    }))
}

/// A temporary password that signs in as the user for the impersonation window.
#[utoipa::path(post, path = "/users/{user}/impersonate", tag = "users",
    params(("user" = String, Path, description = "Id or username")),
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = ImpersonationOut, description = "The password"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.impersonate"), (status = 404, body = ErrorBody, description = "No such user")))]
async fn impersonate_user(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(user): Path<String>,
) -> ApiResult<Json<ImpersonationOut>> {
    let id = target(&state, &visitor, &user).await?;
    let made = state
        .dir
        .temp_logins()
        .impersonate(&visitor.actor, id)
        .await?;
    Ok(Json(ImpersonationOut {
        username: made.username.to_string(),
        password: made.password.expose().to_string(),
        expires_at: rfc3339(made.expires_at),
    }))
}

/// Turns off the user's two-factor authentication (they lost their device).
#[utoipa::path(delete, path = "/users/{user}/mfa", tag = "users",
    params(("user" = String, Path, description = "Id or username")),
    security(("api_key" = []), ("session" = [])),
    responses((status = 204, description = "Off"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Needs users.update"), (status = 404, body = ErrorBody, description = "No such user")))]
async fn disable_user_mfa(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(user): Path<String>,
) -> ApiResult<StatusCode> {
    let id = target(&state, &visitor, &user).await?;
    state.dir.mfa().disable_for(&visitor.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
