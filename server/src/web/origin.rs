//! The same-origin check of the cookie doors: a state-changing request must come from our
//! own pages. Bearer-authenticated doors (REST with an API key, OIDC's token endpoint) carry
//! no ambient credential and do not need it.

use axum::extract::Request;
use axum::http::{Method, header};

/// Whether a state-changing request comes from this server's own pages: its `Origin` (sent
/// by every current browser on POST) is the base URL, or names the host the request was sent
/// to; never a plain-http page when the base URL is https (whoever answers for the name on
/// port 80 is not us). Without `Origin`, the browser's `Sec-Fetch-Site`, where sent, decides.
pub fn same_origin(req: &Request, base_url: &str) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let get = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let Some(origin) = get(header::ORIGIN) else {
        return get(header::HeaderName::from_static("sec-fetch-site"))
            .is_none_or(|site| matches!(site, "same-origin" | "none"));
    };
    if origin == base_url {
        return true;
    }
    let Some((scheme, origin_host)) = origin.split_once("://") else {
        return false;
    };
    if base_url.starts_with("https://") && scheme != "https" {
        return false;
    }
    let host = get(header::HOST).unwrap_or_default();
    !host.is_empty() && origin_host == host
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method(Method::POST).uri("/_fn/login");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn cross_origin_posts_are_refused() {
        let base = "https://id.example.com";
        let host = ("host", "id.example.com");
        assert!(same_origin(&post(&[host, ("origin", base)]), base));
        assert!(same_origin(
            &post(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3000")
            ]),
            "http://127.0.0.1:3000"
        ));
        assert!(same_origin(&post(&[host]), base));
        assert!(!same_origin(
            &post(&[host, ("origin", "https://evil.example")]),
            base
        ));
        assert!(!same_origin(&post(&[host, ("origin", "null")]), base));
    }

    #[test]
    fn a_plain_http_page_cannot_post_to_an_https_server() {
        let base = "https://id.example.com";
        let host = ("host", "id.example.com");
        assert!(!same_origin(
            &post(&[host, ("origin", "http://id.example.com")]),
            base
        ));
        // Behind a proxy that was not told the public URL, http and https both pass on host.
        let plain = "http://127.0.0.1:3000";
        assert!(same_origin(
            &post(&[host, ("origin", "https://id.example.com")]),
            plain
        ));
    }

    #[test]
    fn without_origin_the_fetch_metadata_decides() {
        let base = "https://id.example.com";
        let host = ("host", "id.example.com");
        assert!(same_origin(
            &post(&[host, ("sec-fetch-site", "same-origin")]),
            base
        ));
        assert!(!same_origin(
            &post(&[host, ("sec-fetch-site", "cross-site")]),
            base
        ));
        assert!(!same_origin(
            &post(&[host, ("sec-fetch-site", "same-site")]),
            base
        ));
    }
}
