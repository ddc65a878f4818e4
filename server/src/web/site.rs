//! The built site: which files carry a content hash, how long browsers may keep them, and
//! the brotli and gzip copies made at build time.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The name cargo-leptos gives the list of hashed file names (`css: …`, `js: …`, `wasm: …`).
const HASH_FILE: &str = "hash.txt";
/// A hashed name changes with its content, so a browser may keep the file for good.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// Unhashed names keep their name across builds: browsers ask again each time (an ETag or
/// date check, answered 304 when unchanged).
const REVALIDATE: &str = "no-cache";

/// The hash list of the built site, when the build hashed its file names: in the site root
/// (where a deployment may copy it), else beside the binary (where cargo-leptos writes it).
pub fn hash_file(site_root: &Path) -> Option<PathBuf> {
    // Leptos joins the path to the binary's folder: a relative one would land there.
    let in_site = std::path::absolute(site_root.join(HASH_FILE)).ok()?;
    if in_site.is_file() {
        return Some(in_site);
    }
    let beside_binary = std::env::current_exe().ok()?.parent()?.join(HASH_FILE);
    beside_binary.is_file().then_some(beside_binary)
}

/// The built site (`/pkg/…`, `/favicon.svg`): files anyone may fetch, no session. `/pkg` is
/// kept for a year when its names are hashed; a miss under `/pkg` is a bare 404, one
/// elsewhere goes to `not_found`; neither is ever cached.
pub fn files(site_root: &Path, hashed: bool, not_found: Router) -> Router {
    let not_found = not_found.layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let pkg = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip()
        .fallback(Router::new().fallback(pkg_miss));
    let pkg_cache = if hashed { FOREVER } else { REVALIDATE };
    let rest = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found);
    Router::new()
        .nest_service(
            "/pkg",
            Router::new()
                .fallback_service(pkg)
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    move |res: &Response| kept(res).then(|| HeaderValue::from_static(pkg_cache)),
                )),
        )
        .fallback_service(rest)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(REVALIDATE),
        ))
        // The same address answers brotli, gzip or plain bytes: a shared cache must key on it.
        .layer(SetResponseHeaderLayer::overriding(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
}

/// Only the file itself may be kept: not an error, a redirect or a refusal.
fn kept(res: &Response) -> bool {
    matches!(
        res.status(),
        StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
    )
}

/// A built file that is not there: nothing under `/pkg` is a page.
async fn pkg_miss() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
    )
}
