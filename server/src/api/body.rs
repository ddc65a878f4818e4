//! Request bodies: JSON read into a typed value, every failure answered in the contract's
//! shape (malformed JSON 400, a wrong or missing field 422 naming it), never axum's plain text.

use super::caller::ApiError;
use crate::web::errors;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use std::sync::OnceLock;

/// A JSON request body.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(errors::plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON (Content-Type: application/json).",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        serde_json::from_slice(&bytes).map(Body).map_err(refusal)
    }
}

fn refusal(err: serde_json::Error) -> Response {
    use serde_json::error::Category;
    match err.classify() {
        // serde's own sentences quote the input (a password sent as a number, say): answer
        // with the field's name and a fixed sentence instead.
        Category::Data => {
            let field = field_named(&err.to_string());
            let message = match field {
                Some(name) => {
                    format!("Check the field \"{name}\": it is missing or of the wrong type.")
                }
                None => "The body does not have the fields this endpoint takes.".to_string(),
            };
            ApiError(directory::Error::Invalid { field, message }).into_response()
        }
        _ => errors::plain(
            StatusCode::BAD_REQUEST,
            "bad_json",
            "The body is not valid JSON.",
        ),
    }
}

/// The field serde names in its message (``missing field `email` ``), as a static name for
/// the error body; an unknown name is not echoed back.
fn field_named(text: &str) -> Option<&'static str> {
    let name = text.split('`').nth(1)?;
    known_fields().iter().copied().find(|known| *known == name)
}

/// Every property name of the API's schemas, read once from the OpenAPI document (so the
/// list follows the request types); kept for the life of the process, as `field` wants.
fn known_fields() -> &'static [&'static str] {
    static FIELDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let doc = serde_json::to_value(super::document()).unwrap_or_default();
        let mut names: Vec<String> = doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flat_map(|schemas| schemas.values())
            .filter_map(|schema| schema["properties"].as_object())
            .flat_map(|properties| properties.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|name| &*Box::leak(name.into_boxed_str()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Probe {
        email: String,
    }

    #[test]
    fn missing_fields_are_named() {
        let err = serde_json::from_str::<Probe>("{}").unwrap_err();
        assert_eq!(field_named(&err.to_string()), Some("email"));
        let err = serde_json::from_str::<Probe>("{\"email\": 5}").unwrap_err();
        assert_eq!(err.classify(), serde_json::error::Category::Data);
    }
}
