//! The audit trail: rows written in the same transaction as the change they describe.

use crate::Directory;
use crate::entities::audit_log;
use crate::error::Result;
use crate::policy::{self, Actor, Permission, Principal};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Set,
};
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

/// Writes one audit row on `conn`, which should be the transaction of the change itself.
pub async fn record(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    at: OffsetDateTime,
    entry: Entry,
) -> Result<()> {
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
    audit_log::ActiveModel {
        at: Set(at),
        actor_id: Set(actor_id),
        actor_name: Set(actor_name),
        action: Set(entry.action.to_string()),
        target_type: Set(entry.target_type.map(str::to_string)),
        target_id: Set(entry.target_id),
        target_name: Set(entry.target_name),
        ip: Set(actor.ip.clone()),
        user_agent: Set(actor.user_agent.as_deref().map(truncate_agent)),
        details: Set(entry.details.to_string()),
        on_behalf_of_id: Set(on_behalf_of_id),
        on_behalf_of_name: Set(on_behalf_of_name),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// User agents are attacker-chosen text; keep what identifies a browser and drop the rest.
fn truncate_agent(agent: &str) -> String {
    agent.chars().take(256).collect()
}

/// One audit row as the UI and API show it.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor: Option<String>,
    /// The user an administrator was impersonating when they did this.
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: Value,
}

/// A page of audit rows, newest first.
#[derive(Clone, Debug, Serialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub total: u64,
}

/// Reading the audit trail.
pub struct Audit<'a> {
    pub(crate) dir: &'a Directory,
}

impl Audit<'_> {
    pub async fn list(&self, actor: &Actor, page: u64, per_page: u64) -> Result<AuditPage> {
        policy::require(actor, Permission::AuditRead)?;
        let per_page = per_page.clamp(1, 200);
        let query = audit_log::Entity::find()
            .order_by_desc(audit_log::Column::At)
            .order_by_desc(audit_log::Column::Id);
        let total = query.clone().count(self.dir.db()).await?;
        let rows = query
            .offset(page * per_page)
            .limit(per_page)
            .all(self.dir.db())
            .await?;
        let events = rows
            .into_iter()
            .map(|row| AuditEvent {
                id: row.id,
                at: row.at,
                actor: row.actor_name,
                on_behalf_of: row.on_behalf_of_name,
                action: row.action,
                target: row.target_name,
                ip: row.ip,
                user_agent: row.user_agent,
                details: serde_json::from_str(&row.details).unwrap_or(Value::Null),
            })
            .collect();
        Ok(AuditPage { events, total })
    }
}
