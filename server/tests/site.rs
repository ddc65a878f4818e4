//! The built site as browsers fetch it: hashed names kept for a year, unhashed names
//! revalidated, brotli or gzip copies picked by `Accept-Encoding`, and sign-in pages that
//! ship no WASM.

mod common;

use common::TestApp;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, VARY};
use std::path::{Path, PathBuf};

/// A site root laid out as `cargo leptos build --release --precompress` with hashed names
/// leaves it, with file contents that tell the copies apart.
fn hashed_site() -> PathBuf {
    let root = std::env::temp_dir().join(format!("gatehouse-site-{}", uuid::Uuid::new_v4()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    write(&root, "hash.txt", "css: c55\njs: 0j5\nwasm: 0a5m\n");
    write(&root, "favicon.svg", "<svg/>");
    for (name, body) in [
        ("gatehouse.c55.css", "body{}"),
        ("gatehouse.0j5.js", "export default 1"),
        ("gatehouse.0a5m.wasm", "wasm"),
    ] {
        write(&pkg, name, body);
        write(&pkg, &format!("{name}.br"), &format!("brotli of {name}"));
        write(&pkg, &format!("{name}.gz"), &format!("gzip of {name}"));
    }
    root
}

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).unwrap();
}

async fn fetch(app: &TestApp, path: &str, encoding: &str) -> (u16, String, String, String) {
    let res = common::client()
        .get(app.url(path))
        .header(ACCEPT_ENCODING, encoding)
        .send()
        .await
        .unwrap();
    let header = |name| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (cache, coding) = (header(CACHE_CONTROL), header(CONTENT_ENCODING));
    (
        res.status().as_u16(),
        cache,
        coding,
        res.text().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn hashed_files_are_kept_for_a_year_and_sent_precompressed() {
    let root = hashed_site();
    let app = TestApp::spawn_with(&[("LEPTOS_SITE_ROOT", root.to_str().unwrap())]).await;

    let (status, cache, coding, body) = fetch(&app, "/pkg/gatehouse.0a5m.wasm", "gzip, br").await;
    assert_eq!(status, 200);
    assert_eq!(cache, "public, max-age=31536000, immutable");
    assert_eq!(
        (coding.as_str(), body.as_str()),
        ("br", "brotli of gatehouse.0a5m.wasm")
    );

    // One address, three bodies: a shared cache must tell them apart.
    let res = common::client()
        .get(app.url("/pkg/gatehouse.0a5m.wasm"))
        .header(ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[VARY], "accept-encoding");

    let (_, _, coding, body) = fetch(&app, "/pkg/gatehouse.c55.css", "gzip").await;
    assert_eq!(
        (coding.as_str(), body.as_str()),
        ("gzip", "gzip of gatehouse.c55.css")
    );
    let (_, _, coding, body) = fetch(&app, "/pkg/gatehouse.0j5.js", "identity").await;
    assert_eq!((coding.as_str(), body.as_str()), ("", "export default 1"));

    // Names without a hash are asked for again; a miss is never kept.
    let (status, cache, _, _) = fetch(&app, "/favicon.svg", "identity").await;
    assert_eq!((status, cache.as_str()), (200, "no-cache"));
    let (status, cache, _, _) = fetch(&app, "/pkg/gatehouse.old.wasm", "br").await;
    assert_eq!((status, cache.as_str()), (404, "no-store"));
    // Nothing under /pkg is a page, even where the rest of the path names one.
    let (status, cache, _, body) = fetch(&app, "/pkg/login", "identity").await;
    assert_eq!(
        (status, cache.as_str(), body.as_str()),
        (404, "no-store", "")
    );
    std::fs::remove_dir_all(root).ok();
}

#[tokio::test]
async fn pages_name_the_hashed_files_and_sign_in_ships_no_wasm() {
    let root = hashed_site();
    let app = TestApp::spawn_with(&[("LEPTOS_SITE_ROOT", root.to_str().unwrap())]).await;

    // Before setup every page is the setup wizard, which needs the bundle.
    let (_, _, _, setup) = fetch(&app, "/setup", "identity").await;
    assert!(
        setup.contains(r#"href="/pkg/gatehouse.c55.css""#),
        "{setup}"
    );
    assert!(setup.contains("gatehouse.0a5m") && setup.contains("gatehouse.0j5"));
    assert!(setup.contains(r#"data-scripts="on""#));

    let owner = common::client();
    app.setup_owner(&owner).await;
    for page in ["/login", "/login/code"] {
        let (status, _, _, html) = fetch(&app, page, "identity").await;
        assert_eq!(status, 200, "{page}");
        assert!(
            html.contains(r#"href="/pkg/gatehouse.c55.css""#),
            "{page}: {html}"
        );
        assert!(
            !html.contains(".wasm") && !html.contains("gatehouse.0j5"),
            "{page}: {html}"
        );
        assert!(html.contains(r#"data-scripts="off""#), "{page}");
    }
    std::fs::remove_dir_all(root).ok();
}

#[tokio::test]
async fn without_hashes_the_bundle_is_revalidated() {
    let root = hashed_site();
    std::fs::remove_file(root.join("hash.txt")).unwrap();
    write(&root.join("pkg"), "gatehouse.wasm", "wasm");
    let app = TestApp::spawn_with(&[("LEPTOS_SITE_ROOT", root.to_str().unwrap())]).await;
    let (status, cache, _, _) = fetch(&app, "/pkg/gatehouse.wasm", "identity").await;
    assert_eq!((status, cache.as_str()), (200, "no-cache"));
    let (_, _, _, setup) = fetch(&app, "/setup", "identity").await;
    assert!(setup.contains(r#"href="/pkg/gatehouse.css""#), "{setup}");
    std::fs::remove_dir_all(root).ok();
}
