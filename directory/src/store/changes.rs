//! The "directory changed" signal: every committed change raises it, in this process at once
//! and in every other `gatehouse` process sharing the database within a second, and every
//! cache (settings, signed-in users, later the LDAP view) drops what it holds when it fires.
//!
//! On PostgreSQL a change sends `NOTIFY` inside its own transaction, so the notice leaves only
//! if the change commits, and a `LISTEN`ing connection per process receives it. On SQLite
//! (one file, possibly opened by the command line too) a dedicated connection reads
//! `PRAGMA data_version`, which moves whenever any other connection commits.

use crate::Directory;
use crate::error::Result;
use crate::store::db;
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};
use std::ops::Deref;
use std::time::Duration;
use tokio::sync::broadcast;

/// The PostgreSQL channel every process listens on.
pub const CHANNEL: &str = "gatehouse_changed";
/// How often SQLite's change counter is read.
const SQLITE_POLL: Duration = Duration::from_millis(250);
/// How long to wait before listening again after the listening connection failed.
const RETRY: Duration = Duration::from_secs(1);

/// A write transaction that raises the signal when it commits. Derefs to the transaction, so
/// services use it as one; only `commit` differs.
pub struct Change<'a> {
    txn: DatabaseTransaction,
    dir: &'a Directory,
    /// False for a write nothing cached depends on (a sign-in's time): it need not clear
    /// every process's caches.
    signals: bool,
    /// A quiet write the users lists show (a sign-in's time): this process's roster is
    /// rebuilt after it (other processes' within twice the caches' age limit).
    listed: bool,
}

impl Deref for Change<'_> {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

// Services pass a change wherever a connection goes (`&impl ConnectionTrait`).
#[async_trait::async_trait]
impl ConnectionTrait for Change<'_> {
    fn get_database_backend(&self) -> sea_orm::DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> std::result::Result<sea_orm::ExecResult, sea_orm::DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(
        &self,
        sql: &str,
    ) -> std::result::Result<sea_orm::ExecResult, sea_orm::DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> std::result::Result<Option<sea_orm::QueryResult>, sea_orm::DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> std::result::Result<Vec<sea_orm::QueryResult>, sea_orm::DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

impl<'a> Change<'a> {
    pub(crate) async fn begin(dir: &'a Directory) -> Result<Self> {
        let txn = dir.db().begin().await?;
        Ok(Self {
            txn,
            dir,
            signals: true,
            listed: false,
        })
    }

    /// A change that leaves the caches alone: only for writes no cache reads.
    pub(crate) async fn begin_quiet(dir: &'a Directory) -> Result<Self> {
        let mut change = Self::begin(dir).await?;
        change.signals = false;
        Ok(change)
    }

    /// Marks a quiet change as one the users lists show.
    pub(crate) fn listed(mut self) -> Self {
        self.listed = true;
        self
    }

    /// Commits, then tells every cache here and (on PostgreSQL, by a `NOTIFY` that leaves
    /// with the commit) in every other process.
    pub async fn commit(self) -> Result<()> {
        if !self.signals {
            self.txn.commit().await?;
            if self.listed {
                self.dir.changes().touch();
            }
            return Ok(());
        }
        if self.txn.get_database_backend() == sea_orm::DbBackend::Postgres {
            self.txn
                .execute_unprepared(&format!("NOTIFY {CHANNEL}"))
                .await?;
        }
        self.txn.commit().await?;
        self.dir.changes().fire();
        Ok(())
    }
}

impl Directory {
    /// A receiver that wakes on every change (for caches kept outside this crate).
    pub fn subscribe_changes(&self) -> broadcast::Receiver<()> {
        self.changes().subscribe()
    }

    /// Hears changes made by other processes until the future is dropped. Run it once per
    /// process next to the server; until it runs, nothing is cached.
    pub async fn watch_changes(self) {
        loop {
            let result = match self.db().get_database_backend() {
                sea_orm::DbBackend::Postgres => self.listen_postgres().await,
                _ => self.poll_sqlite().await,
            };
            self.changes().set_live(false);
            if let Err(err) = result {
                tracing::warn!(error = %err, "listening for directory changes failed; caches are off until it works again");
            }
            tokio::time::sleep(RETRY).await;
        }
    }

    async fn listen_postgres(&self) -> Result<()> {
        let pool = self.db().get_postgres_connection_pool();
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(pool)
            .await
            .map_err(db::sqlx_failed)?;
        listener.listen(CHANNEL).await.map_err(db::sqlx_failed)?;
        // Anything may have changed while nobody listened.
        self.changes().set_live(true);
        loop {
            // `None` means the connection dropped (sqlx reconnects): notices may be lost.
            match listener.try_recv().await.map_err(db::sqlx_failed)? {
                Some(_) => self.changes().fire(),
                None => return Ok(()),
            }
        }
    }

    async fn poll_sqlite(&self) -> Result<()> {
        // One connection of the pool, held for good: the counter is per connection and moves
        // on every commit made through any other.
        let mut watcher = self
            .db()
            .get_sqlite_connection_pool()
            .acquire()
            .await
            .map_err(db::sqlx_failed)?;
        let mut seen = db::data_version(&mut watcher).await?;
        self.changes().set_live(true);
        loop {
            tokio::time::sleep(SQLITE_POLL).await;
            let now = db::data_version(&mut watcher).await?;
            if now != seen {
                seen = now;
                self.changes().fire();
            }
        }
    }
}
