//! The doors: each router answers for its own paths with its own middleware, every error has
//! one shape, and a change made through one process reaches every other within a second.

mod common;

use common::*;
use std::time::{Duration, Instant};

#[tokio::test]
async fn every_server_function_is_under_its_prefix_and_refuses_cross_origin_writes() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    let paths: Vec<(&str, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path, method.to_string()))
        .collect();
    assert!(
        paths.len() > 40,
        "only {} server functions found",
        paths.len()
    );
    let mut writes = vec![gatehouse_avatar_upload()];
    for (path, method) in &paths {
        assert!(path.starts_with("/_fn/"), "{path} is outside /_fn");
        assert_eq!(method, "POST", "{path} answers {method}");
        writes.push(path.to_string());
    }
    for path in writes {
        let res = c
            .post(app.url(&path))
            .header("origin", "https://evil.example")
            .form(&[("id", "x")])
            .send()
            .await
            .unwrap();
        let (status, body) = error_of(res).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert_eq!(body["error"]["code"], "cross_origin", "{path}");
    }
}

fn gatehouse_avatar_upload() -> String {
    "/_fn/profile/avatar".to_string()
}

#[tokio::test]
async fn a_server_function_and_the_avatar_route_refuse_alike() {
    let app = TestApp::spawn().await;
    owner(&app).await;
    let stranger = client();
    let (fn_status, fn_body) = call(&app, &stranger, "profile", &[]).await;
    let part = reqwest::multipart::Part::bytes(tiny_png()).file_name("a.png");
    let form = reqwest::multipart::Form::new().part("avatar", part);
    let res = post_avatar(&app, &stranger, form).await;
    let (avatar_status, avatar_body) = error_of(res).await;
    assert_eq!((fn_status, avatar_status), (401, 401));
    assert_eq!(fn_body, avatar_body);
    assert_eq!(
        fn_body,
        serde_json::json!({"error": {"code": "unauthenticated", "message": "sign in first"}})
    );
}

#[tokio::test]
async fn rest_and_oidc_paths_answer_json_not_pages() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    for path in [
        "/api/v1",
        "/api/v1/nothing-here",
        "/api/login",
        "/openid/auth",
        "/.well-known/openid-configuration",
    ] {
        let res = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.headers()["content-type"], "application/json", "{path}");
        let (status, body) = error_of(res).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    // A page still renders, and built files need no session.
    let page = client().get(app.url("/login")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let icon = client().get(app.url("/favicon.svg")).send().await.unwrap();
    assert!(icon.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn a_viewer_sending_bad_input_is_refused_before_it_is_validated() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    let id = cli_user(&app, "vic", "viewer");
    let vic = signed_in(&app, "vic").await;
    let (status, body) = call(&app, &vic, "user_role", &[("id", &id), ("role", "emperor")]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (status, body) = call(&app, &c, "user_role", &[("id", &id), ("role", "emperor")]).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("role"))
    );
}

#[tokio::test]
async fn mandatory_2fa_set_through_one_process_holds_sign_ins_at_another_within_a_second() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    cli_user(&app, "bob", "user");
    let twin = common::twin::start(&app);
    // The twin reads (and caches) the settings while 2FA is still optional.
    let bob = client();
    let res = bob
        .post(twin.url("/_fn/login"))
        .form(&[("login", "bob"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let me = bob.post(twin.url("/_fn/me")).send().await.unwrap();
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["must_set_up_mfa"], false);

    common::mfa::enable_2fa(&app, &c).await;
    set_settings(&app, &c, &[("mfa_required", "on")]).await;
    let changed = Instant::now();

    // Turning it on ended bob's session; his next sign-in at the twin must be held.
    loop {
        let bob = client();
        bob.post(twin.url("/_fn/login"))
            .form(&[("login", "bob"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        let me: serde_json::Value = bob
            .post(twin.url("/_fn/me"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if me["must_set_up_mfa"] == true {
            let (status, body) =
                error_of(bob.post(twin.url("/_fn/users")).send().await.unwrap()).await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (403, Some("mfa_setup_required"))
            );
            break;
        }
        assert!(
            changed.elapsed() < Duration::from_secs(1),
            "the twin still lets bob in without 2FA a second after the change"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_unknown_server_function_answers_the_common_404() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    let (status, body) = call(&app, &c, "no_such_function", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

#[tokio::test]
async fn only_those_who_set_roles_touch_an_administrators_group() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    let (status, id) = call(
        &app,
        &c,
        "group_create",
        &[
            ("name", "ops"),
            ("description", ""),
            ("gid_number", ""),
            ("is_admin", "on"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_str().unwrap().to_string();
    cli_user(&app, "uma", "user_manager");
    let uma = signed_in(&app, "uma").await;
    let rename = [
        ("id", id.as_str()),
        ("name", "ops2"),
        ("description", ""),
        ("is_admin", "on"),
    ];
    let (status, body) = call(&app, &uma, "group_update", &rename).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (_, detail) = call(&app, &uma, "group", &[("id", &id)]).await;
    assert_eq!(detail["group"]["name"], "ops");
    assert_eq!(detail["can"]["write"], false);
    let (status, _) = call(&app, &c, "group_update", &rename).await;
    assert_eq!(status, 200);
}
