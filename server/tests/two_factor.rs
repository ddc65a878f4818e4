//! Two-factor sign-in, mandatory 2FA, impersonation and the owner's recovery password.

mod common;

use common::mfa::{enable_2fa, next_code};
use common::{
    PASSWORD, TestApp, call, cli_user, client, owner, set_settings, settings_form, signed_in,
};
use serde_json::Value;

async fn me(app: &TestApp, c: &reqwest::Client) -> Value {
    let (status, body) = call(app, c, "me", &[]).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_half_signed_in_session_grants_nothing_until_the_code() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let (key, codes) = enable_2fa(&app, &ada).await;

    let browser = client();
    let res = app.login(&browser, "ada", PASSWORD).await;
    assert_eq!(res.status(), 200);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/login/code?next="), "{to}");
    assert_eq!(me(&app, &browser).await, Value::Null);
    for endpoint in [
        "users",
        "profile",
        "mfa_status",
        "settings",
        "activity",
        "mfa_backup_codes",
    ] {
        let (status, body) = call(&app, &browser, endpoint, &[]).await;
        assert_eq!(status, 401, "{endpoint}: {body}");
    }
    let page = browser.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(page.headers()["location"], "/login?next=/profile");

    let (status, body) = call(&app, &browser, "login_code", &[("code", "12345")]).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("code")),
        "{body}"
    );
    // The server's clock stands still, so this code stays current for both sign-ins below.
    let code = next_code(&app, &key);
    let (status, body) = call(&app, &browser, "login_code", &[("code", &code)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(me(&app, &browser).await["username"], "ada");

    // The same code again (a replay) is refused; a backup code works, once.
    let second = client();
    app.login(&second, "ada", PASSWORD).await;
    let (status, body) = call(&app, &second, "login_code", &[("code", &code)]).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("code")),
        "a replayed code: {body}"
    );
    let (status, body) = call(&app, &second, "login_code", &[("code", &codes[3])]).await;
    assert_eq!(status, 200, "{body}");
    let third = client();
    app.login(&third, "ada", PASSWORD).await;
    let (status, _) = call(&app, &third, "login_code", &[("code", &codes[3])]).await;
    assert_eq!(status, 422);
    let (_, status) = call(&app, &second, "mfa_status", &[]).await;
    assert_eq!(status["backup_codes_left"], 9);

    // Without a password first there is nothing to complete.
    let (status, body) = call(&app, &client(), "login_code", &[("code", &codes[4])]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("sign_in_expired"))
    );
}

#[tokio::test]
async fn mandatory_2fa_ends_the_sessions_of_those_without_it_and_holds_them_at_setup() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "bob", "user");
    cli_user(&app, "carol", "user");
    cli_user(&app, "grace", "admin");
    let bob = signed_in(&app, "bob").await;
    let carol = signed_in(&app, "carol").await;
    enable_2fa(&app, &carol).await;
    let grace = signed_in(&app, "grace").await;

    // An administrator without 2FA may not require it (it would end their own session).
    let on = [("mfa_required", "on")];
    let (status, body) = call(&app, &grace, "settings_update", &settings_form(&on)).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("your own account")
    );

    enable_2fa(&app, &ada).await;
    set_settings(&app, &ada, &on).await;
    assert_eq!(me(&app, &bob).await, Value::Null, "bob's session ended");
    assert_eq!(me(&app, &grace).await, Value::Null, "grace's session ended");
    assert_eq!(me(&app, &carol).await["username"], "carol");
    assert_eq!(me(&app, &ada).await["username"], "ada");
    let (_, events) = call(&app, &ada, "activity", &[]).await;
    let update = &events["events"][0];
    assert_eq!(update["action"], "settings.update");
    assert!(
        update["details"]
            .as_str()
            .unwrap()
            .contains("sessions ended: 2"),
        "{update}"
    );

    // Bob signs in with his password and may do nothing but set up 2FA.
    let bob = signed_in(&app, "bob").await;
    assert_eq!(me(&app, &bob).await["must_set_up_mfa"], true);
    let (status, body) = call(&app, &bob, "profile", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("mfa_setup_required"))
    );
    let page = bob.get(app.url("/profile")).send().await.unwrap();
    assert_eq!(page.headers()["location"], "/two-factor");
    let page = bob.get(app.url("/two-factor")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    enable_2fa(&app, &bob).await;
    let (status, _) = call(&app, &bob, "profile", &[]).await;
    assert_eq!(status, 200);
    // While it is required, nobody turns their own off.
    let (status, _) = call(&app, &bob, "mfa_disable", &[("password", PASSWORD)]).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_impersonation_password_signs_in_until_it_expires_and_is_audited_as_the_admin() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let bob_id = cli_user(&app, "bob", "user");
    let bob = signed_in(&app, "bob").await;
    enable_2fa(&app, &bob).await;

    let (status, made) = call(&app, &ada, "user_impersonate", &[("id", &bob_id)]).await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(made["username"], "bob");
    let password = made["password"].as_str().unwrap().to_string();

    // It needs no second factor, and the session says who is behind it.
    let admin_as_bob = client();
    let res = app.login(&admin_as_bob, "bob", &password).await;
    assert_eq!(res.status(), 200);
    let who = me(&app, &admin_as_bob).await;
    assert_eq!(
        (who["username"].as_str(), who["impersonated_by"].as_str()),
        (Some("bob"), Some("ada"))
    );
    let details = [
        ("email", "bob@example.org"),
        ("fallback_email", ""),
        ("first_name", "Bob"),
        ("last_name", "Builder"),
        ("display_name", "Bob B."),
    ];
    let (status, body) = call(&app, &admin_as_bob, "profile_update", &details).await;
    assert_eq!(status, 200, "{body}");
    let change = [
        ("current_password", PASSWORD),
        ("new_password", "Quiet-Harbour-Lantern-42"),
        ("new_password_confirm", "Quiet-Harbour-Lantern-42"),
    ];
    let (status, _) = call(&app, &admin_as_bob, "password_change", &change).await;
    assert_eq!(status, 403, "the user's password is theirs to change");
    let (_, events) = call(&app, &ada, "activity", &[]).await;
    let rows = events["events"].as_array().unwrap();
    let update = rows
        .iter()
        .find(|e| e["action"] == "user.update" || e["action"] == "profile.update");
    assert_eq!(
        update.expect("the profile change is audited")["actor"],
        "ada as bob"
    );
    let login = rows.iter().find(|e| e["action"] == "auth.login").unwrap();
    assert_eq!(login["actor"], "ada as bob");

    // Bob's own password still works (and still asks for his code).
    let res = app.login(&client(), "bob", PASSWORD).await;
    assert_eq!(res.status(), 200);

    // It lasts the window in the settings (15 minutes by default), and not a minute more.
    app.advance(time::Duration::minutes(14));
    let res = app.login(&client(), "bob", &password).await;
    assert_eq!(res.status(), 200, "still inside the window");
    app.advance(time::Duration::minutes(2));
    let res = app.login(&client(), "bob", &password).await;
    assert_eq!(res.status(), 401, "past the window");
}

#[tokio::test]
async fn only_admins_impersonate_and_only_owners_impersonate_owners() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let ada_id = me(&app, &ada).await["id"].as_str().unwrap().to_string();
    let bob_id = cli_user(&app, "bob", "user");
    cli_user(&app, "grace", "admin");
    cli_user(&app, "mia", "user_manager");
    let grace = signed_in(&app, "grace").await;
    let mia = signed_in(&app, "mia").await;
    let (status, _) = call(&app, &grace, "user_impersonate", &[("id", &ada_id)]).await;
    assert_eq!(status, 403, "an admin may not impersonate an owner");
    let (status, _) = call(&app, &mia, "user_impersonate", &[("id", &bob_id)]).await;
    assert_eq!(status, 403, "a user manager may not impersonate");
    let (status, _) = call(&app, &ada, "user_impersonate", &[("id", &ada_id)]).await;
    assert_eq!(status, 403, "nobody impersonates themselves");
    let (status, _) = call(&app, &grace, "user_impersonate", &[("id", &bob_id)]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn owner_login_bypasses_2fa_once() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    enable_2fa(&app, &ada).await;
    let (code, out, err) = app.cli(&["owner-login"], None);
    assert_eq!(code, 0, "{err}");
    let line = out.trim();
    let password = line
        .strip_prefix("Login as ada / ")
        .unwrap_or_else(|| panic!("unexpected output {line:?}"));
    let browser = client();
    assert_eq!(app.login(&browser, "ada", password).await.status(), 200);
    assert_eq!(me(&app, &browser).await["username"], "ada");
    assert_eq!(
        app.login(&client(), "ada", password).await.status(),
        401,
        "single use"
    );
    let (_, events) = call(&app, &ada, "activity", &[]).await;
    let actions: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"owner.recovery_login"), "{actions:?}");
    let (code, _, err) = app.cli(&["owner-login", "--username", "zed"], None);
    assert_eq!((code, err.contains("No active owner")), (2, true), "{err}");
}

#[tokio::test]
async fn an_admin_turns_off_a_users_2fa_and_they_sign_in_with_the_password() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let bob_id = cli_user(&app, "bob", "user");
    let bob = signed_in(&app, "bob").await;
    enable_2fa(&app, &bob).await;
    let (_, status) = call(&app, &ada, "user_mfa", &[("id", &bob_id)]).await;
    assert_eq!(status["enabled"], true);
    let ada_id = me(&app, &ada).await["id"].as_str().unwrap().to_string();
    let (status, _) = call(&app, &ada, "user_mfa_disable", &[("id", &ada_id)]).await;
    assert_eq!(
        status, 403,
        "one's own 2FA is turned off from the profile, with the password"
    );
    let (status, body) = call(&app, &ada, "user_mfa_disable", &[("id", &bob_id)]).await;
    assert_eq!(status, 200, "{body}");
    let again = signed_in(&app, "bob").await;
    assert_eq!(me(&app, &again).await["username"], "bob");
    let (_, events) = call(&app, &ada, "activity", &[]).await;
    assert_eq!(events["events"][1]["action"], "user.mfa.disable");
    // Bob can set it up again.
    enable_2fa(&app, &again).await;
}

#[tokio::test]
async fn an_invited_user_sets_up_2fa_as_part_of_sign_up_when_it_is_mandatory() {
    let (app, sink, ada) = common::with_mail().await;
    enable_2fa(&app, &ada).await;
    set_settings(&app, &ada, &[("mfa_required", "on")]).await;
    let invite = [
        ("email", "grace@example.org"),
        ("role", "user"),
        ("send", "on"),
    ];
    let (status, body) = call(&app, &ada, "invite_create", &invite).await;
    assert_eq!(status, 200, "{body}");
    let token = sink.wait_for("grace@example.org").await.token("/invite/");
    let grace = client();
    let accept = [
        ("token", token.as_str()),
        ("username", "grace"),
        ("full_name", "Grace Hopper"),
        ("password", "Quiet-Harbour-Lantern-42"),
        ("password_confirm", "Quiet-Harbour-Lantern-42"),
    ];
    let (status, body) = call(&app, &grace, "invite_accept", &accept).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(me(&app, &grace).await["must_set_up_mfa"], true);
    let (status, _) = call(&app, &grace, "profile", &[]).await;
    assert_eq!(status, 403);
    enable_2fa(&app, &grace).await;
    assert_eq!(me(&app, &grace).await["must_set_up_mfa"], false);
}
