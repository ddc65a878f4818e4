//! Who may change whom beyond the permission itself: the target rule that has to know a
//! user's groups. The pure halves of it live in [`crate::policy`].

use crate::core::error::{Error, Result};
use crate::core::policy::{Actor, Permission, Role, is_owner_or_system};
use crate::store::memberships::in_admin_group;
use crate::store::user_rows::User;
use sea_orm::ConnectionTrait;

/// Checks that `actor` may change `target` at all, before the permission-specific checks:
/// only owners change owners, and only those who may set roles change anyone who holds more
/// than the `user` role (directly or through an administrators' group).
pub(crate) async fn guard_target(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    target: &User,
) -> Result<()> {
    if target.role == Role::Owner && !is_owner_or_system(actor) {
        return Err(Error::NotAllowed(
            "Only an owner can change an owner's account.".into(),
        ));
    }
    if actor.can(Permission::UsersSetRole) || actor.user_id() == Some(target.id) {
        return Ok(());
    }
    if target.role != Role::User || in_admin_group(conn, target.id).await? {
        return Err(Error::NotAllowed(format!(
            "{} has the {} role; only an owner or admin can change their account.",
            target.username,
            if target.role == Role::User {
                Role::Admin
            } else {
                target.role
            }
        )));
    }
    Ok(())
}
