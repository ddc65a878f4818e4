//! Regression tests for the security review's escalation paths: every way to issue, show or
//! accept an invite link applies the checks of creating it; admin doors aimed at oneself;
//! impersonation that outlives the right to it.

mod common;

use common::{PASSWORD, TestApp, call, cli_user, client, get_user, groups_id, owner, signed_in};
use serde_json::Value;

const NEW_PASSWORD: &str = "Quiet-Harbour-Lantern-42";

async fn invite(app: &TestApp, c: &reqwest::Client, form: &[(&str, &str)]) -> Value {
    let (status, body) = call(app, c, "invite_create", form).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The invite's row as the owner's invites list shows it.
async fn listed(app: &TestApp, owner: &reqwest::Client, id: &str) -> Value {
    let (status, list) = call(app, owner, "invites", &[]).await;
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|row| row["id"] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

fn token_of(issued: &Value) -> String {
    let link = issued["link"].as_str().unwrap();
    link.rsplit('/').next().unwrap().to_string()
}

async fn accept(app: &TestApp, token: &str, username: &str) -> (u16, Value) {
    call(
        app,
        &client(),
        "invite_accept",
        &[
            ("token", token),
            ("username", username),
            ("full_name", "New Person"),
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
        ],
    )
    .await
}

async fn set_role(app: &TestApp, c: &reqwest::Client, id: &str, role: &str) {
    let (status, body) = call(app, c, "user_role", &[("id", id), ("role", role)]).await;
    assert_eq!(status, 200, "{body}");
}

fn refused(status: u16, body: &Value) {
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
}

#[tokio::test]
async fn admin_cannot_reissue_or_revoke_owner_invite() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "dave", "admin");
    let dave = signed_in(&app, "dave").await;
    let issued = invite(
        &app,
        &ada,
        &[("email", "heir@example.org"), ("role", "owner")],
    )
    .await;
    let id = issued["invite"]["id"].as_str().unwrap().to_string();
    let before = listed(&app, &ada, &id).await;

    for endpoint in ["invite_reissue", "invite_revoke"] {
        let (status, body) = call(&app, &dave, endpoint, &[("id", &id), ("send", "on")]).await;
        refused(status, &body);
        assert!(
            body.get("link").is_none(),
            "{endpoint} handed out a link: {body}"
        );
    }
    // Nothing changed: the same invite, still pending, and its first link still works.
    assert_eq!(listed(&app, &ada, &id).await, before);
    let (status, view) = call(
        &app,
        &client(),
        "invite_lookup",
        &[("token", &token_of(&issued))],
    )
    .await;
    assert_eq!(
        (status, view["role"].as_str()),
        (200, Some("owner")),
        "{view}"
    );
}

#[tokio::test]
async fn user_manager_cannot_reissue_invite_into_administrators_group() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "uma", "user_manager");
    let uma = signed_in(&app, "uma").await;
    let sysadmins = groups_id(&app, &ada, "sysadmins").await;
    let issued = invite(
        &app,
        &ada,
        &[
            ("email", "ops@example.org"),
            ("role", "user"),
            ("groups[0]", &sysadmins),
        ],
    )
    .await;
    let id = issued["invite"]["id"].as_str().unwrap().to_string();
    let before = listed(&app, &ada, &id).await;
    let (status, body) = call(&app, &uma, "invite_reissue", &[("id", &id)]).await;
    refused(status, &body);
    let (status, body) = call(&app, &uma, "invite_revoke", &[("id", &id)]).await;
    refused(status, &body);
    assert_eq!(listed(&app, &ada, &id).await, before);
    // A plain user invite without groups is still theirs to renew.
    let plain = invite(
        &app,
        &ada,
        &[("email", "plain@example.org"), ("role", "user")],
    )
    .await;
    let plain_id = plain["invite"]["id"].as_str().unwrap();
    let (status, body) = call(&app, &uma, "invite_reissue", &[("id", plain_id)]).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn invite_link_dies_when_its_inviter_may_no_longer_grant_it() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let dave_id = cli_user(&app, "dave", "admin");
    let dave = signed_in(&app, "dave").await;
    let admin_invite = invite(
        &app,
        &dave,
        &[("email", "new-admin@example.org"), ("role", "admin")],
    )
    .await;
    let user_invite = invite(
        &app,
        &dave,
        &[("email", "new-user@example.org"), ("role", "user")],
    )
    .await;
    let users_before = common::users_total(&app, &ada).await;

    // Dave is demoted to a plain user: he could not make either invite now.
    set_role(&app, &ada, &dave_id, "user").await;
    for (issued, username) in [(&admin_invite, "newadmin"), (&user_invite, "newuser")] {
        let token = token_of(issued);
        let (status, body) = call(&app, &client(), "invite_lookup", &[("token", &token)]).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("link_revoked")),
            "{body}"
        );
        let (status, body) = accept(&app, &token, username).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("link_revoked")),
            "{body}"
        );
    }
    assert_eq!(common::users_total(&app, &ada).await, users_before);
    assert_eq!(
        app.login(&client(), "newadmin", NEW_PASSWORD)
            .await
            .status(),
        401
    );

    // Made by someone still allowed, an invite works; once its maker is suspended it does not.
    let erin_id = cli_user(&app, "erin", "admin");
    let erin = signed_in(&app, "erin").await;
    let issued = invite(
        &app,
        &erin,
        &[("email", "late@example.org"), ("role", "user")],
    )
    .await;
    let (status, _) = call(&app, &ada, "user_suspend", &[("id", &erin_id)]).await;
    assert_eq!(status, 200);
    let (status, body) = accept(&app, &token_of(&issued), "late").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_revoked")),
        "{body}"
    );
}

#[tokio::test]
async fn admin_sees_no_link_of_an_unsent_owner_invite() {
    // No SMTP server (the default): mail waits in the outbox, and admins see its links.
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "dave", "admin");
    let dave = signed_in(&app, "dave").await;
    let sysadmins = groups_id(&app, &ada, "sysadmins").await;
    invite(
        &app,
        &ada,
        &[
            ("email", "heir@example.org"),
            ("role", "owner"),
            ("send", "on"),
        ],
    )
    .await;
    invite(
        &app,
        &ada,
        &[
            ("email", "plain@example.org"),
            ("role", "user"),
            ("send", "on"),
        ],
    )
    .await;

    let links = |overview: &Value| -> Vec<(String, bool)> {
        overview["recent"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["to"].as_str().unwrap().to_string(), m["link"].is_string()))
            .collect()
    };
    let (status, seen_by_dave) = call(&app, &dave, "mail_overview", &[]).await;
    assert_eq!(status, 200, "{seen_by_dave}");
    let seen = links(&seen_by_dave);
    assert!(
        seen.contains(&("heir@example.org".into(), false)),
        "{seen:?}"
    );
    assert!(
        seen.contains(&("plain@example.org".into(), true)),
        "{seen:?}"
    );
    let (_, seen_by_ada) = call(&app, &ada, "mail_overview", &[]).await;
    assert!(links(&seen_by_ada).contains(&("heir@example.org".into(), true)));

    // A user manager's view of an invite into the administrators' group: settings are out of
    // their reach altogether, and an admin who may grant it sees it.
    invite(
        &app,
        &ada,
        &[
            ("email", "ops@example.org"),
            ("role", "user"),
            ("groups[0]", &sysadmins),
            ("send", "on"),
        ],
    )
    .await;
    let (_, seen_by_dave) = call(&app, &dave, "mail_overview", &[]).await;
    assert!(links(&seen_by_dave).contains(&("ops@example.org".into(), true)));

    // Nor is this page a way to one's own reset link, which the mailbox alone may hold.
    let (status, _) = call(&app, &client(), "password_forgot", &[("login", "dave")]).await;
    assert_eq!(status, 200);
    let (_, seen_by_dave) = call(&app, &dave, "mail_overview", &[]).await;
    assert!(links(&seen_by_dave).contains(&("dave@example.org".into(), false)));
    let (_, seen_by_ada) = call(&app, &ada, "mail_overview", &[]).await;
    assert!(links(&seen_by_ada).contains(&("dave@example.org".into(), true)));
}

#[tokio::test]
async fn admin_cannot_hand_themselves_a_reset_link_or_skip_email_confirmation() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let dave_id = cli_user(&app, "dave", "admin");
    let dave = signed_in(&app, "dave").await;

    let (status, body) = call(&app, &dave, "user_reset_link", &[("id", &dave_id)]).await;
    refused(status, &body);
    assert!(body.get("link").is_none());
    let (status, body) = call(
        &app,
        &dave,
        "user_update",
        &[
            ("id", &dave_id),
            ("email", "dave@evil.example"),
            ("fallback_email", "backup@evil.example"),
            ("first_name", "Dave"),
            ("last_name", ""),
            ("display_name", ""),
        ],
    )
    .await;
    refused(status, &body);
    let detail = get_user(&app, &ada, &dave_id).await;
    assert_eq!(detail["user"]["email"], "dave@example.org");
    assert_eq!(detail["fallback_email"], "");
    // No reset mail or link was made for him either.
    let (_, overview) = call(&app, &ada, "mail_overview", &[]).await;
    assert_eq!(
        overview["recent"].as_array().unwrap().len(),
        0,
        "{overview}"
    );

    // Aimed at someone else, both still work.
    let bob_id = cli_user(&app, "bob", "user");
    let (status, body) = call(&app, &dave, "user_reset_link", &[("id", &bob_id)]).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn impersonation_ends_when_the_target_becomes_an_owner() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "dave", "admin");
    let bob_id = cli_user(&app, "bob", "user");
    let dave = signed_in(&app, "dave").await;
    let (status, made) = call(&app, &dave, "user_impersonate", &[("id", &bob_id)]).await;
    assert_eq!(status, 200, "{made}");
    let as_bob = client();
    let res = app
        .login(&as_bob, "bob", made["password"].as_str().unwrap())
        .await;
    assert_eq!(res.status(), 200);
    let (_, me) = call(&app, &as_bob, "me", &[]).await;
    assert_eq!(me["impersonated_by"], "dave");

    set_role(&app, &ada, &bob_id, "owner").await;
    let (status, me) = call(&app, &as_bob, "me", &[]).await;
    assert_eq!(
        (status, me),
        (200, Value::Null),
        "dave still holds an owner's session"
    );
    let (status, body) = call(&app, &as_bob, "users", &[]).await;
    assert_eq!(status, 401, "{body}");
    // And the impersonation password no longer signs in as the new owner.
    let again = client();
    let res = app
        .login(&again, "bob", made["password"].as_str().unwrap())
        .await;
    assert_eq!(res.status(), 401);
    let (_, me) = call(&app, &again, "me", &[]).await;
    assert_eq!(me, Value::Null);
    // Bob's own password is unaffected.
    assert_eq!(app.login(&client(), "bob", PASSWORD).await.status(), 200);
}
