//! What every caller sees of the API itself: the error shape, cursor paging, users by
//! id or name, and the OpenAPI document against the router.

use super::*;
use sea_orm::{Database, EntityTrait};
use serde_json::json;

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

/// Adds `n` active users named `bulk0000`… straight to the database.
async fn insert_users(app: &TestApp, n: usize) {
    let db = Database::connect(&app.database_url).await.unwrap();
    let rows: Vec<_> = (0..n)
        .map(|i| user_row(app, &format!("bulk{i:04}"), "active", 200_000 + i as i64))
        .collect();
    for chunk in rows.chunks(200) {
        directory::entities::users::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await
            .unwrap();
    }
    db.close().await.unwrap();
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
async fn a_held_person_reaches_only_the_step_that_frees_them() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let new = json!({"username": "nia", "email": "nia@example.org", "password": PASSWORD});
    let res = ada
        .post(app.url("/api/v1/users"))
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    // Created with a temporary password: signed in, but held until a new one is chosen.
    let nia = signed_in(&app, "nia").await;
    let (status, body) = error_of(nia.get(app.url("/api/v1/users")).send().await.unwrap()).await;
    assert_eq!((status, code(&body)), (403, "password_change_required"));
    let res = nia.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let change = json!({"current_password": PASSWORD, "new_password": "Fresh-Harbour-Lantern-58"});
    let res = nia
        .put(app.url("/api/v1/me/password"))
        .json(&change)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
}
