//! Before the owner exists: only setup answers, and only under a host that cannot be a
//! DNS-rebinding page (see [`super::host`]).

use super::{AppState, errors, host};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Whether setup is still open; `Err` holds the answer when it cannot be told, or when the
/// request's `host` may not reach setup (`json` picks the answer's form).
pub async fn setup_needed(state: &AppState, host: &str, json: bool) -> Result<bool, Response> {
    let needed = state.dir.setup().is_needed().await.map_err(|err| {
        tracing::error!(error = %err, "setup check failed");
        errors::unavailable()
    })?;
    if needed && !host::allowed_before_setup(host, &state.config.base_url) {
        return Err(misdirected(json));
    }
    Ok(needed)
}

/// The host the request names (copied out: a request may not be held across an await).
pub fn host_of(req: &Request) -> String {
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or_default()
        .to_string()
}

/// Tells an admin who reached us under another name how to get in.
fn misdirected(json: bool) -> Response {
    let message = "Setup answers only at GATEHOUSE_BASE_URL's host or at localhost. \
                   Set GATEHOUSE_BASE_URL to the address you use, or open Gatehouse via localhost.";
    if json {
        return errors::plain(StatusCode::MISDIRECTED_REQUEST, "misdirected_host", message);
    }
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>Misdirected request \
         · Gatehouse</title><h1>Misdirected request</h1><p>{message}</p></html>"
    );
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}
