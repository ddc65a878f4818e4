//! Temporary sign-in passwords that stand beside a user's own: impersonation passwords an
//! administrator makes, and the owner's one-time recovery password from the command line.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::core::sealed;
use crate::entities::{temp_logins, users as user_rows};
use crate::error::{Error, Result};
use crate::ids::{UserId, Username};
use crate::policy::{self, Actor, Impersonator, Permission, Principal, Role};
use crate::secrets::{SecretKey, SecretString};
use crate::store::user_rows::{Status, User};
use crate::store::{memberships, targets};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use time::{Duration, OffsetDateTime};

const PURPOSE: &str = "temp-login";
/// Letters and digits nobody confuses when reading them out (no 0/o, 1/l/i).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Four groups of five: about 99 bits.
const GROUPS: usize = 4;
const GROUP_LEN: usize = 5;
/// How long the owner's recovery password works (fixed by the contract).
pub const OWNER_LOGIN_LIFETIME: Duration = Duration::minutes(15);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Works for the whole window, as often as needed (apps bind again and again).
    Impersonation,
    /// Works once.
    OwnerRecovery,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Impersonation => "impersonation",
            Self::OwnerRecovery => "owner_recovery",
        }
    }
}

/// A password just made, shown once.
#[derive(Clone, Debug)]
pub struct TempPassword {
    pub username: Username,
    pub password: SecretString,
    pub expires_at: OffsetDateTime,
}

/// What a temporary password turned out to be when it signed someone in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redeemed {
    Impersonation {
        by: Impersonator,
        until: OffsetDateTime,
    },
    OwnerRecovery,
}

/// The temporary-password service.
pub struct TempLogins<'a> {
    pub(crate) dir: &'a Directory,
}

impl TempLogins<'_> {
    /// Makes an impersonation password for a user. Admins only; an owner only by an owner;
    /// never oneself.
    pub async fn impersonate(&self, actor: &Actor, id: UserId) -> Result<TempPassword> {
        actor.refuse_delegated("impersonate someone else")?;
        let mut target = self.dir.users().existing(id).await?;
        if actor.user_id() == Some(id) {
            return Err(Error::NotAllowed("You cannot impersonate yourself.".into()));
        }
        target.admin_by_group = memberships::in_admin_group(self.dir.db(), id).await?;
        may_impersonate(self.dir.db(), actor, &target).await?;
        if target.status != Status::Active {
            return Err(Error::Conflict(format!(
                "{} is {}; only active accounts can be signed in to.",
                target.username,
                target.status.name()
            )));
        }
        let minutes = self.dir.settings().current().await?.impersonation_minutes;
        let issuer = match &actor.principal {
            Principal::User { id, username, .. } => Some((*id, username.clone())),
            _ => None,
        };
        self.issue(
            actor,
            &target,
            Kind::Impersonation,
            issuer,
            Duration::minutes(minutes.into()),
        )
        .await
    }

    /// The owner's one-time recovery password, for `gatehouse owner-login`: it bypasses 2FA.
    /// `username` picks an owner when there are several; otherwise the oldest active owner.
    pub async fn owner_login(
        &self,
        actor: &Actor,
        username: Option<&Username>,
    ) -> Result<TempPassword> {
        if actor.principal != Principal::System {
            return Err(Error::NotAllowed(
                "Only the command line can make an owner recovery password.".into(),
            ));
        }
        let mut query = user_rows::Entity::find()
            .filter(user_rows::Column::Role.eq(Role::Owner.name()))
            .filter(user_rows::Column::Status.eq(Status::Active.name()))
            .order_by_asc(user_rows::Column::CreatedAt);
        if let Some(name) = username {
            query = query.filter(user_rows::Column::Username.eq(name.as_str()));
        }
        let owner = match query.one(self.dir.db()).await? {
            Some(row) => User::from_row(row)?,
            None if username.is_some() => {
                return Err(Error::invalid(
                    "username",
                    "No active owner has that username.",
                ));
            }
            None => return Err(Error::NotFound("active owner")),
        };
        self.issue(
            actor,
            &owner,
            Kind::OwnerRecovery,
            None,
            OWNER_LOGIN_LIFETIME,
        )
        .await
    }

    async fn issue(
        &self,
        actor: &Actor,
        user: &User,
        kind: Kind,
        issuer: Option<(UserId, Username)>,
        lifetime: Duration,
    ) -> Result<TempPassword> {
        let now = self.dir.now();
        let expires_at = now + lifetime;
        let password = generate();
        let txn = crate::changes::Change::begin(self.dir).await?;
        if kind == Kind::OwnerRecovery {
            // One recovery password at a time: a new one voids any still unused.
            temp_logins::Entity::delete_many()
                .filter(temp_logins::Column::UserId.eq(user.id.0))
                .filter(temp_logins::Column::Kind.eq(kind.name()))
                .exec(&txn)
                .await?;
        }
        temp_logins::ActiveModel {
            user_id: Set(user.id.0),
            secret_hash: Set(digest(self.dir.secret_key(), password.expose())),
            kind: Set(kind.name().to_string()),
            issued_by: Set(issuer.as_ref().map(|(id, _)| id.0)),
            issued_by_name: Set(issuer.as_ref().map(|(_, name)| name.to_string())),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let action = match kind {
            Kind::Impersonation => "user.impersonate",
            Kind::OwnerRecovery => "owner.recovery_login",
        };
        let entry = Entry::new(action)
            .target("user", user.id, user.username.as_str())
            .detail("valid_minutes", lifetime.whole_minutes());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(TempPassword {
            username: user.username.clone(),
            password,
            expires_at,
        })
    }
}

/// The one rule for impersonation, asked when the password is made and again on every
/// request of the session it opens: the permission, and a target the administrator may
/// change (so only an owner impersonates an owner).
pub(crate) async fn may_impersonate(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    target: &User,
) -> Result<()> {
    policy::require(actor, Permission::UsersImpersonate)?;
    if target.effective_role() == Role::Owner && !crate::policy::is_owner_or_system(actor) {
        return Err(Error::NotAllowed(
            "Only an owner can impersonate an owner.".into(),
        ));
    }
    targets::guard_target(conn, actor, target).await
}

/// Looks the password up among live temporary passwords of `user`. Called for every sign-in
/// whose own password did not match, with a made-up user when the account does not exist, so
/// both cost the same query. A recovery password is used up here, atomically.
pub(crate) async fn redeem(
    conn: &impl ConnectionTrait,
    key: &SecretKey,
    user: UserId,
    password: &SecretString,
    now: OffsetDateTime,
) -> Result<Option<Redeemed>> {
    let row = temp_logins::Entity::find()
        .filter(temp_logins::Column::SecretHash.eq(digest(key, password.expose())))
        .filter(temp_logins::Column::ExpiresAt.gt(now))
        .one(conn)
        .await?;
    let Some(row) = row.filter(|row| row.user_id == user.0) else {
        return Ok(None);
    };
    let first_use = temp_logins::Entity::update_many()
        .col_expr(temp_logins::Column::UsedAt, now.into())
        .filter(temp_logins::Column::Id.eq(row.id))
        .filter(temp_logins::Column::UsedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected
        == 1;
    if row.kind == Kind::OwnerRecovery.name() {
        return Ok(first_use.then_some(Redeemed::OwnerRecovery));
    }
    let (Some(admin_id), Some(admin_name)) = (row.issued_by, row.issued_by_name) else {
        return Ok(None);
    };
    Ok(Some(Redeemed::Impersonation {
        by: Impersonator {
            id: UserId(admin_id),
            username: Username::from_stored(admin_name),
        },
        until: row.expires_at,
    }))
}

/// Removes expired temporary passwords; returns how many.
pub async fn forget_expired(dir: &Directory) -> Result<u64> {
    let result = temp_logins::Entity::delete_many()
        .filter(temp_logins::Column::ExpiresAt.lte(dir.now()))
        .exec(dir.db())
        .await?;
    Ok(result.rows_affected)
}

fn generate() -> SecretString {
    let mut rng = rand::rng();
    let groups: Vec<String> = (0..GROUPS)
        .map(|_| {
            (0..GROUP_LEN)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    SecretString::new(groups.join("-"))
}

fn digest(key: &SecretKey, password: &str) -> String {
    sealed::keyed_digest(key, PURPOSE, password.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_four_readable_groups() {
        let password = generate();
        let groups: Vec<&str> = password.expose().split('-').collect();
        assert_eq!(groups.len(), 4);
        assert!(groups.iter().all(|g| g.len() == 5));
        assert!(
            password
                .expose()
                .bytes()
                .all(|b| b == b'-' || ALPHABET.contains(&b))
        );
        assert_ne!(generate(), password);
    }
}
