//! The error body every HTTP door answers with, `{"error": {"code", "message", "field"?}}`
//! (the contract's shape), and on the server the one mapping from a domain error to it.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "Envelope", from = "Envelope")]
#[error("{message}")]
pub struct AppError {
    /// Stable, machine-readable: `invalid_input`, `invalid_credentials`, `forbidden`, …
    pub code: String,
    pub message: String,
    /// The form field the message is about, so the form can mark it.
    pub field: Option<String>,
}

/// The wire form: the error under an `error` key, `field` left out when there is none.
#[derive(Serialize, Deserialize)]
struct Envelope {
    error: Fields,
}

#[derive(Serialize, Deserialize)]
struct Fields {
    code: String,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

impl From<AppError> for Envelope {
    fn from(err: AppError) -> Self {
        Envelope {
            error: Fields {
                code: err.code,
                message: err.message,
                field: err.field,
            },
        }
    }
}

impl From<Envelope> for AppError {
    fn from(envelope: Envelope) -> Self {
        AppError {
            code: envelope.error.code,
            message: envelope.error.message,
            field: envelope.error.field,
        }
    }
}

/// A name outside its closed set (a role, a status) is invalid input, answered as the domain
/// answers it.
#[cfg(feature = "ssr")]
impl From<vocab::UnknownName> for AppError {
    fn from(unknown: vocab::UnknownName) -> Self {
        directory::Error::from(unknown).into()
    }
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_string(),
            message: message.into(),
            field: None,
        }
    }

    /// The same error read from a page's address, where a plain form post (sent before the
    /// bundle loaded, or from a page without one) is answered by a redirect back with the
    /// error in the query. Anyone can write such a link, so only the code and field are
    /// kept, and the words come from here: the real sign-in page never shows a stranger's
    /// sentence.
    pub fn from_address(self) -> Self {
        let message = match (self.code.as_str(), self.field.as_deref()) {
            ("invalid_credentials", _) => "Incorrect username or password.",
            ("account_pending", _) => "This account is waiting for an administrator's approval.",
            ("account_suspended", _) => "This account is suspended. Contact an administrator.",
            ("account_inactive", _) => "This account cannot sign in.",
            ("sign_in_expired", _) => "Your sign-in took too long. Enter your password again.",
            ("rate_limited", _) => "Too many attempts. Wait a minute and try again.",
            ("busy", _) => "The server is busy. Try again in a few seconds.",
            ("invalid_input", Some("code")) => {
                "That code is not right. Use the newest code from your app, or a backup code."
            }
            ("invalid_input", Some(_)) => "Check this field and try again.",
            ("forbidden", _) => "You may not do that.",
            _ => "That did not work. Please try again.",
        };
        Self {
            message: message.to_string(),
            ..self
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

/// The HTTP status of each sort of domain error: the one table every HTTP door (server
/// functions, REST, the avatar route, the gate) answers by.
#[cfg(feature = "ssr")]
pub fn http_status(kind: directory::ErrorKind) -> http::StatusCode {
    use directory::ErrorKind as K;
    use http::StatusCode as S;
    match kind {
        K::Invalid => S::UNPROCESSABLE_ENTITY,
        K::Unauthenticated => S::UNAUTHORIZED,
        K::Forbidden => S::FORBIDDEN,
        K::NotFound => S::NOT_FOUND,
        K::Conflict => S::CONFLICT,
        K::RateLimited { .. } => S::TOO_MANY_REQUESTS,
        K::Unavailable { .. } => S::SERVICE_UNAVAILABLE,
        K::Internal => S::INTERNAL_SERVER_ERROR,
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The body for a domain error. An internal error is logged with the request's id, and
    /// the id is all the answer says about it, so a person can quote it to an admin.
    pub fn from_domain(err: &directory::Error, request_id: Option<&str>) -> Self {
        let mut message = err.public_message();
        if err.kind() == directory::ErrorKind::Internal {
            let id = request_id.unwrap_or("-");
            tracing::error!(error = %err, request_id = id, "request failed");
            message = format!("{message} (request {id})");
        }
        Self {
            code: err.code().to_string(),
            message,
            field: err.field().map(str::to_string),
        }
    }

    /// Seconds to put in `Retry-After`, for the errors that have them.
    pub fn retry_after(kind: directory::ErrorKind) -> Option<u64> {
        match kind {
            directory::ErrorKind::RateLimited { retry_after }
            | directory::ErrorKind::Unavailable { retry_after } => Some(retry_after),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<directory::Error> for AppError {
    /// What a server function answers: the shared body and status, set on the response.
    fn from(err: directory::Error) -> Self {
        let parts = leptos::prelude::use_context::<http::request::Parts>();
        let request_id = parts
            .as_ref()
            .and_then(|p| p.headers.get("x-request-id"))
            .and_then(|v| v.to_str().ok());
        let body = Self::from_domain(&err, request_id);
        // A plain form post (no JavaScript yet) is answered with a redirect carrying the
        // error, and a browser follows a redirect only with a 3xx status: leave it alone.
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if !crate::ssr::is_html_form_post() {
                response.set_status(http_status(err.kind()));
            }
            if let Some(seconds) = Self::retry_after(err.kind()) {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
        }
        body
    }
}
