//! Regression tests for addresses that receive access: the recovery (fallback) address is
//! confirmed like the primary one, and registration tells nobody which addresses are known.

mod common;

use common::{PASSWORD, call, cli_user, client, set_settings, signed_in, users_total, with_mail};
use serde_json::Value;

const NEW_PASSWORD: &str = "Quiet-Harbour-Lantern-42";

/// Bob's profile form with these addresses, and his password as an address change asks.
fn details<'a>(email: &'a str, fallback: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("email", email),
        ("fallback_email", fallback),
        ("first_name", "Bob"),
        ("last_name", ""),
        ("display_name", "Bob"),
        ("address_password", PASSWORD),
    ]
}

#[tokio::test]
async fn fallback_email_change_needs_its_link_and_tells_the_old_addresses() {
    let (app, sink, _ada) = with_mail().await;
    cli_user(&app, "bob", "user");
    let bob = signed_in(&app, "bob").await;
    let (status, body) = call(
        &app,
        &bob,
        "profile_update",
        &details("bob@example.org", "taker@evil.example"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, profile) = call(&app, &bob, "profile", &[]).await;
    assert_eq!(
        profile["fallback_email"], "",
        "the new address counts before it is confirmed"
    );
    assert_eq!(profile["pending_fallback_email"], "taker@evil.example");
    let notice = sink.wait_for("bob@example.org").await;
    assert!(
        notice.text().contains("taker@evil.example"),
        "{}",
        notice.text()
    );

    // A reset requested now goes to the confirmed address only.
    let (status, _) = call(&app, &client(), "password_forgot", &[("login", "bob")]).await;
    assert_eq!(status, 200);
    sink.wait_for_nth("bob@example.org", 2).await;
    let to_taker = sink.wait_for("taker@evil.example").await;
    assert!(
        to_taker.subject().contains("Confirm"),
        "{}",
        to_taker.subject()
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        sink.to("taker@evil.example").len(),
        1,
        "a reset link went to an unconfirmed address"
    );

    let token = to_taker.token("/verify-email/");
    let (status, body) = call(&app, &client(), "email_confirm", &[("token", &token)]).await;
    assert_eq!(
        (status, body.as_str()),
        (200, Some("taker@evil.example")),
        "{body}"
    );
    let (_, profile) = call(&app, &bob, "profile", &[]).await;
    assert_eq!(profile["fallback_email"], "taker@evil.example");
    assert!(profile["pending_fallback_email"].is_null());
}

#[tokio::test]
async fn impersonated_session_cannot_change_email_addresses() {
    let (app, _sink, ada) = with_mail().await;
    let bob_id = cli_user(&app, "bob", "user");
    let (status, made) = call(&app, &ada, "user_impersonate", &[("id", &bob_id)]).await;
    assert_eq!(status, 200, "{made}");
    let as_bob = client();
    assert_eq!(
        app.login(&as_bob, "bob", made["password"].as_str().unwrap())
            .await
            .status(),
        200
    );
    for form in [
        details("bob@example.org", "ada-backup@example.org"),
        details("ada-owned@example.org", ""),
    ] {
        let (status, body) = call(&app, &as_bob, "profile_update", &form).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("forbidden")),
            "{body}"
        );
    }
    let (_, profile) = call(&app, &as_bob, "profile", &[]).await;
    assert_eq!(profile["email"], "bob@example.org");
    assert_eq!(profile["fallback_email"], "");
    assert!(profile["pending_email"].is_null() && profile["pending_fallback_email"].is_null());
    // Names are still fine to fix while impersonating.
    let (status, body) = call(
        &app,
        &as_bob,
        "profile_update",
        &details("bob@example.org", ""),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

fn signup<'a>(username: &'a str, email: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("username", username),
        ("first_name", "New"),
        ("last_name", "Person"),
        ("email", email),
        ("password", NEW_PASSWORD),
        ("password_confirm", NEW_PASSWORD),
    ]
}

/// The answer without the echo of what was typed.
fn shape(body: &Value) -> Value {
    let mut body = body.clone();
    body["username"] = Value::Null;
    body["email"] = Value::Null;
    body
}

#[tokio::test]
async fn registration_answers_the_same_for_a_taken_address() {
    let (app, sink, ada) = with_mail().await;
    cli_user(&app, "bob", "user");
    for mode in ["approval", "open"] {
        set_settings(&app, &ada, &[("registration", mode)]).await;
        let before = users_total(&app, &ada).await;
        let (status_free, free) = call(
            &app,
            &client(),
            "register",
            &signup(&format!("free-{mode}"), &format!("free-{mode}@example.org")),
        )
        .await;
        let after_free = users_total(&app, &ada).await;
        let (status_taken, taken) = call(
            &app,
            &client(),
            "register",
            &signup(&format!("probe-{mode}"), "bob@example.org"),
        )
        .await;
        assert_eq!(status_free, 200, "{free}");
        assert_eq!(
            (status_taken, shape(&taken)),
            (status_free, shape(&free)),
            "{mode}"
        );
        assert_eq!(
            users_total(&app, &ada).await,
            before,
            "{mode}: an account exists before its link is opened"
        );
        assert_eq!(after_free, before, "{mode}");
    }
    // Bob was told, twice, and nothing else reached his address.
    let told = sink.wait_for_nth("bob@example.org", 2).await;
    assert!(
        told.subject().contains("tried to register"),
        "{}",
        told.subject()
    );
    // A taken username may be said: usernames are public in the directory.
    let (status, body) = call(
        &app,
        &client(),
        "register",
        &signup("bob", "other@example.org"),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("conflict")),
        "{body}"
    );
}

#[tokio::test]
async fn registration_confirms_the_address_before_the_account_exists() {
    let (app, sink, ada) = with_mail().await;
    set_settings(&app, &ada, &[("registration", "open")]).await;
    let visitor = client();
    let (status, body) = call(
        &app,
        &visitor,
        "register",
        &signup("walkin", "walkin@example.org"),
    )
    .await;
    assert_eq!(
        (status, body["pending"].as_bool()),
        (200, Some(false)),
        "{body}"
    );
    let (_, me) = call(&app, &visitor, "me", &[]).await;
    assert_eq!(
        me,
        Value::Null,
        "signed in before the address was confirmed"
    );
    assert_eq!(
        app.login(&client(), "walkin", NEW_PASSWORD).await.status(),
        401
    );

    let token = sink
        .wait_for("walkin@example.org")
        .await
        .token("/register/");
    let (status, name) = call(&app, &client(), "register_lookup", &[("token", &token)]).await;
    assert_eq!((status, name.as_str()), (200, Some("walkin")), "{name}");
    let person = client();
    let (status, body) = call(&app, &person, "register_confirm", &[("token", &token)]).await;
    assert_eq!(status, 200, "{body}");
    let (_, me) = call(&app, &person, "me", &[]).await;
    assert_eq!(me["username"], "walkin");
    assert_eq!(
        app.login(&client(), "walkin", NEW_PASSWORD).await.status(),
        200
    );
    let (status, body) = call(&app, &client(), "register_confirm", &[("token", &token)]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_used")),
        "{body}"
    );

    // A link whose registration was closed since does not make an account.
    let (status, _) = call(
        &app,
        &client(),
        "register",
        &signup("late", "late@example.org"),
    )
    .await;
    assert_eq!(status, 200);
    let token = sink.wait_for("late@example.org").await.token("/register/");
    set_settings(&app, &ada, &[("registration", "off")]).await;
    let (status, body) = call(&app, &client(), "register_confirm", &[("token", &token)]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_revoked")),
        "{body}"
    );
    assert_eq!(
        app.login(&client(), "late", NEW_PASSWORD).await.status(),
        401
    );

    // With approval, the confirmed account waits, and only then are the admins asked.
    set_settings(&app, &ada, &[("registration", "approval")]).await;
    let form = signup("patient", "patient@example.org");
    let (status, body) = call(&app, &client(), "register", &form).await;
    assert_eq!(
        (status, body["pending"].as_bool()),
        (200, Some(true)),
        "{body}"
    );
    assert!(
        sink.to("ada@example.org").is_empty(),
        "admins asked about an unconfirmed address"
    );
    let token = sink
        .wait_for("patient@example.org")
        .await
        .token("/register/");
    let person = client();
    let (status, waiting) = call(&app, &person, "register_confirm", &[("token", &token)]).await;
    assert_eq!((status, waiting.as_bool()), (200, Some(true)), "{waiting}");
    assert_eq!(call(&app, &person, "me", &[]).await.1, Value::Null);
    let asked = sink.wait_for("ada@example.org").await;
    assert!(
        asked.subject().contains("patient waits for approval"),
        "{}",
        asked.subject()
    );
    assert_eq!(
        app.login(&client(), "patient", NEW_PASSWORD).await.status(),
        403
    );
}

#[tokio::test]
async fn borrowed_session_cannot_move_the_recovery_address() {
    let (app, sink, _ada) = with_mail().await;
    cli_user(&app, "bob", "user");
    let thief = signed_in(&app, "bob").await;
    let bob = signed_in(&app, "bob").await;
    // Without the password, or with a wrong one, nothing changes and nothing is mailed.
    let mut form = details("bob@example.org", "thief@evil.example").to_vec();
    form.pop();
    let (status, body) = call(&app, &thief, "profile_update", &form).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("address_password")),
        "{body}"
    );
    form.push(("address_password", "Not-The-Password-1"));
    let (status, body) = call(&app, &thief, "profile_update", &form).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("address_password")),
        "{body}"
    );
    let (_, profile) = call(&app, &bob, "profile", &[]).await;
    assert!(profile["pending_fallback_email"].is_null(), "{profile}");

    // One that knew the password once: the change waits for its link, and Bob changing his
    // password voids it, so the link no longer works when the thief opens it later.
    let form = details("bob@example.org", "thief@evil.example");
    let (status, _) = call(&app, &thief, "profile_update", &form).await;
    assert_eq!(status, 200);
    let token = sink
        .wait_for("thief@evil.example")
        .await
        .token("/verify-email/");
    let change = [
        ("current_password", PASSWORD),
        ("new_password", "Quiet-Harbour-Lantern-42"),
        ("new_password_confirm", "Quiet-Harbour-Lantern-42"),
    ];
    let (status, body) = call(&app, &bob, "password_change", &change).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(&app, &client(), "email_confirm", &[("token", &token)]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_replaced")),
        "{body}"
    );
    let (_, profile) = call(&app, &bob, "profile", &[]).await;
    assert_eq!(profile["fallback_email"], "");
}
