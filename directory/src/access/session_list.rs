//! The sessions a person (or an administrator, for them) can see and end: browser, system,
//! address and times, with the one the request came from marked.

use crate::Directory;
use crate::core::error::{Error, Result};
use crate::core::ids::UserId;
use crate::core::policy::{self, Actor, Permission};
use crate::core::user_agent;
use crate::entities::sessions;
use crate::store::audit::{self, Entry};
use crate::store::session_end;
use crate::store::targets::guard_target;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use time::OffsetDateTime;

/// One live session.
#[derive(Clone, Debug, Serialize)]
pub struct SessionInfo {
    /// The session's handle: the SHA-256 of its cookie, never the cookie itself.
    pub id: String,
    pub browser: &'static str,
    pub os: &'static str,
    pub ip: Option<String>,
    pub created_at: OffsetDateTime,
    /// Written at most once a minute, so up to a minute behind.
    pub last_active_at: OffsetDateTime,
    /// The session this request came with.
    pub current: bool,
}

/// The session list service.
pub struct SessionList<'a> {
    pub(crate) dir: &'a Directory,
}

impl Directory {
    pub fn session_list(&self) -> SessionList<'_> {
        SessionList { dir: self }
    }
}

impl SessionList<'_> {
    /// A user's live sessions, most recently used first: one's own, or those of someone whose
    /// account the actor may change.
    pub async fn list(&self, actor: &Actor, user: UserId) -> Result<Vec<SessionInfo>> {
        policy::require_signed_in(actor)?;
        if actor.user_id() != Some(user) {
            self.within_reach(actor, user).await?;
        }
        let rows = sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user.0))
            .filter(sessions::Column::ExpiresAt.gt(self.dir.now()))
            .order_by_desc(sessions::Column::UpdatedAt)
            .all(self.dir.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let agent = row.user_agent.as_deref().unwrap_or_default();
                SessionInfo {
                    current: actor.session.as_deref() == Some(row.id_hash.as_str()),
                    browser: user_agent::browser(agent),
                    os: user_agent::os(agent),
                    id: row.id_hash,
                    ip: row.ip,
                    created_at: row.created_at,
                    last_active_at: row.updated_at,
                }
            })
            .collect())
    }

    /// Ends one session of `user`: their own, or anyone's whose account the actor may change.
    pub async fn end(&self, actor: &Actor, user: UserId, id: &str) -> Result<()> {
        self.may_end(actor, user).await?;
        let row = sessions::Entity::find_by_id(id.to_string())
            .filter(sessions::Column::UserId.eq(user.0))
            .one(self.dir.db())
            .await?
            .ok_or(Error::NotFound("session"))?;
        let now = self.dir.now();
        let txn = crate::changes::Change::begin_quiet(self.dir).await?;
        sessions::Entity::delete_by_id(row.id_hash)
            .exec(&*txn)
            .await?;
        let entry = Entry::new("session.end")
            .target("user", user, self.username(user).await?)
            .detail("ip", row.ip.unwrap_or_default());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await
    }

    /// Ends every session of `user` but the one the request came with; returns how many.
    pub async fn end_others(&self, actor: &Actor, user: UserId) -> Result<u64> {
        self.may_end(actor, user).await?;
        let keep = if actor.user_id() == Some(user) {
            actor.session.as_deref()
        } else {
            None
        };
        let now = self.dir.now();
        let txn = crate::changes::Change::begin_quiet(self.dir).await?;
        let ended = session_end::end_others(&*txn, user, keep).await?;
        let entry = Entry::new("session.end_all")
            .target("user", user, self.username(user).await?)
            .detail("sessions", ended);
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(ended)
    }

    /// A key may not end sessions: a script looping on it would keep its owner signed out,
    /// unable to revoke it.
    async fn may_end(&self, actor: &Actor, user: UserId) -> Result<()> {
        policy::require_signed_in(actor)?;
        actor.refuse_delegated("end sessions")?;
        if actor.user_id() != Some(user) {
            self.within_reach(actor, user).await?;
        }
        Ok(())
    }

    /// Someone else's sessions (where they are, when): for those who may change their account.
    async fn within_reach(&self, actor: &Actor, user: UserId) -> Result<()> {
        policy::require(actor, Permission::UsersUpdate)?;
        let target = self.dir.users().existing(user).await?;
        guard_target(self.dir.db(), actor, &target).await
    }

    async fn username(&self, user: UserId) -> Result<String> {
        Ok(self.dir.users().existing(user).await?.username.to_string())
    }
}
