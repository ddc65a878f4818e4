//! Roles as each meets the directory over HTTP: what a user manager, a viewer and an admin may
//! not do, and the owner who must remain. SQLite, and PostgreSQL when the harness is told to.

mod common;

use common::*;

#[tokio::test]
async fn a_user_manager_cannot_change_roles_and_creates_only_users() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "uma", "user_manager");
    let bob = cli_user(&app, "bob", "user");
    let admin = cli_user(&app, "alan", "admin");
    let uma = signed_in(&app, "uma").await;

    let (status, body) = set_role(&app, &uma, &bob, "admin").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    assert_eq!(
        get_user(&app, &ada, &bob).await["user"]["role"],
        "user",
        "nothing written"
    );

    let before = users_total(&app, &ada).await;
    let form = [
        ("username", "eve"),
        ("email", "eve@example.org"),
        ("full_name", ""),
        ("role", "admin"),
        ("temporary_password", PASSWORD),
    ];
    let (status, _) = call(&app, &uma, "user_create", &form).await;
    assert_eq!(status, 403);
    assert_eq!(users_total(&app, &ada).await, before);
    let form = [
        ("username", "eve"),
        ("email", "eve@example.org"),
        ("full_name", ""),
        ("role", "user"),
        ("temporary_password", PASSWORD),
    ];
    let (status, body) = call(&app, &uma, "user_create", &form).await;
    assert_eq!(status, 200, "{body}");
    let (_, roles) = call(&app, &uma, "assignable_roles", &[]).await;
    assert_eq!(roles, serde_json::json!(["user"]));

    // Plain users are theirs to manage; anyone with more than that is not.
    let (status, _) = call(&app, &uma, "user_suspend", &[("id", &bob)]).await;
    assert_eq!(status, 200);
    let (status, body) = call(&app, &uma, "user_suspend", &[("id", &admin)]).await;
    assert_eq!(status, 403, "{body}");
    let sysadmins = groups_id(&app, &ada, "sysadmins").await;
    let (status, _) = call(
        &app,
        &uma,
        "group_member_add",
        &[("group", &sysadmins), ("user", &bob)],
    )
    .await;
    assert_eq!(status, 403, "joining sysadmins is a role change");
}

#[tokio::test]
async fn a_viewer_gets_403_on_every_write_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "vera", "viewer");
    let bob = cli_user(&app, "bob", "user");
    let ldapusers = groups_id(&app, &ada, "ldapusers").await;
    let vera = signed_in(&app, "vera").await;
    let (status, _) = call(&app, &vera, "users", &[]).await;
    assert_eq!(status, 200, "viewers read");
    let (_, before) = call(&app, &ada, "activity", &[]).await;

    let writes: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "user_create",
            vec![
                ("username", "eve"),
                ("email", "eve@example.org"),
                ("full_name", ""),
                ("role", "user"),
                ("temporary_password", PASSWORD),
            ],
        ),
        (
            "user_update",
            vec![
                ("id", &bob),
                ("email", "b@example.org"),
                ("fallback_email", ""),
                ("first_name", "B"),
                ("last_name", ""),
                ("display_name", ""),
            ],
        ),
        ("user_role", vec![("id", &bob), ("role", "admin")]),
        ("user_approve", vec![("id", &bob)]),
        ("user_suspend", vec![("id", &bob)]),
        ("user_reactivate", vec![("id", &bob)]),
        ("user_delete", vec![("id", &bob)]),
        (
            "group_create",
            vec![("name", "x"), ("description", ""), ("gid_number", "")],
        ),
        (
            "group_update",
            vec![
                ("id", &ldapusers),
                ("name", "ldapusers"),
                ("description", "changed"),
            ],
        ),
        ("group_delete", vec![("id", &ldapusers)]),
        (
            "group_member_add",
            vec![("group", &ldapusers), ("username", "vera")],
        ),
        (
            "group_member_remove",
            vec![("group", &ldapusers), ("user", &bob)],
        ),
        (
            "settings_update",
            vec![
                ("lock_profiles", "on"),
                ("registration", "open"),
                ("invite_expiry_hours", "72"),
                ("min_length", "10"),
                ("history", "5"),
                ("max_age_days", "0"),
                ("mfa_required", "on"),
                ("impersonation_minutes", "15"),
                ("mfa_failures_per_day", "20"),
                ("audit_retention_days", "365"),
                ("api_requests_per_minute", "6000"),
            ],
        ),
        (
            "invite_create",
            vec![("email", "new@example.org"), ("role", "user")],
        ),
        ("user_reset_link", vec![("id", &bob)]),
        ("mail_test", vec![]),
        ("mail_retry", vec![]),
        ("user_mfa_disable", vec![("id", &bob)]),
        ("user_impersonate", vec![("id", &bob)]),
    ];
    for (endpoint, form) in &writes {
        let (status, body) = call(&app, &vera, endpoint, form).await;
        assert_eq!(status, 403, "{endpoint}: {body}");
        assert_eq!(body["error"]["code"], "forbidden", "{endpoint}");
    }
    let (_, after) = call(&app, &ada, "activity", &[]).await;
    assert_eq!(
        before["total"], after["total"],
        "no audit row, so no change"
    );
    assert_eq!(users_total(&app, &ada).await, 3);
    let detail = get_user(&app, &ada, &bob).await;
    assert_eq!(
        (
            detail["user"]["role"].as_str(),
            detail["user"]["status"].as_str()
        ),
        (Some("user"), Some("active"))
    );
}

#[tokio::test]
async fn the_last_owner_cannot_be_demoted_and_admins_cannot_touch_owners() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let (_, me) = call(&app, &ada, "me", &[]).await;
    let ada_id = me["id"].as_str().unwrap().to_string();
    let (status, body) = set_role(&app, &ada, &ada_id, "admin").await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("owner must remain")
    );
    assert_eq!(get_user(&app, &ada, &ada_id).await["user"]["role"], "owner");

    cli_user(&app, "alan", "admin");
    let alan = signed_in(&app, "alan").await;
    for (endpoint, form) in [
        ("user_role", vec![("id", ada_id.as_str()), ("role", "user")]),
        ("user_suspend", vec![("id", ada_id.as_str())]),
        ("user_delete", vec![("id", ada_id.as_str())]),
    ] {
        let (status, body) = call(&app, &alan, endpoint, &form).await;
        assert_eq!(status, 403, "{endpoint}: {body}");
    }
    let (status, _) = call(&app, &ada, "user_suspend", &[("id", &ada_id)]).await;
    assert_eq!(status, 403, "nobody suspends themselves");

    // With a second, suspended owner, ada is still the last active one.
    let olga = cli_user(&app, "olga", "owner");
    let (status, _) = call(&app, &ada, "user_suspend", &[("id", &olga)]).await;
    assert_eq!(status, 200);
    let (status, _) = set_role(&app, &ada, &ada_id, "admin").await;
    assert_eq!(status, 409);
    let (status, _) = call(&app, &ada, "user_reactivate", &[("id", &olga)]).await;
    assert_eq!(status, 200);
    let (status, body) = set_role(&app, &ada, &ada_id, "admin").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn an_administrators_group_gives_its_members_admin_rights() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let bob = cli_user(&app, "bob", "user");
    let b = signed_in(&app, "bob").await;
    let (status, _) = call(&app, &b, "users", &[]).await;
    assert_eq!(status, 403);
    let sysadmins = groups_id(&app, &ada, "sysadmins").await;
    let (status, body) = call(
        &app,
        &ada,
        "group_member_add",
        &[("group", &sysadmins), ("username", "bob")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, me) = call(&app, &b, "me", &[]).await;
    assert_eq!(me["role"], "admin", "at once, in the same session");
    let (status, _) = call(&app, &b, "users", &[]).await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        &ada,
        "group_member_remove",
        &[("group", &sysadmins), ("user", &bob)],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(&app, &b, "users", &[]).await;
    assert_eq!(status, 403);
}

/// Asks for a user's role to change; returns (status, body).
async fn set_role(
    app: &TestApp,
    c: &reqwest::Client,
    id: &str,
    role: &str,
) -> (u16, serde_json::Value) {
    call(app, c, "user_role", &[("id", id), ("role", role)]).await
}
