//! Group memberships as stored: adding one, finding a built-in group, and whether someone is
//! an administrator through a group. Users, groups, setup and the target rules all need these.

use crate::core::error::{Error, Result};
use crate::core::ids::{GroupId, UserId};
use crate::entities::{group_members, groups};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use time::OffsetDateTime;

/// Every user joins this group when created.
pub const EVERYONE: &str = "ldapusers";
/// The built-in administrators' group.
pub const SYSADMINS: &str = "sysadmins";

/// Adds a membership unless it exists; true when it was added.
pub(crate) async fn add_membership(
    conn: &impl ConnectionTrait,
    group: GroupId,
    user: UserId,
    now: OffsetDateTime,
) -> Result<bool> {
    let exists = group_members::Entity::find_by_id((group.0, user.0))
        .one(conn)
        .await?
        .is_some();
    if exists {
        return Ok(false);
    }
    group_members::ActiveModel {
        group_id: Set(group.0),
        user_id: Set(user.0),
        added_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(true)
}

/// The id of a built-in group, looked up by name.
pub(crate) async fn builtin_id(conn: &impl ConnectionTrait, name: &str) -> Result<GroupId> {
    groups::Entity::find()
        .filter(groups::Column::Name.eq(name))
        .filter(groups::Column::Builtin.eq(true))
        .one(conn)
        .await?
        .map(|row| GroupId(row.id))
        .ok_or_else(|| Error::Internal(format!("the built-in group {name} is missing")))
}

/// True when the user is in a group with the administrator flag.
pub(crate) async fn in_admin_group(conn: &impl ConnectionTrait, user: UserId) -> Result<bool> {
    let admin_groups = Query::select()
        .column(groups::Column::Id)
        .from(groups::Entity)
        .and_where(Expr::col(groups::Column::IsAdmin).eq(true))
        .to_owned();
    let count = group_members::Entity::find()
        .filter(group_members::Column::UserId.eq(user.0))
        .filter(Expr::col(group_members::Column::GroupId).in_subquery(admin_groups))
        .count(conn)
        .await?;
    Ok(count > 0)
}
