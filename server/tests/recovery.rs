//! Password resets, the password policy, email change confirmation and rate limits.

mod common;

use common::{PASSWORD, call, cli_user, client, link_token, set_settings, signed_in, with_mail};

const NEW_PASSWORD: &str = "Quiet-Harbour-Lantern-42";

#[tokio::test]
async fn a_reset_request_answers_the_same_for_unknown_accounts_and_the_link_ends_sessions() {
    let (app, sink, _owner) = with_mail().await;
    cli_user(&app, "bob", "user");
    let bob_elsewhere = signed_in(&app, "bob").await;

    let known = app
        .call(
            &client(),
            "password_forgot",
            &[("login", "bob@example.org")],
        )
        .await;
    let unknown = app
        .call(
            &client(),
            "password_forgot",
            &[("login", "nobody@example.org")],
        )
        .await;
    assert_eq!(
        (known.status(), unknown.status()),
        (reqwest::StatusCode::OK, reqwest::StatusCode::OK)
    );
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());

    let mail = sink.wait_for("bob@example.org").await;
    assert!(sink.to("nobody@example.org").is_empty());
    let token = mail.token("/reset/");
    let page = client().get(mail.link("/reset/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("bob"));

    let visitor = client();
    let weak = [
        ("token", token.as_str()),
        ("password", "bobbobbob1"),
        ("password_confirm", "bobbobbob1"),
    ];
    let (status, body) = call(&app, &visitor, "password_reset", &weak).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("password")),
        "{body}"
    );
    let (status, body) = call(
        &app,
        &visitor,
        "password_reset",
        &[
            ("token", &token),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    )
    .await;
    assert_eq!(
        status, 422,
        "the current password was accepted again: {body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("recently"),
        "{body}"
    );
    let good = [
        ("token", token.as_str()),
        ("password", NEW_PASSWORD),
        ("password_confirm", NEW_PASSWORD),
    ];
    let (status, body) = call(&app, &visitor, "password_reset", &good).await;
    assert_eq!(status, 200, "{body}");

    let (_, me) = call(&app, &bob_elsewhere, "me", &[]).await;
    assert!(me.is_null(), "the other session survived the reset: {me}");
    assert_eq!(app.login(&client(), "bob", PASSWORD).await.status(), 401);
    assert_eq!(
        app.login(&client(), "bob", NEW_PASSWORD).await.status(),
        200
    );
    let (status, body) = call(&app, &visitor, "password_reset", &good).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_used")),
        "{body}"
    );
}

#[tokio::test]
async fn an_admin_reset_link_can_be_copied_or_mailed_and_replaces_older_links() {
    let (app, sink, owner) = with_mail().await;
    let id = cli_user(&app, "carol", "user");
    let (status, copied) = call(&app, &owner, "user_reset_link", &[("id", &id)]).await;
    assert_eq!(status, 200, "{copied}");
    assert!(copied["mailed_to"].is_null());
    let (status, mailed) = call(
        &app,
        &owner,
        "user_reset_link",
        &[("id", &id), ("send", "on")],
    )
    .await;
    assert_eq!(status, 200, "{mailed}");
    assert_eq!(mailed["mailed_to"], "carol@example.org");
    let token = sink.wait_for("carol@example.org").await.token("/reset/");
    let old = link_token(&copied["link"]);
    let (status, body) = call(&app, &client(), "password_reset_lookup", &[("token", &old)]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_replaced")),
        "{body}"
    );
    let (status, body) = call(
        &app,
        &client(),
        "password_reset",
        &[
            ("token", &token),
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // A plain user may not make links for others, and nobody for an owner but an owner.
    cli_user(&app, "dave", "user");
    let dave = signed_in(&app, "dave").await;
    let (status, _) = call(&app, &dave, "user_reset_link", &[("id", &id)]).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_policy_refuses_weak_short_and_reused_passwords_on_every_path() {
    let (app, _sink, owner) = with_mail().await;
    cli_user(&app, "erin", "user");
    let erin = signed_in(&app, "erin").await;
    let change = |new: &'static str, current: &'static str| {
        let erin = erin.clone();
        let app = &app;
        async move {
            call(
                app,
                &erin,
                "password_change",
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("new_password_confirm", new),
                ],
            )
            .await
        }
    };
    let (status, body) = change("Password2024!", PASSWORD).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("new_password")),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("This password is too easy to guess."),
        "{body}"
    );
    let (status, body) = change("erin-erin-erin", PASSWORD).await;
    assert_eq!(
        status, 422,
        "a password made of the username passed: {body}"
    );
    let (status, body) = change(NEW_PASSWORD, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = change(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, 422, "a recent password was reused: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("last 5"),
        "{body}"
    );

    set_settings(&app, &owner, &[("history", "0"), ("min_length", "30")]).await;
    let (status, body) = change(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at least 30"),
        "{body}"
    );
    set_settings(&app, &owner, &[("history", "0")]).await;
    let (status, body) = change(PASSWORD, NEW_PASSWORD).await;
    assert_eq!(
        status, 200,
        "with history off the old password is allowed: {body}"
    );

    // The command line and admin-created accounts obey the same policy.
    let (code, _, err) = app.cli(
        &["user", "set-password", "erin", "--password-stdin"],
        Some("Summer2024"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("too easy to guess"), "{err}");
    let (status, body) = call(
        &app,
        &owner,
        "user_create",
        &[
            ("username", "fay"),
            ("email", "fay@example.org"),
            ("full_name", "Fay"),
            ("role", "user"),
            ("temporary_password", "qwertyuiop12"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
}

#[tokio::test]
async fn an_old_password_must_be_changed_at_the_next_sign_in() {
    let (app, _sink, owner) = with_mail().await;
    cli_user(&app, "gus", "user");
    set_settings(&app, &owner, &[("max_age_days", "30")]).await;
    let fresh = signed_in(&app, "gus").await;
    let (_, me) = call(&app, &fresh, "me", &[]).await;
    assert_eq!(me["must_change_password"], false);
    app.advance(time::Duration::days(29));
    let gus = signed_in(&app, "gus").await;
    let (_, me) = call(&app, &gus, "me", &[]).await;
    assert_eq!(me["must_change_password"], false, "29 days old: {me}");
    app.advance(time::Duration::days(2));
    let gus = signed_in(&app, "gus").await;
    let (_, me) = call(&app, &gus, "me", &[]).await;
    assert_eq!(me["must_change_password"], true, "{me}");
    let (status, _) = call(&app, &gus, "users", &[]).await;
    assert_eq!(
        status, 403,
        "an expired password still reached other endpoints"
    );
}

#[tokio::test]
async fn a_new_email_takes_effect_only_after_its_link_is_opened() {
    let (app, sink, _owner) = with_mail().await;
    cli_user(&app, "hana", "user");
    let hana = signed_in(&app, "hana").await;
    let mut form = vec![
        ("email", "hana@new.example"),
        ("fallback_email", ""),
        ("first_name", "Hana"),
        ("last_name", ""),
        ("display_name", "Hana"),
    ];
    let (status, body) = call(&app, &hana, "profile_update", &form).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("address_password")),
        "a new address takes the current password: {body}"
    );
    form.push(("address_password", common::PASSWORD));
    let (status, body) = call(&app, &hana, "profile_update", &form).await;
    assert_eq!(status, 200, "{body}");
    let (_, profile) = call(&app, &hana, "profile", &[]).await;
    assert_eq!(profile["email"], "hana@example.org");
    assert_eq!(profile["pending_email"], "hana@new.example");

    let notice = sink.wait_for("hana@example.org").await;
    assert!(
        notice.text().contains("hana@new.example"),
        "the old address was not told"
    );
    let token = sink
        .wait_for("hana@new.example")
        .await
        .token("/verify-email/");
    let (status, body) = call(&app, &client(), "email_confirm", &[("token", &token)]).await;
    assert_eq!(
        (status, body.as_str()),
        (200, Some("hana@new.example")),
        "{body}"
    );
    let (_, profile) = call(&app, &hana, "profile", &[]).await;
    assert_eq!(profile["email"], "hana@new.example");
    assert!(profile["pending_email"].is_null());
    let (status, body) = call(&app, &client(), "email_confirm", &[("token", &token)]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_used")),
        "{body}"
    );
}

#[tokio::test]
async fn rapid_password_guesses_get_429_with_retry_after() {
    let (app, _sink, _owner) = with_mail().await;
    let guesser = client();
    let mut limited = None;
    for attempt in 0..15 {
        let res = app
            .login(&guesser, "ada", &format!("wrong-guess-{attempt}"))
            .await;
        if res.status() == 429 {
            limited = Some((attempt, res));
            break;
        }
        assert_eq!(res.status(), 401);
    }
    let (attempt, res) = limited.expect("fifteen quick guesses were never limited");
    assert!(attempt >= 10, "limited after only {attempt} attempts");
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // Reset requests are limited per account too.
    let statuses = futures_statuses(&app, "ada").await;
    assert!(statuses.contains(&429), "{statuses:?}");
}

async fn futures_statuses(app: &common::TestApp, login: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            app.call(&client(), "password_forgot", &[("login", login)])
                .await
                .status()
                .as_u16(),
        );
    }
    statuses
}
