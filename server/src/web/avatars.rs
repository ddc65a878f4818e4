//! Avatar pictures: served from the database, uploaded as a multipart form (the one thing a
//! server function's URL-encoded form cannot carry).

use super::{AppState, errors};
use app::ssr::Visitor;
use axum::Extension;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use directory::avatars::MAX_UPLOAD;
use directory::{Error, UserId};

/// Multipart framing and the form's other fields fit well within this much beyond the file.
pub const BODY_LIMIT: usize = MAX_UPLOAD + 64 * 1024;

pub async fn get_avatar(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(id) = id.parse::<UserId>() else {
        return errors::domain(&Error::NotFound("avatar"), &headers);
    };
    match state.dir.avatars().get(&visitor.actor, id).await {
        Ok(Some(avatar)) => (
            [
                (header::CONTENT_TYPE, avatar.content_type),
                (header::CACHE_CONTROL, "private, max-age=60".to_string()),
            ],
            Body::from(avatar.data),
        )
            .into_response(),
        Ok(None) => errors::domain(&Error::NotFound("avatar"), &headers),
        Err(err) => errors::domain(&err, &headers),
    }
}

/// Takes the `avatar` file of a multipart form. A browser's plain form post is sent back to
/// the profile page with an outcome code; a script gets JSON.
pub async fn upload_avatar(
    State(state): State<AppState>,
    Extension(visitor): Extension<Visitor>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let result = match read_file(multipart).await {
        Ok(bytes) => state.dir.profile().set_avatar(&visitor.actor, bytes).await,
        Err(err) => Err(err),
    };
    match (result, wants_html) {
        (Ok(()), true) => Redirect::to("/profile?avatar=saved").into_response(),
        (Ok(()), false) => StatusCode::NO_CONTENT.into_response(),
        (Err(Error::Unauthenticated), _) => errors::domain(&Error::Unauthenticated, &headers),
        (Err(Error::Invalid { .. }), true) => {
            Redirect::to("/profile?avatar=invalid").into_response()
        }
        (Err(err), true) => {
            tracing::error!(error = %err, "avatar upload failed");
            Redirect::to("/profile?avatar=failed").into_response()
        }
        (Err(err), false) => errors::domain(&err, &headers),
    }
}

async fn read_file(mut multipart: Multipart) -> Result<Vec<u8>, Error> {
    let too_big = || Error::invalid("avatar", "Pictures are at most 1 MiB.");
    while let Some(field) = multipart.next_field().await.map_err(|_| too_big())? {
        if field.name() == Some("avatar") {
            let bytes = field.bytes().await.map_err(|_| too_big())?;
            return Ok(bytes.to_vec());
        }
    }
    Err(Error::invalid("avatar", "Choose a picture to upload."))
}
