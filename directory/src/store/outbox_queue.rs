//! Queuing a mail: the one write into the outbox, made in the transaction of the change that
//! caused it, and the mail to every administrator about an account. The outbox service (listing, sending, retrying) sits above.

use crate::core::error::Result;
use crate::core::ids::{Email, UserId};
use crate::core::mail::Mail;
use crate::core::policy::Role;
use crate::entities::outbox;
use crate::entities::users;
use crate::store::user_rows::{Status, User};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;

/// A mail waiting to be sent.
pub(crate) const PENDING: &str = "pending";

/// Writes a mail into the outbox on `conn` (the caller's transaction).
pub(crate) async fn enqueue(
    conn: &impl ConnectionTrait,
    mail: Mail,
    now: OffsetDateTime,
) -> Result<i64> {
    let row = outbox::ActiveModel {
        kind: Set(mail.kind.to_string()),
        to_address: Set(mail.to.to_string()),
        user_id: Set(mail.user_id.map(|id| id.0)),
        invite_id: Set(mail.invite_id),
        subject: Set(mail.subject),
        text_body: Set(Some(mail.text)),
        html_body: Set(Some(mail.html)),
        link: Set(mail.link),
        status: Set(PENDING.to_string()),
        attempts: Set(0),
        last_error: Set(None),
        created_at: Set(now),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        expires_at: Set(mail.expires_at),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// An active owner or admin, as someone to tell about accounts (approvals, locks).
struct Administrator {
    id: UserId,
    email: Email,
}

/// Every active owner and admin.
async fn administrators(conn: &impl ConnectionTrait) -> Result<Vec<Administrator>> {
    let rows = users::Entity::find()
        .filter(users::Column::Status.eq(Status::Active.name()))
        .filter(users::Column::Role.is_in([Role::Owner.name(), Role::Admin.name()]))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| Administrator {
            id: UserId(row.id),
            email: Email::from_stored(row.email),
        })
        .collect())
}

/// Queues one mail to every active owner and admin about the account `about`, each made by
/// `letter` from a notice whose button leads to that account's page.
pub(crate) async fn mail_administrators(
    conn: &impl ConnectionTrait,
    base_url: &str,
    about: &User,
    now: OffsetDateTime,
    letter: impl for<'a> Fn(crate::core::mail::Notice<'a>) -> crate::core::mail::Mail,
) -> Result<()> {
    let review = format!("{base_url}/users/{}", about.id);
    for admin in administrators(conn).await? {
        let notice = crate::core::mail::Notice {
            to: &admin.email,
            user_id: admin.id,
            username: about.username.as_str(),
            link: &review,
            base_url,
        };
        enqueue(conn, letter(notice), now).await?;
    }
    Ok(())
}
