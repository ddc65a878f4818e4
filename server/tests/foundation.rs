//! Foundation behaviour over HTTP and the command line: first-run setup, sign-in, sessions,
//! health checks, configuration errors. Runs on SQLite, or PostgreSQL with
//! `GATEHOUSE_TEST_BACKEND=postgres`.

mod common;

use common::{PASSWORD, TestApp, client, error_of, html_headers};

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.cookies()
        .find(|c| c.name() == "gatehouse_session")
        .map(|c| c.value().to_string())
}

#[tokio::test]
async fn first_run_sends_every_page_to_setup_and_setup_then_answers_404() {
    let app = TestApp::spawn().await;
    let browser = client();
    for path in ["/", "/users", "/login", "/nowhere"] {
        let res = browser
            .get(app.url(path))
            .headers(html_headers())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(location(&res), "/setup", "{path}");
    }
    let res = browser.get(app.url("/setup")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("Create owner account"), "{page}");

    // Before setup, other server functions refuse with the JSON error body.
    let (status, body) = error_of(app.login(&browser, "ada", PASSWORD).await).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "setup_required");

    app.setup_owner(&browser).await;
    let res = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200, "the new owner is signed in");
    assert!(res.text().await.unwrap().contains("ada"));

    let res = browser.get(app.url("/setup")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let res = client().get(app.url("/setup")).send().await.unwrap();
    assert_eq!(res.status(), 404, "also for a stranger");

    // A second setup is refused and creates no second owner.
    let stranger = client();
    let res = app
        .call(
            &stranger,
            "setup",
            &[
                ("username", "mallory"),
                ("email", "mallory@example.org"),
                ("full_name", "Mallory"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    let (status, body) = error_of(res).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "setup_complete");
    let (status, body) = error_of(app.login(&stranger, "mallory", PASSWORD).await).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("invalid_credentials"))
    );
}

#[tokio::test]
async fn setup_refuses_bad_input_with_field_errors_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let browser = client();
    let cases = [
        (
            "admin",
            "ada@example.org",
            PASSWORD,
            PASSWORD,
            "username",
            "reserved",
        ),
        (
            "a",
            "ada@example.org",
            PASSWORD,
            PASSWORD,
            "username",
            "2 to 32",
        ),
        (
            "ada_l",
            "ada@example.org",
            PASSWORD,
            PASSWORD,
            "username",
            "letters, digits",
        ),
        (
            "ada",
            "not-an-email",
            PASSWORD,
            PASSWORD,
            "email",
            "email address",
        ),
        (
            "ada",
            "ada@example.org",
            "short",
            "short",
            "password",
            "at least 10",
        ),
        (
            "ada",
            "ada@example.org",
            PASSWORD,
            "something-else-1",
            "password_confirm",
            "do not match",
        ),
    ];
    for (username, email, password, confirm, field, message) in cases {
        let res = app
            .call(
                &browser,
                "setup",
                &[
                    ("username", username),
                    ("email", email),
                    ("full_name", "Ada Lovelace"),
                    ("password", password),
                    ("password_confirm", confirm),
                ],
            )
            .await;
        let (status, body) = error_of(res).await;
        assert_eq!(status, 422, "{username}/{email}: {body}");
        assert_eq!(body["error"]["field"], field, "{body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(message),
            "{body}"
        );
    }
    // Nothing was written: setup is still open.
    let res = browser.get(app.url("/setup")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn sign_in_works_by_username_or_email_and_cycles_the_session_id() {
    let app = TestApp::spawn().await;
    app.setup_owner(&client()).await;

    let browser = client();
    let first = app.login(&browser, "ADA", PASSWORD).await;
    assert_eq!(first.status(), 200, "username is case-insensitive");
    assert!(first.headers().get("serverfnredirect").is_some());
    let first_id = session_cookie(&first).expect("a session cookie");
    let cookie = first
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        cookie.contains("httponly") && cookie.contains("samesite=lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("secure"),
        "http base URL: no Secure flag: {cookie}"
    );

    // Signing in again from the same browser gets a new session id; the old one is dead.
    let second = app.login(&browser, "ada@example.org", PASSWORD).await;
    assert_eq!(second.status(), 200);
    let second_id = session_cookie(&second).expect("a new session cookie");
    assert_ne!(first_id, second_id);
    let old = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = old
        .get(app.url("/users"))
        .header("cookie", format!("gatehouse_session={first_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        303,
        "the pre-login session id no longer signs anyone in"
    );
    let res = browser.get(app.url("/users")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.setup_owner(&client()).await;
    let browser = client();
    let wrong = error_of(app.login(&browser, "ada", "Wrong-Password-123").await).await;
    let unknown = error_of(app.login(&browser, "nobody", "Wrong-Password-123").await).await;
    let unknown_email = error_of(app.login(&browser, "nobody@example.org", PASSWORD).await).await;
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, unknown_email);
    assert_eq!(
        wrong.1["error"]["message"],
        "Incorrect username or password."
    );
    let res = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 303, "no session after failed sign-ins");
}

#[tokio::test]
async fn pages_need_a_session_and_remember_where_you_were_going() {
    let app = TestApp::spawn().await;
    app.setup_owner(&client()).await;
    let browser = client();
    let res = browser.get(app.url("/users?q=ada")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login?next=/users%3Fq%3Dada");
    let res = browser.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .call(
            &browser,
            "login",
            &[("login", "ada"), ("password", PASSWORD), ("next", "/users")],
        )
        .await;
    assert_eq!(location(&res), "/users");
    let res = app
        .call(
            &browser,
            "login",
            &[
                ("login", "ada"),
                ("password", PASSWORD),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/", "no open redirect");
    let res = browser.get(app.url("/login")).send().await.unwrap();
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/".to_string()),
        "signed in: no sign-in page"
    );
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let mut app = TestApp::spawn().await;
    let browser = client();
    app.setup_owner(&browser).await;
    let before = browser.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(before.status(), 200);
    let cookie = format!("gatehouse_session={}", {
        let res = app.login(&browser, "ada", PASSWORD).await;
        session_cookie(&res).unwrap()
    });

    app.restart();

    // The port changed, so send the cookie by hand.
    let fresh = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = fresh
        .get(app.url("/profile"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "still signed in after the restart");
    assert!(res.text().await.unwrap().contains("ada@example.org"));
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let browser = client();
    app.setup_owner(&browser).await;
    let res = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app.call(&browser, "logout", &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(location(&res), "/login");
    let res = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn sessions_end_after_a_week_without_use_by_the_servers_clock() {
    let app = TestApp::spawn().await;
    app.setup_owner(&client()).await;
    // Far from the wall clock, so a session dated by the wall clock would already be over.
    app.advance(time::Duration::days(30));
    let browser = client();
    assert_eq!(app.login(&browser, "ada", PASSWORD).await.status(), 200);
    app.advance(time::Duration::days(6));
    let res = browser.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(res.status(), 200, "six days after sign-in");
    // That use moved the idle expiry: twelve days after sign-in, six after the last use.
    app.advance(time::Duration::days(6));
    let res = browser.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(res.status(), 200, "six days after the last use");
    app.advance(time::Duration::days(7) + time::Duration::minutes(1));
    let res = browser.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(res.status(), 303, "a week without use");
    assert_eq!(location(&res), "/login?next=/profile");
}

#[tokio::test]
async fn the_activity_log_records_sign_ins_and_failures() {
    let app = TestApp::spawn().await;
    let browser = client();
    app.setup_owner(&browser).await;
    let _ = app.login(&client(), "ada", "Wrong-Password-123").await;
    let res = app.call(&browser, "activity", &[]).await;
    assert_eq!(res.status(), 200);
    let page: serde_json::Value = res.json().await.unwrap();
    let actions: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["auth.login.failed", "setup.owner.create"],
        "newest first"
    );
    let body = page.to_string();
    assert!(
        !body.contains(PASSWORD) && !body.contains("Wrong-Password-123"),
        "no secret in the audit log"
    );
}

#[tokio::test]
async fn the_command_line_creates_users_who_can_sign_in() {
    let app = TestApp::spawn().await;
    app.setup_owner(&client()).await;

    let (code, stdout, stderr) = app.cli(
        &[
            "user",
            "create",
            "--username",
            "grace",
            "--email",
            "grace@example.org",
            "--full-name",
            "Grace Hopper",
            "--password-stdin",
        ],
        Some("Cobol-Compiler-1959\n"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.trim().parse::<uuid::Uuid>().is_ok(),
        "prints the id: {stdout}"
    );
    assert_eq!(
        app.login(&client(), "grace", "Cobol-Compiler-1959")
            .await
            .status(),
        200
    );

    let (code, _, stderr) = app.cli(
        &["user", "set-password", "grace", "--password-stdin"],
        Some("Mainframe-Nanosecond-2024\n"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        app.login(&client(), "grace", "Mainframe-Nanosecond-2024")
            .await
            .status(),
        200
    );
    assert_eq!(
        app.login(&client(), "grace", "Cobol-Compiler-1959")
            .await
            .status(),
        401
    );

    // Bad input: exit 2 with one line on stderr, nothing written.
    for args in [
        vec![
            "user",
            "create",
            "--username",
            "grace",
            "--email",
            "other@example.org",
        ],
        vec![
            "user",
            "create",
            "--username",
            "root",
            "--email",
            "root@example.org",
        ],
        vec![
            "user",
            "create",
            "--username",
            "linus",
            "--email",
            "linus@example.org",
            "--role",
            "superuser",
        ],
        vec!["user", "set-password", "nobody", "--password-stdin"],
    ] {
        let (code, _, stderr) = app.cli(&args, Some("Some-Password-123\n"));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        let lines: Vec<_> = stderr
            .lines()
            .filter(|l| l.starts_with("gatehouse:"))
            .collect();
        assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
    }
    let (code, stdout, _) = app.cli(&["migrate"], None);
    assert_eq!((code, stdout.trim()), (0, "migrations applied"));
}

#[tokio::test]
async fn bad_configuration_stops_with_one_line_naming_the_variable() {
    let app = TestApp::spawn().await;
    for (name, value) in [
        ("GATEHOUSE_HTTP_ADDR", "not-an-address"),
        ("GATEHOUSE_DATABASE_URL", "mysql://root@localhost/x"),
        ("GATEHOUSE_SECRET_KEY", "dG9vIHNob3J0"),
        ("GATEHOUSE_BASE_URL", "ftp://example.org"),
    ] {
        let out = app
            .command()
            .env(name, value)
            .arg("serve")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!("gatehouse: {name}:")),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn pages_are_gzipped_for_browsers_that_ask() {
    let app = TestApp::spawn().await;
    let browser = client();
    let res = browser
        .get(app.url("/setup"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let plain = browser.get(app.url("/setup")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain.text().await.unwrap().contains("Create owner account"));
}

#[tokio::test]
async fn health_checks_and_security_headers() {
    let app = TestApp::spawn().await;
    let browser = client();
    let res = browser.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = browser.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let backend = std::env::var("GATEHOUSE_TEST_BACKEND").unwrap_or_else(|_| "sqlite".into());
    assert_eq!(
        body["database"],
        backend.as_str(),
        "the suite runs on the backend it was asked for"
    );

    let res = browser.get(app.url("/setup")).send().await.unwrap();
    let headers = res.headers();
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers.contains_key("x-request-id"));
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_string();
    assert!(
        res.text()
            .await
            .unwrap()
            .contains(&format!("nonce=\"{nonce}\"")),
        "scripts carry the nonce"
    );
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = TestApp::spawn().await;
    let res = client()
        .post(app.url("/_fn/setup"))
        .header("origin", "https://evil.example")
        .form(&[("username", "eve")])
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(res).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "cross_origin");
}
