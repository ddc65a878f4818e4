//! The audit trail: rows written in the same transaction as the change they describe.

use crate::Directory;
use crate::entities::audit_log;
use crate::error::Result;
use crate::policy::{self, Actor, Permission, Principal};
use crate::store::audit_chain;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

/// What happened to what. Details are JSON and must never hold a secret.
#[derive(Clone, Debug)]
pub struct Entry {
    pub action: &'static str,
    pub target_type: Option<&'static str>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub details: Value,
}

impl Entry {
    pub fn new(action: &'static str) -> Self {
        Self {
            action,
            target_type: None,
            target_id: None,
            target_name: None,
            details: Value::Object(Default::default()),
        }
    }

    pub fn target(
        mut self,
        kind: &'static str,
        id: impl ToString,
        name: impl Into<String>,
    ) -> Self {
        self.target_type = Some(kind);
        self.target_id = Some(id.to_string());
        self.target_name = Some(name.into());
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let Value::Object(map) = &mut self.details {
            map.insert(key.to_string(), value.into());
        }
        self
    }
}

/// Writes one audit row in `txn`, the transaction of the change itself: the chain's head is
/// locked until it commits, so a row can only ever be written inside one.
pub async fn record(
    conn: &DatabaseTransaction,
    actor: &Actor,
    at: OffsetDateTime,
    mut entry: Entry,
) -> Result<()> {
    if let Some(key) = &actor.key {
        entry = entry.detail("api_key", key.id.to_string());
    }
    let (mut actor_id, mut actor_name) = match &actor.principal {
        Principal::Anonymous => (None, None),
        Principal::System => (None, Some("system".to_string())),
        Principal::User { id, username, .. } => (Some(id.0), Some(username.to_string())),
    };
    // Under impersonation the administrator is the actor, acting on behalf of the user.
    let (mut on_behalf_of_id, mut on_behalf_of_name) = (None, None);
    if let Some(admin) = &actor.impersonator {
        on_behalf_of_id = actor_id.replace(admin.id.0);
        on_behalf_of_name = actor_name.replace(admin.username.to_string());
    }
    let row = audit_log::Model {
        id: 0,
        at,
        actor_id,
        actor_name,
        action: entry.action.to_string(),
        target_type: entry.target_type.map(str::to_string),
        target_id: entry.target_id,
        target_name: entry.target_name,
        ip: actor.ip.clone(),
        user_agent: actor.user_agent.as_deref().map(truncate_agent),
        details: entry.details.to_string(),
        on_behalf_of_id,
        on_behalf_of_name,
        hash: None,
    };
    audit_chain::append(conn, row).await
}

/// Writes one audit row that goes with no other change (a refused sign-in, a sign-out), in a
/// transaction of its own.
pub async fn record_alone(
    dir: &Directory,
    actor: &Actor,
    at: OffsetDateTime,
    entry: Entry,
) -> Result<()> {
    let txn = crate::changes::Change::begin_quiet(dir).await?;
    record(&txn, actor, at, entry).await?;
    txn.commit().await
}

/// User agents are attacker-chosen text; keep what identifies a browser and drop the rest.
fn truncate_agent(agent: &str) -> String {
    agent.chars().take(256).collect()
}

/// Reading the audit trail.
pub struct Audit<'a> {
    pub(crate) dir: &'a Directory,
}

/// The last periodic walk of the chain, as the Activity page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ChainStatus {
    pub checked_at: Option<OffsetDateTime>,
    /// When the newest row the walk covered was written.
    pub verified_through: Option<OffsetDateTime>,
    /// The first row the walk found not to match.
    pub broken_at_id: Option<i64>,
}

impl Audit<'_> {
    /// Walks the whole chain now (`gatehouse audit verify`, and the periodic check).
    pub async fn verify(&self, actor: &Actor) -> Result<audit_chain::ChainCheck> {
        policy::require(actor, Permission::AuditRead)?;
        audit_chain::walk(self.dir.db()).await
    }

    /// Walks the chain and keeps the result for the Activity page; run now and then by every
    /// process (the walk only reads, and the last result wins).
    pub async fn check_chain(&self) -> Result<audit_chain::ChainCheck> {
        let result = audit_chain::walk(self.dir.db()).await?;
        if let Some(broken) = &result.broken {
            tracing::error!(
                row = broken.id,
                reason = broken.reason,
                "the audit hash chain is broken"
            );
        }
        audit_chain::remember(self.dir, &result).await?;
        Ok(result)
    }

    pub async fn chain_status(&self, actor: &Actor) -> Result<ChainStatus> {
        policy::require(actor, Permission::AuditRead)?;
        let Some(head) = audit_chain_row(self.dir).await? else {
            return Ok(ChainStatus {
                checked_at: None,
                verified_through: None,
                broken_at_id: None,
            });
        };
        let through = audit_log::Entity::find_by_id(head.verified_through_id)
            .one(self.dir.db())
            .await?
            .map(|row| row.at);
        Ok(ChainStatus {
            checked_at: head.verified_at,
            verified_through: through,
            broken_at_id: head.broken_at_id,
        })
    }

    /// Removes rows older than the retention setting, keeping the chain's checkpoint, and
    /// records that it did in the same transaction. Idempotent; every process may run it.
    pub async fn apply_retention(&self) -> Result<u64> {
        let now = self.dir.now();
        let days = crate::store::settings_rows::load(self.dir.db())
            .await?
            .audit_retention_days;
        let cutoff = now - time::Duration::days(i64::from(days));
        // Rows go in id order up to the first one inside the window, so a row dated wrongly
        // (a process with its clock behind) never takes newer rows with it.
        let first_kept = audit_log::Entity::find()
            .filter(audit_log::Column::At.gte(cutoff))
            .order_by_asc(audit_log::Column::Id)
            .one(self.dir.db())
            .await?;
        let last_old = match first_kept {
            Some(kept) => {
                audit_log::Entity::find()
                    .filter(audit_log::Column::Id.lt(kept.id))
                    .order_by_desc(audit_log::Column::Id)
                    .one(self.dir.db())
                    .await?
            }
            None => {
                audit_log::Entity::find()
                    .order_by_desc(audit_log::Column::Id)
                    .one(self.dir.db())
                    .await?
            }
        };
        let Some(last_old) = last_old else {
            return Ok(0);
        };
        let txn = crate::changes::Change::begin_quiet(self.dir).await?;
        let removed = audit_chain::prune(&txn, last_old.id).await?;
        if removed > 0 {
            let entry = Entry::new("audit.pruned")
                .detail("rows", removed)
                .detail("through_id", last_old.id)
                .detail("retention_days", days)
                .detail("checkpoint_hash", last_old.hash.clone().unwrap_or_default());
            record(&txn, &Actor::system(), now, entry).await?;
        }
        txn.commit().await?;
        Ok(removed)
    }
}

async fn audit_chain_row(dir: &Directory) -> Result<Option<crate::entities::audit_chain::Model>> {
    Ok(crate::entities::audit_chain::Entity::find_by_id(1)
        .one(dir.db())
        .await?)
}
