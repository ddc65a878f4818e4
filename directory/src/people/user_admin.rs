//! What admins do to other accounts: edit, change role, approve, suspend, reactivate, delete.

use crate::audit::{self, Entry};
use crate::entities::users as user_rows;
use crate::error::{Error, Result};
use crate::ids::{Email, GroupId, UserId};
use crate::policy::{self, Actor, Permission, Role};
use crate::rules;
use crate::store::user_rows::{Status, User};
use crate::store::{memberships, outbox_queue, session_end, targets, user_tokens};
use crate::users::Users;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
};

/// The fields an admin edits on a user's page (the username never changes).
#[derive(Clone, Debug, Default)]
pub struct UserUpdate {
    pub email: String,
    pub fallback_email: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
}

/// A [`UserUpdate`] that passed the rules.
pub(crate) struct ValidUpdate {
    pub email: Email,
    pub fallback_email: Option<Email>,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
}

impl UserUpdate {
    pub(crate) fn validate(&self, username: &str) -> Result<ValidUpdate> {
        let name = |field: &'static str, value: &str| {
            rules::normalize_full_name(value).map_err(|message| Error::invalid(field, message))
        };
        let first_name = name("first_name", &self.first_name)?;
        let last_name = name("last_name", &self.last_name)?;
        let mut display_name = name("display_name", &self.display_name)?;
        if display_name.is_empty() {
            display_name = format!("{first_name} {last_name}").trim().to_string();
        }
        if display_name.is_empty() {
            display_name = username.to_string();
        }
        let fallback_email = match self.fallback_email.trim() {
            "" => None,
            other => Some(
                Email::parse(other)
                    .map_err(|e| Error::invalid("fallback_email", e.public_message()))?,
            ),
        };
        Ok(ValidUpdate {
            email: Email::parse(&self.email)?,
            fallback_email,
            first_name,
            last_name,
            display_name,
        })
    }
}

/// Writes validated profile fields; a taken email becomes a clear conflict.
pub(crate) async fn write_profile(
    txn: &DatabaseTransaction,
    user: &User,
    update: &ValidUpdate,
    now: time::OffsetDateTime,
) -> Result<()> {
    user_rows::ActiveModel {
        id: Set(user.id.0),
        email: Set(update.email.to_string()),
        fallback_email: Set(update.fallback_email.as_ref().map(ToString::to_string)),
        first_name: Set(update.first_name.clone()),
        last_name: Set(update.last_name.clone()),
        display_name: Set(update.display_name.clone()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(txn)
    .await
    .map_err(|e| {
        Error::from_unique(e, format!("Another account already uses {}.", update.email))
    })?;
    Ok(())
}

impl Users<'_> {
    async fn target(&self, id: UserId) -> Result<User> {
        self.find(id).await?.ok_or(Error::NotFound("user"))
    }

    /// Edits a user's names and email.
    pub async fn update(&self, actor: &Actor, id: UserId, update: UserUpdate) -> Result<User> {
        policy::require(actor, Permission::UsersUpdate)?;
        crate::policy::refuse_own_account(actor, id, "change your names or email addresses")?;
        let user = self.target(id).await?;
        targets::guard_target(self.dir.db(), actor, &user).await?;
        let valid = update.validate(user.username.as_str())?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        write_profile(&txn, &user, &valid, now).await?;
        // What the administrator set wins over a change the user had not confirmed yet.
        user_tokens::void_address_changes(&txn, id, now).await?;
        let mut entry = Entry::new("user.update").target("user", id, user.username.as_str());
        if valid.email != user.email {
            entry = entry.detail("email", valid.email.as_str());
        }
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.target(id).await
    }

    /// Gives a user another role. Only owners make or unmake owners, and one owner remains.
    pub async fn set_role(&self, actor: &Actor, id: UserId, role: Role) -> Result<User> {
        policy::require(actor, Permission::UsersSetRole)?;
        let user = self.target(id).await?;
        targets::guard_target(self.dir.db(), actor, &user).await?;
        if role == Role::Owner && !crate::policy::is_owner_or_system(actor) {
            return Err(Error::NotAllowed(
                "Only an owner can make someone an owner.".into(),
            ));
        }
        if role == user.role {
            return Ok(user);
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        lock_owners(&txn).await?;
        user_rows::ActiveModel {
            id: Set(id.0),
            role: Set(role.name().to_string()),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        ensure_an_owner_remains(&txn).await?;
        let entry = Entry::new("user.role.set")
            .target("user", id, user.username.as_str())
            .detail("from", user.role.name())
            .detail("to", role.name());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.target(id).await
    }

    /// Lets a pending user in, adding them to `groups` in the same step.
    pub async fn approve(&self, actor: &Actor, id: UserId, groups: &[GroupId]) -> Result<User> {
        policy::require(actor, Permission::UsersSuspend)?;
        if !groups.is_empty() {
            policy::require(actor, Permission::GroupsWrite)?;
        }
        let user = self.target(id).await?;
        targets::guard_target(self.dir.db(), actor, &user).await?;
        if user.status != Status::Pending {
            return Err(Error::Conflict(format!(
                "{} is not waiting for approval.",
                user.username
            )));
        }
        let mut names = Vec::with_capacity(groups.len());
        for group in groups {
            let group = self.dir.groups().get(actor, *group).await?;
            if group.is_admin {
                policy::require(actor, Permission::UsersSetRole)?;
            }
            names.push(group.name);
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        set_status(&txn, id, Status::Active, now).await?;
        for group in groups {
            memberships::add_membership(&txn, *group, id, now).await?;
        }
        let base_url = self.dir.base_url();
        let mail = crate::mail::approved(crate::mail::Notice {
            to: &user.email,
            user_id: user.id,
            username: user.username.as_str(),
            link: &format!("{base_url}/login"),
            base_url: &base_url,
        });
        outbox_queue::enqueue(&txn, mail, now).await?;
        let entry = Entry::new("user.approve")
            .target("user", id, user.username.as_str())
            .detail("groups", names);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.dir.wake_mailer();
        self.target(id).await
    }

    /// Blocks every sign-in and ends every session of the user at once; keeps their data.
    pub async fn suspend(&self, actor: &Actor, id: UserId) -> Result<User> {
        policy::require(actor, Permission::UsersSuspend)?;
        let user = self.target(id).await?;
        refuse_self(actor, &user, "suspend")?;
        targets::guard_target(self.dir.db(), actor, &user).await?;
        if user.status == Status::Suspended {
            return Ok(user);
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        lock_owners(&txn).await?;
        set_status(&txn, id, Status::Suspended, now).await?;
        ensure_an_owner_remains(&txn).await?;
        user_tokens::void_address_changes(&txn, id, now).await?;
        let ended = session_end::end_all(&txn, id).await?;
        let entry = Entry::new("user.suspend")
            .target("user", id, user.username.as_str())
            .detail("sessions_ended", ended);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.target(id).await
    }

    /// Gives a suspended user their access back.
    pub async fn reactivate(&self, actor: &Actor, id: UserId) -> Result<User> {
        policy::require(actor, Permission::UsersSuspend)?;
        let user = self.target(id).await?;
        targets::guard_target(self.dir.db(), actor, &user).await?;
        if user.status != Status::Suspended {
            return Err(Error::Conflict(format!(
                "{} is not suspended.",
                user.username
            )));
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        set_status(&txn, id, Status::Active, now).await?;
        let entry = Entry::new("user.reactivate").target("user", id, user.username.as_str());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        self.target(id).await
    }

    /// Deletes the account, its sessions and memberships. Audit rows about it stay.
    pub async fn delete(&self, actor: &Actor, id: UserId) -> Result<()> {
        policy::require(actor, Permission::UsersDelete)?;
        let user = self.target(id).await?;
        refuse_self(actor, &user, "delete")?;
        targets::guard_target(self.dir.db(), actor, &user).await?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        lock_owners(&txn).await?;
        user_rows::Entity::delete_by_id(id.0).exec(&txn).await?;
        ensure_an_owner_remains(&txn).await?;
        let entry = Entry::new("user.delete")
            .target("user", id, user.username.as_str())
            .detail("email", user.email.as_str())
            .detail("uid_number", user.uid_number);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(())
    }
}

fn refuse_self(actor: &Actor, user: &User, verb: &str) -> Result<()> {
    if actor.user_id() == Some(user.id) {
        return Err(Error::NotAllowed(format!(
            "You cannot {verb} your own account. Ask another administrator."
        )));
    }
    Ok(())
}

async fn set_status(
    txn: &DatabaseTransaction,
    id: UserId,
    status: Status,
    now: time::OffsetDateTime,
) -> Result<()> {
    user_rows::ActiveModel {
        id: Set(id.0),
        status: Set(status.name().to_string()),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(txn)
    .await?;
    Ok(())
}

/// On PostgreSQL, locks the owners' rows so two owners demoting each other at once cannot
/// both succeed; SQLite runs one writer at a time, which gives the same guarantee.
async fn lock_owners(txn: &DatabaseTransaction) -> Result<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        user_rows::Entity::find()
            .filter(user_rows::Column::Role.eq(Role::Owner.name()))
            .lock_exclusive()
            .all(txn)
            .await?;
    }
    Ok(())
}

/// Fails the change (and so rolls it back) if it left no active owner.
async fn ensure_an_owner_remains(txn: &DatabaseTransaction) -> Result<()> {
    let owners = user_rows::Entity::find()
        .filter(user_rows::Column::Role.eq(Role::Owner.name()))
        .filter(user_rows::Column::Status.eq(Status::Active.name()))
        .count(txn)
        .await?;
    if owners == 0 {
        return Err(Error::Conflict(
            "At least one active owner must remain. Make someone else an owner first.".into(),
        ));
    }
    Ok(())
}
