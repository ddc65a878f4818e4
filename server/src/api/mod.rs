//! The REST door at `/api/v1` (see the contract): JSON in and out, the same service calls as
//! the pages, and an OpenAPI 3.1 document generated from the handlers themselves, so the
//! document cannot list a route the router lacks or miss one it has.

mod audit;
mod body;
mod caller;
mod export;
mod groups;
mod invites;
mod keys;
mod me;
mod openapi;
mod own_types;
mod paging;
mod reference;
mod sessions;
mod settings;
mod target;
mod types;
mod user_actions;
mod users;

use crate::web::AppState;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use utoipa_axum::router::OpenApiRouter;

pub use caller::{ApiError, ApiResult};
pub use openapi::document;
pub use reference::reference;

/// Every documented route, before it is joined to the state; [`document`] reads the same.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .merge(openapi::routes())
            .merge(me::routes())
            .merge(users::routes())
            .merge(user_actions::routes())
            .merge(sessions::routes())
            .merge(audit::routes())
            .merge(invites::routes())
            .merge(settings::routes())
            .merge(groups::routes())
            .merge(keys::routes()),
    )
}

/// The REST router: documented routes behind the caller check, and a JSON 404 for every other
/// path under `/api`.
pub fn router(state: &AppState) -> Router<AppState> {
    let (routes, _) = routes().split_for_parts();
    routes
        .route("/api", any(no_such_endpoint))
        .route("/api/{*rest}", any(no_such_endpoint))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caller::identify,
        ))
}

/// A 201 with the created object and its `Location`.
fn created(location: String, body: impl serde::Serialize) -> Response {
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

async fn no_such_endpoint() -> Response {
    crate::web::errors::plain(
        StatusCode::NOT_FOUND,
        "not_found",
        "There is no such API endpoint.",
    )
}
