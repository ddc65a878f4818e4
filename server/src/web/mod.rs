//! The HTTP side: router, middleware and the server's life from bind to graceful shutdown.

mod avatars;
mod body_limit;
mod calls;
pub mod client_ip;
pub(crate) mod errors;
mod first_run;
mod headers;
mod health;
mod host;
pub(crate) mod identity;
mod oidc;
mod origin;
mod pages;
mod site;

use crate::config::Config;
use crate::mailer::SmtpTarget;
use crate::session_store::DbSessionStore;
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use directory::Directory;
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

/// How long a session lives without use.
const SESSION_IDLE: time::Duration = time::Duration::days(7);
/// How often each process writes the API key use it counted.
const KEY_USAGE_FLUSH: std::time::Duration = std::time::Duration::from_secs(60);
/// How often each process sweeps expired session records.
const SESSION_SWEEP: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub dir: Directory,
    pub leptos: LeptosOptions,
    pub config: Arc<Config>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// What every page render and server function gets in its Leptos context.
pub type Context = Arc<dyn Fn() + Send + Sync>;

/// Builds the whole application: one router per door, each with its own middleware, side by
/// side; the router that matches a request decides what kind of request it is.
///
/// | door | paths | who is asking |
/// | --- | --- | --- |
/// | health | `/healthz`, `/readyz` | nobody |
/// | pages | every app page, `/avatars/{id}` | session cookie |
/// | calls | `/_fn/…` (server functions, avatar upload) | session cookie, same origin |
/// | REST | `/api/…` | API key, else session cookie (same origin) |
/// | OIDC | `/openid/…`, `/.well-known/…` | (not yet) |
/// | files | anything else: the site root, else the not-found page | - |
pub fn router(state: AppState) -> Router {
    let context = leptos_context(&state);
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.dir.clone()))
        .with_name("gatehouse_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.cookies_secure())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE))
        // Idle expiry counts from the last use, not from sign-in: every answer saves the
        // session, and the store writes it at most once a minute when nothing else changed.
        .with_always_save(true);
    let site = site::files(
        &state.config.site_root,
        state.leptos.hash_files,
        pages::fallback(&state, context.clone())
            .layer(sessions.clone())
            .with_state(state.clone()),
    );
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(pages::router(&state, context.clone()).layer(sessions.clone()))
        .merge(calls::router(&state, context).layer(sessions.clone()))
        .merge(crate::api::router(&state).layer(sessions.clone()))
        .merge(oidc::router())
        .fallback_service(site)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        // The WASM bundle is a third of its size gzipped; pictures are left alone.
        .layer(CompressionLayer::new().gzip(true))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(headers::request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // The id is ours to give: a client's would reach logs and error messages unchecked.
        .layer(axum::middleware::map_request(forget_request_id))
        .with_state(state)
}

async fn forget_request_id(mut req: axum::extract::Request) -> axum::extract::Request {
    req.headers_mut().remove("x-request-id");
    req
}

fn leptos_context(state: &AppState) -> Context {
    let dir = state.dir.clone();
    let mail = mail_status(&state.config);
    let reference = crate::api::reference();
    Arc::new(move || {
        provide_context(dir.clone());
        provide_context(mail.clone());
        provide_context(reference.clone());
        leptos::nonce::provide_nonce();
    })
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn serve(config: Config, dir: Directory) -> Result<(), String> {
    let listener = TcpListener::bind(config.http_addr).await.map_err(|e| {
        format!(
            "GATEHOUSE_HTTP_ADDR: cannot listen on {}: {e}",
            config.http_addr
        )
    })?;
    serve_on(listener, config, dir, shutdown_signal()).await
}

/// Serves on a bound listener until `shutdown` completes, then finishes the requests in
/// flight. The integration tests run the server in their own process through this.
pub async fn serve_on(
    listener: TcpListener,
    config: Config,
    dir: Directory,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let mut config = config;
    if !config.base_url_set {
        config.base_url = format!("http://{bound}");
    }
    let hashes = site::hash_file(&config.site_root);
    let leptos = LeptosOptions::builder()
        .output_name("gatehouse")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(bound)
        .env(Env::PROD)
        // Leptos joins this to the binary's folder; an absolute path replaces that folder.
        .hash_files(hashes.is_some())
        .hash_file(
            hashes
                .map(|path| path.to_string_lossy().into())
                .unwrap_or_else(|| "hash.txt".into()),
        )
        .build();
    if !config.site_root.join("pkg").is_dir() {
        tracing::warn!(
            site_root = %config.site_root.display(),
            "no built site found: pages will render without styles or scripts (run `make build`)"
        );
    }
    dir.set_base_url(&config.base_url);
    let sweeper = tokio::spawn(sweep(dir.clone()));
    let watcher = tokio::spawn(dir.clone().watch_changes());
    let usage = tokio::spawn(flush_key_usage(dir.clone()));
    let sender = start_mailer(&config, &dir)?;
    let app = router(AppState {
        dir: dir.clone(),
        leptos,
        config: Arc::new(config.clone()),
    });
    tracing::info!(base_url = %config.base_url, backend = dir.backend_name(), "listening on http://{bound}");
    let result = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(|e| format!("server error: {e}"));
    sweeper.abort();
    watcher.abort();
    usage.abort();
    if let Err(err) = dir.api_keys().flush_usage().await {
        tracing::warn!(error = %err, "writing API key use at shutdown failed");
    }
    if let Some(sender) = sender {
        sender.abort();
    }
    tracing::info!("stopped");
    result
}

/// Deletes expired session records, idle rate-limit buckets, expired temporary passwords,
/// registrations and audit rows past their retention, and walks the audit hash chain, now and
/// then; every process may do it, it is idempotent.
async fn sweep(dir: Directory) {
    let store = DbSessionStore::new(dir.clone());
    let mut interval = tokio::time::interval(SESSION_SWEEP);
    loop {
        interval.tick().await;
        if let Err(err) = store.delete_expired().await {
            tracing::warn!(error = %err, "deleting expired sessions failed");
        }
        if let Err(err) = directory::rate_limit::forget_old(&dir).await {
            tracing::warn!(error = %err, "deleting idle rate-limit buckets failed");
        }
        if let Err(err) = directory::temp_logins::forget_expired(&dir).await {
            tracing::warn!(error = %err, "deleting expired temporary passwords failed");
        }
        if let Err(err) = directory::signups::forget_expired(&dir).await {
            tracing::warn!(error = %err, "deleting expired registrations failed");
        }
        if let Err(err) = dir.audit().apply_retention().await {
            tracing::warn!(error = %err, "pruning the audit log failed");
        }
        if let Err(err) = dir.audit().check_chain().await {
            tracing::warn!(error = %err, "checking the audit hash chain failed");
        }
    }
}

/// Writes the API key use this process counted, once a minute; what is counted in the last
/// minute before a crash is lost, which a usage count can afford.
async fn flush_key_usage(dir: Directory) {
    let mut interval = tokio::time::interval(KEY_USAGE_FLUSH);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(err) = dir.api_keys().flush_usage().await {
            tracing::warn!(error = %err, "writing API key use failed");
        }
    }
}

/// What the settings page says about mail delivery.
fn mail_status(config: &Config) -> app::ssr::MailStatus {
    let server = config
        .smtp_url
        .as_ref()
        .and_then(|url| SmtpTarget::parse(url.expose()).ok())
        .map(|target| target.describe());
    app::ssr::MailStatus {
        server,
        from: config.mail_from.clone(),
    }
}

/// Starts sending the outbox when an SMTP server is configured; without one, mail waits in
/// the outbox and admins see its links.
fn start_mailer(
    config: &Config,
    dir: &Directory,
) -> Result<Option<tokio::task::JoinHandle<()>>, String> {
    let Some(url) = &config.smtp_url else {
        tracing::warn!(
            "GATEHOUSE_SMTP_URL is not set: mail stays in the outbox, and admins see its links in Settings"
        );
        return Ok(None);
    };
    let target = SmtpTarget::parse(url.expose()).map_err(|e| format!("GATEHOUSE_SMTP_URL: {e}"))?;
    let from = config
        .mail_from
        .parse()
        .map_err(|e| format!("GATEHOUSE_MAIL_FROM: {e}"))?;
    Ok(Some(tokio::spawn(crate::mailer::run(
        dir.clone(),
        target,
        from,
    ))))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
