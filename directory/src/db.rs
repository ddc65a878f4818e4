//! Opening the database (SQLite with WAL and foreign keys, or PostgreSQL) and migrating it.

use crate::error::{Error, Result};
use crate::migrations::Migrator;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// An arbitrary constant naming the PostgreSQL advisory lock that serialises migrations
/// when several gatehouse processes start at once.
const MIGRATION_LOCK: i64 = 0x6761_7465_686f_7573;

pub(crate) async fn connect(url: &str) -> Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        create_sqlite_parent_dir(url)?;
        options
            .max_connections(8)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
    } else {
        options.max_connections(16).min_connections(1);
    }
    Ok(Database::connect(options).await?)
}

/// SQLite creates the file but not its folder; a fresh machine has no `data/` yet.
fn create_sqlite_parent_dir(url: &str) -> Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            Error::Internal(format!(
                "cannot create database folder {}: {e}",
                parent.display()
            ))
        })?;
    }
    Ok(())
}

pub(crate) async fn migrate(db: &DatabaseConnection) -> Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        // SQLite serialises writers itself.
        return Ok(Migrator::up(db, None).await?);
    }
    // An advisory lock belongs to one connection, so take it on a transaction that lives
    // until the migrations have run on the pool; a second process waits here.
    let lock = sea_orm::TransactionTrait::begin(db).await?;
    lock.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        .await?;
    let result = Migrator::up(db, None).await;
    lock.commit().await?;
    Ok(result?)
}
