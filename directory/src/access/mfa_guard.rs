//! Bounds on guessing second-factor codes: ten wrong codes in a row void the half-done
//! sign-in (the password must be typed again), and too many in a day lock second-factor
//! sign-in for an hour, with an audit row and a mail to the user and the administrators.

use crate::Directory;
use crate::audit::{self, Entry};
use crate::entities::second_factor_failures as failures;
use crate::error::{Error, Result};
use crate::mail;
use crate::policy::Actor;
use crate::store::outbox_queue;
use crate::store::user_rows::User;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use time::{Duration, OffsetDateTime};

/// Wrong codes in a row after which the half-done sign-in is void.
pub const MAX_STREAK: i32 = 10;
/// How long second-factor sign-in stays locked once the day's limit is reached.
pub const LOCK: Duration = Duration::hours(1);
const DAY: Duration = Duration::days(1);

/// Refuses a code before it is checked: while the account is locked (even a right code), or
/// when the half-done sign-in started before it was voided.
pub(crate) async fn check_open(
    conn: &impl ConnectionTrait,
    user: &User,
    started_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<()> {
    let Some(row) = failures::Entity::find_by_id(user.id.0).one(conn).await? else {
        return Ok(());
    };
    if let Some(until) = row.locked_until.filter(|until| *until > now) {
        let wait = std::cmp::max((until - now).whole_seconds(), 1);
        return Err(Error::RateLimited(wait as u64));
    }
    // A half-done sign-in keeps whole seconds: one begun in the second of the void is void.
    let voided = |at: OffsetDateTime| started_at.unix_timestamp() <= at.unix_timestamp();
    if row.voided_at.is_some_and(voided) {
        return Err(Error::SignInVoided);
    }
    Ok(())
}

/// A right code ends the streak (the day's count stays).
pub(crate) async fn record_success(conn: &impl ConnectionTrait, user: &User) -> Result<()> {
    failures::Entity::update_many()
        .col_expr(failures::Column::Streak, Expr::value(0))
        .filter(failures::Column::UserId.eq(user.id.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Counts a wrong code and writes its audit row in one transaction; voids the sign-in at
/// [`MAX_STREAK`] and locks the account once `per_day` is reached (mailing the user and the
/// administrators when the lock begins). Answers the error the person sees.
pub(crate) async fn record_failure(
    dir: &Directory,
    actor: &Actor,
    user: &User,
    per_day: u32,
) -> Result<Error> {
    let now = dir.now();
    let txn = dir.db().begin().await?;
    let row = count(&txn, user, now).await?;
    let mut entry = Entry::new("auth.2fa.failed")
        .target("user", user.id, user.username.as_str())
        .detail("in_a_row", row.streak)
        .detail("today", row.day_count);
    let mut answer = Error::invalid(
        "code",
        "That code is not right. Use the newest code from your app, or a backup code.",
    );
    let mut update = failures::ActiveModel {
        user_id: Set(user.id.0),
        ..Default::default()
    };
    if row.streak >= MAX_STREAK {
        update.streak = Set(0);
        update.voided_at = Set(Some(now));
        entry = entry.detail("sign_in_voided", true);
        answer = Error::SignInVoided;
    }
    let locked = row.locked_until.is_some_and(|until| until > now);
    let lock_starts = !locked && row.day_count >= i32::try_from(per_day).unwrap_or(i32::MAX);
    if lock_starts {
        update.locked_until = Set(Some(now + LOCK));
        entry = entry.detail("locked_minutes", LOCK.whole_minutes());
        answer = Error::RateLimited(LOCK.whole_seconds() as u64);
        tell_about_lock(dir, &txn, user, now + LOCK).await?;
    }
    if row.streak >= MAX_STREAK || lock_starts {
        failures::Entity::update(update).exec(&txn).await?;
    }
    audit::record(&txn, actor, now, entry).await?;
    if lock_starts {
        // A row of its own, so the lock stands out in the activity log.
        let locked = Entry::new("auth.2fa.locked")
            .target("user", user.id, user.username.as_str())
            .detail("until", (now + LOCK).to_string())
            .detail("wrong_codes_today", row.day_count);
        audit::record(&txn, actor, now, locked).await?;
    }
    txn.commit().await?;
    if lock_starts {
        dir.wake_mailer();
    }
    Ok(answer)
}

/// Adds one wrong code to the account's counts (starting a new day when the last began over a
/// day ago) and answers the row as it now stands. The first write takes the row's lock, so
/// two processes counting at once queue.
async fn count(
    txn: &DatabaseTransaction,
    user: &User,
    now: OffsetDateTime,
) -> Result<failures::Model> {
    failures::Entity::insert(failures::ActiveModel {
        user_id: Set(user.id.0),
        streak: Set(0),
        voided_at: Set(None),
        day_started_at: Set(Some(now)),
        day_count: Set(0),
        locked_until: Set(None),
    })
    .on_conflict_do_nothing_on([failures::Column::UserId])
    .exec(txn)
    .await?;
    failures::Entity::update_many()
        .col_expr(failures::Column::DayStartedAt, Expr::value(now))
        .col_expr(failures::Column::DayCount, Expr::value(0))
        .filter(failures::Column::UserId.eq(user.id.0))
        .filter(
            sea_orm::Condition::any()
                .add(failures::Column::DayStartedAt.is_null())
                .add(failures::Column::DayStartedAt.lte(now - DAY)),
        )
        .exec(txn)
        .await?;
    failures::Entity::update_many()
        .col_expr(
            failures::Column::Streak,
            Expr::col(failures::Column::Streak).add(1),
        )
        .col_expr(
            failures::Column::DayCount,
            Expr::col(failures::Column::DayCount).add(1),
        )
        .filter(failures::Column::UserId.eq(user.id.0))
        .exec(txn)
        .await?;
    failures::Entity::find_by_id(user.id.0)
        .one(txn)
        .await?
        .ok_or_else(|| Error::Internal("second-factor failure row vanished".into()))
}

/// Mails the user and every active owner and admin that second-factor sign-in is locked.
async fn tell_about_lock(
    dir: &Directory,
    txn: &DatabaseTransaction,
    user: &User,
    until: OffsetDateTime,
) -> Result<()> {
    let base_url = dir.base_url();
    let now = dir.now();
    let own = mail::second_factor_locked(
        mail::Notice {
            to: &user.email,
            user_id: user.id,
            username: user.username.as_str(),
            link: &format!("{base_url}/profile"),
            base_url: &base_url,
        },
        until,
        false,
    );
    outbox_queue::enqueue(txn, own, now).await?;
    outbox_queue::mail_administrators(txn, &base_url, user, now, |notice| {
        mail::second_factor_locked(notice, until, true)
    })
    .await
}
