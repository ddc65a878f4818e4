//! Users and groups over HTTP: built-in groups, GIDs, username rules, statuses, the list,
//! profiles and avatars. SQLite, and PostgreSQL when the harness is told to.

mod common;

use common::*;
use serde_json::Value;

#[tokio::test]
async fn built_in_groups_exist_and_new_users_join_ldapusers() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let (_, groups) = call(&app, &ada, "groups", &[]).await;
    let names: Vec<_> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap(),
                g["gid_number"].as_i64().unwrap(),
                g["builtin"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [("ldapusers", 10000, true), ("sysadmins", 10001, true)]
    );
    let bob = cli_user(&app, "bob", "user");
    let detail = get_user(&app, &ada, &bob).await;
    let groups = common::group_names(&detail);
    assert_eq!(groups, ["ldapusers"]);
    assert_eq!(detail["uid_number"], 10001, "the owner took 10000");
    let ldapusers = groups_id(&app, &ada, "ldapusers").await;
    let (status, body) = call(&app, &ada, "group_delete", &[("id", &ldapusers)]).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("built-in"),
        "{body}"
    );
}

#[tokio::test]
async fn a_gid_clash_is_a_409_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let (status, body) = create_group(&app, &ada, "developers", "20000").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = create_group(&app, &ada, "designers", "20000").await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["error"]["message"],
        "GID 20000 is already used by the group developers."
    );
    let (status, body) = create_group(&app, &ada, "ops", "10001").await;
    assert_eq!(status, 409, "a built-in group's GID: {body}");
    let (status, body) = create_group(&app, &ada, "Developers", "").await;
    assert_eq!(status, 409, "names are case-insensitive: {body}");
    let (status, _) = create_group(&app, &ada, "ops", "").await;
    assert_eq!(status, 200);
    let (_, groups) = call(&app, &ada, "groups", &[]).await;
    let ops = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "ops")
        .unwrap();
    assert_eq!(ops["gid_number"], 10002, "the next free GID");
    assert_eq!(groups.as_array().unwrap().len(), 4, "nothing half-written");
}

#[tokio::test]
async fn reserved_and_malformed_usernames_are_refused() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    for (username, needle) in [
        ("admin", "reserved"),
        ("Root", "reserved"),
        ("-x", "start"),
        ("a", "2"),
    ] {
        let email = format!("x{}@example.org", username.len());
        let form = [
            ("username", username),
            ("email", email.as_str()),
            ("full_name", ""),
            ("role", "user"),
            ("temporary_password", PASSWORD),
        ];
        let (status, body) = call(&app, &ada, "user_create", &form).await;
        assert_eq!(status, 422, "{username}: {body}");
        assert_eq!(body["error"]["field"], "username");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(needle),
            "{username}: {body}"
        );
    }
    assert_eq!(users_total(&app, &ada).await, 1);
}

#[tokio::test]
async fn suspending_ends_every_session_and_reactivating_restores_access() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let bob_id = cli_user(&app, "bob", "user");
    let bob_laptop = signed_in(&app, "bob").await;
    let bob_phone = signed_in(&app, "bob").await;
    let (_, me) = call(&app, &bob_phone, "me", &[]).await;
    assert_eq!(me["username"], "bob");

    let (status, body) = call(&app, &ada, "user_suspend", &[("id", &bob_id)]).await;
    assert_eq!(status, 200, "{body}");
    for c in [&bob_laptop, &bob_phone] {
        let (_, me) = call(&app, c, "me", &[]).await;
        assert_eq!(me, Value::Null, "signed out at once");
        let res = c.get(app.url("/users")).send().await.unwrap();
        assert_eq!(res.status(), 303);
    }
    let (status, body) = error_of(app.login(&client(), "bob", PASSWORD).await).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "account_suspended");
    assert_eq!(
        get_user(&app, &ada, &bob_id).await["user"]["status"],
        "suspended"
    );

    let (status, _) = call(&app, &ada, "user_reactivate", &[("id", &bob_id)]).await;
    assert_eq!(status, 200);
    signed_in(&app, "bob").await;
    let (_, events) = call(&app, &ada, "activity", &[]).await;
    let actions: Vec<_> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for action in ["user.suspend", "user.reactivate", "auth.login.refused"] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn pending_users_cannot_sign_in_until_approved_into_groups() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    let form = [
        ("username", "carol"),
        ("email", "carol@example.org"),
        ("full_name", "Carol"),
        ("role", "user"),
        ("temporary_password", PASSWORD),
        ("pending", "on"),
    ];
    let (status, carol) = call(&app, &ada, "user_create", &form).await;
    assert_eq!(status, 200, "{carol}");
    let carol = carol.as_str().unwrap().to_string();
    let (status, body) = error_of(app.login(&client(), "carol", PASSWORD).await).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("account_pending"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("approval")
    );

    let (_, staff) = create_group(&app, &ada, "staff", "").await;
    let staff = staff.as_str().unwrap();
    let (status, body) = call(
        &app,
        &ada,
        "user_approve",
        &[("id", &carol), ("groups[3]", staff)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let detail = get_user(&app, &ada, &carol).await;
    assert_eq!(detail["user"]["status"], "active");
    let groups = common::group_names(&detail);
    assert_eq!(groups, ["ldapusers", "staff"]);

    // Created by an admin, so the temporary password must be replaced first.
    let c = signed_in(&app, "carol").await;
    let res = c.get(app.url("/users")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/password");
    let (status, body) = call(&app, &c, "profile", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("password_change_required"))
    );
    let new = "Another-Good-Passphrase-7";
    let form = [
        ("current_password", PASSWORD),
        ("new_password", new),
        ("new_password_confirm", new),
    ];
    let (status, body) = call(&app, &c, "password_change", &form).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = call(&app, &c, "profile", &[]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn users_are_searched_filtered_sorted_and_paged() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    for name in ["zed", "bea", "cyd"] {
        cli_user(&app, name, "user");
    }
    cli_user(&app, "vic", "viewer");
    let page = |form: Vec<(&'static str, &'static str)>| {
        let (app, ada) = (&app, &ada);
        async move {
            let (status, body) = call(app, ada, "users", &form).await;
            assert_eq!(status, 200, "{body}");
            let names: Vec<String> = body["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["username"].as_str().unwrap().to_string())
                .collect();
            (names, body["total"].as_u64().unwrap())
        }
    };
    assert_eq!(
        page(vec![]).await,
        (
            vec![
                "ada".into(),
                "bea".into(),
                "cyd".into(),
                "vic".into(),
                "zed".into()
            ],
            5
        )
    );
    assert_eq!(
        page(vec![("filter[q]", "ZE")]).await,
        (vec!["zed".into()], 1)
    );
    assert_eq!(page(vec![("filter[role]", "viewer")]).await.0, ["vic"]);
    assert_eq!(
        page(vec![("filter[sort]", "username"), ("filter[desc]", "true")])
            .await
            .0[0],
        "zed"
    );
    assert_eq!(
        page(vec![("filter[q]", "%")]).await.1,
        0,
        "wildcards match themselves"
    );
    let (status, body) = call(&app, &ada, "users", &[("filter[role]", "superuser")]).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = call(&app, &ada, "user_role", &[("role", "admin")]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_request")),
        "missing id: {body}"
    );
}

#[tokio::test]
async fn profiles_can_be_edited_and_locked_and_avatars_are_reencoded() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "bob", "user");
    let b = signed_in(&app, "bob").await;
    let (status, body) = update_profile(&app, &b, "Bob@Example.org", "Bob", "Builder").await;
    assert_eq!(status, 200, "{body}");
    let (_, profile) = call(&app, &b, "profile", &[]).await;
    assert_eq!(
        (profile["email"].as_str(), profile["display_name"].as_str()),
        (Some("bob@example.org"), Some("Bob Builder"))
    );
    // A taken address answers like a free one (the form is no way to learn who has an
    // account); the change just never completes.
    let (status, body) = update_profile(&app, &b, "ada@example.org", "Bob", "").await;
    assert_eq!(status, 200, "taken email: {body}");
    let (_, profile) = call(&app, &b, "profile", &[]).await;
    assert_eq!(
        (profile["email"].as_str(), profile["pending_email"].as_str()),
        (Some("bob@example.org"), Some("ada@example.org"))
    );

    common::set_settings(&app, &ada, &[("lock_profiles", "on")]).await;
    let (status, body) = update_profile(&app, &b, "bob@example.org", "Robert", "").await;
    assert_eq!(status, 403, "{body}");
    let (_, profile) = call(&app, &b, "profile", &[]).await;
    assert_eq!(profile["first_name"], "Bob");
    assert_eq!(profile["locked"], true);

    assert_eq!(upload_avatar(&app, &b, tiny_png(), "me.png").await, 204);
    let id = profile["id"].as_str().unwrap();
    let res = ada
        .get(app.url(&format!("/avatars/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    assert_eq!(
        u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
        256,
        "resized to 256 px"
    );
    let gif = b"GIF89a-not-allowed".to_vec();
    assert_eq!(upload_avatar(&app, &b, gif, "x.gif").await, 422);
}

/// Uploads an avatar the way the profile page's form does (a script asking for JSON).
async fn upload_avatar(app: &TestApp, c: &reqwest::Client, bytes: Vec<u8>, name: &str) -> u16 {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("avatar", part);
    common::post_avatar(app, c, form).await.status().as_u16()
}

/// Creates a group with an empty description; returns (status, body).
async fn create_group(app: &TestApp, c: &reqwest::Client, name: &str, gid: &str) -> (u16, Value) {
    let form = [("name", name), ("description", ""), ("gid_number", gid)];
    call(app, c, "group_create", &form).await
}

/// Saves one's own profile with no fallback email and a display name made from the names
/// (with the password an address change asks for).
async fn update_profile(
    app: &TestApp,
    c: &reqwest::Client,
    email: &str,
    first: &str,
    last: &str,
) -> (u16, Value) {
    let form = [
        ("email", email),
        ("fallback_email", ""),
        ("first_name", first),
        ("last_name", last),
        ("display_name", ""),
        ("address_password", PASSWORD),
    ];
    call(app, c, "profile_update", &form).await
}
