//! Invites, self-registration with approval, and the mail outbox, through a real SMTP sink.

mod common;

use common::smtp::SmtpSink;
use common::{
    TestApp, call, cli_user, client, groups_id, owner, set_settings, signed_in, with_mail,
};

const NEW_PASSWORD: &str = "Quiet-Harbour-Lantern-42";

async fn invite(app: &TestApp, c: &reqwest::Client, form: &[(&str, &str)]) -> serde_json::Value {
    let (status, body) = call(app, c, "invite_create", form).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn accept(
    app: &TestApp,
    token: &str,
    username: &str,
) -> (u16, serde_json::Value, reqwest::Client) {
    let c = client();
    let (status, body) = call(
        app,
        &c,
        "invite_accept",
        &[
            ("token", token),
            ("username", username),
            ("full_name", "Grace Hopper"),
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
        ],
    )
    .await;
    (status, body, c)
}

#[tokio::test]
async fn an_invite_mail_leads_to_an_active_signed_in_account() {
    let (app, sink, c) = with_mail().await;
    let (status, _) = call(
        &app,
        &c,
        "group_create",
        &[
            ("name", "engineers"),
            ("description", ""),
            ("gid_number", ""),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let group = groups_id(&app, &c, "engineers").await;
    invite(
        &app,
        &c,
        &[
            ("email", "grace@example.org"),
            ("role", "user"),
            ("groups[0]", &group),
            ("send", "on"),
        ],
    )
    .await;

    let mail = sink.wait_for("grace@example.org").await;
    assert!(mail.subject().contains("invited you"), "{}", mail.subject());
    assert!(mail.data.contains("text/html") && mail.data.contains("Content-ID: <logo>"));
    let link = mail.link("/invite/");
    assert!(link.starts_with(&app.base_url), "{link}");
    let token = mail.token("/invite/");

    // The page opens without a session and names the invited address.
    let page = client().get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("grace@example.org"),
        "invite page does not name the address"
    );
    assert!(
        html.contains("value=\"grace\""),
        "username is not prefilled from the email"
    );

    let (status, body, grace) = accept(&app, &token, "grace").await;
    assert_eq!(status, 200, "{body}");
    let (_, me) = call(&app, &grace, "me", &[]).await;
    assert_eq!(me["username"], "grace");
    assert_eq!(me["role"], "user");
    let (_, profile) = call(&app, &grace, "profile", &[]).await;
    let groups = common::group_names(&profile);
    assert!(
        groups.iter().any(|g| g == "engineers") && groups.iter().any(|g| g == "ldapusers"),
        "{groups:?}"
    );

    // The link works once; the invite leaves the open list.
    let (status, body, _) = accept(&app, &token, "grace2").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_used")),
        "{body}"
    );
    let (_, open) = call(&app, &c, "invites", &[]).await;
    assert_eq!(open.as_array().unwrap().len(), 0, "{open}");
}

#[tokio::test]
async fn expired_revoked_and_unknown_invite_links_are_refused_with_a_clear_page() {
    let (app, sink, c) = with_mail().await;
    invite(
        &app,
        &c,
        &[
            ("email", "late@example.org"),
            ("role", "user"),
            ("send", "on"),
        ],
    )
    .await;
    let late = sink.wait_for("late@example.org").await.token("/invite/");
    // Invites last 72 hours by default; the second one is made after that, so it is live.
    app.advance(time::Duration::hours(72) + time::Duration::minutes(1));
    invite(
        &app,
        &c,
        &[
            ("email", "gone@example.org"),
            ("role", "user"),
            ("send", "on"),
        ],
    )
    .await;
    let gone = sink.wait_for("gone@example.org").await.token("/invite/");

    let (status, body, _) = accept(&app, &late, "late").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_expired")),
        "{body}"
    );

    let (_, open) = call(&app, &c, "invites", &[]).await;
    let gone_id = open
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "gone@example.org")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _) = call(&app, &c, "invite_revoke", &[("id", &gone_id)]).await;
    assert_eq!(status, 200);
    let (status, body, _) = accept(&app, &gone, "gone").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_revoked")),
        "{body}"
    );
    let page = client()
        .get(app.url(&format!("/invite/{gone}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("withdrawn by an administrator"),
        "revoked page lacks its explanation"
    );

    let unknown = "A".repeat(43);
    let (status, body, _) = accept(&app, &unknown, "nobody").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_unknown")),
        "{body}"
    );
    let (status, body, _) = accept(&app, "../../etc/passwd", "nobody").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_unknown")),
        "{body}"
    );
    let (_, users) = call(&app, &c, "users", &[]).await;
    assert_eq!(users["total"], 1, "a refused link created an account");
}

#[tokio::test]
async fn a_resent_invite_kills_the_old_link_and_user_managers_invite_only_users() {
    let (app, sink, c) = with_mail().await;
    invite(
        &app,
        &c,
        &[
            ("email", "again@example.org"),
            ("role", "user"),
            ("send", "on"),
        ],
    )
    .await;
    let first = sink.wait_for("again@example.org").await.token("/invite/");
    let (_, open) = call(&app, &c, "invites", &[]).await;
    let id = open[0]["id"].as_str().unwrap().to_string();
    let (status, _) = call(&app, &c, "invite_reissue", &[("id", &id), ("send", "on")]).await;
    assert_eq!(status, 200);
    let second = sink
        .wait_for_nth("again@example.org", 2)
        .await
        .token("/invite/");
    assert_ne!(first, second);
    let (status, body, _) = accept(&app, &first, "again").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("link_unknown")),
        "{body}"
    );
    let (status, body, _) = accept(&app, &second, "again").await;
    assert_eq!(status, 200, "{body}");

    cli_user(&app, "manny", "user_manager");
    let manny = signed_in(&app, "manny").await;
    let (status, body) = call(
        &app,
        &manny,
        "invite_create",
        &[("email", "boss@example.org"), ("role", "admin")],
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    invite(
        &app,
        &manny,
        &[("email", "worker@example.org"), ("role", "user")],
    )
    .await;
    // An address with an account, or an open invite, is refused with a reason.
    let (status, body) = call(
        &app,
        &c,
        "invite_create",
        &[("email", "ada@example.org"), ("role", "user")],
    )
    .await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = call(
        &app,
        &c,
        "invite_create",
        &[("email", "worker@example.org"), ("role", "user")],
    )
    .await;
    assert_eq!(status, 409, "{body}");
}

#[tokio::test]
async fn mail_waits_in_the_outbox_while_smtp_is_down_and_goes_out_when_it_returns() {
    let port = SmtpSink::free_port();
    let app = TestApp::spawn_with(&[("GATEHOUSE_SMTP_URL", &SmtpSink::url_for(port))]).await;
    let c = owner(&app).await;
    invite(
        &app,
        &c,
        &[
            ("email", "patient@example.org"),
            ("role", "user"),
            ("send", "on"),
        ],
    )
    .await;

    // The first attempt fails and is recorded; the mail and its link stay for the admin.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let overview = loop {
        let (status, overview) = call(&app, &c, "mail_overview", &[]).await;
        assert_eq!(status, 200, "{overview}");
        if overview["recent"][0]["last_error"].is_string() {
            break overview;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no failed attempt recorded: {overview}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let mail = &overview["recent"][0];
    assert_eq!(mail["status"], "pending", "{mail}");
    assert!(
        mail["link"].as_str().unwrap().contains("/invite/"),
        "{mail}"
    );

    let sink = SmtpSink::start_on(port);
    let (status, body) = call(&app, &c, "mail_retry", &[]).await;
    assert_eq!(status, 200, "{body}");
    let received = sink.wait_for("patient@example.org").await;
    let (status, body, _) = accept(&app, &received.token("/invite/"), "patient").await;
    assert_eq!(status, 200, "{body}");
    let (_, overview) = call(&app, &c, "mail_overview", &[]).await;
    assert_eq!(overview["recent"][0]["status"], "sent", "{overview}");
    assert!(
        overview["recent"][0]["link"].is_null(),
        "a sent mail's link is still shown"
    );
}

#[tokio::test]
async fn without_smtp_the_admin_sees_the_link_and_a_test_mail_reports_its_fate() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    invite(
        &app,
        &c,
        &[
            ("email", "offline@example.org"),
            ("role", "user"),
            ("send", "on"),
        ],
    )
    .await;
    let (_, overview) = call(&app, &c, "mail_overview", &[]).await;
    assert!(overview["server"].is_null());
    assert!(
        overview["recent"][0]["link"]
            .as_str()
            .unwrap()
            .contains("/invite/"),
        "{overview}"
    );
    let (status, outcome) = call(&app, &c, "mail_test", &[]).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["status"], "pending");

    let sink = SmtpSink::start();
    let app = TestApp::spawn_with(&[("GATEHOUSE_SMTP_URL", &sink.url())]).await;
    let c = owner(&app).await;
    let (_, outcome) = call(&app, &c, "mail_test", &[]).await;
    assert_eq!(outcome["status"], "sent", "{outcome}");
    assert!(
        sink.wait_for("ada@example.org")
            .await
            .subject()
            .contains("test mail")
    );
}

#[tokio::test]
async fn registration_with_approval_waits_mails_the_admins_and_then_the_user() {
    let (app, sink, c) = with_mail().await;
    let visitor = client();
    let form = [
        ("username", "newbie"),
        ("first_name", "New"),
        ("last_name", "Person"),
        ("email", "newbie@example.org"),
        ("password", NEW_PASSWORD),
        ("password_confirm", NEW_PASSWORD),
    ];
    let (status, body) = call(&app, &visitor, "register", &form).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "registration is off by default: {body}"
    );

    set_settings(&app, &c, &[("registration", "approval")]).await;
    let (status, body) = call(&app, &visitor, "register", &form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["pending"], true);
    // The account exists once the address is confirmed; then it waits for approval.
    let token = sink
        .wait_for("newbie@example.org")
        .await
        .token("/register/");
    let (status, waiting) = call(&app, &visitor, "register_confirm", &[("token", &token)]).await;
    assert_eq!((status, waiting.as_bool()), (200, Some(true)), "{waiting}");
    let to_admin = sink.wait_for("ada@example.org").await;
    assert!(
        to_admin.subject().contains("newbie waits for approval"),
        "{}",
        to_admin.subject()
    );
    let (_, me) = call(&app, &c, "me", &[]).await;
    assert_eq!(me["pending_approvals"], 1);

    let res = app.login(&client(), "newbie", NEW_PASSWORD).await;
    assert_eq!(res.status(), 403, "a pending account signed in");
    let (_, list) = call(&app, &c, "users", &[("filter[status]", "pending")]).await;
    let id = list["users"][0]["id"].as_str().unwrap().to_string();
    let (status, body) = call(&app, &c, "user_approve", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");
    let approved = sink.wait_for_nth("newbie@example.org", 2).await;
    assert!(
        approved.subject().contains("approved"),
        "{}",
        approved.subject()
    );
    assert_eq!(
        app.login(&client(), "newbie", NEW_PASSWORD).await.status(),
        200
    );

    // Open registration signs the person in once the mailed link is opened; both joined
    // ldapusers.
    set_settings(&app, &c, &[("registration", "open")]).await;
    let fresh = client();
    let mut open_form = form.to_vec();
    open_form[0] = ("username", "walkin");
    open_form[3] = ("email", "walkin@example.org");
    let (status, body) = call(&app, &client(), "register", &open_form).await;
    assert_eq!(
        (status, body["pending"].as_bool()),
        (200, Some(false)),
        "{body}"
    );
    let token = sink
        .wait_for("walkin@example.org")
        .await
        .token("/register/");
    let (status, body) = call(&app, &fresh, "register_confirm", &[("token", &token)]).await;
    assert_eq!(status, 200, "{body}");
    let (_, me) = call(&app, &fresh, "me", &[]).await;
    assert_eq!(me["username"], "walkin");
    let (_, members) = call(
        &app,
        &c,
        "users",
        &[("filter[group]", &groups_id(&app, &c, "ldapusers").await)],
    )
    .await;
    assert_eq!(members["total"], 3, "{members}");
}
