//! Who is calling the REST API: an API key (`Authorization: Bearer gate_…`), or else the
//! session cookie with the cookie doors' same-origin rule. Resolved in `directory` either way;
//! this door only reads the request and maps refusals to the contract's error shape.

use crate::web::client_ip::client_ip;
use crate::web::{AppState, errors};
use app::ssr::Visitor;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

tokio::task_local! {
    /// The request's id, for internal errors' answers (set around every API handler).
    static REQUEST_ID: Option<String>;
}

/// A domain error as the API answers it.
#[derive(Debug)]
pub struct ApiError(pub directory::Error);

pub type ApiResult<T> = Result<T, ApiError>;

impl From<directory::Error> for ApiError {
    fn from(err: directory::Error) -> Self {
        Self(err)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut headers = HeaderMap::new();
        if let Ok(Some(id)) = REQUEST_ID.try_with(Clone::clone)
            && let Ok(value) = HeaderValue::from_str(&id)
        {
            headers.insert("x-request-id", value);
        }
        let mut response = errors::domain(&self.0, &headers);
        if response.status() == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"gatehouse\""),
            );
        }
        response
    }
}

/// Works out the caller and puts a [`Visitor`] into the request for the handlers; answers
/// at once when the caller may not go on.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let request_id = errors::request_id(req.headers()).map(str::to_string);
    let answer = async {
        if key_in_query(req.uri().query()) {
            return errors::plain(
                StatusCode::BAD_REQUEST,
                "key_in_query",
                "API keys are accepted only in the Authorization header; this key has been seen in a URL, so revoke it.",
            );
        }
        let presented = bearer(req.headers()).map(|key| key.map(str::to_string));
        let visitor = match presented {
            Some(Ok(key)) => {
                let (ip, user_agent) = origin_of(&state, &req);
                match by_key(&state, &key, ip, user_agent).await {
                    Ok(visitor) => visitor,
                    Err(err) => return err.into_response(),
                }
            }
            Some(Err(())) => {
                return ApiError(directory::Error::Key(directory::error::KeyProblem::Unknown))
                    .into_response();
            }
            None => match crate::web::identity::admit(&state, &mut req).await {
                Ok(visitor) => visitor,
                Err(refused) => return refused,
            },
        };
        if let Some(refused) = refusal(&visitor, &req) {
            return refused;
        }
        req.extensions_mut().insert(visitor);
        next.run(req).await
    };
    REQUEST_ID.scope(request_id, answer).await
}

/// The key in `Authorization: Bearer …`: `None` without the header, `Err` for another scheme.
fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let value = value.to_str().map_err(|_| ());
    Some(value.and_then(|v| {
        let (scheme, key) = v.split_once(' ').ok_or(())?;
        if scheme.eq_ignore_ascii_case("bearer") {
            Ok(key.trim())
        } else {
            Err(())
        }
    }))
}

/// A key sent in the query string is refused outright: URLs end up in logs and histories.
fn key_in_query(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('=').map(|(_, value)| value))
            .any(directory::api_keys::well_formed)
    })
}

/// The client's address and user agent, copied out: no reference to the request (whose body
/// is not `Sync`) may live across an await.
fn origin_of(state: &AppState, req: &Request) -> (Option<String>, Option<String>) {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| client_ip(c.0.ip(), req.headers(), &state.config.trusted_proxies).to_string());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(256).collect::<String>());
    (ip, user_agent)
}

async fn by_key(
    state: &AppState,
    key: &str,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<Visitor, ApiError> {
    let resolved = state.dir.auth().resolve_key(key, ip, user_agent).await?;
    Ok(Visitor {
        actor: resolved.actor,
        user: resolved.user,
        hold: resolved.hold,
    })
}

/// What stops a known caller before any handler: a read-only key on a write, and a step that
/// holds the user. The routes that take the step answer, by the same list the server
/// functions use (`app::hold_allows`), so both doors hold a person alike.
fn refusal(visitor: &Visitor, req: &Request) -> Option<Response> {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && let Err(err) = visitor.actor.refuse_read_only()
    {
        return Some(ApiError(err).into_response());
    }
    let hold = visitor.hold?;
    if app::hold_allows(hold, server_function_of(req.uri().path())) {
        return None;
    }
    let (code, message) = app::hold_refusal(hold);
    Some(errors::plain(StatusCode::FORBIDDEN, code, message))
}

/// The server function a route of one's own account stands for ("" for any other route).
fn server_function_of(path: &str) -> &'static str {
    match path {
        "/api/v1/me" => "me",
        "/api/v1/me/password" => "password_change",
        "/api/v1/me/mfa" => "mfa_status",
        "/api/v1/me/mfa/setup" => "mfa_setup_begin",
        "/api/v1/me/mfa/confirm" => "mfa_setup_confirm",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bearer_scheme_carries_a_key() {
        let mut headers = HeaderMap::new();
        assert!(bearer(&headers).is_none());
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer gate_x"),
        );
        assert_eq!(bearer(&headers), Some(Ok("gate_x")));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic Zm9vOmJhcg=="),
        );
        assert_eq!(bearer(&headers), Some(Err(())));
    }

    #[test]
    fn keys_in_the_query_string_are_noticed() {
        let key = format!("gate_{}", "a".repeat(43));
        assert!(key_in_query(Some(&format!("limit=5&key={key}"))));
        assert!(!key_in_query(Some("q=gate_keeper")));
        assert!(!key_in_query(Some("limit=5")));
        assert!(!key_in_query(None));
    }
}
