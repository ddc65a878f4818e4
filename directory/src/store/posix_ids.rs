//! posix uid and gid numbers, handed out from counters that only move forward, so a number
//! is never given twice even after its owner is deleted.

use crate::entities::{counters, groups};
use crate::error::{Error, Result};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Takes the counter's current value and moves it on by one, in the caller's transaction
/// (an `UPDATE … RETURNING`, so two transactions never take the same value).
async fn take(conn: &impl ConnectionTrait, name: &str) -> Result<i64> {
    let stmt = Query::update()
        .table(counters::Entity)
        .value(
            counters::Column::NextValue,
            Expr::col(counters::Column::NextValue).add(1),
        )
        .and_where(Expr::col(counters::Column::Name).eq(name))
        .returning_col(counters::Column::NextValue)
        .to_owned();
    let row = conn
        .query_one(&stmt)
        .await?
        .ok_or_else(|| Error::Internal(format!("the {name} counter is missing")))?;
    Ok(row.try_get::<i64>("", "next_value")? - 1)
}

pub(crate) async fn next_uid(conn: &impl ConnectionTrait) -> Result<i64> {
    take(conn, "uid_number").await
}

/// The next GID, stepping over numbers someone chose by hand.
pub(crate) async fn next_gid(conn: &impl ConnectionTrait) -> Result<i64> {
    loop {
        let gid = take(conn, "gid_number").await?;
        let taken = groups::Entity::find()
            .filter(groups::Column::GidNumber.eq(gid))
            .count(conn)
            .await?;
        if taken == 0 {
            return Ok(gid);
        }
    }
}
