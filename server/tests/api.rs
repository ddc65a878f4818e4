//! The REST API: API keys (who they act as, expiry, revocation, read-only), cursor paging,
//! the error shape, the OpenAPI document against the router, and the audit hash chain.

mod common;

use common::*;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

/// Makes a key for the signed-in `c` through the API; returns the key.
async fn make_key(app: &TestApp, c: &reqwest::Client, body: Value) -> String {
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

async fn with_key(
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

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

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
    let keys: Value = ada
        .get(app.url("/api/v1/api-keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    let keys: Value = ada
        .get(app.url("/api/v1/api-keys?user=eve"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
async fn bad_bodies_get_the_error_shape_with_the_field() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let post = |body: &'static str| {
        ada.post(app.url("/api/v1/users"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let (status, body) = error_of(
        post(r#"{"username": "zed", "password": "x"}"#)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("email"))
    );
    let (status, body) = error_of(
        post(r#"{"username": "zed", "email": "zed@example.org", "password": "Correct-Horse-Battery-9", "role": "emperor"}"#)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("role"))
    );
    let (status, body) = error_of(post("{not json").await.unwrap()).await;
    assert_eq!((status, code(&body)), (400, "bad_json"));
    let (status, body) = error_of(
        ada.get(app.url("/api/v1/users?limit=500"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("limit"))
    );
}

#[tokio::test]
async fn cursor_paging_returns_every_user_exactly_once() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let key = make_key(&app, &ada, json!({"label": "pager", "password": PASSWORD})).await;
    insert_users(&app, 1000).await;
    let mut seen = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=137&cursor={c}"),
            None => "/api/v1/users?limit=137".to_string(),
        };
        let (status, body) = with_key(&app, &key, Method::GET, &path, None).await;
        assert_eq!(status, 200, "{body}");
        for user in body["items"].as_array().unwrap() {
            assert!(
                seen.insert(user["username"].as_str().unwrap().to_string()),
                "{user} twice"
            );
        }
        pages += 1;
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!((seen.len(), pages), (1001, 8));
    // Filters apply as on the users page.
    let (_, body) = with_key(&app, &key, Method::GET, "/api/v1/users?q=bulk0999", None).await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
}

/// Adds `n` active users straight to the database: hashing 1,000 passwords would take minutes.
async fn insert_users(app: &TestApp, n: usize) {
    use directory::entities::users;
    use sea_orm::{EntityTrait, Set};
    let db = Database::connect(&app.database_url).await.unwrap();
    let now = app.now();
    let rows: Vec<users::ActiveModel> = (0..n)
        .map(|i| users::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            username: Set(format!("bulk{i:04}")),
            email: Set(format!("bulk{i:04}@example.org")),
            fallback_email: Set(None),
            first_name: Set("Bulk".into()),
            last_name: Set(format!("{i}")),
            display_name: Set(format!("Bulk {i}")),
            status: Set("active".into()),
            role: Set("user".into()),
            password_hash: Set(None),
            must_change_password: Set(false),
            uid_number: Set(200_000 + i as i64),
            created_at: Set(now),
            updated_at: Set(now),
            last_login_at: Set(None),
            password_changed_at: Set(None),
            totp_secret: Set(None),
            totp_enabled_at: Set(None),
            totp_last_step: Set(None),
        })
        .collect();
    for chunk in rows.chunks(200) {
        users::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await
            .unwrap();
    }
    db.close().await.unwrap();
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_no_more() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let key = make_key(&app, &ada, json!({"label": "probe", "password": PASSWORD})).await;
    let res = client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    validate_with_openapi_spec_validator(&doc);
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 5, "{paths:?}");
    let all = ["get", "post", "put", "patch", "delete"];
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        let concrete = path
            .replace("{user}", "ada")
            .replace("{id}", "00000000-0000-0000-0000-000000000000");
        for method in all {
            let documented = item.get(method).is_some();
            let res = client()
                .request(method.to_uppercase().parse().unwrap(), app.url(&concrete))
                .bearer_auth(&key)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            if documented {
                assert!(status != 405, "{method} {path}: documented but not routed");
                if status == 404 {
                    let body: Value = res.json().await.unwrap();
                    assert_ne!(
                        body["error"]["message"], "There is no such API endpoint.",
                        "{method} {path}"
                    );
                }
                for error in ["401", "403", "422", "404", "409"] {
                    if let Some(resp) = item[method]["responses"].get(error) {
                        assert!(
                            resp["content"]["application/json"]["schema"]["$ref"]
                                .as_str()
                                .is_some_and(|r| r.ends_with("/ErrorBody")),
                            "{method} {path} {error}"
                        );
                    }
                }
            } else {
                assert_eq!(status, 405, "{method} {path}: routed but not documented");
            }
        }
    }
    let res = ada
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// The document must pass the reference validator (installed by `make test`).
fn validate_with_openapi_spec_validator(doc: &Value) {
    let script = "import json,sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(sys.stdin))\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(doc.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openapi-spec-validator (pip install openapi-spec-validator): {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn audit_verify_finds_a_row_edited_in_the_database() {
    let app = TestApp::spawn().await;
    let _ada = owner(&app).await;
    cli_user(&app, "fay", "user");
    cli_user(&app, "gus", "user");
    let (exit, out, err) = app.cli(&["audit", "verify"], None);
    assert_eq!(exit, 0, "{err}");
    let rows: u64 = out
        .trim()
        .strip_prefix("ok ")
        .unwrap()
        .strip_suffix(" rows")
        .unwrap()
        .parse()
        .unwrap();
    assert!(rows >= 3, "{out}");

    let db = Database::connect(&app.database_url).await.unwrap();
    db.execute_unprepared("UPDATE audit_log SET target_name = 'mallory' WHERE id = 2")
        .await
        .unwrap();
    let (exit, _, err) = app.cli(&["audit", "verify"], None);
    assert_eq!(exit, 1);
    assert!(err.contains("audit row 2 "), "{err}");
    db.execute_unprepared("DELETE FROM audit_log WHERE id >= 2")
        .await
        .unwrap();
    let (exit, _, err) = app.cli(&["audit", "verify"], None);
    assert_eq!(exit, 1);
    assert!(err.contains("newest rows were removed"), "{err}");
    db.close().await.unwrap();
}

#[tokio::test]
async fn people_see_their_sessions_and_end_them() {
    let app = TestApp::spawn().await;
    let _ada = owner(&app).await;
    cli_user(&app, "hal", "user");
    let laptop = signed_in(&app, "hal").await;
    let phone = signed_in(&app, "hal").await;
    let list: Value = laptop
        .get(app.url("/api/v1/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sessions = list.as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{list}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = laptop
        .delete(app.url(&format!("/api/v1/sessions/{other}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, body) = error_of(phone.get(app.url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!((status, code(&body)), (401, "unauthenticated"));
    let res = laptop.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // Someone else's sessions are out of reach without users.update.
    cli_user(&app, "ivy", "user");
    let ivy = signed_in(&app, "ivy").await;
    let res = ivy
        .delete(app.url("/api/v1/sessions?user=hal"))
        .send()
        .await
        .unwrap();
    let (status, _) = error_of(res).await;
    assert_eq!(status, 403);
    let ada = signed_in(&app, "ada").await;
    let ended: Value = ada
        .delete(app.url("/api/v1/sessions?user=hal"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ended["ended"], 1);
    let (status, _) = error_of(laptop.get(app.url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_audit_trail_is_searched_and_exported() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "jon", "user");
    let _ = app.login(&client(), "jon", "wrong-password-here").await;
    let key = make_key(
        &app,
        &ada,
        json!({"label": "auditor", "password": PASSWORD}),
    )
    .await;
    let (status, body) = with_key(&app, &key, Method::GET, "/api/v1/audit?user=jon", None).await;
    assert_eq!(status, 200, "{body}");
    let actions: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // A failed sign-in names no account (it may not exist): it is found by its family.
    assert_eq!(actions, ["user.create"]);
    let (_, body) = with_key(
        &app,
        &key,
        Method::GET,
        "/api/v1/audit?action=auth&result=failure",
        None,
    )
    .await;
    let actions: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["auth.login.failed"]);
    let today = app.now().date();
    let (_, body) = with_key(
        &app,
        &key,
        Method::GET,
        &format!("/api/v1/audit?from={}", today.next_day().unwrap()),
        None,
    )
    .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
    let (status, body) = with_key(
        &app,
        &key,
        Method::GET,
        "/api/v1/audit?from=yesterday",
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("from"))
    );
    // Paging walks every row once, newest first.
    let (_, all) = with_key(&app, &key, Method::GET, "/api/v1/audit?limit=200", None).await;
    let total = all["items"].as_array().unwrap().len();
    let (_, first) = with_key(&app, &key, Method::GET, "/api/v1/audit?limit=2", None).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = with_key(
        &app,
        &key,
        Method::GET,
        &format!("/api/v1/audit?limit=200&cursor={cursor}"),
        None,
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), total - 2);
    assert!(first["items"][1]["id"].as_i64() > second["items"][0]["id"].as_i64());

    let res = client()
        .get(app.url("/api/v1/audit/export?user=jon"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("audit.csv")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,at,actor,on_behalf_of,action,target,ip,user_agent,details"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].contains("\"user.create\"") && lines[1].contains("\"jon\""),
        "{csv}"
    );
    let json: Value = client()
        .get(app.url("/api/v1/audit/export?format=json&user=jon"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json.as_array().unwrap().len(), lines.len() - 1);
    // Browsers ask for it compressed: the stream ends cleanly through the gzip layer too.
    let res = client()
        .get(app.url("/api/v1/audit/export?user=jon"))
        .bearer_auth(&key)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let gz = res.bytes().await.unwrap();
    assert!(gz.starts_with(&[0x1f, 0x8b]) && gz.len() > 20, "{gz:?}");
    // Without audit.read: refused before anything is streamed.
    cli_user(&app, "kim", "user");
    let (exit, kim_key, _) = app.cli(
        &["api-key", "create", "--username", "kim", "--label", "k"],
        None,
    );
    assert_eq!(exit, 0);
    let (status, _) = with_key(
        &app,
        kim_key.trim(),
        Method::GET,
        "/api/v1/audit/export",
        None,
    )
    .await;
    assert_eq!(status, 403);
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
async fn a_username_that_looks_like_an_id_names_only_itself() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let victim = cli_user(&app, "vic", "user");
    let lookalike = victim.replace('-', "");
    cli_user(&app, &lookalike, "user");
    let key = make_key(&app, &ada, json!({"label": "k", "password": PASSWORD})).await;
    let (status, user) = with_key(
        &app,
        &key,
        Method::GET,
        &format!("/api/v1/users/{lookalike}"),
        None,
    )
    .await;
    assert_eq!(
        (status, user["username"].as_str()),
        (200, Some(lookalike.as_str()))
    );
    let (_, user) = with_key(
        &app,
        &key,
        Method::GET,
        &format!("/api/v1/users/{victim}"),
        None,
    )
    .await;
    assert_eq!(user["username"], "vic");
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
