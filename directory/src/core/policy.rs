//! Roles, permissions and who is acting: the one place that says yes or no.

use crate::error::{Error, KeyProblem, Result};
use crate::ids::{UserId, Username};
pub use vocab::{Permission, Role};

/// Who is acting: a signed-in user, the local command line, or nobody yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    Anonymous,
    /// The `gatehouse` command line, run by whoever can read the database.
    System,
    User {
        id: UserId,
        username: Username,
        role: Role,
    },
}

/// The administrator behind an impersonated session: audit rows name them as the actor,
/// on behalf of the principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Impersonator {
    pub id: UserId,
    pub username: Username,
}

/// The principal plus where the request came from, carried into every audit row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub principal: Principal,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Set when an administrator signed in as the principal with an impersonation password.
    pub impersonator: Option<Impersonator>,
    /// The hashed id of the web session the request came with (see
    /// [`crate::sessions::hash_id`]), so a change can end every *other* session.
    pub session: Option<String>,
    /// Set when the request came with an API key rather than a session.
    pub key: Option<KeyUse>,
}

/// The API key a request came with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyUse {
    pub id: uuid::Uuid,
    pub read_only: bool,
}

impl Actor {
    pub fn anonymous(ip: Option<String>, user_agent: Option<String>) -> Self {
        Self {
            principal: Principal::Anonymous,
            ip,
            user_agent,
            impersonator: None,
            session: None,
            key: None,
        }
    }

    pub fn system() -> Self {
        Self {
            principal: Principal::System,
            ip: None,
            user_agent: Some("gatehouse-cli".into()),
            impersonator: None,
            session: None,
            key: None,
        }
    }

    /// Who this is, in words for mails and messages.
    pub fn name(&self) -> String {
        match &self.principal {
            Principal::Anonymous => "Someone".to_string(),
            Principal::System => "An administrator".to_string(),
            Principal::User { username, .. } => username.to_string(),
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match &self.principal {
            Principal::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// Refuses what only the person themselves, signed in, may do (their password, their
    /// second factor, their addresses, impersonating others) when an administrator is acting
    /// as them or the request came with an API key: a key must not be a way to take over the
    /// account it acts for, nor to skip the second factor a sign-in asks for.
    pub fn refuse_delegated(&self, what: &str) -> Result<()> {
        if self.key.is_some() {
            return Err(Error::NotAllowed(format!(
                "An API key cannot {what}; sign in to Gatehouse to do it."
            )));
        }
        match &self.impersonator {
            Some(admin) => Err(Error::NotAllowed(format!(
                "{} is signed in as {} by impersonation and cannot {what}.",
                admin.username,
                self.name()
            ))),
            None => Ok(()),
        }
    }

    /// Refuses any change when the request came with a read-only API key.
    pub fn refuse_read_only(&self) -> Result<()> {
        match self.key {
            Some(KeyUse {
                read_only: true, ..
            }) => Err(Error::Key(KeyProblem::ReadOnly)),
            _ => Ok(()),
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        match &self.principal {
            Principal::Anonymous => false,
            Principal::System => true,
            Principal::User { role, .. } => role.allows(permission),
        }
    }
}

/// The one check every service makes before it reads or writes.
pub fn require(actor: &Actor, permission: Permission) -> Result<()> {
    if !permission.reads_only() {
        actor.refuse_read_only()?;
    }
    match actor.principal {
        Principal::Anonymous => Err(Error::Unauthenticated),
        _ if actor.can(permission) => Ok(()),
        _ => Err(Error::Forbidden(permission)),
    }
}

/// Refuses the anonymous: for what anyone signed in may do to their own things.
pub fn require_signed_in(actor: &Actor) -> Result<()> {
    match actor.principal {
        Principal::Anonymous => Err(Error::Unauthenticated),
        _ => Ok(()),
    }
}

/// Whether the actor is the command line.
pub fn is_system(actor: &Actor) -> bool {
    actor.principal == Principal::System
}

/// Reads an input whose only use needs `permission`: the refusal comes before any complaint
/// about the input, so whoever may not act gets a 403 and learns nothing from validation.
pub fn parse_for<T, E: Into<Error>>(
    actor: &Actor,
    permission: Permission,
    parse: impl FnOnce() -> std::result::Result<T, E>,
) -> Result<T> {
    require(actor, permission)?;
    parse().map_err(Into::into)
}

/// The roles `actor` may give someone: all but owner for those who set roles (owner too for
/// owners), otherwise only `user`.
pub fn assignable_roles(actor: &Actor) -> Vec<Role> {
    let owner = matches!(
        actor.principal,
        Principal::System
            | Principal::User {
                role: Role::Owner,
                ..
            }
    );
    if !actor.can(Permission::UsersSetRole) {
        return vec![Role::User];
    }
    Role::ALL
        .into_iter()
        .filter(|role| *role != Role::Owner || owner)
        .collect()
}

/// Refuses an administrator's action aimed at their own account when the same thing has a
/// self-service way that asks for more (the current password, a confirmation link): the
/// admin door must not be a way around it.
pub fn refuse_own_account(actor: &Actor, target: UserId, what: &str) -> Result<()> {
    if actor.user_id() == Some(target) {
        return Err(Error::NotAllowed(format!(
            "To {what} on your own account, use your profile."
        )));
    }
    Ok(())
}

/// Whether `actor` acts with an owner's power: an owner, or the system itself (the command line).
pub fn is_owner_or_system(actor: &Actor) -> bool {
    matches!(
        actor.principal,
        Principal::System
            | Principal::User {
                role: Role::Owner,
                ..
            }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> Actor {
        Actor {
            principal: Principal::User {
                id: UserId::new(),
                username: Username::parse("ada").unwrap(),
                role,
            },
            ip: None,
            user_agent: None,
            impersonator: None,
            session: None,
            key: None,
        }
    }

    /// The whole table, written out: one row per role, one column per permission in
    /// `Permission::ALL` order. Changing what a role may do must change this row.
    const TABLE: [(Role, &str); 6] = [
        //                    users            groups apps audit settings
        //                    r c u s d role imp r w    r w  r     r w
        (
            Role::Owner,
            /*    */ "Y Y Y Y Y Y  Y   Y Y    Y Y  Y     Y Y",
        ),
        (
            Role::Admin,
            /*    */ "Y Y Y Y Y Y  Y   Y Y    Y Y  Y     Y Y",
        ),
        (Role::UserManager, "Y Y Y Y Y .  .   Y Y    . .  .     . ."),
        (
            Role::Operator,
            /* */ "Y . . . . .  .   Y .    Y Y  Y     . .",
        ),
        (
            Role::Viewer,
            /*   */ "Y . . . . .  .   Y .    Y .  Y     Y .",
        ),
        (
            Role::User,
            /*     */ ". . . . . .  .   . .    . .  .     . .",
        ),
    ];

    #[test]
    fn every_role_and_permission_matches_the_table() {
        assert_eq!(TABLE.len(), Role::ALL.len());
        for (role, row) in TABLE {
            let cells: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(cells.len(), Permission::ALL.len(), "{role}");
            for (permission, cell) in Permission::ALL.into_iter().zip(cells) {
                let expected = cell == "Y";
                assert_eq!(
                    require(&user(role), permission).is_ok(),
                    expected,
                    "{role} × {permission}"
                );
            }
        }
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.name()).unwrap(), role);
        }
        assert!(
            Role::parse("superuser")
                .unwrap_err()
                .to_string()
                .contains("owner, admin")
        );
    }

    #[test]
    fn anonymous_is_unauthenticated_and_system_may_do_anything() {
        let anon = Actor::anonymous(None, None);
        assert!(matches!(
            require(&anon, Permission::UsersRead),
            Err(Error::Unauthenticated)
        ));
        for permission in Permission::ALL {
            assert!(require(&Actor::system(), permission).is_ok());
        }
    }

    #[test]
    fn plain_users_get_forbidden_not_unauthenticated() {
        let err = require(&user(Role::User), Permission::UsersRead).unwrap_err();
        assert!(matches!(err, Error::Forbidden(Permission::UsersRead)));
    }

    #[test]
    fn viewers_read_but_never_write() {
        let viewer = user(Role::Viewer);
        for permission in Permission::ALL {
            let is_read = permission.name().ends_with(".read");
            assert_eq!(
                require(&viewer, permission).is_ok(),
                is_read,
                "{permission}"
            );
        }
    }

    #[test]
    fn only_owner_and_admin_change_roles_or_settings() {
        for role in Role::ALL {
            let expected = matches!(role, Role::Owner | Role::Admin);
            assert_eq!(role.allows(Permission::UsersSetRole), expected, "{role}");
            assert_eq!(role.allows(Permission::SettingsWrite), expected, "{role}");
        }
    }
}
