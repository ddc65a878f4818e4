//! The REST door at `/api/v1` (see the contract). It has no resources yet: every path under
//! `/api` answers a JSON 404 in the contract's error shape, never a page.

use super::errors;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::any;

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/api", any(no_such_endpoint))
        .route("/api/{*rest}", any(no_such_endpoint))
}

async fn no_such_endpoint() -> Response {
    errors::plain(
        StatusCode::NOT_FOUND,
        "not_found",
        "There is no such API endpoint.",
    )
}
