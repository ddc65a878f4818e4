//! The audit trail: the hash chain walked by `gatehouse audit verify`, and the trail
//! searched, paged and exported.

use super::*;
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;

#[tokio::test]
async fn audit_verify_finds_a_row_edited_in_the_database() {
    let app = TestApp::spawn().await;
    let _ada = owner(&app).await;
    cli_user(&app, "fay", "user");
    cli_user(&app, "gus", "user");
    let (exit, out, err) = app.cli(&["audit", "verify"], None);
    assert_eq!(exit, 0, "{err}");
    let rows: u64 = out
        .trim()
        .strip_prefix("ok ")
        .unwrap()
        .strip_suffix(" rows")
        .unwrap()
        .parse()
        .unwrap();
    assert!(rows >= 3, "{out}");

    let db = Database::connect(&app.database_url).await.unwrap();
    db.execute_unprepared("UPDATE audit_log SET target_name = 'mallory' WHERE id = 2")
        .await
        .unwrap();
    let (exit, _, err) = app.cli(&["audit", "verify"], None);
    assert_eq!(exit, 1);
    assert!(err.contains("audit row 2 "), "{err}");
    db.execute_unprepared("DELETE FROM audit_log WHERE id >= 2")
        .await
        .unwrap();
    let (exit, _, err) = app.cli(&["audit", "verify"], None);
    assert_eq!(exit, 1);
    assert!(err.contains("newest rows were removed"), "{err}");
    db.close().await.unwrap();
}

#[tokio::test]
async fn the_audit_trail_is_searched_and_exported() {
    let app = TestApp::spawn().await;
    let ada = owner(&app).await;
    cli_user(&app, "jon", "user");
    let _ = app.login(&client(), "jon", "wrong-password-here").await;
    let key = make_key(
        &app,
        &ada,
        json!({"label": "auditor", "password": PASSWORD}),
    )
    .await;
    let (status, body) = with_key(&app, &key, Method::GET, "/api/v1/audit?user=jon", None).await;
    assert_eq!(status, 200, "{body}");
    let actions: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // A failed sign-in names no account (it may not exist): it is found by its family.
    assert_eq!(actions, ["user.create"]);
    let (_, body) = with_key(
        &app,
        &key,
        Method::GET,
        "/api/v1/audit?action=auth&result=failure",
        None,
    )
    .await;
    let actions: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["auth.login.failed"]);
    let today = app.now().date();
    let (_, body) = with_key(
        &app,
        &key,
        Method::GET,
        &format!("/api/v1/audit?from={}", today.next_day().unwrap()),
        None,
    )
    .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
    let (status, body) = with_key(
        &app,
        &key,
        Method::GET,
        "/api/v1/audit?from=yesterday",
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("from"))
    );
    // Paging walks every row once, newest first.
    let (_, all) = with_key(&app, &key, Method::GET, "/api/v1/audit?limit=200", None).await;
    let total = all["items"].as_array().unwrap().len();
    let (_, first) = with_key(&app, &key, Method::GET, "/api/v1/audit?limit=2", None).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = with_key(
        &app,
        &key,
        Method::GET,
        &format!("/api/v1/audit?limit=200&cursor={cursor}"),
        None,
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), total - 2);
    assert!(first["items"][1]["id"].as_i64() > second["items"][0]["id"].as_i64());

    let res = client()
        .get(app.url("/api/v1/audit/export?user=jon"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("audit.csv")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,at,actor,on_behalf_of,action,target,ip,user_agent,details"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].contains("\"user.create\"") && lines[1].contains("\"jon\""),
        "{csv}"
    );
    let json: Value = json_of(
        client()
            .get(app.url("/api/v1/audit/export?format=json&user=jon"))
            .bearer_auth(&key),
    )
    .await;
    assert_eq!(json.as_array().unwrap().len(), lines.len() - 1);
    // Browsers ask for it compressed: the stream ends cleanly through the gzip layer too.
    let res = client()
        .get(app.url("/api/v1/audit/export?user=jon"))
        .bearer_auth(&key)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let gz = res.bytes().await.unwrap();
    assert!(gz.starts_with(&[0x1f, 0x8b]) && gz.len() > 20, "{gz:?}");
    // Without audit.read: refused before anything is streamed.
    cli_user(&app, "kim", "user");
    let (exit, kim_key, _) = app.cli(
        &["api-key", "create", "--username", "kim", "--label", "k"],
        None,
    );
    assert_eq!(exit, 0);
    let (status, _) = with_key(
        &app,
        kim_key.trim(),
        Method::GET,
        "/api/v1/audit/export",
        None,
    )
    .await;
    assert_eq!(status, 403);
}
