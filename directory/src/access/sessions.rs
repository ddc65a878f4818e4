//! Web session records, stored by the SHA-256 of their id so a database leak reveals no cookie.

use crate::Directory;
use crate::entities::sessions;
use crate::error::Result;
use crate::ids::UserId;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;

/// Keys of the session data the directory reads into its own columns.
pub const USER_KEY: &str = "user_id";
pub const IP_KEY: &str = "ip";
pub const USER_AGENT_KEY: &str = "user_agent";
/// A sign-in whose password was right and whose second factor is still owed
/// ([`crate::auth::PendingSignIn`]). Such a session has no `user_id`: it grants nothing.
pub const PENDING_KEY: &str = "pending_sign_in";
/// Set on a session an administrator opened with an impersonation password.
pub const IMPERSONATION_KEY: &str = "impersonation";

/// Who is impersonating in a session, and until when the session lasts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImpersonationMark {
    pub by: UserId,
    #[serde(with = "time::serde::timestamp")]
    pub until: OffsetDateTime,
}

/// One stored session. `data` is the session's JSON; the columns beside it are copies of what
/// the directory needs to query (whose session, from where) without parsing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub id_hash: String,
    pub user_id: Option<UserId>,
    pub data: String,
    pub expires_at: OffsetDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Hex SHA-256 of a session id as it appears in the cookie.
pub fn hash_id(id: &str) -> String {
    crate::tokens::digest(id)
}

/// The session records service, used by the web server's session store.
pub struct Sessions<'a> {
    pub(crate) dir: &'a Directory,
}

impl Sessions<'_> {
    /// Inserts a new record; `false` when the id is already taken (the caller picks another).
    pub async fn create(&self, record: &SessionRecord) -> Result<bool> {
        let now = self.dir.now();
        match sessions::Entity::insert(active(record, now))
            .exec(self.dir.db())
            .await
        {
            Ok(_) => Ok(true),
            Err(err)
                if matches!(
                    err.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) =>
            {
                Ok(false)
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Inserts or replaces a record.
    pub async fn save(&self, record: &SessionRecord) -> Result<()> {
        let now = self.dir.now();
        sessions::Entity::insert(active(record, now))
            .on_conflict(
                OnConflict::column(sessions::Column::IdHash)
                    .update_columns([
                        sessions::Column::UserId,
                        sessions::Column::Data,
                        sessions::Column::ExpiresAt,
                        sessions::Column::UpdatedAt,
                        sessions::Column::Ip,
                        sessions::Column::UserAgent,
                    ])
                    .to_owned(),
            )
            .exec(self.dir.db())
            .await?;
        Ok(())
    }

    /// Loads a record that has not expired.
    pub async fn load(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        let row = sessions::Entity::find_by_id(id_hash.to_string())
            .filter(sessions::Column::ExpiresAt.gt(self.dir.now()))
            .one(self.dir.db())
            .await?;
        Ok(row.map(|row| SessionRecord {
            id_hash: row.id_hash,
            user_id: row.user_id.map(UserId),
            data: row.data,
            expires_at: row.expires_at,
            ip: row.ip,
            user_agent: row.user_agent,
        }))
    }

    pub async fn delete(&self, id_hash: &str) -> Result<()> {
        sessions::Entity::delete_by_id(id_hash.to_string())
            .exec(self.dir.db())
            .await?;
        Ok(())
    }

    /// Removes expired records; returns how many.
    pub async fn delete_expired(&self) -> Result<u64> {
        let result = sessions::Entity::delete_many()
            .filter(sessions::Column::ExpiresAt.lte(self.dir.now()))
            .exec(self.dir.db())
            .await?;
        Ok(result.rows_affected)
    }

    /// Counts a user's live sessions.
    pub async fn count_for_user(&self, user: UserId) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user.0))
            .filter(sessions::Column::ExpiresAt.gt(self.dir.now()))
            .count(self.dir.db())
            .await?)
    }
}

fn active(record: &SessionRecord, now: OffsetDateTime) -> sessions::ActiveModel {
    sessions::ActiveModel {
        id_hash: Set(record.id_hash.clone()),
        user_id: Set(record.user_id.map(|id| id.0)),
        data: Set(record.data.clone()),
        expires_at: Set(record.expires_at),
        created_at: Set(now),
        updated_at: Set(now),
        ip: Set(record.ip.clone()),
        user_agent: Set(record.user_agent.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_hash_to_hex_sha256() {
        let hash = hash_id("abc");
        assert_eq!(
            hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(hash_id("abd"), hash);
    }
}
