//! API key use, counted in memory and added to the database in batches: a request with a key
//! costs no write, and several processes add their counts without overwriting each other's.

use crate::core::error::Result;
use crate::entities::{api_key_usage, api_keys};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;
use std::sync::Mutex;
use time::OffsetDateTime;
use uuid::Uuid;

/// One key's use since the last flush.
#[derive(Clone, Debug, Default)]
struct Pending {
    per_day: HashMap<String, i64>,
    last_at: Option<OffsetDateTime>,
    last_ip: Option<String>,
}

#[derive(Default)]
pub(crate) struct UsageBuffer {
    pending: Mutex<HashMap<Uuid, Pending>>,
}

/// The UTC day a request counts towards.
pub(crate) fn day(at: OffsetDateTime) -> String {
    let date = at.to_offset(time::UtcOffset::UTC).date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl UsageBuffer {
    pub(crate) fn note(&self, key: Uuid, at: OffsetDateTime, ip: Option<&str>) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let entry = pending.entry(key).or_default();
        *entry.per_day.entry(day(at)).or_default() += 1;
        entry.last_at = Some(at);
        if let Some(ip) = ip {
            entry.last_ip = Some(ip.to_string());
        }
    }

    fn take(&self) -> HashMap<Uuid, Pending> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Puts back counts a failed flush could not write, so they go out with the next one.
    fn put_back(&self, key: Uuid, counts: Pending) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let entry = pending.entry(key).or_default();
        for (day, n) in counts.per_day {
            *entry.per_day.entry(day).or_default() += n;
        }
        if entry.last_at < counts.last_at {
            entry.last_at = counts.last_at;
            entry.last_ip = counts.last_ip.or(entry.last_ip.take());
        }
    }

    /// Adds what was counted to the database; returns how many keys were written.
    pub(crate) async fn flush(&self, conn: &impl ConnectionTrait) -> Result<usize> {
        let taken = self.take();
        let mut written = 0;
        let mut failure = None;
        for (key, counts) in taken {
            if failure.is_some() {
                self.put_back(key, counts);
                continue;
            }
            match write(conn, key, &counts).await {
                Ok(()) => written += 1,
                Err(err) => {
                    self.put_back(key, counts);
                    failure = Some(err);
                }
            }
        }
        match failure {
            Some(err) => Err(err.into()),
            None => Ok(written),
        }
    }
}

async fn write(
    conn: &impl ConnectionTrait,
    key: Uuid,
    counts: &Pending,
) -> Result<(), sea_orm::DbErr> {
    for (day, n) in &counts.per_day {
        let insert = api_key_usage::Entity::insert(api_key_usage::ActiveModel {
            key_id: Set(key),
            day: Set(day.clone()),
            requests: Set(*n),
        })
        .on_conflict(
            OnConflict::columns([api_key_usage::Column::KeyId, api_key_usage::Column::Day])
                .value(
                    api_key_usage::Column::Requests,
                    Expr::col((api_key_usage::Entity, api_key_usage::Column::Requests)).add(*n),
                )
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await;
        // A key deleted since (its owner was) has nowhere to count: that is not a failure.
        if let Err(err) = insert
            && !matches!(
                err.sql_err(),
                Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
            )
        {
            return Err(err);
        }
    }
    if let Some(at) = counts.last_at {
        api_keys::Entity::update_many()
            .col_expr(api_keys::Column::LastUsedAt, Expr::value(at))
            .col_expr(
                api_keys::Column::LastUsedIp,
                Expr::value(counts.last_ip.clone()),
            )
            .filter(api_keys::Column::Id.eq(key))
            .filter(
                Condition::any()
                    .add(api_keys::Column::LastUsedAt.is_null())
                    .add(api_keys::Column::LastUsedAt.lt(at)),
            )
            .exec(conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_per_key_and_day() {
        let buffer = UsageBuffer::default();
        let key = Uuid::new_v4();
        let noon = time::Date::from_calendar_date(2026, time::Month::December, 4)
            .unwrap()
            .with_hms(12, 0, 0)
            .unwrap()
            .assume_utc();
        buffer.note(key, noon, Some("192.0.2.1"));
        buffer.note(key, noon, Some("192.0.2.2"));
        buffer.note(key, noon + time::Duration::days(1), None);
        let taken = buffer.take();
        let counts = &taken[&key];
        assert_eq!(counts.per_day["2026-12-04"], 2);
        assert_eq!(counts.per_day["2026-12-05"], 1);
        assert_eq!(counts.last_ip.as_deref(), Some("192.0.2.2"));
        assert!(buffer.take().is_empty());
    }
}
