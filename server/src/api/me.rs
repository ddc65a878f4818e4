//! `/api/v1/me`: the caller's own account.

use super::caller::ApiResult;
use super::types::{ErrorBody, UserOut};
use crate::web::AppState;
use app::ssr::Visitor;
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_me))
}

/// The account the caller acts as.
#[utoipa::path(
    get,
    path = "/me",
    tag = "me",
    security(("api_key" = []), ("session" = [])),
    responses(
        (status = 200, body = UserOut, description = "OK"),
        (status = 401, body = ErrorBody, description = "Not signed in, or the key is not valid"),
    )
)]
async fn get_me(Extension(visitor): Extension<Visitor>) -> ApiResult<Json<UserOut>> {
    let user = visitor.user.ok_or(directory::Error::Unauthenticated)?;
    Ok(Json(user.into()))
}
