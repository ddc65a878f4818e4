//! Web sessions: a person sees theirs and ends one; an administrator ends someone's.

use super::*;

#[tokio::test]
async fn people_see_their_sessions_and_end_them() {
    let app = TestApp::spawn().await;
    let _ada = owner(&app).await;
    cli_user(&app, "hal", "user");
    let laptop = signed_in(&app, "hal").await;
    let phone = signed_in(&app, "hal").await;
    let list: Value = json_of(laptop.get(app.url("/api/v1/sessions"))).await;
    let sessions = list.as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{list}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let other = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = laptop
        .delete(app.url(&format!("/api/v1/sessions/{other}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, body) = error_of(phone.get(app.url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!((status, code(&body)), (401, "unauthenticated"));
    let res = laptop.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    // Someone else's sessions are out of reach without users.update.
    cli_user(&app, "ivy", "user");
    let ivy = signed_in(&app, "ivy").await;
    let res = ivy
        .delete(app.url("/api/v1/sessions?user=hal"))
        .send()
        .await
        .unwrap();
    let (status, _) = error_of(res).await;
    assert_eq!(status, 403);
    let ada = signed_in(&app, "ada").await;
    let ended: Value = json_of(ada.delete(app.url("/api/v1/sessions?user=hal"))).await;
    assert_eq!(ended["ended"], 1);
    let (status, _) = error_of(laptop.get(app.url("/api/v1/me")).send().await.unwrap()).await;
    assert_eq!(status, 401);
}
