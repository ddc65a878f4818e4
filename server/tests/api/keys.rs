//! API keys: who a key acts as and when, what it may never do, expiry, revocation,
//! read-only keys, the rate limit, and which password changes revoke them.

use super::*;
use serde_json::json;

#[tokio::test]
async fn a_key_acts_as_its_owner_as_they_are_at_each_request() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let bob_id = cli_user(&app, "bob", "user_manager");
    let bob = signed_in(&app, "bob").await;
    let key = make_key(&app, &bob, json!({"label": "script", "password": PASSWORD})).await;
    assert!(key.starts_with("gate_") && key.len() == 48, "{key}");

    let (status, me) = with_key(&app, &key, Method::GET, "/api/v1/me", None).await;
    assert_eq!((status, me["username"].as_str()), (200, Some("bob")));
    let (status, _) = with_key(&app, &key, Method::GET, "/api/v1/users", None).await;
    assert_eq!(status, 200);
    // A bearer request is not a browser's: no same-origin rule, and no cookie needed.
    let res = client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&key)
        .header("origin", "https://elsewhere.example")
        .json(&json!({"username": "carl", "email": "carl@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/api/v1/users/")
    );

    // Demoted: the key is demoted with its owner.
    let (status, _) = call(
        &app,
        &ada,
        "user_role",
        &[("id", &bob_id), ("role", "user")],
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = with_key(&app, &key, Method::GET, "/api/v1/users", None).await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
    // Suspended: the key stops working, with its own code.
    let (status, _) = call(&app, &ada, "user_suspend", &[("id", &bob_id)]).await;
    assert_eq!(status, 200);
    let (status, body) = with_key(&app, &key, Method::GET, "/api/v1/me", None).await;
    assert_eq!((status, code(&body)), (401, "key_owner_inactive"));

    let (status, body) = with_key(&app, "gate_nope", Method::GET, "/api/v1/me", None).await;
    assert_eq!((status, code(&body)), (401, "key_unknown"));
    let res = client()
        .get(app.url(&format!("/api/v1/me?api_key={key}")))
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(res).await;
    assert_eq!((status, code(&body)), (400, "key_in_query"));
}

#[tokio::test]
async fn revoked_and_expired_keys_answer_with_their_own_codes() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let key = make_key(
        &app,
        &ada,
        json!({"label": "a day", "expires_days": 1, "password": PASSWORD}),
    )
    .await;
    let (status, _) = with_key(&app, &key, Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, 200);
    app.advance(time::Duration::hours(25));
    let (status, body) = with_key(&app, &key, Method::GET, "/api/v1/me", None).await;
    assert_eq!((status, code(&body)), (401, "key_expired"));

    let ada = signed_in(&app, "ada").await;
    let key = make_key(
        &app,
        &ada,
        json!({"label": "revoke me", "password": PASSWORD}),
    )
    .await;
    let keys: Value = json_of(ada.get(app.url("/api/v1/api-keys"))).await;
    let id = keys[0]["id"].as_str().unwrap().to_string();
    assert_eq!(keys[0]["label"], "revoke me");
    assert!(key.starts_with(keys[0]["prefix"].as_str().unwrap()));
    let (status, body) = with_key(
        &app,
        &key,
        Method::DELETE,
        &format!("/api/v1/api-keys/{id}"),
        None,
    )
    .await;
    assert_eq!((status, body["revoked_at"].is_string()), (200, true));
    let (status, body) = with_key(&app, &key, Method::GET, "/api/v1/me", None).await;
    assert_eq!((status, code(&body)), (401, "key_revoked"));
}

#[tokio::test]
async fn a_read_only_key_reads_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let key = make_key(
        &app,
        &ada,
        json!({"label": "reader", "read_only": true, "password": PASSWORD}),
    )
    .await;
    let (status, body) = with_key(&app, &key, Method::GET, "/api/v1/users?limit=10", None).await;
    assert_eq!(
        (status, body["items"].as_array().map(Vec::len)),
        (200, Some(1))
    );
    let new = json!({"username": "dora", "email": "dora@example.org", "password": PASSWORD});
    let (status, body) = with_key(&app, &key, Method::POST, "/api/v1/users", Some(new)).await;
    assert_eq!((status, code(&body)), (403, "key_read_only"));
    let (status, _) = with_key(&app, &key, Method::GET, "/api/v1/users/dora", None).await;
    assert_eq!(status, 404, "nothing was written");
}

#[tokio::test]
async fn keys_are_made_from_a_session_or_the_command_line_only() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let res = ada
        .post(app.url("/api/v1/api-keys"))
        .json(&json!({"label": "stolen session", "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(res).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("password"))
    );
    let key = make_key(&app, &ada, json!({"label": "first", "password": PASSWORD})).await;
    let (status, body) = with_key(
        &app,
        &key,
        Method::POST,
        "/api/v1/api-keys",
        Some(json!({"label": "second", "password": PASSWORD})),
    )
    .await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
    cli_user(&app, "eve", "user");
    let (exit, out, err) = app.cli(
        &["api-key", "create", "--username", "eve", "--label", "cron"],
        None,
    );
    assert_eq!(exit, 0, "{err}");
    let (status, me) = with_key(&app, out.trim(), Method::GET, "/api/v1/me", None).await;
    assert_eq!((status, me["username"].as_str()), (200, Some("eve")));
    let (exit, _, err) = app.cli(
        &["api-key", "create", "--username", "nobody", "--label", "x"],
        None,
    );
    assert_eq!(exit, 2, "{err}");
    // Use is counted in memory and written by the time the server stops.
    let mut app = app;
    for _ in 0..3 {
        with_key(&app, out.trim(), Method::GET, "/api/v1/me", None).await;
    }
    app.restart();
    let ada = signed_in(&app, "ada").await;
    let keys: Value = json_of(ada.get(app.url("/api/v1/api-keys?user=eve"))).await;
    let counted: i64 = keys[0]["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["requests"].as_i64().unwrap())
        .sum();
    assert_eq!(counted, 4);
    assert_eq!(keys[0]["last_used_ip"], "127.0.0.1");
}

#[tokio::test]
async fn an_api_key_cannot_take_over_the_account_it_acts_for() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let key = make_key(&app, &ada, json!({"label": "script", "password": PASSWORD})).await;
    let change = json!({"current_password": PASSWORD, "new_password": "Another-Horse-Battery-7"});
    let (status, body) = with_key(
        &app,
        &key,
        Method::PUT,
        "/api/v1/me/password",
        Some(change.clone()),
    )
    .await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
    let (status, _) = with_key(&app, &key, Method::POST, "/api/v1/me/mfa/setup", None).await;
    assert_eq!(status, 403);
    let (status, _) = with_key(
        &app,
        &key,
        Method::PATCH,
        "/api/v1/me",
        Some(json!({"email": "evil@example.org", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 403);
    cli_user(&app, "lea", "user");
    let (status, _) = with_key(
        &app,
        &key,
        Method::POST,
        "/api/v1/users/lea/impersonate",
        None,
    )
    .await;
    assert_eq!(status, 403);
    // The session itself may.
    let res = ada
        .put(app.url("/api/v1/me/password"))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn a_key_past_its_rate_is_told_when_to_come_back() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    set_settings(&app, &ada, &[("api_requests_per_minute", "60")]).await;
    let key = make_key(&app, &ada, json!({"label": "busy", "password": PASSWORD})).await;
    for _ in 0..10 {
        let (status, _) = with_key(&app, &key, Method::GET, "/api/v1/me", None).await;
        assert_eq!(status, 200);
    }
    let res = client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["retry-after"], "1");
    let (status, body) = error_of(res).await;
    assert_eq!((status, code(&body)), (429, "rate_limited"));
    // Another key of the same owner has its own budget; the session is not limited.
    let other = make_key(&app, &ada, json!({"label": "calm", "password": PASSWORD})).await;
    let (status, _) = with_key(&app, &other, Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_password_reset_revokes_the_accounts_keys() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "max", "user");
    let max = signed_in(&app, "max").await;
    let key = make_key(
        &app,
        &max,
        json!({"label": "maybe stolen", "password": PASSWORD}),
    )
    .await;
    // A key may not make reset links (one signs in as the user); the admin's session may.
    let admin_key = make_key(&app, &ada, json!({"label": "admin", "password": PASSWORD})).await;
    let (status, _) = with_key(
        &app,
        &admin_key,
        Method::POST,
        "/api/v1/users/max/reset-link",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 403);
    let res = ada
        .post(app.url("/api/v1/users/max/reset-link"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let link: Value = res.json().await.unwrap();
    let token = link_token(&link["link"]);
    let new = "Brand-New-Harbour-77";
    let (status, body) = call(
        &app,
        &client(),
        "password_reset",
        &[
            ("token", &token),
            ("password", new),
            ("password_confirm", new),
        ],
    )
    .await;
    assert!(status < 400, "{status} {body}");
    let (status, body) = with_key(&app, &key, Method::GET, "/api/v1/me", None).await;
    assert_eq!((status, code(&body)), (401, "key_revoked"));
}

#[tokio::test]
async fn changing_ones_password_revokes_ones_keys() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let key = make_key(&app, &ada, json!({"label": "old", "password": PASSWORD})).await;
    let change = json!({"current_password": PASSWORD, "new_password": "Another-Horse-Battery-7"});
    let res = ada
        .put(app.url("/api/v1/me/password"))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, body) = with_key(&app, &key, Method::GET, "/api/v1/me", None).await;
    assert_eq!((status, code(&body)), (401, "key_revoked"));
}
