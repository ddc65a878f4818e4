//! Two-factor helpers shared by the suites: set it up as the page does, and compute codes.

use super::{TestApp, call};
use directory::totp::TotpKey;
use time::Duration;

/// Sets up 2FA for the client's user as the page does; returns the key and the backup codes.
pub async fn enable_2fa(app: &TestApp, c: &reqwest::Client) -> (TotpKey, Vec<String>) {
    let (status, setup) = call(app, c, "mfa_setup_begin", &[]).await;
    assert_eq!(status, 200, "{setup}");
    let key = TotpKey::from_base32(setup["key"].as_str().unwrap()).expect("a base32 key");
    assert!(setup["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let (status, body) = call(
        app,
        c,
        "mfa_setup_confirm",
        &[("code", &wrong_code(app, &key))],
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("code")),
        "{body}"
    );
    let code = key.code_at(app.now());
    let (status, codes) = call(app, c, "mfa_setup_confirm", &[("code", &code)]).await;
    assert_eq!(status, 200, "{codes}");
    let codes: Vec<String> = serde_json::from_value(codes).unwrap();
    assert_eq!(codes.len(), 10);
    (key, codes)
}

/// The next step's code: the one used at setup is spent, and the drift window accepts the
/// next step at once. The server's clock stands still, so this is the same code until the
/// test moves the clock.
pub fn next_code(app: &TestApp, key: &TotpKey) -> String {
    key.code_at(app.now() + Duration::seconds(30))
}

/// A six-digit code that is none of the codes the window would accept now.
pub fn wrong_code(app: &TestApp, key: &TotpKey) -> String {
    let window: Vec<String> = (-2..=2)
        .map(|step| key.code_at(app.now() + Duration::seconds(30 * step)))
        .collect();
    (0..10)
        .map(|d| d.to_string().repeat(6))
        .find(|candidate| !window.contains(candidate))
        .unwrap_or_else(|| "000000".into())
}
