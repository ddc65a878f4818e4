//! The OpenID Connect door at `/openid` and `/.well-known/` (see the contract). Nothing is
//! served yet: every path there answers a JSON 404, so no page is rendered in its place.

use super::errors;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::any;

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/openid", any(not_yet))
        .route("/openid/{*rest}", any(not_yet))
        .route("/.well-known/{*rest}", any(not_yet))
}

async fn not_yet() -> Response {
    errors::plain(
        StatusCode::NOT_FOUND,
        "not_found",
        "OpenID Connect is not served by this version.",
    )
}
