//! Ending sessions, written once: for one user (a suspension, a password reset, a change made
//! from one of their sessions) and for everyone without 2FA (when it becomes mandatory); and
//! revoking a user's API keys when their password is reset.

use crate::core::error::Result;
use crate::core::ids::UserId;
use crate::entities::{sessions as session_rows, users as user_rows};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Ends every session of `user` except `keep` (the hashed id of the session making the
/// change, when there is one); returns how many ended.
pub(crate) async fn end_others(
    conn: &impl ConnectionTrait,
    user: UserId,
    keep: Option<&str>,
) -> Result<u64> {
    let mut delete =
        session_rows::Entity::delete_many().filter(session_rows::Column::UserId.eq(user.0));
    if let Some(keep) = keep {
        delete = delete.filter(session_rows::Column::IdHash.ne(keep));
    }
    Ok(delete.exec(conn).await?.rows_affected)
}

/// Ends every session of `user`; returns how many ended.
pub(crate) async fn end_all(conn: &impl ConnectionTrait, user: UserId) -> Result<u64> {
    end_others(conn, user, None).await
}

/// Revokes every API key of `user` still in force (a password reset: whoever could sign in
/// before may have made one); returns how many.
pub(crate) async fn revoke_keys(
    conn: &impl ConnectionTrait,
    user: UserId,
    now: time::OffsetDateTime,
) -> Result<u64> {
    use crate::entities::api_keys;
    use sea_orm::sea_query::Expr;
    Ok(api_keys::Entity::update_many()
        .col_expr(api_keys::Column::RevokedAt, Expr::value(now))
        .filter(api_keys::Column::UserId.eq(user.0))
        .filter(api_keys::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected)
}

/// Ends every session of a user without 2FA; returns how many.
pub(crate) async fn end_sessions_without_mfa(conn: &impl ConnectionTrait) -> Result<u64> {
    let without = Query::select()
        .column(user_rows::Column::Id)
        .from(user_rows::Entity)
        .and_where(user_rows::Column::TotpEnabledAt.is_null())
        .to_owned();
    let result = session_rows::Entity::delete_many()
        .filter(session_rows::Column::UserId.in_subquery(without))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}
