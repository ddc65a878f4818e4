//! The error server functions return: a code, a sentence for people, and the form field.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// Stable, machine-readable: `invalid_input`, `invalid_credentials`, `forbidden`, …
    pub code: String,
    pub message: String,
    /// The form field the message is about, so the form can mark it.
    pub field: Option<String>,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_string(),
            message: message.into(),
            field: None,
        }
    }

    /// True when this error is about the named form field.
    pub fn is_about(&self, field: &str) -> bool {
        self.field.as_deref() == Some(field)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                // The request itself is malformed: the client's fault, so a 400.
                #[cfg(feature = "ssr")]
                if let Some(response) =
                    leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
                {
                    response.set_status(http::StatusCode::BAD_REQUEST);
                }
                Self::new(
                    "bad_request",
                    "The request was malformed: a field is missing or has the wrong type.",
                )
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::new(
                "network",
                "Gatehouse could not be reached. Check your connection and try again.",
            ),
            other => Self::new(
                "internal",
                format!("Something went wrong on our side ({other})."),
            ),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<directory::Error> for AppError {
    /// The one mapping from domain errors to what a server function answers.
    fn from(err: directory::Error) -> Self {
        use directory::Error as E;
        if matches!(err, E::Database(_) | E::Internal(_)) {
            tracing::error!(error = %err, "server function failed");
        }
        let status = match &err {
            E::Invalid { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
            E::Conflict(_) => http::StatusCode::CONFLICT,
            E::NotFound(_) | E::SetupComplete | E::Link(_) => http::StatusCode::NOT_FOUND,
            E::RateLimited(_) => http::StatusCode::TOO_MANY_REQUESTS,
            E::Busy(_) => http::StatusCode::SERVICE_UNAVAILABLE,
            E::Unauthenticated | E::InvalidCredentials | E::SignInExpired | E::SignInVoided => {
                http::StatusCode::UNAUTHORIZED
            }
            E::AccountInactive(_) | E::Forbidden(_) | E::NotAllowed(_) => {
                http::StatusCode::FORBIDDEN
            }
            E::Database(_) | E::Internal(_) => http::StatusCode::INTERNAL_SERVER_ERROR,
        };
        // A plain form post (no JavaScript yet) is answered with a redirect carrying the
        // error, and a browser follows a redirect only with a 3xx status: leave it alone.
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if !crate::ssr::is_html_form_post() {
                response.set_status(status);
            }
            if let E::RateLimited(seconds) | E::Busy(seconds) = &err {
                response
                    .insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(*seconds));
            }
        }
        Self {
            code: err.code().to_string(),
            message: err.public_message(),
            field: err.field().map(str::to_string),
        }
    }
}
