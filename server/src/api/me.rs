//! `/api/v1/me`: the caller's own account, profile, password and second factor. What only the
//! person may change (password, addresses, 2FA) is refused to API keys by `directory`.

use super::body::Body;
use super::caller::ApiResult;
use super::own_types::{
    BackupCodesOut, CodeIn, MfaOut, MfaSetupOut, PasswordChangeIn, PasswordIn, ProfilePatch,
};
use super::types::{ErrorBody, UserOut};
use crate::web::AppState;
use app::ssr::Visitor;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use directory::{Error, SecretString};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_me, update_me))
        .routes(routes!(change_my_password))
        .routes(routes!(get_my_mfa))
        .routes(routes!(begin_my_mfa))
        .routes(routes!(confirm_my_mfa))
        .routes(routes!(renew_my_backup_codes))
        .routes(routes!(disable_my_mfa))
}

/// The account the caller acts as.
#[utoipa::path(get, path = "/me", tag = "me",
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = UserOut, description = "The caller"), (status = 401, body = ErrorBody, description = "Not signed in, or the key is not valid")))]
async fn get_me(Extension(visitor): Extension<Visitor>) -> ApiResult<Json<UserOut>> {
    let user = visitor.user.ok_or(Error::Unauthenticated)?;
    Ok(Json(user.into()))
}

/// Changes one's own names and addresses (fields left out stay); a new address needs the
/// current password.
#[utoipa::path(patch, path = "/me", tag = "me", request_body = ProfilePatch,
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = UserOut, description = "Saved"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Profiles are locked, or an API key changes an address"),
        (status = 409, body = ErrorBody, description = "Email taken"), (status = 422, body = ErrorBody, description = "Invalid input")))]
async fn update_me(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Body(patch): Body<ProfilePatch>,
) -> ApiResult<Json<UserOut>> {
    let current = visitor.user.ok_or(Error::Unauthenticated)?;
    let (patch, password) = patch.split();
    let update = patch.over(current);
    let password = password.map(SecretString::new);
    let user = state
        .dir
        .profile()
        .update(&visitor.actor, update, password.as_ref())
        .await?;
    Ok(Json(user.into()))
}

/// Changes one's own password (also the way out of a temporary one). Not with an API key.
#[utoipa::path(put, path = "/me/password", tag = "me", request_body = PasswordChangeIn,
    security(("session" = [])),
    responses((status = 204, description = "Changed"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "An API key or an impersonation"), (status = 422, body = ErrorBody, description = "Wrong current password, or a weak new one")))]
async fn change_my_password(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Body(body): Body<PasswordChangeIn>,
) -> ApiResult<StatusCode> {
    state
        .dir
        .profile()
        .change_password(
            &visitor.actor,
            &body.current_password.into(),
            &body.new_password.into(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/me/mfa", tag = "me",
    security(("api_key" = []), ("session" = [])),
    responses((status = 200, body = MfaOut, description = "Whether 2FA is on"), (status = 401, body = ErrorBody, description = "Not signed in")))]
async fn get_my_mfa(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> ApiResult<Json<MfaOut>> {
    Ok(Json(state.dir.mfa().status(&visitor.actor).await?.into()))
}

/// Starts setting up an authenticator app: the key to enter, or to scan as the URI.
#[utoipa::path(post, path = "/me/mfa/setup", tag = "me",
    security(("session" = [])),
    responses((status = 200, body = MfaSetupOut, description = "The key"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "An API key or an impersonation"), (status = 409, body = ErrorBody, description = "Already on")))]
async fn begin_my_mfa(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> ApiResult<Json<MfaSetupOut>> {
    let setup = state.dir.mfa().begin_setup(&visitor.actor).await?;
    Ok(Json(MfaSetupOut {
        key: setup.key.expose().to_string(),
        uri: setup.uri.expose().to_string(),
    }))
}

/// Turns 2FA on with a code from the app; answers ten backup codes, shown once.
#[utoipa::path(post, path = "/me/mfa/confirm", tag = "me", request_body = CodeIn,
    security(("session" = [])),
    responses((status = 200, body = BackupCodesOut, description = "On"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "An API key or an impersonation"), (status = 422, body = ErrorBody, description = "Wrong code")))]
async fn confirm_my_mfa(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Body(body): Body<CodeIn>,
) -> ApiResult<Json<BackupCodesOut>> {
    let codes = state
        .dir
        .mfa()
        .confirm_setup(&visitor.actor, &body.code)
        .await?;
    Ok(Json(BackupCodesOut::from(codes)))
}

/// Ten new backup codes; the old ones stop working.
#[utoipa::path(post, path = "/me/mfa/backup-codes", tag = "me",
    security(("session" = [])),
    responses((status = 200, body = BackupCodesOut, description = "The codes"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "An API key or an impersonation")))]
async fn renew_my_backup_codes(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
) -> ApiResult<Json<BackupCodesOut>> {
    let codes = state.dir.mfa().regenerate_codes(&visitor.actor).await?;
    Ok(Json(BackupCodesOut::from(codes)))
}

/// Turns one's own 2FA off, with the password (refused while 2FA is mandatory).
#[utoipa::path(post, path = "/me/mfa/disable", tag = "me", request_body = PasswordIn,
    security(("session" = [])),
    responses((status = 204, description = "Off"), (status = 401, body = ErrorBody, description = "Not signed in"),
        (status = 403, body = ErrorBody, description = "Mandatory, an API key or an impersonation"), (status = 422, body = ErrorBody, description = "Wrong password")))]
async fn disable_my_mfa(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Body(body): Body<PasswordIn>,
) -> ApiResult<StatusCode> {
    state
        .dir
        .mfa()
        .disable_own(&visitor.actor, &body.password.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
