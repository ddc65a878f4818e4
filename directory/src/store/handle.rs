//! The `Directory` handle: database connection, clock, secrets and the change signal,
//! opened once and shared. The service views on it (`dir.users()`, …) are wired in the crate
//! root, above every service, so that this storage layer needs none of them.

use crate::core::clock::Clock;
use crate::core::error::{Error, Result};
use crate::core::passwords;
use crate::core::secrets::SecretKey;
use crate::store::{cache, db, key_limits, key_usage, roster, signal};
use sea_orm::DatabaseConnection;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// How to open the directory.
pub struct Options {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub secret_key: SecretKey,
    pub clock: Arc<dyn Clock>,
    /// The public URL every emailed link starts with (`GATEHOUSE_BASE_URL`).
    pub base_url: String,
}

/// The handle every transport shares: database, clock and secrets. Cheap to clone; the
/// services are views on it (`dir.users()`, `dir.auth()`, …).
#[derive(Clone)]
pub struct Directory(Arc<Inner>);

struct Inner {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    secret_key: SecretKey,
    /// A hash to verify against when the account does not exist, so both answers cost the same.
    decoy_hash: String,
    /// Set once an owner exists. Setup can never be undone, so every process may cache a `true`.
    setup_complete: AtomicBool,
    base_url: RwLock<String>,
    /// Woken after a mail is queued, so this process's sender need not wait for its poll.
    mail_waiting: Arc<Notify>,
    /// The "directory changed" signal and the caches it clears.
    changes: signal::Changes,
    cache: cache::Cache,
    /// Every user's list columns in memory (see [`roster`]).
    roster: roster::RosterSlot,
    /// API key use not yet written (see [`key_usage`]).
    key_usage: key_usage::UsageBuffer,
    key_limits: key_limits::KeyLimits,
}

impl Directory {
    /// Connects to the database. Does not migrate: call [`Directory::migrate`] for that.
    pub async fn open(options: Options) -> Result<Self> {
        let db = db::connect(&options.database_url).await?;
        let decoy_hash = tokio::task::spawn_blocking(passwords::decoy_hash)
            .await
            .map_err(|e| Error::Internal(format!("decoy hash task: {e}")))??;
        Ok(Self(Arc::new(Inner {
            db,
            clock: options.clock,
            secret_key: options.secret_key,
            decoy_hash,
            setup_complete: AtomicBool::new(false),
            base_url: RwLock::new(options.base_url.trim_end_matches('/').to_string()),
            mail_waiting: Arc::new(Notify::new()),
            // Nothing is cached until [`Directory::watch_changes`] hears changes.
            changes: signal::Changes::new(false),
            cache: cache::Cache::default(),
            roster: roster::RosterSlot::default(),
            key_usage: key_usage::UsageBuffer::default(),
            key_limits: key_limits::KeyLimits::default(),
        })))
    }

    /// Applies pending migrations; safe to run from several processes at once.
    pub async fn migrate(&self) -> Result<()> {
        db::migrate(&self.0.db).await
    }

    /// Answers whether the database can be reached (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        self.0.db.ping().await.map_err(Error::from)
    }

    pub async fn close(&self) -> Result<()> {
        self.0.db.clone().close().await.map_err(Error::from)
    }

    pub fn now(&self) -> OffsetDateTime {
        self.0.clock.now()
    }

    pub fn secret_key(&self) -> &SecretKey {
        &self.0.secret_key
    }

    /// The public URL links in mails start with, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.0
            .base_url
            .read()
            .map(|url| url.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Sets the public URL once the listening port is known (when it was not configured).
    pub fn set_base_url(&self, url: &str) {
        let mut guard = self
            .0
            .base_url
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *guard = url.trim_end_matches('/').to_string();
    }

    /// What the mail sender waits on between polls.
    pub fn mail_waiting(&self) -> Arc<Notify> {
        self.0.mail_waiting.clone()
    }

    pub(crate) fn wake_mailer(&self) {
        self.0.mail_waiting.notify_one();
    }

    pub fn backend_name(&self) -> &'static str {
        match self.0.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => "postgres",
            sea_orm::DbBackend::Sqlite => "sqlite",
            _ => "other",
        }
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.0.db
    }

    pub(crate) fn changes(&self) -> &signal::Changes {
        &self.0.changes
    }

    pub(crate) fn cache(&self) -> &cache::Cache {
        &self.0.cache
    }

    pub(crate) fn roster_slot(&self) -> &roster::RosterSlot {
        &self.0.roster
    }

    /// Whether this process hears changes now, so that its caches may serve (see
    /// [`Directory::watch_changes`]).
    pub fn hears_changes(&self) -> bool {
        self.0.changes.live()
    }

    pub(crate) fn key_usage(&self) -> &key_usage::UsageBuffer {
        &self.0.key_usage
    }

    pub(crate) fn key_limits(&self) -> &key_limits::KeyLimits {
        &self.0.key_limits
    }

    pub(crate) fn decoy_hash(&self) -> &str {
        &self.0.decoy_hash
    }

    pub(crate) fn setup_flag(&self) -> bool {
        self.0.setup_complete.load(Ordering::Acquire)
    }

    pub(crate) fn mark_setup_complete(&self) {
        self.0.setup_complete.store(true, Ordering::Release);
    }
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directory")
            .field("backend", &self.backend_name())
            .finish_non_exhaustive()
    }
}
