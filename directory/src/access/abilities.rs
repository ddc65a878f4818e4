//! The viewer's abilities on one target, computed from the same rules the services enforce,
//! so a page shows a control enabled exactly when the server would accept its use.

use crate::Directory;
use crate::error::{Result, allowed};
use crate::groups::Group;
use crate::policy::{self, Actor, Permission};
use crate::store::targets;
use crate::store::user_rows::{Status, User};
pub use vocab::{GroupCan, UserCan};

impl Directory {
    /// What `actor` may do to `user` (whose `admin_by_group` need not be filled in).
    pub async fn user_abilities(&self, actor: &Actor, user: &User) -> Result<UserCan> {
        let myself = actor.user_id() == Some(user.id);
        let reachable = allowed(targets::guard_target(self.db(), actor, user).await)?;
        let edit = reachable && actor.can(Permission::UsersUpdate);
        let mut roles = policy::assignable_roles(actor);
        let set_role = edit && actor.can(Permission::UsersSetRole) && roles.len() > 1;
        if !set_role {
            roles = vec![user.role];
        }
        let impersonate = !myself
            && actor.impersonator.is_none()
            && user.status == Status::Active
            && allowed(crate::temp_logins::may_impersonate(self.db(), actor, user).await)?;
        Ok(UserCan {
            edit,
            details: edit && !myself,
            set_role,
            status: edit && !myself && actor.can(Permission::UsersSuspend),
            delete: edit && !myself && actor.can(Permission::UsersDelete),
            groups: edit && actor.can(Permission::GroupsWrite),
            impersonate,
            reset: edit && !myself && user.status == Status::Active,
            roles,
        })
    }

    /// What `actor` may do to `group`: an administrators' group hands out admin rights, so
    /// only those who may set roles change it.
    pub fn group_abilities(&self, actor: &Actor, group: &Group) -> GroupCan {
        let admin = actor.can(Permission::UsersSetRole);
        GroupCan {
            write: actor.can(Permission::GroupsWrite) && (!group.is_admin || admin),
            admin,
        }
    }
}
