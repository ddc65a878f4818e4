//! Regression tests for guessing and lingering access: second-factor codes, current-password
//! checks from a signed-in session, other sessions after a self-remedy, and what a failed
//! sign-in leaves in the audit log.

mod common;

use common::mfa::{enable_2fa, next_code, wrong_code};
use common::smtp::SmtpSink;
use common::{PASSWORD, TestApp, call, cli_user, client, owner, set_settings, signed_in};
use serde_json::Value;

async fn me(app: &TestApp, c: &reqwest::Client) -> Value {
    let (status, body) = call(app, c, "me", &[]).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn events(app: &TestApp, admin: &reqwest::Client, action: &str) -> Vec<Value> {
    let (status, page) = call(app, admin, "activity", &[]).await;
    assert_eq!(status, 200, "{page}");
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .cloned()
        .collect()
}

/// A client half signed in as `login`: password accepted, code owed.
async fn half_signed_in(app: &TestApp, login: &str) -> reqwest::Client {
    let c = client();
    let res = app.login(&c, login, PASSWORD).await;
    assert_eq!(res.status(), 200);
    c
}

#[tokio::test]
async fn ten_wrong_codes_in_a_row_void_the_half_done_sign_in() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "bob", "user");
    let bob = signed_in(&app, "bob").await;
    let (key, _) = enable_2fa(&app, &bob).await;
    let attacker = half_signed_in(&app, "bob").await;
    let other = half_signed_in(&app, "bob").await;
    let wrong = wrong_code(&app, &key);
    for attempt in 1..=9 {
        let (status, body) = call(&app, &attacker, "login_code", &[("code", &wrong)]).await;
        assert_eq!(
            (status, body["error"]["field"].as_str()),
            (422, Some("code")),
            "{attempt}: {body}"
        );
    }
    let (status, body) = call(&app, &attacker, "login_code", &[("code", &wrong)]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("sign_in_expired")),
        "{body}"
    );
    // The right code no longer completes this sign-in, nor any other begun before the void.
    for c in [&attacker, &other] {
        let (status, body) = call(&app, c, "login_code", &[("code", &next_code(&app, &key))]).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (401, Some("sign_in_expired")),
            "{body}"
        );
        assert_eq!(me(&app, c).await, Value::Null);
    }
    let voided = events(&app, &ada, "auth.2fa.failed").await;
    assert_eq!(voided.len(), 10);
    assert!(
        voided[0]["details"]
            .as_str()
            .unwrap()
            .contains("sign in voided: true"),
        "{}",
        voided[0]
    );
    // The password step again (the code bucket refills one code per six seconds), then a code.
    app.advance(time::Duration::seconds(7));
    let fresh = half_signed_in(&app, "bob").await;
    let (status, body) = call(
        &app,
        &fresh,
        "login_code",
        &[("code", &next_code(&app, &key))],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(me(&app, &fresh).await["username"], "bob");
}

#[tokio::test]
async fn too_many_wrong_codes_a_day_lock_second_factor_sign_in_and_mail_everyone() {
    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(&[("GATEHOUSE_SMTP_URL", &sink.url())]).await;
    let ada = owner(&app).await;
    set_settings(&app, &ada, &[("mfa_failures_per_day", "3")]).await;
    cli_user(&app, "bob", "user");
    let bob = signed_in(&app, "bob").await;
    let (key, codes) = enable_2fa(&app, &bob).await;
    let attacker = half_signed_in(&app, "bob").await;
    let wrong = wrong_code(&app, &key);
    for _ in 0..2 {
        let (status, _) = call(&app, &attacker, "login_code", &[("code", &wrong)]).await;
        assert_eq!(status, 422);
    }
    let res = app.call(&attacker, "login_code", &[("code", &wrong)]).await;
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3500..=3600).contains(&wait), "{wait}");
    // While locked, right codes (TOTP or backup) are refused too, from any sign-in.
    let owner_of_account = half_signed_in(&app, "bob").await;
    for code in [next_code(&app, &key), codes[0].clone()] {
        let (status, body) = call(&app, &owner_of_account, "login_code", &[("code", &code)]).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (429, Some("rate_limited")),
            "{body}"
        );
    }
    assert_eq!(me(&app, &owner_of_account).await, Value::Null);
    let (_, status) = call(&app, &bob, "mfa_status", &[]).await;
    assert_eq!(
        status["backup_codes_left"], 10,
        "the backup code was not spent"
    );
    let locked = events(&app, &ada, "auth.2fa.locked").await;
    assert_eq!(locked.len(), 1, "one lock, one row");
    assert!(
        locked[0]["details"]
            .as_str()
            .unwrap()
            .contains("wrong codes today: 3"),
        "{}",
        locked[0]
    );
    let locked = events(&app, &ada, "auth.2fa.failed").await;
    assert!(
        locked[0]["details"]
            .as_str()
            .unwrap()
            .contains("locked minutes: 60"),
        "{}",
        locked[0]
    );
    let to_bob = sink.wait_for("bob@example.org").await;
    assert!(
        to_bob.subject().contains("Two-factor sign-in locked"),
        "{}",
        to_bob.subject()
    );
    let to_ada = sink.wait_for("ada@example.org").await;
    assert!(
        to_ada.text().contains("the account bob"),
        "{}",
        to_ada.text()
    );
}

#[tokio::test]
async fn current_password_guessing_from_a_session_is_rate_limited() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "bob", "user");
    let bob = signed_in(&app, "bob").await;
    let guess = |n: usize| format!("Wrong-Guess-Number-{n}");
    let mut statuses = Vec::new();
    for n in 0..11 {
        let change = [
            ("current_password", guess(n)),
            ("new_password", "Quiet-Harbour-Lantern-42".to_string()),
            (
                "new_password_confirm",
                "Quiet-Harbour-Lantern-42".to_string(),
            ),
        ];
        let form: Vec<(&str, &str)> = change.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _) = call(&app, &bob, "password_change", &form).await;
        statuses.push(status);
    }
    // The sign-in took one try of the account's ten; the tenth guess is refused.
    assert_eq!(statuses[..9], [422; 9], "{statuses:?}");
    assert_eq!(statuses[9..], [429, 429], "{statuses:?}");
    let res = app
        .call(&bob, "mfa_disable", &[("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 429, "turning 2FA off asks the same limiter");
    assert!(res.headers().contains_key("retry-after"));
    assert!(
        events(&app, &ada, "profile.password.change")
            .await
            .is_empty()
    );
    // Other accounts sign in as usual meanwhile.
    assert_eq!(app.login(&client(), "ada", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn changing_the_password_or_second_factor_signs_out_every_other_session() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "bob", "user");
    let bob = signed_in(&app, "bob").await;
    let thief = signed_in(&app, "bob").await;
    let new_password = "Quiet-Harbour-Lantern-42";
    let change = [
        ("current_password", PASSWORD),
        ("new_password", new_password),
        ("new_password_confirm", new_password),
    ];
    let (status, body) = call(&app, &bob, "password_change", &change).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        me(&app, &thief).await,
        Value::Null,
        "the other session lives on"
    );
    assert_eq!(
        me(&app, &bob).await["username"],
        "bob",
        "the changing session ended"
    );
    let changed = events(&app, &ada, "profile.password.change").await;
    assert!(
        changed[0]["details"]
            .as_str()
            .unwrap()
            .contains("sessions ended: 1"),
        "{}",
        changed[0]
    );

    // Turning 2FA on ends sessions opened with the password alone.
    let thief = client();
    assert_eq!(app.login(&thief, "bob", new_password).await.status(), 200);
    let (key, _) = enable_2fa(&app, &bob).await;
    assert_eq!(me(&app, &thief).await, Value::Null);
    assert_eq!(me(&app, &bob).await["username"], "bob");

    // New backup codes end every other session too.
    let other = client();
    app.login(&other, "bob", new_password).await;
    let (status, body) = call(
        &app,
        &other,
        "login_code",
        &[("code", &next_code(&app, &key))],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(&app, &bob, "mfa_backup_codes", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(me(&app, &other).await, Value::Null);
    assert_eq!(me(&app, &bob).await["username"], "bob");
    let regenerated = events(&app, &ada, "mfa.backup_codes.regenerate").await;
    assert!(
        regenerated[0]["details"]
            .as_str()
            .unwrap()
            .contains("sessions ended: 1")
    );
}

#[tokio::test]
async fn failed_sign_in_audit_keeps_no_typed_login() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let typed = "Horse-Staple-Secret-typed-as-a-name";
    for _ in 0..2 {
        let res = app.login(&client(), typed, "whatever").await;
        assert_eq!(res.status(), 401);
    }
    let (status, body) = call(&app, &client(), "password_forgot", &[("login", typed)]).await;
    assert_eq!(status, 200, "{body}");
    let (_, page) = call(&app, &ada, "activity", &[]).await;
    let text = page.to_string().to_lowercase();
    assert!(
        !text.contains(&typed.to_lowercase()),
        "the typed login is in the audit log: {page}"
    );
    let failed = events(&app, &ada, "auth.login.failed").await;
    assert_eq!(failed.len(), 2);
    let digest = failed[0]["details"].as_str().unwrap();
    assert!(digest.starts_with("login digest: "), "{digest}");
    assert_eq!(
        failed[1]["details"], failed[0]["details"],
        "the same name gives the same digest"
    );
    let unknown = events(&app, &ada, "password.reset.unknown").await;
    assert_eq!(unknown[0]["details"].as_str().unwrap(), digest);
}
