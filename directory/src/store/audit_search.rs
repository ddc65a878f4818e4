//! Searching the audit trail: by user (as actor or target), action family, target, result and
//! time, newest first, a page at a time by id, so an export can walk any number of rows in
//! flat memory.

use crate::core::error::{Error, Result};
use crate::core::policy::{self, Actor, Permission};
use crate::entities::audit_log;
use crate::store::audit::Audit;
use sea_orm::PaginatorTrait;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

/// What the actions of each family start with.
pub const FAMILIES: [(&str, &[&str]); 7] = [
    (
        "auth",
        &["auth.", "password.", "mfa.", "session.", "impersonation."],
    ),
    ("user", &["user.", "profile."]),
    ("group", &["group."]),
    ("invite", &["invite."]),
    ("app", &["app."]),
    ("settings", &["settings.", "mail.", "audit.", "setup."]),
    ("key", &["key."]),
];

/// How an action's name says it failed.
const FAILURE_SUFFIXES: [&str; 4] = [".failed", ".refused", ".unknown", ".address_taken"];

/// Whether the rows wanted are those that went through or those that were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "success" => Ok(Self::Success),
            "failure" => Ok(Self::Failure),
            _ => Err(Error::invalid("result", "Choose success or failure.")),
        }
    }
}

/// A filter's time: an RFC 3339 time, or a day (`YYYY-MM-DD`, UTC) meaning its start, or for
/// the end of a range (`end`) the next day's start, so the day is included.
pub fn parse_moment(field: &'static str, value: &str, end: bool) -> Result<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(at) = OffsetDateTime::parse(value, &Rfc3339) {
        return Ok(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(value, &format)
        .map_err(|_| Error::invalid(field, "Give a date (YYYY-MM-DD) or an RFC 3339 time."))?;
    let day = if end {
        day.next_day().unwrap_or(day)
    } else {
        day
    };
    Ok(day.midnight().assume_utc())
}

impl AuditFilter {
    /// The filters as a page or a query string gives them: empty means "any".
    pub fn parse(
        user: Option<String>,
        actor: Option<String>,
        target: Option<String>,
        action: Option<String>,
        result: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Self> {
        Ok(Self {
            user,
            actor,
            target,
            action,
            outcome: given(result).map(Outcome::parse).transpose()?,
            from: given(from)
                .map(|v| parse_moment("from", v, false))
                .transpose()?,
            to: given(to).map(|v| parse_moment("to", v, true)).transpose()?,
        })
    }
}

fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The filters; every one left out matches everything.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// A username (or user id) the row names as actor or as target.
    pub user: Option<String>,
    /// A username (or id) the row names as actor.
    pub actor: Option<String>,
    /// A target's name or id.
    pub target: Option<String>,
    /// A family (`auth`, `user`, …) or one action's exact name.
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    pub from: Option<OffsetDateTime>,
    /// Exclusive.
    pub to: Option<OffsetDateTime>,
}

impl AuditFilter {
    pub(crate) fn condition(&self) -> Result<Condition> {
        let mut all = Condition::all();
        let trimmed = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if let Some(user) = trimmed(&self.user) {
            all = all.add(
                Condition::any()
                    .add(audit_log::Column::ActorName.eq(user.clone()))
                    .add(audit_log::Column::OnBehalfOfName.eq(user.clone()))
                    .add(names_user_target(&user)),
            );
        }
        if let Some(actor) = trimmed(&self.actor) {
            all = all.add(
                Condition::any()
                    .add(audit_log::Column::ActorName.eq(actor.clone()))
                    .add(audit_log::Column::OnBehalfOfName.eq(actor)),
            );
        }
        if let Some(target) = trimmed(&self.target) {
            all = all.add(
                Condition::any()
                    .add(audit_log::Column::TargetName.eq(target.clone()))
                    .add(audit_log::Column::TargetId.eq(target)),
            );
        }
        if let Some(action) = trimmed(&self.action) {
            all = all.add(action_condition(&action)?);
        }
        if let Some(outcome) = self.outcome {
            let mut failed = Condition::any();
            for suffix in FAILURE_SUFFIXES {
                failed = failed.add(audit_log::Column::Action.ends_with(suffix));
            }
            all = all.add(match outcome {
                Outcome::Failure => failed,
                Outcome::Success => failed.not(),
            });
        }
        if let Some(from) = self.from {
            all = all.add(audit_log::Column::At.gte(from));
        }
        if let Some(to) = self.to {
            all = all.add(audit_log::Column::At.lt(to));
        }
        Ok(all)
    }
}

fn names_user_target(user: &str) -> Condition {
    Condition::all()
        .add(audit_log::Column::TargetType.eq("user"))
        .add(
            Condition::any()
                .add(audit_log::Column::TargetName.eq(user))
                .add(audit_log::Column::TargetId.eq(user)),
        )
}

fn action_condition(action: &str) -> Result<Condition> {
    if let Some((_, prefixes)) = FAMILIES.iter().find(|(name, _)| *name == action) {
        let mut any = Condition::any();
        for prefix in *prefixes {
            any = any.add(audit_log::Column::Action.starts_with(*prefix));
        }
        return Ok(any);
    }
    if action.len() > 64
        || !action
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
    {
        return Err(Error::invalid(
            "action",
            "Give an action family (auth, user, group, invite, app, settings, key) or an action's name.",
        ));
    }
    Ok(Condition::all().add(audit_log::Column::Action.eq(action)))
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

impl Audit<'_> {
    /// Records that the rows matching `filter` are being exported (who took the trail away
    /// is itself part of it).
    pub async fn note_export(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        format: &str,
    ) -> Result<()> {
        policy::require(actor, Permission::AuditRead)?;
        let entry = crate::store::audit::Entry::new("audit.export")
            .detail("format", format.to_string())
            .detail("filter", format!("{filter:?}"));
        crate::store::audit::record_alone(self.dir, actor, self.dir.now(), entry).await
    }
    /// One page of the rows matching `filter`, newest first, with how many match in all.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: u64,
        per_page: u64,
    ) -> Result<AuditPage> {
        policy::require(actor, Permission::AuditRead)?;
        let per_page = per_page.clamp(1, 200);
        let query = audit_log::Entity::find()
            .filter(filter.condition()?)
            .order_by_desc(audit_log::Column::At)
            .order_by_desc(audit_log::Column::Id);
        let total = query.clone().count(self.dir.db()).await?;
        let rows = query
            .offset(crate::core::paging::offset(page, per_page)?)
            .limit(per_page)
            .all(self.dir.db())
            .await?;
        let events = rows.into_iter().map(event).collect();
        Ok(AuditPage { events, total })
    }

    /// Rows matching `filter`, newest first: at most `limit` of those with an id below
    /// `before` (all when `None`), and whether more follow.
    pub async fn search(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: u64,
    ) -> Result<(Vec<AuditEvent>, bool)> {
        policy::require(actor, Permission::AuditRead)?;
        let mut condition = filter.condition()?;
        if let Some(before) = before {
            condition = condition.add(audit_log::Column::Id.lt(before));
        }
        let limit = limit.clamp(1, 1_000);
        let rows = audit_log::Entity::find()
            .filter(condition)
            .order_by_desc(audit_log::Column::Id)
            .limit(limit + 1)
            .all(self.dir.db())
            .await?;
        let more = rows.len() as u64 > limit;
        Ok((
            rows.into_iter().take(limit as usize).map(event).collect(),
            more,
        ))
    }
}

pub(crate) fn event(row: audit_log::Model) -> AuditEvent {
    AuditEvent {
        id: row.id,
        at: row.at,
        actor: row.actor_name,
        on_behalf_of: row.on_behalf_of_name,
        action: row.action,
        target: row.target_name,
        ip: row.ip,
        user_agent: row.user_agent,
        details: serde_json::from_str(&row.details).unwrap_or(Value::Null),
    }
}
