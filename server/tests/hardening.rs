//! Attacks from the security review, each replayed against the real server: forged client
//! addresses, DNS rebinding before setup, oversized bodies, readable database files and
//! inline styles. SQLite, and PostgreSQL when the harness is told to.

mod common;

use common::*;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Signs in as `ada` with a wrong password through a proxy that sent `headers`; returns the
/// address the audit log wrote for that attempt.
async fn failed_login_ip(app: &TestApp, ada: &reqwest::Client, headers: &[(&str, &str)]) -> String {
    let mut req = client()
        .post(app.url("/_fn/login"))
        .header("origin", &app.base_url)
        .form(&[("login", "ada"), ("password", "Wrong-Password-123")]);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    assert_eq!(req.send().await.unwrap().status(), 401);
    let (status, page) = call(app, ada, "activity", &[]).await;
    assert_eq!(status, 200, "{page}");
    let newest = &page["events"][0];
    assert_eq!(newest["action"], "auth.login.failed", "{page}");
    newest["ip"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn forwarded_for_from_a_trusted_proxy_names_the_client() {
    let app = TestApp::spawn_with(&[("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let ada = owner(&app).await;
    let xff = |value| [("x-forwarded-for", value)];
    assert_eq!(
        failed_login_ip(&app, &ada, &xff("198.51.100.7")).await,
        "198.51.100.7"
    );
    assert_eq!(
        failed_login_ip(&app, &ada, &[]).await,
        "127.0.0.1",
        "no header: the peer"
    );
    // A proxy that appends X-Forwarded-For passes a client's own `Forwarded` through: it
    // must not let the client choose its address.
    let forwarded = [("forwarded", r#"for="[2001:db8::1]:4711";proto=https"#)];
    assert_eq!(failed_login_ip(&app, &ada, &forwarded).await, "127.0.0.1");
}

#[tokio::test]
async fn forwarded_header_is_read_only_when_the_proxy_is_said_to_write_it() {
    let app = TestApp::spawn_with(&[
        ("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1/32"),
        ("GATEHOUSE_PROXY_HEADER", "forwarded"),
    ])
    .await;
    let ada = owner(&app).await;
    let both = [
        ("forwarded", r#"for="[2001:db8::1]:4711";proto=https"#),
        ("x-forwarded-for", "198.51.100.7"),
    ];
    assert_eq!(failed_login_ip(&app, &ada, &both).await, "2001:db8::1");
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let headers = [
        ("x-forwarded-for", "198.51.100.7"),
        ("forwarded", "for=198.51.100.7"),
    ];
    assert_eq!(failed_login_ip(&app, &ada, &headers).await, "127.0.0.1");
}

#[tokio::test]
async fn a_spoofed_left_most_forwarded_for_entry_is_not_believed() {
    let app = TestApp::spawn_with(&[("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let ada = owner(&app).await;
    let spoofed = [("x-forwarded-for", "1.2.3.4, 198.51.100.7")];
    assert_eq!(failed_login_ip(&app, &ada, &spoofed).await, "198.51.100.7");
    // A second header line is the same list continued, not a fresh start.
    let two_lines = [
        ("x-forwarded-for", "1.2.3.4"),
        ("x-forwarded-for", "198.51.100.8"),
    ];
    assert_eq!(
        failed_login_ip(&app, &ada, &two_lines).await,
        "198.51.100.8"
    );
    let garbage = [("x-forwarded-for", "1.2.3.4, not-an-address")];
    assert_eq!(failed_login_ip(&app, &ada, &garbage).await, "127.0.0.1");
}

/// Needs the per-/64 rate-limit keys in `directory::rate_limit`. The guesses go out at once,
/// so the one-per-second refill cannot hide the eleventh.
#[tokio::test]
async fn rotating_ipv6_addresses_within_one_slash_64_share_a_rate_limit() {
    let app = TestApp::spawn_with(&[("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    owner(&app).await;
    let guess = |address: String, login: String| {
        let app = &app;
        async move {
            let res = client()
                .post(app.url("/_fn/login"))
                .header("origin", &app.base_url)
                .header("x-forwarded-for", address)
                .form(&[
                    ("login", login.as_str()),
                    ("password", "Wrong-Password-123"),
                ])
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // A different account each time, so only the address bucket can fill.
    let guesses = (1..=11).map(|i| guess(format!("2001:db8:1:2::{i:x}"), format!("nobody{i}")));
    let answers = futures_util::future::join_all(guesses).await;
    let refused: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == 429)
        .collect();
    assert!(
        !refused.is_empty(),
        "eleven guesses from one /64 all passed: {answers:?}"
    );
    assert!(
        refused
            .iter()
            .all(|(_, body)| body["error"]["code"] == "rate_limited"),
        "{refused:?}"
    );
    assert!(
        answers
            .iter()
            .all(|(status, _)| [401, 429].contains(status)),
        "{answers:?}"
    );
    let (status, _) = guess("2001:db8:9:9::1".into(), "nobody-else".into()).await;
    assert_eq!(status, 401, "another /64 has its own bucket");
}

#[tokio::test]
async fn setup_under_a_rebound_dns_name_is_misdirected() {
    let app = TestApp::spawn().await;
    let port = app.base_url.rsplit(':').next().unwrap().to_string();
    let evil_host = format!("evil.example:{port}");
    let evil_origin = format!("http://{evil_host}");
    // What a rebinding page's fetch sends: its own name as Host, and a matching Origin.
    let res = client()
        .post(app.url("/_fn/setup"))
        .header("host", &evil_host)
        .header("origin", &evil_origin)
        .form(&[
            ("username", "eve"),
            ("email", "eve@example.org"),
            ("full_name", "Eve"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(res).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (421, Some("misdirected_host"))
    );
    let res = client()
        .post(app.url("/_fn/setup_state"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 421);
    let res = client()
        .get(app.url("/setup"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 421);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("GATEHOUSE_BASE_URL") && page.contains("localhost"),
        "{page}"
    );

    let (status, needed) = call(&app, &client(), "setup_state", &[]).await;
    assert_eq!(
        (status, needed),
        (200, Value::Bool(true)),
        "no owner was made"
    );
    let res = client()
        .get(app.url("/setup"))
        .header("host", format!("localhost:{port}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "localhost is always allowed");
    let ada = owner(&app).await;
    let (status, me) = call(&app, &ada, "me", &[]).await;
    assert_eq!((status, me["username"].as_str()), (200, Some("ada")));
    // Once the owner exists, the page answers under any name (and says setup is over).
    let res = client()
        .get(app.url("/login"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// A form body of `total` bytes, sent in 1 MiB chunks as it is generated.
fn generated_body(total: usize) -> reqwest::Body {
    const CHUNK: usize = 1 << 20;
    let chunk = bytes::Bytes::from(vec![b'a'; CHUNK]);
    let chunks = (0..total / CHUNK).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}

/// Posts 200 MB to the login function, with or without declaring its length; expects a
/// quick 413 with the JSON error body.
async fn post_huge_login(app: &TestApp, declare_length: bool) {
    const TOTAL: usize = 200 << 20;
    let mut req = client()
        .post(app.url("/_fn/login"))
        .header("origin", &app.base_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(generated_body(TOTAL));
    if declare_length {
        req = req.header("content-length", TOTAL.to_string());
    }
    let started = Instant::now();
    let res = tokio::time::timeout(Duration::from_secs(10), req.send())
        .await
        .expect("a 200 MB body was not refused within 10 s")
        .expect("the server answered");
    assert!(started.elapsed() < Duration::from_secs(10));
    let (status, body) = error_of(res).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large")),
        "declared length: {declare_length}: {body}"
    );
}

#[tokio::test]
async fn a_200_mb_post_is_refused_quickly_and_the_server_stays_up() {
    let app = TestApp::spawn().await;
    owner(&app).await;
    post_huge_login(&app, false).await;
    post_huge_login(&app, true).await;
    let res = app.login(&client(), "ada", PASSWORD).await;
    assert_eq!(res.status(), 200, "the server still signs people in");
}

#[tokio::test]
async fn a_form_over_64_kib_to_a_server_function_is_refused() {
    let app = TestApp::spawn().await;
    owner(&app).await;
    let password = "x".repeat(70 * 1024);
    let res = app.login(&client(), "ada", &password).await;
    let (status, body) = error_of(res).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
}

#[tokio::test]
async fn the_avatar_route_keeps_its_larger_limit_and_no_more() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    // 100 KiB of another form field ahead of the picture: over the general limit, well
    // under the avatar route's.
    let padding = reqwest::multipart::Part::text("p".repeat(100 * 1024));
    let picture = reqwest::multipart::Part::bytes(tiny_png()).file_name("me.png");
    let form = reqwest::multipart::Form::new()
        .part("padding", padding)
        .part("avatar", picture);
    assert_eq!(upload(&app, &ada, form).await.0, 204);
    let picture = reqwest::multipart::Part::bytes(vec![0u8; 2 << 20]).file_name("big.png");
    let (status, body) = upload(
        &app,
        &ada,
        reqwest::multipart::Form::new().part("avatar", picture),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    form: reqwest::multipart::Form,
) -> (u16, Value) {
    error_of(common::post_avatar(app, c, form).await).await
}

#[cfg(unix)]
#[tokio::test]
async fn database_files_and_the_data_dir_are_private_to_the_owner() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    owner(&app).await;
    assert_eq!(app.login(&client(), "ada", PASSWORD).await.status(), 200);
    let mode = |path: &std::path::Path| {
        let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        meta.permissions().mode() & 0o777
    };
    assert_eq!(
        mode(&app.data_dir) & 0o077,
        0,
        "data dir {:o}",
        mode(&app.data_dir)
    );
    let Some(rest) = app.database_url.strip_prefix("sqlite://") else {
        println!("PostgreSQL: no database file to check");
        return;
    };
    let db = rest.split('?').next().unwrap().to_string();
    for suffix in ["", "-wal", "-shm"] {
        let path = std::path::PathBuf::from(format!("{db}{suffix}"));
        assert_eq!(
            mode(&path) & 0o077,
            0,
            "{} is {:o}",
            path.display(),
            mode(&path)
        );
    }
}

/// The policy of a page's response, after checking that its HTML needs no inline style.
async fn page_policy(app: &TestApp, c: &reqwest::Client, path: &str) -> (String, String) {
    let res = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = res.text().await.unwrap();
    assert!(
        !html.contains(" style=") && !html.contains("<style"),
        "{path}: {html}"
    );
    (csp, html)
}

#[tokio::test]
async fn styles_need_no_unsafe_inline_in_the_csp() {
    let app = TestApp::spawn().await;
    let (csp, _) = page_policy(&app, &client(), "/setup").await;
    assert!(csp.contains("style-src 'self';"), "{csp}");
    let ada = owner(&app).await;
    let (csp, _) = page_policy(&app, &client(), "/login").await;
    assert!(!csp.contains("'unsafe-inline'"), "{csp}");
    assert!(csp.contains("style-src 'self';"), "{csp}");
    let (csp, html) = page_policy(&app, &ada, "/two-factor").await;
    assert!(
        html.contains("<svg") && html.contains("fill=\"#000\""),
        "the QR code is drawn"
    );
    assert!(!csp.contains("'unsafe-inline'"), "{csp}");
}
