//! What the viewer may do to one thing, as the domain computes it and the pages render it
//! (a disabled control where the server would refuse).

use crate::Role;
use serde::{Deserialize, Serialize};

/// The viewer's abilities on one user account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCan {
    /// Change anything about the account at all (an owner is out of reach of an admin).
    pub edit: bool,
    /// Change names and addresses here (one's own change from the profile instead).
    pub details: bool,
    /// Give another role; `roles` lists which.
    pub set_role: bool,
    /// Approve, suspend or reactivate.
    pub status: bool,
    pub delete: bool,
    /// Add to or remove from groups.
    pub groups: bool,
    pub impersonate: bool,
    /// Make a password-reset link, turn off 2FA and the like for them.
    pub reset: bool,
    /// The roles the viewer may pick for this user; just the current one when none.
    pub roles: Vec<Role>,
}

/// The viewer's abilities on one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCan {
    /// Rename, describe, add and remove members, delete.
    pub write: bool,
    /// Make it (or stop it being) an administrators' group.
    pub admin: bool,
}
