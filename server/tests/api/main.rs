//! The REST API, one test binary in modules: API keys (who they act as, expiry, revocation,
//! read-only, limits), the documents (error shape, paging, OpenAPI), sessions, the audit
//! trail and its hash chain, the write-route table against the policy and the pages, and a
//! fuzzer of request bodies.

#[path = "../common/mod.rs"]
mod common;

mod audit;
mod documents;
mod fuzz;
mod keys;
mod roster;
mod sessions;
mod table;

use common::*;
use reqwest::Method;
use serde_json::Value;
use std::sync::atomic::{AtomicU32, Ordering};

/// Makes a key for the signed-in `c` through the API; returns the key.
pub(crate) async fn make_key(app: &TestApp, c: &reqwest::Client, body: Value) -> String {
    let res = c
        .post(app.url("/api/v1/api-keys"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/api/v1/api-keys/")
    );
    let body: Value = res.json().await.unwrap();
    body["key"].as_str().unwrap().to_string()
}

/// Calls the API with an API key; returns (status, JSON body).
pub(crate) async fn with_key(
    app: &TestApp,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = client().request(method, app.url(path)).bearer_auth(key);
    if let Some(body) = body {
        req = req.json(&body);
    }
    error_of(req.send().await.unwrap()).await
}

/// Sends a request that must succeed; returns its JSON body.
pub(crate) async fn json_of(req: reqwest::RequestBuilder) -> Value {
    req.send().await.unwrap().json().await.unwrap()
}

pub(crate) fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

static SERIAL: AtomicU32 = AtomicU32::new(0);

/// A number no other call in this test binary gets.
pub(crate) fn serial() -> u32 {
    SERIAL.fetch_add(1, Ordering::SeqCst)
}

/// A name no other row of the test has: `prefix` and a number.
pub(crate) fn fresh(prefix: &str) -> String {
    format!("{prefix}{}", serial())
}

/// An active-or-otherwise user row with no password, written straight to the database:
/// hashing passwords for hundreds of users would take minutes.
pub(crate) fn user_row(
    app: &TestApp,
    name: &str,
    status: &str,
    uid_number: i64,
) -> directory::entities::users::ActiveModel {
    use sea_orm::Set;
    directory::entities::users::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        username: Set(name.to_string()),
        email: Set(format!("{name}@example.org")),
        fallback_email: Set(None),
        first_name: Set("T".into()),
        last_name: Set(name.to_string()),
        display_name: Set(name.to_string()),
        status: Set(status.into()),
        role: Set("user".into()),
        password_hash: Set(None),
        must_change_password: Set(false),
        uid_number: Set(uid_number),
        created_at: Set(app.now()),
        updated_at: Set(app.now()),
        last_login_at: Set(None),
        password_changed_at: Set(None),
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
    }
}
