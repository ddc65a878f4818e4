//! The mail outbox: mails are written in the transaction of the change that caused them,
//! then a sender (any process) claims due rows, delivers them and records the outcome.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::outbox;
use crate::error::{Error, Result};
use crate::ids::{Email, UserId};
use crate::mail::{self};
use crate::policy::{self, Actor, Permission};
use crate::store::targets;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::store::outbox_queue::{PENDING, enqueue};
const SENT: &str = "sent";
const FAILED: &str = "failed";
const EXPIRED: &str = "expired";

/// After this many failed attempts a mail stops being retried until an admin asks.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed mail is left to its sender before another process may try it.
const LEASE: Duration = Duration::minutes(2);
/// The first retry waits this long; each further one waits twice as long, up to an hour.
const FIRST_BACKOFF: Duration = Duration::seconds(30);
const MAX_BACKOFF: Duration = Duration::hours(1);

/// A mail as the settings page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub next_attempt_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    /// The mail's link while it is unsent and alive, if this viewer may pass it on.
    pub link: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct OutboxCounts {
    pub pending: u64,
    pub failed: u64,
    pub sent: u64,
}

/// A claimed mail for the sender.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The outbox service.
pub struct Outbox<'a> {
    pub(crate) dir: &'a Directory,
}

impl Outbox<'_> {
    /// The newest mails first. A link shows only to those who manage settings, only while
    /// the mail is unsent and the link alive, and only when the viewer could have made it
    /// themselves: an invite's link to those who may grant its role and groups, a link into
    /// an account to those who may change that account. A link is the access it grants.
    pub async fn list(&self, actor: &Actor, limit: u64) -> Result<Vec<OutboxEntry>> {
        policy::require(actor, Permission::SettingsRead)?;
        let rows = outbox::Entity::find()
            .order_by_desc(outbox::Column::Id)
            .limit(limit.clamp(1, 200))
            .all(self.dir.db())
            .await?;
        let now = self.dir.now();
        let mut entries = Vec::with_capacity(rows.len());
        // Resends and notices repeat the same invite or account: ask once per page.
        let mut decided = std::collections::HashMap::new();
        for row in rows {
            let live = actor.can(Permission::SettingsWrite)
                && row.status != SENT
                && row.expires_at.is_none_or(|at| at > now);
            let shows_link = if live && row.link.is_some() {
                let about = (row.invite_id, row.user_id);
                match decided.get(&about) {
                    Some(answer) => *answer,
                    None => {
                        let answer = self.may_pass_on(actor, &row).await?;
                        decided.insert(about, answer);
                        answer
                    }
                }
            } else {
                false
            };
            entries.push(OutboxEntry {
                id: row.id,
                kind: row.kind,
                to: row.to_address,
                subject: row.subject,
                status: row.status,
                attempts: row.attempts,
                last_error: row.last_error,
                created_at: row.created_at,
                next_attempt_at: row.next_attempt_at,
                sent_at: row.sent_at,
                link: row.link.filter(|_| shows_link),
            });
        }
        Ok(entries)
    }

    /// Whether `actor` could have issued this mail's link. A link about neither an invite nor
    /// an account (none today) is shown only to owners.
    async fn may_pass_on(&self, actor: &Actor, row: &outbox::Model) -> Result<bool> {
        if let Some(invite) = row.invite_id {
            return self.dir.invites().may_pass_on(actor, invite).await;
        }
        let Some(id) = row.user_id else {
            return Ok(crate::policy::is_owner_or_system(actor));
        };
        // One's own links come by mail only: this page must not be a way around the
        // mailbox (a reset link read here would need no password).
        if actor.user_id() == Some(UserId(id)) || !actor.can(Permission::UsersUpdate) {
            return Ok(false);
        }
        let Some(user) = self.dir.users().find(UserId(id)).await? else {
            return Ok(false);
        };
        crate::error::allowed(targets::guard_target(self.dir.db(), actor, &user).await)
    }

    pub async fn counts(&self, actor: &Actor) -> Result<OutboxCounts> {
        policy::require(actor, Permission::SettingsRead)?;
        let count = |status: &'static str| {
            outbox::Entity::find()
                .filter(outbox::Column::Status.eq(status))
                .count(self.dir.db())
        };
        Ok(OutboxCounts {
            pending: count(PENDING).await?,
            failed: count(FAILED).await?,
            sent: count(SENT).await?,
        })
    }

    /// Puts failed and waiting mails back in line for an attempt now.
    pub async fn retry(&self, actor: &Actor) -> Result<u64> {
        policy::require(actor, Permission::SettingsWrite)?;
        let now = self.dir.now();
        let result = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(PENDING))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(now))
            .col_expr(outbox::Column::Attempts, Expr::value(0))
            .filter(outbox::Column::Status.is_in([PENDING, FAILED]))
            .exec(self.dir.db())
            .await?;
        audit::record_alone(
            self.dir,
            actor,
            now,
            Entry::new("mail.retry").detail("mails", result.rows_affected),
        )
        .await?;
        self.dir.wake_mailer();
        Ok(result.rows_affected)
    }

    /// Queues a test mail to the actor's own address; answers the outbox id to watch.
    pub async fn send_test(&self, actor: &Actor, to: &Email) -> Result<i64> {
        policy::require(actor, Permission::SettingsWrite)?;
        let now = self.dir.now();
        let name = actor.name();
        let id = enqueue(
            self.dir.db(),
            mail::test(to, &name, &self.dir.base_url()),
            now,
        )
        .await?;
        self.dir.wake_mailer();
        Ok(id)
    }

    /// The status and last error of one mail (to report how a test mail went).
    pub async fn status(&self, actor: &Actor, id: i64) -> Result<(String, Option<String>)> {
        policy::require(actor, Permission::SettingsRead)?;
        let row = outbox::Entity::find_by_id(id)
            .one(self.dir.db())
            .await?
            .ok_or(Error::NotFound("mail"))?;
        Ok((row.status, row.last_error))
    }

    /// Claims up to `limit` due mails for this process; a lease keeps other processes off
    /// them, and runs out if this one dies before recording the outcome.
    pub async fn claim_due(&self, limit: u64) -> Result<Vec<Delivery>> {
        let now = self.dir.now();
        self.expire(now).await?;
        let due = outbox::Entity::find()
            .filter(outbox::Column::Status.eq(PENDING))
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .filter(free(now))
            .order_by_asc(outbox::Column::Id)
            .limit(limit)
            .all(self.dir.db())
            .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for row in due {
            let taken = outbox::Entity::update_many()
                .col_expr(outbox::Column::LockedUntil, Expr::value(now + LEASE))
                .filter(outbox::Column::Id.eq(row.id))
                .filter(outbox::Column::Status.eq(PENDING))
                .filter(free(now))
                .exec(self.dir.db())
                .await?;
            if taken.rows_affected == 1 {
                claimed.push(Delivery {
                    id: row.id,
                    to: row.to_address,
                    subject: row.subject,
                    text: row.text_body.unwrap_or_default(),
                    html: row.html_body.unwrap_or_default(),
                });
            }
        }
        Ok(claimed)
    }

    /// Records a delivery and drops the body and link: a sent mail's token is nobody's
    /// business but the recipient's.
    pub async fn delivered(&self, id: i64) -> Result<()> {
        let now = self.dir.now();
        scrubbed(SENT)
            .col_expr(outbox::Column::SentAt, Expr::value(now))
            .col_expr(
                outbox::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                outbox::Column::LockedUntil,
                Expr::value(Option::<OffsetDateTime>::None),
            )
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            )
            .filter(outbox::Column::Id.eq(id))
            .exec(self.dir.db())
            .await?;
        Ok(())
    }

    /// Records a failed attempt and schedules the next one with exponential backoff.
    pub async fn failed(&self, id: i64, error: &str) -> Result<()> {
        let now = self.dir.now();
        let Some(row) = outbox::Entity::find_by_id(id).one(self.dir.db()).await? else {
            return Ok(());
        };
        let attempts = row.attempts + 1;
        let status = if attempts >= MAX_ATTEMPTS {
            FAILED
        } else {
            PENDING
        };
        let error: String = error.chars().take(500).collect();
        outbox::ActiveModel {
            id: Set(id),
            attempts: Set(attempts),
            status: Set(status.to_string()),
            last_error: Set(Some(error)),
            locked_until: Set(None),
            next_attempt_at: Set(now + backoff(attempts)),
            ..Default::default()
        }
        .update(self.dir.db())
        .await?;
        Ok(())
    }

    /// Unsent mails whose link has died are not worth sending any more.
    async fn expire(&self, now: OffsetDateTime) -> Result<()> {
        scrubbed(EXPIRED)
            .filter(outbox::Column::Status.is_in([PENDING, FAILED]))
            .filter(outbox::Column::ExpiresAt.lt(now))
            .exec(self.dir.db())
            .await?;
        Ok(())
    }
}

/// An update to `status` that drops the body and link, which nobody needs any more.
fn scrubbed(status: &'static str) -> sea_orm::UpdateMany<outbox::Entity> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(status))
        .col_expr(
            outbox::Column::TextBody,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            outbox::Column::HtmlBody,
            Expr::value(Option::<String>::None),
        )
        .col_expr(outbox::Column::Link, Expr::value(Option::<String>::None))
}

fn free(now: OffsetDateTime) -> Condition {
    Condition::any()
        .add(outbox::Column::LockedUntil.is_null())
        .add(outbox::Column::LockedUntil.lt(now))
}

/// 30 s, 1 min, 2 min, … capped at an hour.
fn backoff(attempts: i32) -> Duration {
    let factor = 2i32.saturating_pow(attempts.saturating_sub(1).clamp(0, 16) as u32);
    (FIRST_BACKOFF * factor).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::minutes(1));
        assert_eq!(backoff(3), Duration::minutes(2));
        assert_eq!(backoff(20), Duration::hours(1));
    }
}
