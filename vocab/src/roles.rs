//! Roles and permissions: a role is a named set of permissions, and every check is made on
//! permissions (the one check lives in `directory::policy`).

use crate::UnknownName;
use serde::{Deserialize, Serialize};

/// Everything a role can be allowed to do, named `<resource>.<verb>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Permission {
    UsersRead,
    UsersCreate,
    UsersUpdate,
    UsersSuspend,
    UsersDelete,
    UsersSetRole,
    /// Sign in as another user with a temporary password.
    UsersImpersonate,
    GroupsRead,
    GroupsWrite,
    AppsRead,
    AppsWrite,
    AuditRead,
    SettingsRead,
    SettingsWrite,
}

impl Permission {
    pub const ALL: [Permission; 14] = [
        Self::UsersRead,
        Self::UsersCreate,
        Self::UsersUpdate,
        Self::UsersSuspend,
        Self::UsersDelete,
        Self::UsersSetRole,
        Self::UsersImpersonate,
        Self::GroupsRead,
        Self::GroupsWrite,
        Self::AppsRead,
        Self::AppsWrite,
        Self::AuditRead,
        Self::SettingsRead,
        Self::SettingsWrite,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::UsersRead => "users.read",
            Self::UsersCreate => "users.create",
            Self::UsersUpdate => "users.update",
            Self::UsersSuspend => "users.suspend",
            Self::UsersDelete => "users.delete",
            Self::UsersSetRole => "users.set_role",
            Self::UsersImpersonate => "users.impersonate",
            Self::GroupsRead => "groups.read",
            Self::GroupsWrite => "groups.write",
            Self::AppsRead => "apps.read",
            Self::AppsWrite => "apps.write",
            Self::AuditRead => "audit.read",
            Self::SettingsRead => "settings.read",
            Self::SettingsWrite => "settings.write",
        }
    }

    /// Whether the permission only reads (what a read-only API key may still use).
    pub fn reads_only(self) -> bool {
        matches!(
            self,
            Self::UsersRead
                | Self::GroupsRead
                | Self::AppsRead
                | Self::AuditRead
                | Self::SettingsRead
        )
    }

    pub fn parse(name: &str) -> Result<Self, UnknownName> {
        Self::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| UnknownName {
                field: "permission",
                message: format!("Unknown permission \"{name}\"."),
            })
    }
}

impl From<Permission> for &'static str {
    fn from(permission: Permission) -> Self {
        permission.name()
    }
}

impl TryFrom<String> for Permission {
    type Error = UnknownName;

    fn try_from(name: String) -> Result<Self, UnknownName> {
        Permission::parse(&name)
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The built-in roles. A role is only a named set of permissions; checks use permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    UserManager,
    Operator,
    Viewer,
    User,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Self::Owner,
        Self::Admin,
        Self::UserManager,
        Self::Operator,
        Self::Viewer,
        Self::User,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::UserManager => "user_manager",
            Self::Operator => "operator",
            Self::Viewer => "viewer",
            Self::User => "user",
        }
    }

    pub fn parse(name: &str) -> Result<Self, UnknownName> {
        Self::ALL
            .into_iter()
            .find(|role| role.name() == name)
            .ok_or_else(|| {
                let known: Vec<_> = Self::ALL.iter().map(|r| r.name()).collect();
                UnknownName {
                    field: "role",
                    message: format!("Unknown role \"{name}\"; use one of {}.", known.join(", ")),
                }
            })
    }

    /// Whether this role ranks above `other`, for "may only assign roles at or below one's
    /// own": the order of [`Role::ALL`], owner first.
    pub fn outranks(self, other: Role) -> bool {
        self.rank() < other.rank()
    }

    fn rank(self) -> usize {
        Self::ALL
            .iter()
            .position(|r| *r == self)
            .unwrap_or(usize::MAX)
    }

    /// The permission table. Owner-only rules (protecting owners, the last owner) are checked
    /// by the services on the target, since they depend on who is being changed.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Self::Owner | Self::Admin => true,
            Self::UserManager => matches!(
                permission,
                UsersRead
                    | UsersCreate
                    | UsersUpdate
                    | UsersSuspend
                    | UsersDelete
                    | GroupsRead
                    | GroupsWrite
            ),
            Self::Operator => {
                matches!(
                    permission,
                    UsersRead | GroupsRead | AppsRead | AppsWrite | AuditRead
                )
            }
            Self::Viewer => matches!(
                permission,
                UsersRead | GroupsRead | AppsRead | AuditRead | SettingsRead
            ),
            Self::User => false,
        }
    }

    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.allows(*p))
            .collect()
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.name()), Ok(role));
        }
        for permission in Permission::ALL {
            assert_eq!(Permission::parse(permission.name()), Ok(permission));
        }
        assert!(
            Role::parse("superuser")
                .unwrap_err()
                .message
                .contains("owner, admin")
        );
    }

    #[test]
    fn roles_rank_in_table_order() {
        assert!(Role::Owner.outranks(Role::Admin));
        assert!(Role::Admin.outranks(Role::User));
        assert!(!Role::Viewer.outranks(Role::Operator));
        assert!(!Role::User.outranks(Role::User));
    }
}
