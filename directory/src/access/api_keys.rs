//! API keys: `gate_` and 32 random bytes in base62, kept only as an HMAC under the instance
//! secret. A key acts as its owner with the owner's permissions as they are at each request,
//! optionally read-only; its use is counted in memory and written in batches.

use crate::Directory;
use crate::core::error::{Error, KeyProblem, Result};
use crate::core::ids::UserId;
use crate::core::policy::{self, Actor, KeyUse, Permission};
use crate::core::secrets::{SecretString, hmac_sha256};
use crate::entities::{api_key_usage, api_keys};
use crate::store::audit::{self, Entry};
use crate::store::key_usage;
use crate::store::targets::guard_target;
use crate::store::user_rows::{Status, User};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// What every key starts with, so secret scanners and people can recognise one.
pub const PREFIX: &str = "gate_";
/// 32 bytes in base62 take 43 characters.
const BODY_LEN: usize = 43;
/// How much of a key is kept and shown to tell keys apart.
const SHOWN_LEN: usize = PREFIX.len() + 6;
const LABEL_MAX: usize = 100;
const MAX_EXPIRY_DAYS: u32 = 3650;
/// Unrevoked keys one person may hold.
const MAX_PER_USER: u64 = 50;
/// The use history a key's page shows.
pub const HISTORY_DAYS: i64 = 30;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// One key as its owner and administrators see it: never the key itself.
#[derive(Clone, Debug, Serialize)]
pub struct ApiKey {
    pub id: Uuid,
    pub owner: UserId,
    pub label: String,
    /// The first characters of the key.
    pub prefix: String,
    pub read_only: bool,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_ip: Option<String>,
    /// Requests per UTC day (`YYYY-MM-DD`) over the last 30 days, oldest first; days without
    /// use are left out. Counts reach the database within a minute.
    pub requests: Vec<(String, i64)>,
}

/// What a new key should be.
#[derive(Clone, Debug, Default)]
pub struct NewKey {
    pub label: String,
    /// Days until it stops working; `None` for never.
    pub expires_days: Option<u32>,
    pub read_only: bool,
    /// The owner's current password: a key outlives the session that makes it, so a stolen
    /// session alone must not be enough. Not asked of the command line.
    pub password: Option<SecretString>,
}

/// The API keys service.
pub struct ApiKeys<'a> {
    pub(crate) dir: &'a Directory,
}

impl Directory {
    pub fn api_keys(&self) -> ApiKeys<'_> {
        ApiKeys { dir: self }
    }
}

impl ApiKeys<'_> {
    /// Makes a key for `owner` and returns it once. People make their own keys from a signed-in
    /// session; only the command line makes them for someone else.
    pub async fn create(
        &self,
        actor: &Actor,
        owner: UserId,
        new: NewKey,
    ) -> Result<(ApiKey, SecretString)> {
        may_create(actor, owner)?;
        let label = new.label.trim().to_string();
        if label.is_empty() || label.chars().count() > LABEL_MAX {
            return Err(Error::invalid(
                "label",
                format!("Give the key a label of 1 to {LABEL_MAX} characters."),
            ));
        }
        if let Some(days) = new.expires_days
            && !(1..=MAX_EXPIRY_DAYS).contains(&days)
        {
            return Err(Error::invalid(
                "expires_days",
                format!("A key may last from 1 to {MAX_EXPIRY_DAYS} days, or never expire."),
            ));
        }
        self.confirm_password(actor, owner, new.password.as_ref())
            .await?;
        let user = self.dir.users().existing(owner).await?;
        if user.status != Status::Active {
            return Err(Error::NotAllowed(format!(
                "{} may not sign in, so cannot hold API keys.",
                user.username
            )));
        }
        let held = api_keys::Entity::find()
            .filter(api_keys::Column::UserId.eq(owner.0))
            .filter(api_keys::Column::RevokedAt.is_null())
            .count(self.dir.db())
            .await?;
        if held >= MAX_PER_USER {
            return Err(Error::Conflict(format!(
                "{} already holds {MAX_PER_USER} keys; revoke one first.",
                user.username
            )));
        }
        let now = self.dir.now();
        let key = generate();
        let row = api_keys::Model {
            id: Uuid::new_v4(),
            user_id: owner.0,
            label,
            prefix: key.expose()[..SHOWN_LEN].to_string(),
            hash: self.hash(key.expose()),
            read_only: new.read_only,
            created_at: now,
            expires_at: new
                .expires_days
                .map(|days| now + Duration::days(i64::from(days))),
            revoked_at: None,
            last_used_at: None,
            last_used_ip: None,
        };
        let txn = crate::changes::Change::begin(self.dir).await?;
        api_keys::ActiveModel::from(row.clone())
            .insert(&*txn)
            .await?;
        let entry = Entry::new("key.created")
            .target("user", user.id, user.username.to_string())
            .detail("key", row.id.to_string())
            .detail("label", row.label.clone())
            .detail("prefix", row.prefix.clone())
            .detail("read_only", row.read_only);
        let entry = match new.expires_days {
            Some(days) => entry.detail("expires_days", days),
            None => entry,
        };
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok((view(row, Vec::new()), key))
    }

    async fn confirm_password(
        &self,
        actor: &Actor,
        owner: UserId,
        password: Option<&SecretString>,
    ) -> Result<()> {
        if policy::is_system(actor) {
            return Ok(());
        }
        let wrong = || Error::invalid("password", "Your current password is not correct.");
        let password = password.ok_or_else(wrong)?;
        let row = crate::entities::users::Entity::find_by_id(owner.0)
            .one(self.dir.db())
            .await?
            .ok_or(Error::Unauthenticated)?;
        let auth = self.dir.auth();
        if auth
            .confirm_password(owner, row.password_hash.as_deref(), password)
            .await?
        {
            Ok(())
        } else {
            Err(wrong())
        }
    }

    /// A person's keys, newest first, with their use: their own, or those of someone whose
    /// account the actor may change (as for revoking them).
    pub async fn list(&self, actor: &Actor, owner: UserId) -> Result<Vec<ApiKey>> {
        policy::require_signed_in(actor)?;
        if actor.user_id() != Some(owner) {
            policy::require(actor, Permission::UsersUpdate)?;
            let user = self.dir.users().existing(owner).await?;
            guard_target(self.dir.db(), actor, &user).await?;
        }
        let rows = api_keys::Entity::find()
            .filter(api_keys::Column::UserId.eq(owner.0))
            .order_by_desc(api_keys::Column::CreatedAt)
            .all(self.dir.db())
            .await?;
        let since = key_usage::day(self.dir.now() - Duration::days(HISTORY_DAYS - 1));
        let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
        let usage = api_key_usage::Entity::find()
            .filter(api_key_usage::Column::KeyId.is_in(ids))
            .filter(api_key_usage::Column::Day.gte(since))
            .order_by_asc(api_key_usage::Column::Day)
            .all(self.dir.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let requests = usage
                    .iter()
                    .filter(|u| u.key_id == row.id)
                    .map(|u| (u.day.clone(), u.requests))
                    .collect();
                view(row, requests)
            })
            .collect())
    }

    /// Revokes a key: its owner may, and so may whoever may change the owner's account.
    pub async fn revoke(&self, actor: &Actor, id: Uuid) -> Result<ApiKey> {
        policy::require_signed_in(actor)?;
        actor.refuse_read_only()?;
        let row = api_keys::Entity::find_by_id(id)
            .one(self.dir.db())
            .await?
            .ok_or(Error::NotFound("API key"))?;
        let owner = self.dir.users().existing(UserId(row.user_id)).await?;
        if actor.user_id() != Some(owner.id) {
            policy::require(actor, Permission::UsersUpdate)?;
            guard_target(self.dir.db(), actor, &owner).await?;
        }
        if row.revoked_at.is_some() {
            return Ok(view(row, Vec::new()));
        }
        let now = self.dir.now();
        let txn = crate::changes::Change::begin(self.dir).await?;
        let mut active: api_keys::ActiveModel = row.into();
        active.revoked_at = Set(Some(now));
        let row = active.update(&*txn).await?;
        let entry = Entry::new("key.revoked")
            .target("user", owner.id, owner.username.to_string())
            .detail("key", row.id.to_string())
            .detail("label", row.label.clone())
            .detail("prefix", row.prefix.clone());
        audit::record(&txn, actor, now, entry).await?;
        txn.commit().await?;
        Ok(view(row, Vec::new()))
    }

    /// The actor a presented key acts as, with its owner; counts the use. Refusals say why
    /// (unknown, expired, revoked, owner inactive), each with its own code.
    pub async fn authenticate(
        &self,
        presented: &str,
        ip: Option<String>,
        user_agent: Option<String>,
    ) -> Result<(Actor, User)> {
        if !well_formed(presented) {
            return Err(Error::Key(KeyProblem::Unknown));
        }
        let hash = self.hash(presented);
        let row = self
            .find_by_hash(&hash)
            .await?
            .ok_or(Error::Key(KeyProblem::Unknown))?;
        let now = self.dir.now();
        if row.revoked_at.is_some() {
            return Err(Error::Key(KeyProblem::Revoked));
        }
        if row.expires_at.is_some_and(|at| at <= now) {
            return Err(Error::Key(KeyProblem::Expired));
        }
        let owner = self
            .dir
            .auth()
            .session_user(UserId(row.user_id))
            .await?
            .ok_or(Error::Key(KeyProblem::OwnerInactive))?;
        let per_minute = self.dir.settings().current().await?.api_requests_per_minute;
        self.dir
            .key_limits()
            .hit(row.id, per_minute, now)
            .map_err(Error::RateLimited)?;
        self.dir.key_usage().note(row.id, now, ip.as_deref());
        let mut actor = owner.as_actor(ip, user_agent);
        actor.key = Some(KeyUse {
            id: row.id,
            read_only: row.read_only,
        });
        Ok((actor, owner))
    }

    /// Writes the use counted since the last flush (every process, once a minute).
    pub async fn flush_usage(&self) -> Result<usize> {
        self.dir.key_usage().flush(self.dir.db()).await
    }

    async fn find_by_hash(&self, hash: &str) -> Result<Option<api_keys::Model>> {
        let changes = self.dir.changes();
        if let Some(row) = self.dir.cache().api_key(changes, hash) {
            return Ok(row);
        }
        let seen = changes.generation();
        let row = api_keys::Entity::find()
            .filter(api_keys::Column::Hash.eq(hash))
            .one(self.dir.db())
            .await?;
        // Misses are not kept: random keys must not crowd real ones out of the cache.
        if row.is_some() {
            self.dir.cache().keep_api_key(changes, seen, hash, &row);
        }
        Ok(row)
    }

    fn hash(&self, key: &str) -> String {
        let mac = hmac_sha256(&self.dir.secret_key().derive("api-keys"), key.as_bytes());
        mac.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Only the person themselves makes their keys, from a real sign-in: not an administrator
/// acting as them, and not another key (a key that mints keys would outlive its revocation).
fn may_create(actor: &Actor, owner: UserId) -> Result<()> {
    policy::require_signed_in(actor)?;
    actor.refuse_delegated("make API keys")?;
    if actor.key.is_some() {
        return Err(Error::NotAllowed(
            "API keys are made from a signed-in session, not with another key.".into(),
        ));
    }
    if policy::is_system(actor) || actor.user_id() == Some(owner) {
        Ok(())
    } else {
        Err(Error::NotAllowed(
            "An API key acts as its owner: each person makes their own.".into(),
        ))
    }
}

fn view(row: api_keys::Model, requests: Vec<(String, i64)>) -> ApiKey {
    ApiKey {
        id: row.id,
        owner: UserId(row.user_id),
        label: row.label,
        prefix: row.prefix,
        read_only: row.read_only,
        created_at: row.created_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
        last_used_at: row.last_used_at,
        last_used_ip: row.last_used_ip,
        requests,
    }
}

/// A new key: the prefix and 32 random bytes as a fixed-length base62 number.
fn generate() -> SecretString {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    SecretString::new(format!("{PREFIX}{}", base62(bytes)))
}

fn base62(mut number: [u8; 32]) -> String {
    let mut digits = [b'0'; BODY_LEN];
    for digit in digits.iter_mut().rev() {
        // Long division of the big-endian number by 62; the remainder is the next digit.
        let mut remainder = 0u32;
        for byte in number.iter_mut() {
            let value = (remainder << 8) | u32::from(*byte);
            *byte = (value / 62) as u8;
            remainder = value % 62;
        }
        *digit = BASE62[remainder as usize];
    }
    String::from_utf8_lossy(&digits).into_owned()
}

/// Whether a string could be a key at all, so junk never reaches the database.
pub fn well_formed(key: &str) -> bool {
    key.strip_prefix(PREFIX).is_some_and(|body| {
        body.len() == BODY_LEN && body.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prefixed_base62_of_fixed_length() {
        let key = generate();
        assert!(well_formed(key.expose()), "{}", key.expose());
        assert_eq!(key.expose().len(), PREFIX.len() + BODY_LEN);
        assert_ne!(generate().expose(), key.expose());
        assert_eq!(base62([0; 32]), "0".repeat(BODY_LEN));
        assert_eq!(base62([255; 32]).len(), BODY_LEN);
        let mut one = [0u8; 32];
        one[31] = 63;
        assert!(base62(one).ends_with("11"));
    }

    #[test]
    fn malformed_keys_are_refused_before_any_lookup() {
        assert!(!well_formed("gate_short"));
        assert!(!well_formed(&format!("other{}", "a".repeat(BODY_LEN))));
        assert!(!well_formed(&format!("gate_{}!", "a".repeat(BODY_LEN - 1))));
    }
}
