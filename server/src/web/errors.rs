//! Error answers of the HTTP doors: one body, `{"error": {"code", "message", "field"?}}`, and
//! one status table (`app::error::http_status`) shared with the server functions.

use app::error::{AppError, http_status};
use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The answer for a domain error.
pub fn domain(err: &directory::Error, headers: &HeaderMap) -> Response {
    let body = AppError::from_domain(err, request_id(headers));
    let mut response = (http_status(err.kind()), Json(body)).into_response();
    if let Some(seconds) = AppError::retry_after(err.kind()) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// The answer for a refusal that is the transport's own (no such route, a cross-origin
/// post, a body too large), in the same shape.
pub fn plain(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(AppError::new(code, message))).into_response()
}

/// The id `SetRequestIdLayer` gave this request, for the log and an internal error's answer.
pub fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

/// The database or session store failed while working out who is asking.
pub fn unavailable() -> Response {
    plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "The database cannot be reached. Try again shortly.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn domain_errors_answer_status_code_and_field() {
        let err = directory::Error::invalid("email", "Enter an email address.");
        let response = domain(&err, &HeaderMap::new());
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = body(response).await;
        assert_eq!(body["error"]["code"], "invalid_input");
        assert_eq!(body["error"]["field"], "email");
    }

    #[tokio::test]
    async fn internal_errors_name_the_request_not_the_cause() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("req-42"));
        let err = directory::Error::Internal("disk on fire".into());
        let response = domain(&err, &headers);
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body(response).await;
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("req-42") && !message.contains("disk"),
            "{message}"
        );
        assert!(body["error"].get("field").is_none());
    }

    #[tokio::test]
    async fn rate_limits_say_when_to_come_back() {
        let response = domain(&directory::Error::RateLimited(30), &HeaderMap::new());
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "30");
    }
}
