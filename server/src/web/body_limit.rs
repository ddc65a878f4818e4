//! A ceiling on every request body, server functions included: they read the whole body
//! without asking axum's `DefaultBodyLimit`, so a single large post could fill memory.

use super::errors;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;
use std::time::Duration;

/// Forms and JSON from our pages are a few KiB; this leaves ample room.
pub const DEFAULT_LIMIT: usize = 64 * 1024;

/// How long a refused body is still read (and thrown away) so that the client, which may
/// not look for an answer until it has sent everything, gets the 413 instead of a reset
/// connection; nginx's `lingering_time` does the same.
const LINGER: Duration = Duration::from_secs(10);

/// Refuses at once a body that declares itself too large, and otherwise keeps at most
/// `limit` bytes before refusing, so memory stays flat whatever the client sends.
/// Each door layers it with its own limit (the avatar upload takes more).
pub async fn limit_body(State(limit): State<usize>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (parts, body) = req.into_parts();
    if declared.is_some_and(|length| length > limit as u64) {
        linger(body);
        return too_large(limit);
    }
    match read_at_most(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(Unread::TooLarge(rest)) => {
            linger(rest);
            too_large(limit)
        }
        Err(Unread::Broken(err)) => {
            tracing::debug!(error = %err, "request body unreadable");
            errors::plain(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "The request body could not be read.",
            )
        }
    }
}

enum Unread {
    /// Over the limit; the rest of the body, still unread.
    TooLarge(Body),
    Broken(axum::Error),
}

async fn read_at_most(mut body: Body, limit: usize) -> Result<Vec<u8>, Unread> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(Unread::Broken)?.into_data() else {
            continue;
        };
        if bytes.len() + data.len() > limit {
            return Err(Unread::TooLarge(body));
        }
        bytes.extend_from_slice(&data);
    }
    Ok(bytes)
}

/// Reads and drops what is left of a refused body for a while, in the background.
fn linger(mut body: Body) {
    tokio::spawn(async move {
        let drain = async { while let Some(Ok(_)) = body.frame().await {} };
        let _ = tokio::time::timeout(LINGER, drain).await;
    });
}

fn too_large(limit: usize) -> Response {
    let message = format!("The request body is larger than {} KiB.", limit / 1024);
    let mut response = errors::plain(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", &message);
    // The rest of the body is thrown away, so the connection cannot carry another request.
    response.headers_mut().insert(
        header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    response
}
