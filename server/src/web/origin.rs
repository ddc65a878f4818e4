//! The same-origin check of the cookie doors: a state-changing request must come from our
//! own pages. Bearer-authenticated doors (REST with an API key, OIDC's token endpoint) carry
//! no ambient credential and do not need it.

use axum::extract::Request;
use axum::http::{Method, header};

/// Whether the request's `Origin` (sent by every current browser on POST) is this server's.
pub fn same_origin(req: &Request, base_url: &str) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    if origin == base_url {
        return true;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    !host.is_empty() && origin_host == host
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(origin: Option<&str>, host: &str) -> Request {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri("/_fn/login")
            .header(header::HOST, host);
        if let Some(origin) = origin {
            builder = builder.header(header::ORIGIN, origin);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn cross_origin_posts_are_refused() {
        let base = "https://id.example.com";
        assert!(same_origin(&post(Some(base), "id.example.com"), base));
        assert!(same_origin(
            &post(Some("http://127.0.0.1:3000"), "127.0.0.1:3000"),
            base
        ));
        assert!(same_origin(&post(None, "id.example.com"), base));
        assert!(!same_origin(
            &post(Some("https://evil.example"), "id.example.com"),
            base
        ));
    }
}
