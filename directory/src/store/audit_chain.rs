//! The audit trail's hash chain: each row's `hash` is SHA-256 of the previous row's hash and
//! the row's canonical form, so an edited, removed or reordered row shows on the next walk.
//!
//! Writers take the one `audit_chain` row's lock before they read the head, so two processes
//! sharing PostgreSQL cannot both chain from the same row (SQLite has one writer anyway).

use crate::Directory;
use crate::core::error::Result;
use crate::entities::{audit_chain, audit_log};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The hash the first row chains from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const HEAD: i32 = 1;
/// Rows read per query while walking, so memory stays flat however long the trail is.
const BATCH: u64 = 1_000;

/// Timestamps are chained as whole microseconds: PostgreSQL keeps no more, so a row read back
/// must hash as it was written.
pub fn truncate_micros(at: OffsetDateTime) -> OffsetDateTime {
    let micros = at.nanosecond() / 1_000 * 1_000;
    at.replace_nanosecond(micros).unwrap_or(at)
}

/// The row as hashed: every column but the hash, in a fixed order, as JSON.
fn canonical(row: &audit_log::Model) -> Vec<u8> {
    serde_json::json!([
        row.id,
        row.at.unix_timestamp_nanos() / 1_000,
        row.actor_id,
        row.actor_name,
        row.action,
        row.target_type,
        row.target_id,
        row.target_name,
        row.ip,
        row.user_agent,
        row.details,
        row.on_behalf_of_id,
        row.on_behalf_of_name,
    ])
    .to_string()
    .into_bytes()
}

/// The hash of `row` chained after `previous`.
pub fn link(previous: &str, row: &audit_log::Model) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical(row));
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Locks the head for this transaction and reads it. The no-op update takes the row lock on
/// PostgreSQL (held to commit) and the write lock on SQLite.
async fn lock_head(conn: &impl ConnectionTrait) -> Result<audit_chain::Model, DbErr> {
    audit_chain::Entity::update_many()
        .col_expr(
            audit_chain::Column::HeadId,
            Expr::col(audit_chain::Column::HeadId),
        )
        .filter(audit_chain::Column::Id.eq(HEAD))
        .exec(conn)
        .await?;
    audit_chain::Entity::find_by_id(HEAD)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_chain head".into()))
}

/// Appends `row` (its id and hash are set here) at the head of the chain, on `conn`, which
/// should be the transaction of the change the row describes.
pub(crate) async fn append(conn: &DatabaseTransaction, mut row: audit_log::Model) -> Result<()> {
    let head = lock_head(conn).await?;
    row.id = head.head_id + 1;
    row.at = truncate_micros(row.at);
    let hash = link(&head.head_hash, &row);
    row.hash = Some(hash.clone());
    audit_log::ActiveModel::from(row.clone())
        .insert(conn)
        .await?;
    move_head(conn, head.head_id, row.id, hash).await
}

/// Moves the head from `from` to the new row; a head that moved meanwhile means the lock did
/// not hold, and the change is refused rather than forking the chain.
async fn move_head(conn: &impl ConnectionTrait, from: i64, id: i64, hash: String) -> Result<()> {
    let moved = audit_chain::Entity::update_many()
        .col_expr(audit_chain::Column::HeadId, Expr::value(id))
        .col_expr(audit_chain::Column::HeadHash, Expr::value(hash))
        .filter(audit_chain::Column::Id.eq(HEAD))
        .filter(audit_chain::Column::HeadId.eq(from))
        .exec(conn)
        .await?
        .rows_affected;
    if moved == 1 {
        Ok(())
    } else {
        Err(crate::core::error::Error::Internal(
            "the audit chain's head moved during a write".into(),
        ))
    }
}

/// Hashes the rows written before the chain existed, in id order, and creates the head.
pub(crate) async fn backfill(conn: &impl ConnectionTrait) -> Result<(), DbErr> {
    let mut previous = GENESIS.to_string();
    let mut last_id = 0;
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(last_id))
            .order_by_asc(audit_log::Column::Id)
            .limit(BATCH)
            .all(conn)
            .await?;
        let Some(last) = rows.last() else { break };
        last_id = last.id;
        for row in rows {
            let hash = link(&previous, &row);
            let mut active: audit_log::ActiveModel = row.into();
            active.hash = Set(Some(hash.clone()));
            active.update(conn).await?;
            previous = hash;
        }
    }
    audit_chain::ActiveModel {
        id: Set(HEAD),
        head_id: Set(last_id),
        head_hash: Set(previous),
        checkpoint_id: Set(0),
        checkpoint_hash: Set(GENESIS.to_string()),
        verified_at: Set(None),
        verified_through_id: Set(0),
        broken_at_id: Set(None),
    }
    .insert(conn)
    .await?;
    // PostgreSQL's sequence must start past the rows that exist: ids come from the head now,
    // but nothing should ever collide with what the sequence gave before.
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        conn.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), GREATEST((SELECT MAX(id) FROM audit_log), 1))",
        )
        .await?;
    }
    Ok(())
}

/// The first row that does not match the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenRow {
    pub id: i64,
    /// When the row says it was written (absent when the row itself is missing).
    pub at: Option<OffsetDateTime>,
    pub action: Option<String>,
    pub reason: &'static str,
}

/// What a walk of the chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainCheck {
    /// Rows checked (those after the retention checkpoint).
    pub rows: u64,
    /// The newest row checked.
    pub through_id: i64,
    pub broken: Option<BrokenRow>,
}

/// Walks the chain from the retention checkpoint to the head, in one read-only snapshot so a
/// prune or a write by another process meanwhile cannot look like tampering.
pub(crate) async fn walk(db: &DatabaseConnection) -> Result<ChainCheck> {
    let txn = crate::store::db::snapshot(db).await?;
    let result = walk_in(&txn).await;
    txn.rollback().await?;
    result
}

async fn walk_in(conn: &DatabaseTransaction) -> Result<ChainCheck> {
    let head = audit_chain::Entity::find_by_id(HEAD)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_chain head".into()))?;
    let mut previous = head.checkpoint_hash.clone();
    let mut last_id = head.checkpoint_id;
    let mut rows_seen = 0u64;
    let broken = |row: &audit_log::Model, reason| BrokenRow {
        id: row.id,
        at: Some(row.at),
        action: Some(row.action.clone()),
        reason,
    };
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(last_id))
            .filter(audit_log::Column::Id.lte(head.head_id))
            .order_by_asc(audit_log::Column::Id)
            .limit(BATCH)
            .all(conn)
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let expected = link(&previous, &row);
            if row.hash.as_deref() != Some(expected.as_str()) {
                let reason = if row.hash.is_none() {
                    "has no hash"
                } else {
                    "does not match its hash (edited, or a row before it was removed)"
                };
                return Ok(check(rows_seen, last_id, Some(broken(&row, reason))));
            }
            rows_seen += 1;
            last_id = row.id;
            previous = expected;
        }
    }
    if last_id != head.head_id || previous != head.head_hash {
        let missing = BrokenRow {
            id: head.head_id,
            at: None,
            action: None,
            reason: "is missing: the newest rows were removed",
        };
        return Ok(check(rows_seen, last_id, Some(missing)));
    }
    // Every row was written by `append`, which moves the head in the same transaction, and
    // pruning removes all up to the checkpoint: a row on either side was put there by hand.
    let stray = audit_log::Entity::find()
        .filter(
            Condition::any()
                .add(audit_log::Column::Id.lte(head.checkpoint_id))
                .add(audit_log::Column::Id.gt(head.head_id)),
        )
        .order_by_asc(audit_log::Column::Id)
        .one(conn)
        .await?;
    if let Some(row) = stray {
        let outside = broken(&row, "lies outside the chain (written around Gatehouse)");
        return Ok(check(rows_seen, last_id, Some(outside)));
    }
    Ok(check(rows_seen, last_id, None))
}

fn check(rows: u64, through_id: i64, broken: Option<BrokenRow>) -> ChainCheck {
    ChainCheck {
        rows,
        through_id,
        broken,
    }
}

/// Keeps the result of a periodic walk, for the Activity page.
pub(crate) async fn remember(dir: &Directory, result: &ChainCheck) -> Result<()> {
    audit_chain::Entity::update_many()
        .col_expr(audit_chain::Column::VerifiedAt, Expr::value(dir.now()))
        .col_expr(
            audit_chain::Column::VerifiedThroughId,
            Expr::value(result.through_id),
        )
        .col_expr(
            audit_chain::Column::BrokenAtId,
            Expr::value(result.broken.as_ref().map(|b| b.id)),
        )
        .filter(audit_chain::Column::Id.eq(HEAD))
        .exec(dir.db())
        .await?;
    Ok(())
}

/// Removes the rows up to and including `through_id` and makes the last one's hash the
/// checkpoint the chain now starts from; on the caller's transaction.
pub(crate) async fn prune(conn: &impl ConnectionTrait, through_id: i64) -> Result<u64> {
    let head = lock_head(conn).await?;
    let Some(last) = audit_log::Entity::find()
        .filter(audit_log::Column::Id.lte(through_id))
        .filter(audit_log::Column::Id.gt(head.checkpoint_id))
        .order_by_desc(audit_log::Column::Id)
        .one(conn)
        .await?
    else {
        return Ok(0);
    };
    let removed = audit_log::Entity::delete_many()
        .filter(audit_log::Column::Id.lte(last.id))
        .exec(conn)
        .await?
        .rows_affected;
    audit_chain::Entity::update_many()
        .col_expr(audit_chain::Column::CheckpointId, Expr::value(last.id))
        .col_expr(
            audit_chain::Column::CheckpointHash,
            Expr::value(last.hash.unwrap_or_else(|| GENESIS.to_string())),
        )
        .filter(audit_chain::Column::Id.eq(HEAD))
        .exec(conn)
        .await?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, action: &str) -> audit_log::Model {
        audit_log::Model {
            id,
            at: OffsetDateTime::UNIX_EPOCH,
            actor_id: None,
            actor_name: Some("ada".into()),
            action: action.into(),
            target_type: None,
            target_id: None,
            target_name: None,
            ip: None,
            user_agent: None,
            details: "{}".into(),
            on_behalf_of_id: None,
            on_behalf_of_name: None,
            hash: None,
        }
    }

    #[test]
    fn every_column_and_the_previous_hash_change_the_link() {
        let base = link(GENESIS, &row(1, "user.created"));
        assert_eq!(base.len(), 64);
        assert_ne!(base, link(GENESIS, &row(2, "user.created")));
        assert_ne!(base, link(GENESIS, &row(1, "user.deleted")));
        assert_ne!(base, link(&base, &row(1, "user.created")));
        let mut later = row(1, "user.created");
        later.at += time::Duration::microseconds(1);
        assert_ne!(base, link(GENESIS, &later));
    }

    #[test]
    fn times_keep_whole_microseconds() {
        let at = OffsetDateTime::UNIX_EPOCH + time::Duration::nanoseconds(1_234_567);
        assert_eq!(truncate_micros(at).nanosecond(), 1_234_000);
    }
}
