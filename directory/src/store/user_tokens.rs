//! One-time links tied to an account (password reset, email change), stored by hash.

use crate::entities::user_tokens;
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::secrets::SecretString;
use crate::tokens::{self, LinkProblem};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;

pub(crate) const RESET: &str = "password_reset";
pub(crate) const EMAIL_CHANGE: &str = "email_change";
/// A new recovery (fallback) address, confirmed like the primary one.
pub(crate) const FALLBACK_CHANGE: &str = "fallback_email_change";

/// Issues a token for `user` on `conn`; returns the token, which nothing stores.
pub(crate) async fn issue(
    conn: &impl ConnectionTrait,
    user: UserId,
    purpose: &'static str,
    new_email: Option<String>,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<SecretString> {
    let (token, hash) = tokens::generate();
    user_tokens::ActiveModel {
        token_hash: Set(hash),
        user_id: Set(user.0),
        purpose: Set(purpose.to_string()),
        new_email: Set(new_email),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        replaced_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// The live token row for `token` and `purpose`, or why it does not work.
pub(crate) async fn usable(
    conn: &impl ConnectionTrait,
    token: &str,
    purpose: &str,
    now: OffsetDateTime,
) -> Result<user_tokens::Model> {
    if !tokens::well_formed(token) {
        return Err(Error::Link(LinkProblem::Unknown));
    }
    let row = user_tokens::Entity::find_by_id(tokens::digest(token))
        .one(conn)
        .await?
        .filter(|row| row.purpose == purpose)
        .ok_or(Error::Link(LinkProblem::Unknown))?;
    if row.used_at.is_some() {
        return Err(Error::Link(LinkProblem::Used));
    }
    if row.replaced_at.is_some() {
        return Err(Error::Link(LinkProblem::Replaced));
    }
    if row.expires_at <= now {
        return Err(Error::Link(LinkProblem::Expired));
    }
    Ok(row)
}

/// Uses up one token; false if another request used it first.
pub(crate) async fn consume(
    conn: &impl ConnectionTrait,
    row: &user_tokens::Model,
    now: OffsetDateTime,
) -> Result<bool> {
    let result = user_tokens::Entity::update_many()
        .col_expr(user_tokens::Column::UsedAt, Expr::value(now))
        .filter(user_tokens::Column::TokenHash.eq(row.token_hash.as_str()))
        .filter(user_tokens::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks every open token of `user` for `purpose` as replaced by a newer one.
pub(crate) async fn replace_all(
    conn: &impl ConnectionTrait,
    user: UserId,
    purpose: &str,
    now: OffsetDateTime,
) -> Result<()> {
    user_tokens::Entity::update_many()
        .col_expr(user_tokens::Column::ReplacedAt, Expr::value(now))
        .filter(user_tokens::Column::UserId.eq(user.0))
        .filter(user_tokens::Column::Purpose.eq(purpose))
        .filter(user_tokens::Column::UsedAt.is_null())
        .filter(user_tokens::Column::ReplacedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Voids every unconfirmed change of `user`'s addresses: after a password change, a reset, an
/// administrator's edit or a suspension, a link asked for before must not complete later.
pub(crate) async fn void_address_changes(
    conn: &impl ConnectionTrait,
    user: UserId,
    now: OffsetDateTime,
) -> Result<()> {
    replace_all(conn, user, EMAIL_CHANGE, now).await?;
    replace_all(conn, user, FALLBACK_CHANGE, now).await
}

/// The newest open change of `user` for `purpose` (an email or recovery address change):
/// the address waiting for confirmation.
pub(crate) async fn pending_email(
    conn: &impl ConnectionTrait,
    user: UserId,
    purpose: &str,
    now: OffsetDateTime,
) -> Result<Option<String>> {
    use sea_orm::QueryOrder;
    Ok(user_tokens::Entity::find()
        .filter(user_tokens::Column::UserId.eq(user.0))
        .filter(user_tokens::Column::Purpose.eq(purpose))
        .filter(user_tokens::Column::UsedAt.is_null())
        .filter(user_tokens::Column::ReplacedAt.is_null())
        .filter(user_tokens::Column::ExpiresAt.gt(now))
        .order_by_desc(user_tokens::Column::CreatedAt)
        .one(conn)
        .await?
        .and_then(|row| row.new_email))
}
