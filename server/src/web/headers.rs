//! Security headers on every response, and the tracing span of each request.

use super::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    // Pages and API answers carry personal data: never keep them in a shared cache. Built
    // files say otherwise on their own (see `site_files`).
    set(header::CACHE_CONTROL, "no-store");
    if state.config.cookies_secure() {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    res
}

/// One span per request with its id, method and path (never the query: it may hold tokens).
pub fn request_span(req: &Request<Body>) -> tracing::Span {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let path = redacted(req.uri().path());
    tracing::info_span!("request", id = %request_id, method = %req.method(), path = %path)
}

/// The path as logs may show it: the token of a one-time link is a secret.
fn redacted(path: &str) -> std::borrow::Cow<'_, str> {
    match app::PUBLIC_LINK_PREFIXES
        .iter()
        .find(|prefix| path.starts_with(*prefix))
    {
        Some(prefix) => format!("{prefix}[token]").into(),
        None => path.into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn link_tokens_stay_out_of_the_logs() {
        assert_eq!(super::redacted("/invite/abcDEF123"), "/invite/[token]");
        assert_eq!(super::redacted("/reset/abc"), "/reset/[token]");
        assert_eq!(super::redacted("/users/42"), "/users/42");
    }
}
