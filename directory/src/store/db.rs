//! Opening the database (SQLite with WAL and foreign keys, or PostgreSQL) and migrating it.

use crate::error::{Error, Result};
use crate::migrations::Migrator;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    DbBackend, IsolationLevel, TransactionTrait,
};
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
        prepare_sqlite_file(url)?;
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

/// A driver error from a raw sqlx call (sea-orm wraps only its own calls' errors).
/// A read-only snapshot for reads that must agree with each other across several queries:
/// REPEATABLE READ on PostgreSQL (its default gives each query a snapshot of its own), a read
/// transaction on SQLite (which already sees one snapshot).
pub(crate) async fn snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction> {
    let txn = if db.get_database_backend() == DbBackend::Postgres {
        db.begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?
    } else {
        db.begin().await?
    };
    Ok(txn)
}

pub(crate) fn sqlx_failed(err: sea_orm::sqlx::Error) -> Error {
    Error::Internal(format!("database: {err}"))
}

/// SQLite's counter of commits made through other connections (see [`crate::changes`]).
pub(crate) async fn data_version(
    conn: &mut sea_orm::sqlx::pool::PoolConnection<sea_orm::sqlx::Sqlite>,
) -> Result<i64> {
    let version: i64 = sea_orm::sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(&mut **conn)
        .await
        .map_err(sqlx_failed)?;
    Ok(version)
}

/// SQLite creates the file but not its folder; a fresh machine has no `data/` yet. The file
/// holds password hashes and live one-time links until mail is sent, so it is the owner's
/// alone: made 0600 before SQLite opens it, and tightened if an older start left it wider.
/// SQLite gives its `-wal` and `-shm` files the database file's mode.
fn prepare_sqlite_file(url: &str) -> Result<()> {
    let Some((path, query)) = sqlite_path(url) else {
        return Ok(());
    };
    let path = std::path::Path::new(path);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        private_dir(parent).map_err(|e| {
            Error::Internal(format!(
                "cannot create database folder {}: {e}",
                parent.display()
            ))
        })?;
    }
    let creates = query.split('&').any(|pair| pair == "mode=rwc");
    private_files(path, creates)
        .map_err(|e| Error::Internal(format!("cannot protect {}: {e}", path.display())))
}

/// The file path and query of a `sqlite:` URL; `None` for an in-memory database.
fn sqlite_path(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let memory = path.is_empty()
        || path.starts_with(":memory:")
        || query.split('&').any(|pair| pair == "mode=memory");
    (!memory).then_some((path, query))
}

/// Creates a folder (and its missing parents) readable by the owner only.
fn private_dir(path: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

#[cfg(unix)]
fn private_files(path: &std::path::Path, create: bool) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if create {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::set_permissions(&name, std::fs::Permissions::from_mode(0o600)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn private_files(_path: &std::path::Path, _create: bool) -> std::io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://data/gatehouse.db?mode=rwc"),
            Some(("data/gatehouse.db", "mode=rwc"))
        );
        assert_eq!(sqlite_path("sqlite:/tmp/x.db"), Some(("/tmp/x.db", "")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("sqlite://x.db?mode=memory"), None);
        assert_eq!(sqlite_path("postgres://db/x"), None);
    }

    #[cfg(unix)]
    #[test]
    fn database_files_are_made_and_kept_private() -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("gatehouse-db-mode-{}", std::process::id()));
        let db = dir.join("sub/gatehouse.db");
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
        let url = format!("sqlite://{}?mode=rwc", db.display());
        prepare_sqlite_file(&url)?;
        let wal = dir.join("sub/gatehouse.db-wal");
        std::fs::write(&wal, b"").map_err(|e| Error::Internal(e.to_string()))?;
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::Internal(e.to_string()))?;
        prepare_sqlite_file(&url)?;
        let modes = [mode(&db), mode(&wal), mode(&dir.join("sub"))];
        let _ = std::fs::remove_dir_all(&dir);
        let modes: Vec<u32> = modes
            .into_iter()
            .collect::<std::io::Result<_>>()
            .map_err(|e| Error::Internal(e.to_string()))?;
        assert_eq!(modes, [0o600, 0o600, 0o700]);
        Ok(())
    }
}
